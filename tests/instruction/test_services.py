"""The instruction journey through its services: weights, scores, information requests, committee, letters."""

import datetime
import hashlib
from decimal import Decimal

import pytest

from esmsnum.audit.models import AuditEntry
from esmsnum.domain import workflow
from esmsnum.dossiers import services as dossier_services
from esmsnum.dossiers.models import MessageKind, Status
from esmsnum.dossiers.permissions import can_edit_dossier
from esmsnum.instruction import permissions, selectors, services
from esmsnum.instruction.models import CommitteeDecision, CommitteeSession, ScoringWeight
from tests.dossiers.factories import EstablishmentFactory, OrganisationFactory, add_establishment

from .conftest import CAMPAIGN, make_dossier

D = Decimal
pytestmark = pytest.mark.django_db


def test_weights_default_then_regional(world):
    criteria = selectors.criteria_for(CAMPAIGN)
    assert len(criteria) == 3
    assert selectors.weights_for("04", CAMPAIGN) == {c.code: D(1) for c in criteria}
    code = criteria[0].code
    services.set_weights(by=world.users.instructor, region=world.reunion, campaign_id=CAMPAIGN, weights={code: D(3)})
    assert selectors.weights_for("04", CAMPAIGN)[code] == D(3)
    assert selectors.weights_for("32", CAMPAIGN)[code] == D(1)  # other region untouched
    assert AuditEntry.objects.filter(field=f"weight:{code}").count() == 1


@pytest.mark.parametrize("who", ["instructor_other", "national", "grades", "porteur"])
def test_weights_refused(world, who):
    code = selectors.criteria_for(CAMPAIGN)[0].code
    with pytest.raises(services.InstructionError):
        services.set_weights(
            by=getattr(world.users, who), region=world.reunion, campaign_id=CAMPAIGN, weights={code: 2}
        )
    assert not ScoringWeight.objects.exists()


def test_weights_out_of_scale(world):
    code = selectors.criteria_for(CAMPAIGN)[0].code
    with pytest.raises(services.InstructionError, match="poids"):
        services.set_weights(
            by=world.users.instructor, region=world.reunion, campaign_id=CAMPAIGN, weights={code: D(11)}
        )


def test_scores_and_audit(world, dossier):
    codes = [c.code for c in selectors.criteria_for(CAMPAIGN)]
    result = services.save_scores(
        dossier, by=world.users.instructor, marks={codes[0]: (5, "Grappe de 3 OG"), codes[1]: (0, "")}
    )
    # (5 + 0) / (5 × 3) = 33.33 — the third criterion is not marked yet
    assert result.value == D("33.33")
    assert not result.complete
    result = services.save_scores(dossier, by=world.users.instructor, marks={codes[2]: (5, "")})
    assert result.value == D("66.67")
    assert result.complete
    audit = list(dossier.audit.filter(field__startswith="score:").values_list("field", "new_value"))
    assert audit == [(f"score:{codes[0]}", 5), (f"score:{codes[1]}", 0), (f"score:{codes[2]}", 5)]
    # the region's weights change the score
    services.set_weights(
        by=world.users.instructor, region=world.reunion, campaign_id=CAMPAIGN, weights={codes[1]: D(0)}
    )
    assert selectors.score_of(dossier).value == D("100.00")


def test_scores_refused(world):
    filed = make_dossier(world, status=Status.FILED)
    code = selectors.criteria_for(CAMPAIGN)[0].code
    with pytest.raises(services.InstructionError, match="grille n'est plus modifiable"):
        services.save_scores(filed, by=world.users.instructor, marks={code: (3, "")})
    dossier = make_dossier(world)
    with pytest.raises(services.InstructionError, match="autre région"):
        services.save_scores(dossier, by=world.users.instructor_other, marks={code: (3, "")})
    with pytest.raises(services.InstructionError, match="entier de 0 à 5"):
        services.save_scores(dossier, by=world.users.instructor, marks={code: (6, "")})
    with pytest.raises(services.InstructionError, match="Critère inconnu"):
        services.save_scores(dossier, by=world.users.instructor, marks={"nope": (3, "")})


