"""Dossier services: workflow transitions with their log, messages, audit, contract document, constraints."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from esmsnum.audit.models import AuditEntry
from esmsnum.domain.workflow import Action
from esmsnum.dossiers import services
from esmsnum.dossiers.models import (
    Document,
    DossierEstablishment,
    GrappeMember,
    Message,
    MessageKind,
    Status,
    TransitionLog,
)
from esmsnum.dossiers.services import DossierError, TransitionRefused
from esmsnum.instruction.models import CommitteeDecision, CommitteeSession, NotificationLetter

from .factories import EstablishmentFactory, add_establishment, category, dossier_for, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _decision(world, dossier):
    import datetime

    session = CommitteeSession.objects.create(
        region=world.reunion,
        campaign=dossier.campaign,
        window_code="regional_1",
        date=datetime.date(2024, 6, 20),
        envelope_eur=Decimal("1000000"),
    )
    return CommitteeDecision.objects.create(session=session, dossier=dossier, group="B")


def test_instruction_path_is_logged(world):
    dossier = dossier_for(world, status=Status.FILED)
    instructor, porteur = world.users.instructor, world.users.porteur
    services.transition(dossier, Action.START_INSTRUCTION, instructor)
    services.transition(dossier, Action.REQUEST_INFO, instructor, "Merci de joindre le devis matériel.")
    assert dossier.status == Status.MORE_INFO_REQUESTED
    services.transition(dossier, Action.SUBMIT_COMPLEMENTS, porteur, "Devis joint.")
    services.transition(dossier, Action.SEND_TO_COMMITTEE, instructor)
    # deciding needs the committee's decision, notifying needs the letter (esmsnum.instruction.services)
    with pytest.raises(TransitionRefused, match="décision du comité"):
        services.transition(dossier, Action.DECIDE, world.users.admin)
    decision = _decision(world, dossier)
    services.transition(dossier, Action.DECIDE, world.users.admin)
    with pytest.raises(TransitionRefused, match="courrier de décision"):
        services.transition(dossier, Action.NOTIFY, instructor)
    NotificationLetter.objects.create(dossier=dossier, decision=decision, file="courriers/x.pdf", sha256="0" * 64)
    services.transition(dossier, Action.NOTIFY, instructor)
    assert dossier.status == Status.NOTIFIED
    log = list(TransitionLog.objects.filter(dossier=dossier).values_list("from_status", "to_status", "by__username"))
    assert log == [
        ("filed", "under_instruction", "instructeur"),
        ("under_instruction", "more_info_requested", "instructeur"),
        ("more_info_requested", "under_instruction", "porteur"),
        ("under_instruction", "in_committee", "instructeur"),
        ("in_committee", "decided", "admin"),
        ("decided", "notified", "instructeur"),
    ]
    thread = list(dossier.messages.values_list("kind", "body"))
    assert thread == [
        (MessageKind.REQUEST, "Merci de joindre le devis matériel."),
        (MessageKind.REPLY, "Devis joint."),
    ]


@pytest.mark.parametrize(
    ("status", "action", "user", "reason"),
    [
        (Status.FILED, Action.DECIDE, "instructor", "impossible : le dossier est à l'état « Déposé »"),
        (Status.FILED, Action.START_INSTRUCTION, "porteur", "Votre rôle ne permet pas"),
        (Status.FILED, Action.START_INSTRUCTION, "national", "Votre rôle ne permet pas"),
        (Status.FILED, Action.START_INSTRUCTION, "instructor_other", "autre région"),
        (Status.MORE_INFO_REQUESTED, Action.SUBMIT_COMPLEMENTS, "member", "Seul l'organisme porteur"),
        (Status.UNDER_INSTRUCTION, Action.REQUEST_INFO, "instructor", "commentaire est obligatoire"),
        (Status.NOTIFIED, Action.NOTIFY, "admin", "impossible"),
        (Status.DRAFT, Action.FILE, "member", "Seul l'organisme porteur"),
    ],
)
def test_invalid_transitions_are_refused_and_leave_no_trace(world, status, action, user, reason):
    dossier = dossier_for(world, status=status)
    with pytest.raises(TransitionRefused, match=reason):
        services.transition(dossier, action, getattr(world.users, user))
    dossier.refresh_from_db()
    assert dossier.status == status
    assert not TransitionLog.objects.filter(dossier=dossier).exists()
    assert not Message.objects.filter(dossier=dossier).exists()


def test_available_actions(world):
    dossier = dossier_for(world, status=Status.UNDER_INSTRUCTION)
    assert [t.action for t in services.available_actions(dossier, world.users.instructor)] == [
        Action.REQUEST_INFO,
        Action.SEND_TO_COMMITTEE,
    ]
    assert services.available_actions(dossier, world.users.instructor_other) == []
    assert services.available_actions(dossier, world.users.porteur) == []
    assert services.available_actions(dossier, world.users.national) == []


def test_record_audit_is_generic(world):
    dossier = dossier_for(world, status=Status.FILED)
    entry = services.record_audit(
        dossier, "total_amount_eur", Decimal("10.00"), Decimal("12.50"), by=world.users.instructor, dossier=dossier
    )
    assert entry.subject == dossier
    assert (entry.old_value, entry.new_value) == ("10.00", "12.50")


def test_porteur_amount_changes_are_audited_after_filing(world):
    dossier = dossier_for(world, status=Status.MORE_INFO_REQUESTED)
    entry = dossier.establishments.first()
    services.update_establishment(entry, by=world.users.porteur, changes={"hardware_quote_eur": Decimal("8000")})
    services.update_dossier(dossier, by=world.users.porteur, changes={"amoa_quote_eur": Decimal("90000")})
    fields = set(AuditEntry.objects.filter(dossier=dossier).values_list("field", flat=True))
    assert {"hardware_quote_eur", "amoa_quote_eur"} <= fields


def test_draft_edits_are_not_audited(world):
    dossier = dossier_for(world)
    services.update_dossier(dossier, by=world.users.porteur, changes={"amoa_quote_eur": Decimal("90000")})
    assert not AuditEntry.objects.filter(field="amoa_quote_eur").exists()


def test_edits_are_refused_once_filed(world):
    dossier = dossier_for(world, status=Status.UNDER_INSTRUCTION)
    with pytest.raises(DossierError, match="plus modifiable"):
        services.update_dossier(dossier, by=world.users.porteur, changes={"title": "Autre"})
    with pytest.raises(DossierError, match="plus modifiable"):
        services.add_establishment(dossier, by=world.users.porteur, establishment=EstablishmentFactory())


def test_update_dossier_refuses_protected_fields(world):
    dossier = dossier_for(world)
    with pytest.raises(DossierError, match="non modifiables"):
        services.update_dossier(dossier, by=world.users.porteur, changes={"status": Status.NOTIFIED})


def test_grappe_composition(world):
    dossier = dossier_for(world)
    stranger_et = EstablishmentFactory(organisation=world.other_org)
    services.add_establishment(dossier, by=world.users.porteur, establishment=stranger_et)
    assert GrappeMember.objects.filter(dossier=dossier, organisation=world.other_org).exists()
    with pytest.raises(DossierError, match="fait déjà partie"):
        services.add_establishment(dossier, by=world.users.porteur, establishment=stranger_et)
    closed = EstablishmentFactory(is_open=False)
    with pytest.raises(DossierError, match="fermé"):
        services.add_establishment(dossier, by=world.users.porteur, establishment=closed)
    member = GrappeMember.objects.get(dossier=dossier, organisation=world.other_org)
    assert services.remove_member(member, by=world.users.porteur) == 1
    porteur_member = GrappeMember.objects.get(dossier=dossier, organisation=world.porteur_org)
    with pytest.raises(DossierError, match="porteur ne peut pas être retiré"):
        services.remove_member(porteur_member, by=world.users.porteur)


def test_post_message(world):
    dossier = dossier_for(world, status=Status.UNDER_INSTRUCTION)
    assert services.post_message(dossier, by=world.users.porteur, body=" Bonjour ").kind == MessageKind.REPLY
    assert services.post_message(dossier, by=world.users.instructor, body="Reçu").kind == MessageKind.NOTE
    with pytest.raises(DossierError):
        services.post_message(dossier, by=world.users.national, body="Hors rôle")
    with pytest.raises(DossierError, match="vide"):
        services.post_message(dossier, by=world.users.porteur, body="  ")


def test_dossier_to_contract(world):
    dossier = dossier_for(world)
    dossier.project_type = "acquisition"
    dossier.solution_name = "Logiciel X"
    dossier.solution_segur_referenced = True
    dossier.solution_segur_corridor = "medico-social"
    dossier.services_socles = ["mssante", "dmp"]
    dossier.request_amoa_pilot = True
    dossier.amoa_quote_eur = Decimal("90000.00")
    dossier.save()
    saad = EstablishmentFactory(organisation=world.porteur_org, category=category("460"))
    add_establishment(
        dossier, saad, situation="acquisition", hosting="saas", hardware_quote_eur=Decimal("9000.50"),
        saad_hours_total=Decimal("10000"), saad_hours_medico_social=Decimal("6000"),
        prior_funding=[{"campaign": "amorcage-2021-t2", "solution": "Logiciel X", "operation": "acquisition"}],
    )  # fmt: skip
    document = services.dossier_to_contract(dossier)
    assert document["campaign"] == "generalisation-2024"
    assert document["region"] == "04"
    assert "submitted_at" not in document
    assert document["porteur_finess_ej"] == world.porteur_org.finess_ej
    assert [o["finess_ej"] for o in document["organisations"]] == [
        world.porteur_org.finess_ej,
        world.member_org.finess_ej,
    ]
    assert document["organisations"][0]["essms_managed"] == 2  # counted in the referential when not declared
    assert document["solution"]["segur_corridor"] == "medico-social"
    assert document["requests"] == {"equipment": False, "amoa_market": False, "amoa_pilot": True}
    assert document["amoa_quote_eur"] == 90000
    assert len(document["establishments"]) == 3
    ehpad, _, saad_item = document["establishments"]
    assert ehpad["category"] == "500"
    assert ehpad["public"] == "PA"
    assert ehpad["assurance_maladie_funded"] is True
    assert "saad_hours" not in ehpad
    assert saad_item["public"] == "DOM"
    assert saad_item["assurance_maladie_funded"] is False
    assert saad_item["hardware_quote_eur"] == 9000.5
    assert saad_item["saad_hours"] == {"total": 10000, "medico_social": 6000}
    assert saad_item["prior_funding"][0]["campaign"] == "amorcage-2021-t2"
    filed = services.dossier_to_contract(dossier, submitted_at=dossier.created_at)
    assert filed["submitted_at"] == dossier.created_at.isoformat()


def test_saad_without_declaration_is_sent_as_null(world):
    dossier = dossier_for(world)
    saad = EstablishmentFactory(organisation=world.porteur_org, category=category("460"))
    add_establishment(dossier, saad, situation="acquisition", hosting="saas")
    assert services.dossier_to_contract(dossier)["establishments"][-1]["saad_hours"] is None


class TestConstraints:
    def test_unique_establishment_and_member_per_dossier(self, world):
        dossier = dossier_for(world)
        entry = dossier.establishments.first()
        with transaction.atomic(), pytest.raises(IntegrityError):
            DossierEstablishment.objects.create(dossier=dossier, establishment=entry.establishment)
        with transaction.atomic(), pytest.raises(IntegrityError):
            GrappeMember.objects.create(dossier=dossier, organisation=world.porteur_org)

    @pytest.mark.parametrize(
        "fields",
        [
            {"hardware_quote_eur": Decimal("-1")},
            {"saad_hours_total": Decimal("-1")},
            {"saad_hours_total": Decimal("10"), "saad_hours_medico_social": Decimal("11")},
        ],
    )
    def test_establishment_checks(self, world, fields):
        dossier = dossier_for(world)
        with transaction.atomic(), pytest.raises(IntegrityError):
            add_establishment(dossier, **fields)

    def test_dossier_checks(self, world):
        dossier = dossier_for(world)
        for field, value in [("amoa_quote_eur", Decimal("-5")), ("total_amount_eur", Decimal("-0.01"))]:
            setattr(dossier, field, value)
            with transaction.atomic(), pytest.raises(IntegrityError):
                dossier.save()
            setattr(dossier, field, None)
        dossier.status = "archived"
        with transaction.atomic(), pytest.raises(IntegrityError):
            dossier.save()
        dossier.status = Status.FILED  # a filed dossier needs its filing time
        with transaction.atomic(), pytest.raises(IntegrityError):
            dossier.save()

    def test_document_checks(self, world):
        dossier = dossier_for(world)
        base = {"dossier": dossier, "piece_code": "note", "original_name": "n.pdf", "uploaded_by": world.users.porteur}
        with transaction.atomic(), pytest.raises(IntegrityError):
            Document.objects.create(**base, size=20 * 1024 * 1024 + 1, sha256="a" * 64, file="x")
        with transaction.atomic(), pytest.raises(IntegrityError):
            Document.objects.create(**base, size=10, sha256="not-a-digest", file="x")

    def test_transition_must_change_status(self, world):
        dossier = dossier_for(world)
        with transaction.atomic(), pytest.raises(IntegrityError):
            TransitionLog.objects.create(dossier=dossier, action="x", from_status="draft", to_status="draft")
