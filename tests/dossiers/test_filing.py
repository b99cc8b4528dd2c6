"""Filing, deadlines, pieces and the engine's evaluation (need the campaigns and the engine of the domain core)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esmsnum.domain.workflow import Action
from esmsnum.dossiers import services
from esmsnum.dossiers.models import Document, Status, TransitionLog
from esmsnum.dossiers.services import DossierError, TransitionRefused

from .factories import CAMPAIGN, EstablishmentFactory, category, dossier_for, make_world
from .test_uploads import PDF_BYTES

pytestmark = pytest.mark.django_db
OPEN = "2024-05-20T10:00:00+04:00"
AFTER_REGIONAL_DEADLINE = "2024-09-16T00:00:01+04:00"


@pytest.fixture
def world(settings):
    settings.ESMSNUM_CLOCK = OPEN
    return make_world()


def complete(dossier, by):
    services.update_dossier(
        dossier,
        by=by,
        changes={
            "project_type": "acquisition",
            "solution_name": "Logiciel X",
            "solution_segur_referenced": True,
            "solution_segur_corridor": "medico-social",
            "services_socles": ["mssante", "dmp"],
        },
    )
    for piece in services.required_documents(dossier):
        if piece.mandatory:
            upload = SimpleUploadedFile(f"{piece.code}.pdf", PDF_BYTES, content_type="application/pdf")
            services.upload_document(dossier, by=by, piece_code=piece.code, uploaded_file=upload)
    return dossier


def test_campaign_lists_the_annex_2_pieces():
    campaign = services.get_campaign(CAMPAIGN)
    labels = " ".join(d.label.lower() for d in campaign.required_documents)
    for expected in ["note de présentation", "gouvernance", "lettre d'engagement", "plan de financement"]:
        assert expected in labels


def test_create_dossier_for_an_open_campaign(world, settings):
    dossier = services.create_dossier(by=world.users.porteur, campaign_id=CAMPAIGN, title="Projet DUI Nord")
    assert dossier.status == Status.DRAFT
    assert dossier.region_id == "04"
    assert dossier.members.get().organisation == world.porteur_org
    settings.ESMSNUM_CLOCK = AFTER_REGIONAL_DEADLINE
    with pytest.raises(DossierError, match="n'est pas ouverte"):
        services.create_dossier(by=world.users.porteur, campaign_id=CAMPAIGN, title="Trop tard")
    with pytest.raises(DossierError, match="Campagne inconnue"):
        services.create_dossier(by=world.users.porteur, campaign_id="nope", title="X")


def test_file_a_complete_dossier(world):
    dossier = complete(dossier_for(world), world.users.porteur)
    assert services.filing_problems(dossier) == []
    services.file_dossier(dossier, by=world.users.porteur)
    assert dossier.status == Status.FILED
    assert dossier.filed_at == datetime.datetime.fromisoformat(OPEN)
    assert dossier.window == "regional_1"
    assert TransitionLog.objects.get(dossier=dossier).to_status == Status.FILED
    with pytest.raises(DossierError, match="plus modifiable"):
        services.update_dossier(dossier, by=world.users.porteur, changes={"title": "Autre"})


def test_filing_after_the_deadline_is_refused_with_the_reason(world, settings):
    dossier = complete(dossier_for(world), world.users.porteur)
    settings.ESMSNUM_CLOCK = AFTER_REGIONAL_DEADLINE
    with pytest.raises(TransitionRefused, match=r"date limite de dépôt était le 15/09/2024 à minuit \(heure de La"):
        services.file_dossier(dossier, by=world.users.porteur)
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT
    assert not TransitionLog.objects.filter(dossier=dossier).exists()


def test_deadline_is_read_in_the_region_time_zone(world, settings):
    # 16/09/2024 00:30 in La Réunion = 15/09 22:30 in Paris, 20:30 UTC: closed there, though still open in Paris.
    late = complete(dossier_for(world), world.users.porteur)
    with pytest.raises(TransitionRefused, match="date limite de dépôt"):
        services.file_dossier(
            late, by=world.users.porteur, at=datetime.datetime.fromisoformat("2024-09-15T20:30:00+00:00")
        )
    dossier = complete(dossier_for(world), world.users.porteur)
    # 15/09/2024 23:30 in La Réunion (UTC+4) = 21:30 in Paris: still open.
    services.file_dossier(
        dossier, by=world.users.porteur, at=datetime.datetime.fromisoformat("2024-09-15T19:30:00+00:00")
    )
    assert dossier.status == Status.FILED


def test_incomplete_dossier_cannot_be_filed(world):
    dossier = dossier_for(world)
    problems = services.filing_problems(dossier)
    assert "Indiquez le type de projet." in problems
    assert any(p.startswith("Pièce obligatoire manquante") for p in problems)
    with pytest.raises(TransitionRefused, match="ne peut pas être déposé"):
        services.file_dossier(dossier, by=world.users.porteur)


def test_upload_service_checks_content_and_piece(world):
    dossier = dossier_for(world)
    code = services.required_documents(dossier)[0].code
    with pytest.raises(DossierError, match="format accepté"):
        services.upload_document(
            dossier, by=world.users.porteur, piece_code=code,
            uploaded_file=SimpleUploadedFile("x.pdf", b"MZ not a pdf"),
        )  # fmt: skip
    with pytest.raises(DossierError, match="Pièce inconnue"):
        services.upload_document(
            dossier, by=world.users.porteur, piece_code="nope", uploaded_file=SimpleUploadedFile("x.pdf", PDF_BYTES)
        )
    document = services.upload_document(
        dossier, by=world.users.porteur, piece_code=code, uploaded_file=SimpleUploadedFile("Note.pdf", PDF_BYTES)
    )
    assert document.content_type == "application/pdf"
    assert document.original_name == "Note.pdf"
    assert document.file.name.startswith(f"dossiers/{dossier.pk}/")
    with document.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    services.delete_document(document, by=world.users.porteur)
    assert not Document.objects.filter(pk=document.pk).exists()


def test_request_info_reopens_for_editing(world):
    dossier = complete(dossier_for(world), world.users.porteur)
    services.file_dossier(dossier, by=world.users.porteur)
    services.transition(dossier, Action.START_INSTRUCTION, world.users.instructor)
    services.transition(dossier, Action.REQUEST_INFO, world.users.instructor, "Précisez l'hébergement.")
    services.update_dossier(dossier, by=world.users.porteur, changes={"description": "Précisions"})
    upload = SimpleUploadedFile("complement.pdf", io.BytesIO(PDF_BYTES).read())
    services.upload_document(
        dossier, by=world.users.porteur, piece_code=services.required_documents(dossier)[0].code, uploaded_file=upload
    )
    services.transition(dossier, Action.SUBMIT_COMPLEMENTS, world.users.porteur, "Voici les précisions.")
    assert dossier.status == Status.UNDER_INSTRUCTION


def test_evaluation_snapshot_is_stored_on_every_save_and_at_filing(world):
    dossier = services.create_dossier(by=world.users.porteur, campaign_id=CAMPAIGN, title="Projet DUI")
    assert dossier.evaluation is not None
    dossier = complete(dossier_for(world), world.users.porteur)
    assert dossier.verdict in {"eligible", "needs_review", "ineligible"}
    assert dossier.evaluation["findings"]
    services.file_dossier(dossier, by=world.users.porteur)
    assert dossier.evaluation["verdict"] == dossier.verdict
    assert dossier.total_amount_eur is None or dossier.total_amount_eur >= Decimal(0)


def test_conditional_pieces_become_mandatory_when_their_condition_applies(world):
    dossier = dossier_for(world)
    codes = {p.code for p in services.missing_mandatory_documents(dossier)}
    assert "hardware_plan" not in codes
    services.update_dossier(dossier, by=world.users.porteur, changes={"request_equipment": True})
    codes = {p.code for p in services.missing_mandatory_documents(dossier)}
    assert "hardware_plan" in codes
    saad = EstablishmentFactory(organisation=world.porteur_org, category=category("460"))
    services.add_establishment(dossier, by=world.users.porteur, establishment=saad)
    assert "saad_hours" in {p.code for p in services.missing_mandatory_documents(dossier)}


def test_open_campaigns_depend_on_the_region_and_the_clock(world, settings):
    assert [c.id for c in services.open_campaigns("04")] == [CAMPAIGN]
    assert services.open_campaigns("32") == []  # the 2024 call is La Réunion's
    settings.ESMSNUM_CLOCK = AFTER_REGIONAL_DEADLINE
    assert services.open_campaigns("04") == []