def test_request_information_reopens_the_dossier_for_the_porteur(world, dossier):
    assert not can_edit_dossier(world.users.porteur, dossier)
    services.request_information(dossier, by=world.users.instructor, body="Merci de joindre le devis AMOA.")
    dossier.refresh_from_db()
    assert dossier.status == Status.MORE_INFO_REQUESTED
    assert can_edit_dossier(world.users.porteur, dossier)
    message = dossier.messages.get()
    assert message.kind == MessageKind.REQUEST
    assert message.body == "Merci de joindre le devis AMOA."
    # the porteur answers: back under instruction, the answer is in the thread
    dossier_services.transition(
        dossier, workflow.Action.SUBMIT_COMPLEMENTS, world.users.porteur, "Devis joint en pièce 4."
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.UNDER_INSTRUCTION
    assert list(dossier.messages.values_list("kind", flat=True)) == [MessageKind.REQUEST, MessageKind.REPLY]
    assert not can_edit_dossier(world.users.porteur, dossier)


def test_request_information_needs_a_message_and_the_right_state(world, dossier):
    with pytest.raises(services.InstructionError, match="Précisez"):
        services.request_information(dossier, by=world.users.instructor, body="  ")
    filed = make_dossier(world, status=Status.FILED)
    with pytest.raises(services.InstructionError, match="pendant l'instruction"):
        services.request_information(filed, by=world.users.instructor, body="x")
    with pytest.raises(services.InstructionError):
        services.request_information(dossier, by=world.users.national, body="x")


def _to_committee(world, dossier):
    services.send_to_committee(dossier, by=world.users.instructor)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_COMMITTEE


def test_decide_within_envelope_then_amend(world, dossier, session):
    _to_committee(world, dossier)
    decision = services.decide(
        dossier,
        by=world.users.instructor,
        session=session,
        group="A",
        amount="40 000,00",
        recommendation="Prévoir un référent DUI par ESSMS.",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.DECIDED
    assert decision.amount_granted_eur == D("40000.00")
    assert not decision.override
    fields = list(dossier.audit.filter(object_id=str(decision.pk)).values_list("field", flat=True))
    assert fields == ["group", "amount_granted_eur", "recommendation"]
    # amended before notification: audited, no second decision
    services.decide(dossier, by=world.users.instructor, session=session, group="B", amount=0)
    decision.refresh_from_db()
    assert (decision.group, decision.amount_granted_eur) == ("B", D(0))
    assert CommitteeDecision.objects.count() == 1
    changes = dossier.audit.filter(object_id=str(decision.pk), comment="Modification de la décision du comité")
    assert set(changes.values_list("field", flat=True)) == {"group", "amount_granted_eur", "recommendation"}


def test_decision_rules(world, dossier, session):
    _to_committee(world, dossier)
    with pytest.raises(services.InstructionError, match="dépasse le financement calculé"):
        services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=D("50000"))
    with pytest.raises(services.InstructionError, match="supérieur à 0"):
        services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=D("0"))
    with pytest.raises(services.InstructionError, match="groupe"):
        services.decide(dossier, by=world.users.instructor, session=session, group="E", amount=D("0"))
    with pytest.raises(services.InstructionError):
        services.decide(dossier, by=world.users.national, session=session, group="B", amount=0)
    other = CommitteeSession.objects.create(
        region=world.hdf, campaign=CAMPAIGN, window_code="regional_1", date=session.date, envelope_eur=D(1)
    )
    with pytest.raises(services.InstructionError):
        services.decide(dossier, by=world.users.instructor, session=other, group="B", amount=0)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_COMMITTEE
    assert not CommitteeDecision.objects.exists()


