"""Life after the decision on the platform: convention, milestones, statement, payment and recovery orders, and
decisions on a withheld balance — each write through its service, against the domain schedule."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from esmsnum.funding import selectors, services
from esmsnum.funding.models import MilestoneKind, PaymentOrder, ReviewStatus, WithheldKind
from esmsnum.funding.services import FundingError

from .conftest import fund, measure, pdf

SIGNED = dt.date(2024, 11, 4)


def sign(dossier, users, on=SIGNED):
    services.generate_convention(dossier, by=users.instructor)
    return services.record_signed_convention(dossier, by=users.instructor, upload=pdf("signee.pdf"), signed_on=on)


def complete_2024(dossier, users, met=True, hardware="8000.50"):
    milestone = services.declare_milestone(
        dossier, by=users.porteur, kind=MilestoneKind.PROJECT, completed_on=dt.date(2025, 6, 30)
    )
    services.review(milestone, by=users.instructor, accept=True)
    measure(dossier, dt.date(2025, 7, 1), met, users.instructor)
    statement = services.submit_expense_statement(
        dossier,
        by=users.porteur,
        stated_on=dt.date(2025, 7, 15),
        certifier="Commissaire aux comptes",
        upload=pdf("etat.pdf"),
        lines={"hardware": D(hardware)},
    )
    services.review(statement, by=users.instructor, accept=True)


def test_schedule_input_is_built_from_the_decision(funded):
    document = selectors.schedule_input(funded)
    assert document["campaign"] == "generalisation-2024"
    assert document["at"] == "2025-09-01"  # the platform's clock, in La Réunion
    assert document["granted"]["by_region"] == [{"region": "04", "essms_count": 2}]
    assert {line["code"]: D(line["amount_eur"]) for line in document["granted"]["lines"]} == {
        "usage": D("14000"),
        "software": D("28000"),
        "hardware": D("10000"),
    }
    assert document["any_acquisition"] is True
    assert document["events"] == []
    schedule = selectors.project_schedule(funded)
    assert [t.status for t in schedule.tranches] == ["pending", "pending"]


def test_a_committee_granting_less_takes_it_from_flat_lines_first(world):
    dossier = fund(world, decisions={"04": D("50000")})
    assert selectors.granted_lines(dossier) == {"usage": D("14000"), "software": D("26000"), "hardware": D("10000")}


def test_convention_generated_then_signed_starts_the_project(funded, users):
    html = __import__("esmsnum.funding.convention", fromlist=["x"]).render_convention_html(funded)
    for text in (
        "Convention de financement",
        "52",
        "Avance à la signature",
        "plafonné à la dépense réelle",
        "Taux de dossiers actifs",
        "18 mois après la signature",
        "002 §4.5.2",
        "002 §4.4.1",
    ):
        assert text in html
    convention = services.generate_convention(funded, by=users.instructor)
    with convention.generated_file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    with pytest.raises(FundingError, match="ARS qui instruit"):
        services.record_signed_convention(funded, by=users.porteur, upload=pdf(), signed_on=SIGNED)
    with pytest.raises(FundingError, match="futur"):
        services.record_signed_convention(funded, by=users.instructor, upload=pdf(), signed_on=dt.date(2026, 1, 1))
    convention = services.record_signed_convention(funded, by=users.instructor, upload=pdf(), signed_on=SIGNED)
    assert convention.signed_on == SIGNED
    assert not convention.late
    schedule = selectors.project_schedule(funded)
    assert schedule.tranche("advance").status == "payable"
    assert schedule.expected_end == dt.date(2026, 5, 4)
    with pytest.raises(FundingError, match="ne peut plus être régénérée"):
        services.generate_convention(funded, by=users.instructor)
    assert funded.messages.filter(body__contains="Convention de financement signée").exists()


def test_the_2021_t2_convention_signed_more_than_a_month_after_notification_is_flagged(world):
    users = world.users
    on_time = fund(world, campaign="amorcage-2021-t2", lines={"acquisition": D("60000")})
    late = fund(world, campaign="amorcage-2021-t2", lines={"acquisition": D("60000")})
    assert not sign(on_time, users, dt.date(2024, 11, 15)).late  # notified 15/10/2024: within the month
    assert sign(late, users, dt.date(2024, 11, 16)).late


def test_the_2021_t1_grappe_convention_comes_before_the_signature(world):
    users = world.users
    dossier = fund(world, campaign="amorcage-2021-t1", lines={"acquisition": D("50000")})
    services.generate_convention(dossier, by=users.instructor)
    with pytest.raises(FundingError, match="convention de grappe"):
        services.record_signed_convention(dossier, by=users.instructor, upload=pdf(), signed_on=SIGNED)
    services.upload_grappe_convention(dossier, by=users.porteur, upload=pdf("grappe.pdf"))
    assert services.record_signed_convention(dossier, by=users.instructor, upload=pdf(), signed_on=SIGNED).signed_on


def test_payment_orders_numbered_per_ars_and_year_never_twice(world):
    users = world.users
    first, second = fund(world), fund(world)
    sign(first, users)
    sign(second, users)
    order = services.issue_payment_order(first, by=users.instructor, tranche="advance", region="04")
    assert (order.number, order.amount_eur, order.issued_on) == ("OP-2025-04-0001", D("26000.00"), dt.date(2025, 9, 1))
    with pytest.raises(FundingError, match="déjà fait l'objet"):
        services.issue_payment_order(first, by=users.instructor, tranche="advance", region="04")
    assert services.issue_payment_order(second, by=users.instructor, tranche="advance", region="04").number == (
        "OP-2025-04-0002"
    )
    assert selectors.project_schedule(first).tranche("advance").status == "paid"
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second order of a share
        PaymentOrder.objects.create(
            dossier=first,
            tranche="advance",
            region_id="04",
            year=2025,
            sequence=99,
            number="OP-2025-04-0099",
            amount_eur=1,
            issued_on=dt.date(2025, 9, 1),
            issued_by=users.instructor,
        )


def test_no_order_for_a_pending_tranche_nor_by_another_ars(funded, users):
    with pytest.raises(FundingError, match="signature de la convention"):
        services.issue_payment_order(funded, by=users.instructor, tranche="advance", region="04")
    sign(funded, users)
    with pytest.raises(FundingError, match="Chaque ARS"):
        services.issue_payment_order(funded, by=users.instructor_other, tranche="advance", region="04")
    with pytest.raises(FundingError, match="ne finance pas"):
        services.issue_payment_order(funded, by=users.instructor_other, tranche="advance", region="32")


def test_multi_region_each_ars_orders_its_share(world):
    users = world.users
    dossier = fund(
        world,
        lines={"usage": D("7000"), "software": D("14000")},
        by_region={"04": 1, "32": 1},
        decisions={"04": D("10500"), "32": D("10500")},
    )
    sign(dossier, users)
    from esmsnum.funding.convention import render_convention_html

    html = render_convention_html(dossier)
    assert "chaque ARS finance la part des ESSMS de sa région" in html
    assert "ARS Hauts-de-France : 5\u202f250,00" in html
    mine = services.issue_payment_order(dossier, by=users.instructor, tranche="advance", region="04")
    assert selectors.project_schedule(dossier).tranche("advance").status == "payable"
    theirs = services.issue_payment_order(dossier, by=users.instructor_other, tranche="advance", region="32")
    assert (mine.number, theirs.number) == ("OP-2025-04-0001", "OP-2025-32-0001")
    assert mine.amount_eur + theirs.amount_eur == D("10500.00")
    assert selectors.project_schedule(dossier).tranche("advance").status == "paid"


def test_balance_payable_after_completion_usage_and_certified_statement(funded, users):
    sign(funded, users)
    services.issue_payment_order(funded, by=users.instructor, tranche="advance", region="04")
    complete_2024(funded, users)
    schedule = selectors.project_schedule(funded)
    assert schedule.final_grant_eur == D("50000.50")  # hardware 8 000,50 of 10 000 (002 §4.4.1)
    balance = schedule.tranche("balance")
    assert (balance.status, balance.amount_eur) == ("payable", D("24000.50"))
    order = services.issue_payment_order(funded, by=users.instructor, tranche="balance", region="04")
    assert order.amount_eur == D("24000.50")


def test_a_statement_asked_again_does_not_count(funded, users):
    sign(funded, users)
    statement = services.submit_expense_statement(
        funded,
        by=users.porteur,
        stated_on=dt.date(2025, 7, 15),
        certifier="Comptable public",
        upload=pdf(),
        lines={"hardware": D("100")},
    )
    with pytest.raises(FundingError, match="reprendre"):
        services.review(statement, by=users.instructor, accept=False)
    services.review(statement, by=users.instructor, accept=False, comment="Le visa du comptable manque.")
    statement.refresh_from_db()
    assert statement.status == ReviewStatus.REJECTED
    assert selectors.project_schedule(funded).final_grant_eur == D("52000.00")
    with pytest.raises(FundingError, match="lignes plafonnées"):
        services.submit_expense_statement(
            funded, by=users.porteur, stated_on=dt.date(2025, 7, 16), certifier="x", upload=pdf(), lines={}
        )


def test_recovery_when_more_was_paid_than_is_due(world):
    users = world.users
    dossier = fund(world, lines={"usage": D("7000"), "hardware": D("20000")})
    sign(dossier, users)
    services.issue_payment_order(dossier, by=users.instructor, tranche="advance", region="04")  # 13 500
    complete_2024(dossier, users, hardware="1000")
    schedule = selectors.project_schedule(dossier)
    assert (schedule.final_grant_eur, schedule.recovery_eur) == (D("8000.00"), D("5500.00"))
    with pytest.raises(FundingError, match="motif"):
        services.issue_recovery_orders(dossier, by=users.instructor, reason="")
    [order] = services.issue_recovery_orders(dossier, by=users.instructor, reason="Dépense réelle inférieure")
    assert (order.number, order.amount_eur) == ("TR-2025-04-0001", D("5500.00"))
    with pytest.raises(FundingError, match="déjà émis"):
        services.issue_recovery_orders(dossier, by=users.instructor, reason="encore")


def test_withheld_balance_extend_release_pro_rata_or_close(funded, users):
    sign(funded, users)
    complete_2024(funded, users, met=False)
    assert selectors.project_schedule(funded).tranche("balance").status == "withheld"
    with pytest.raises(FundingError, match="retenu"):
        services.issue_payment_order(funded, by=users.instructor, tranche="balance", region="04")
    with pytest.raises(FundingError, match="nouvelle échéance"):
        services.decide_withheld(funded, by=users.instructor, kind=WithheldKind.EXTEND, reason="Retard éditeur")
    extended = services.decide_withheld(
        funded, by=users.instructor, kind=WithheldKind.EXTEND, reason="Retard éditeur", new_deadline=dt.date(2026, 3, 1)
    )
    assert extended.new_deadline == dt.date(2026, 3, 1)
    # one of the two ESSMS now meets its targets: release half of the balance
    first = funded.establishments.order_by("id").first()
    measure_one = __import__("esmsnum.usage.models", fromlist=["Measurement"]).Measurement
    measure(funded, dt.date(2025, 8, 1), False, users.instructor)
    measure_one.objects.filter(
        dossier=funded, measured_at=dt.date(2025, 8, 1), establishment_id=first.establishment_id
    ).update(targets_met=True)
    release = services.decide_withheld(
        funded, by=users.instructor, kind=WithheldKind.RELEASE, reason="Un ESSMS sur deux"
    )
    assert (release.essms_meeting, release.essms_total, release.released_eur) == (1, 2, D("12000.25"))
    order = services.issue_payment_order(funded, by=users.instructor, tranche="balance", region="04")
    assert (order.amount_eur, order.released) == (D("12000.25"), True)
    assert funded.audit.filter(field="kind").count() == 2


def test_2021_milestones_need_their_invoice(world):
    users = world.users
    dossier = fund(world, campaign="amorcage-2021-t2", lines={"acquisition": D("60000")})
    with pytest.raises(FundingError, match="pas encore signée"):
        services.declare_milestone(
            dossier, by=users.porteur, kind=MilestoneKind.CONFIGURATION, completed_on=dt.date(2025, 3, 1), invoice=pdf()
        )
    sign(dossier, users)
    with pytest.raises(FundingError, match="facture"):
        services.declare_milestone(
            dossier, by=users.porteur, kind=MilestoneKind.CONFIGURATION, completed_on=dt.date(2025, 3, 1)
        )
    with pytest.raises(FundingError, match="porteur"):
        services.declare_milestone(
            dossier,
            by=users.instructor_other,
            kind=MilestoneKind.CONFIGURATION,
            completed_on=dt.date(2025, 3, 1),
            invoice=pdf(),
        )
    milestone = services.declare_milestone(
        dossier,
        by=users.porteur,
        kind=MilestoneKind.CONFIGURATION,
        completed_on=dt.date(2025, 3, 1),
        invoice=pdf("facture.pdf"),
    )
    assert selectors.project_schedule(dossier).tranche("configuration").status == "pending"  # not yet accepted
    services.review(milestone, by=users.instructor, accept=True)
    assert selectors.project_schedule(dossier).tranche("configuration").status == "payable"
    with pytest.raises(FundingError, match="déjà été vérifié"):
        services.review(milestone, by=users.instructor, accept=False, comment="x")


def test_2021_usage_without_commitments_is_never_met(world):
    users = world.users
    dossier = fund(world, campaign="amorcage-2021-t2", lines={"acquisition": D("60000")})
    sign(dossier, users)
    milestone = services.declare_milestone(
        dossier, by=users.porteur, kind=MilestoneKind.PROJECT, completed_on=dt.date(2025, 6, 1), invoice=pdf()
    )
    services.review(milestone, by=users.instructor, accept=True)
    measure(dossier, dt.date(2025, 7, 1), True, users.instructor)
    assert selectors.project_schedule(dossier).tranche("deployment_end").status == "withheld"


def test_nothing_before_notification(world):
    from esmsnum.dossiers.models import Status

    dossier = fund(world, status=Status.DECIDED)
    with pytest.raises(FundingError, match="notifié"):
        services.generate_convention(dossier, by=world.users.instructor)


def test_abandoned_after_the_advance_recovers_paid_minus_certified_expenses(funded, users):
    sign(funded, users)
    services.issue_payment_order(funded, by=users.instructor, tranche="advance", region="04")  # 26 000
    statement = services.submit_expense_statement(
        funded,
        by=users.porteur,
        stated_on=dt.date(2025, 8, 1),
        certifier="Comptable public",
        upload=pdf(),
        lines={"hardware": D("4000"), "software": D("6000.40")},
    )
    services.review(statement, by=users.instructor, accept=True)
    with pytest.raises(FundingError, match="Rien à recouvrer"):
        services.issue_recovery_orders(funded, by=users.instructor, reason="Projet abandonné")
    [order] = services.issue_recovery_orders(funded, by=users.instructor, reason="Projet abandonné", abandoned=True)
    assert order.amount_eur == D("15999.60")


def test_milestone_dates_and_statement_amounts_are_checked(funded, users):
    sign(funded, users)
    with pytest.raises(FundingError, match="précède la signature"):
        services.declare_milestone(
            funded, by=users.porteur, kind=MilestoneKind.PROJECT, completed_on=dt.date(2024, 11, 1)
        )
    with pytest.raises(FundingError, match="futur"):
        services.declare_milestone(
            funded, by=users.porteur, kind=MilestoneKind.PROJECT, completed_on=dt.date(2025, 9, 2)
        )
    with pytest.raises(FundingError, match="paramétrage ne conditionne"):
        services.declare_milestone(
            funded, by=users.porteur, kind=MilestoneKind.CONFIGURATION, completed_on=dt.date(2025, 3, 1)
        )
    with pytest.raises(FundingError, match="2 décimales"):
        services.submit_expense_statement(
            funded,
            by=users.porteur,
            stated_on=dt.date(2025, 7, 1),
            certifier="CAC",
            upload=pdf(),
            lines={"hardware": D("-1")},
        )
    with pytest.raises(FundingError, match="non accordées"):
        services.submit_expense_statement(
            funded,
            by=users.porteur,
            stated_on=dt.date(2025, 7, 1),
            certifier="CAC",
            upload=pdf(),
            lines={"hardware": D("1"), "amoa_pilot": D("1")},
        )
    milestone = services.declare_milestone(
        funded, by=users.porteur, kind=MilestoneKind.PROJECT, completed_on=dt.date(2025, 6, 30), proof=pdf("pv.pdf")
    )
    assert milestone.proof_file


def test_a_multi_region_dossier_is_funded_once_every_ars_decided_its_share(world):
    dossier = fund(world, by_region={"04": 1, "32": 1}, decisions={"04": D("26000")})
    with pytest.raises(FundingError, match="manque la décision de l'ARS 32"):
        services.generate_convention(dossier, by=world.users.instructor)