def test_envelope_never_exceeded_without_a_logged_override(world, session):
    first, second = make_dossier(world, total="70000.00"), make_dossier(world, total="42000.00")
    for dossier in (first, second):
        _to_committee(world, dossier)
    services.decide(first, by=world.users.instructor, session=session, group="A", amount=D("70000"))
    with pytest.raises(services.InstructionError, match="dépasserait l'enveloppe régionale"):
        services.decide(second, by=world.users.instructor, session=session, group="A", amount=D("42000"))
    second.refresh_from_db()
    assert second.status == Status.IN_COMMITTEE
    decision = services.decide(
        second,
        by=world.users.instructor,
        session=session,
        group="A",
        amount=D("42000"),
        override_reason="Crédits complémentaires notifiés par la CNSA le 12/06/2024",
    )
    assert decision.override
    assert decision.override_by == world.users.instructor
    entry = second.audit.get(field="envelope_override")
    assert "autorisé par dérogation motivée" in entry.comment
    assert "Crédits complémentaires" in entry.comment
    _rows, summary = selectors.committee_table(session)
    assert summary.committed == D("112000.00")
    assert summary.exceeded


def test_other_sessions_count_on_the_same_envelope(world, session):
    later = CommitteeSession.objects.create(
        region=world.reunion,
        campaign=CAMPAIGN,
        window_code="regional_2",
        date=datetime.date(2024, 9, 20),
        envelope_eur=D("100000.00"),
    )
    first = make_dossier(world, total="70000.00")
    _to_committee(world, first)
    services.decide(first, by=world.users.instructor, session=session, group="A", amount=D("70000"))
    second = make_dossier(world, total="42000.00")
    second.window = "regional_2"
    second.save()
    _to_committee(world, second)
    rows, _summary = selectors.committee_table(later)
    assert [r.dossier for r in rows] == [second]
    assert rows[0].ranked.running_total == D("112000.00")
    assert not rows[0].ranked.within_envelope
    with pytest.raises(services.InstructionError, match="dépasserait"):
        services.decide(second, by=world.users.instructor, session=later, group="A", amount=D("42000"))
    services.decide(second, by=world.users.instructor, session=later, group="A", amount=D("30000"))


def test_committee_ranking_by_score(world, session):
    low, high, unscored = (make_dossier(world, total="10000.00") for _ in range(3))
    code = selectors.criteria_for(CAMPAIGN)[0].code
    services.save_scores(low, by=world.users.instructor, marks={code: (1, "")})
    services.save_scores(high, by=world.users.instructor, marks={code: (4, "")})
    for dossier in (low, high, unscored):
        _to_committee(world, dossier)
    rows, summary = selectors.committee_table(session)
    assert [r.dossier for r in rows] == [high, low, unscored]
    assert [r.ranked.running_total for r in rows] == [D(10000), D(20000), D(30000)]
    assert summary.pending == D(30000)


def test_notify_generates_the_letter_for_the_porteur(world, dossier, session):
    _to_committee(world, dossier)
    services.decide(
        dossier, by=world.users.instructor, session=session, group="A", amount=D("42000"), recommendation="Vigilance"
    )
    dossier.refresh_from_db()
    letter = services.notify(dossier, by=world.users.instructor)
    dossier.refresh_from_db()
    assert dossier.status == Status.NOTIFIED
    with letter.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == letter.sha256
    assert letter.sent_at is not None
    assert permissions.can_download_letter(world.users.porteur, letter)
    assert permissions.can_download_letter(world.users.member, letter)
    assert permissions.can_download_letter(world.users.instructor, letter)
    assert permissions.can_download_letter(world.users.national, letter)
    assert not permissions.can_download_letter(world.users.other, letter)
    assert not permissions.can_download_letter(world.users.instructor_other, letter)
    assert not permissions.can_download_letter(world.users.grades, letter)
    with pytest.raises(services.InstructionError):
        services.notify(dossier, by=world.users.instructor)


def test_letter_content(world, session):
    dossier = make_dossier(world, total="42000.01")
    _to_committee(world, dossier)
    decision = services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=D("42000.01"))
    data = services.letter_data(dossier, decision, date=datetime.date(2024, 7, 1))
    assert data.place == "Saint-Denis"
    assert [t.amount for t in data.tranches] == [D("21000.01"), D("21000.00")]
    assert sum(t.amount for t in data.tranches) == D("42000.01")
    assert "Atteinte des cibles d'usage" in data.tranches[1].condition
    assert [line.amount for line in data.lines] == [D("14000.00"), D("28000.00")]
    assert len(data.establishments) == 2


def test_porteur_cannot_download_before_notification(world, dossier, session):
    _to_committee(world, dossier)
    decision = services.decide(dossier, by=world.users.instructor, session=session, group="C", amount=0)
    from esmsnum.instruction.models import NotificationLetter

    letter = NotificationLetter(dossier=dossier, decision=decision, sha256="0" * 64)
    assert not permissions.can_download_letter(world.users.porteur, letter)
    assert permissions.can_download_letter(world.users.instructor, letter)


def test_referential_check(world, dossier):
    checks = selectors.referential_check(dossier)
    assert [c.status for c in checks] == ["pass", "pass"]
    closed = EstablishmentFactory(organisation=world.porteur_org, is_open=False, closed_on=datetime.date(2023, 1, 31))
    add_establishment(dossier, closed)
    outsider = EstablishmentFactory(organisation=OrganisationFactory(name="Hors grappe"))
    entry = add_establishment(dossier, outsider)
    dossier.members.filter(organisation=outsider.organisation).delete()
    et = world.porteur_org.establishments.first()
    et.public = "PH"
    et.save()
    checks = {c.declared.finess_et: c for c in selectors.referential_check(dossier)}
    assert checks[closed.finess_et].status == "fail"
    assert checks[entry.establishment.finess_et].status == "fail"
    assert "n'est pas un organisme de la grappe" in checks[outsider.finess_et].findings[2].message
    assert checks[et.finess_et].status == "warn"


def test_exports_rows(world, dossier, session):
    rows = selectors.export_rows(selectors.instruction_dossiers(world.users.instructor))
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == dossier.reference
    assert row[6] == "En instruction"
    assert row[11] == D("42000.00")
    assert row[15].tzinfo is not None
    assert len(row) == len(selectors.EXPORT_COLUMNS)


def test_multi_region_dossier_commits_the_regional_share(world, session):
    dossier = make_dossier(world, total="42000.00")
    dossier.evaluation = {
        **dossier.evaluation,
        "by_region": [
            {"region": "04", "essms_count": 1, "amount_eur": 21000.0},
            {"region": "32", "essms_count": 1, "amount_eur": 21000.0},
        ],
    }
    dossier.save()
    assert selectors.regional_share(dossier) == D("21000.00")
    _to_committee(world, dossier)
    rows, _summary = selectors.committee_table(session)
    assert rows[0].ranked.counted == D("21000.00")
    with pytest.raises(services.InstructionError, match="dépasse le financement calculé"):
        services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=D("42000"))
    services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=D("21000"))


def test_references_are_cited_once():
    assert services._references(["002.txt §4.5.1", "002.txt §4.5.1 ; §4.5.2"]) == "002.txt §4.5.1 ; 002.txt §4.5.2"


def test_one_envelope_per_campaign_and_region(world, session):
    with pytest.raises(services.InstructionError, match="enveloppe régionale de cette campagne"):
        services.create_session(
            by=world.users.instructor,
            region=world.reunion,
            campaign_id=CAMPAIGN,
            window_code="regional_2",
            date=datetime.date(2024, 9, 20),
            envelope=D("5"),
        )
    later = services.create_session(
        by=world.users.instructor,
        region=world.reunion,
        campaign_id=CAMPAIGN,
        window_code="regional_2",
        date=datetime.date(2024, 9, 20),
        envelope=session.envelope_eur,
    )
    services.update_envelope(later, by=world.users.instructor, envelope=D("150000"), reason="Rallonge CNSA")
    session.refresh_from_db()
    assert session.envelope_eur == later.envelope_eur == D("150000")
    assert AuditEntry.objects.filter(field="envelope_eur", comment="Rallonge CNSA").count() == 2
