"""Reads for the life after the decision: the schedule's input built from the database, the schedule itself (the
domain function, the same as ``esmsnum payments schedule``), orders for the exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from esmsnum.accounts.models import Role
from esmsnum.core import clock
from esmsnum.domain.campaigns import Campaign, UnknownCampaign, get_campaign
from esmsnum.domain.money import ZERO, cents
from esmsnum.domain.schedule import Schedule, schedule_from_json
from esmsnum.domain.schedule.rules import adjust_lines, commitments_met
from esmsnum.dossiers.models import Dossier, Status
from esmsnum.instruction.models import CommitteeDecision, DecisionGroup, NotificationLetter
from esmsnum.usage.models import Measurement

from .models import Convention, ExpenseStatement, Milestone, PaymentOrder, RecoveryOrder, ReviewStatus


class NotFunded(Exception):
    """The dossier has no notified decision A: nothing to convene or pay (message in French)."""


def today(dossier: Dossier, at: dt.datetime | None = None) -> dt.date:
    """The date of ``at`` (default: the platform's clock) in the time zone of the dossier's region."""
    return (at or clock.now()).astimezone(ZoneInfo(dossier.region.timezone)).date()


def campaign_of(dossier: Dossier) -> Campaign:
    try:
        return get_campaign(dossier.campaign)
    except UnknownCampaign as exc:
        raise NotFunded(str(exc)) from None


def funded_decisions(dossier: Dossier) -> list[CommitteeDecision]:
    """The latest decision of each deciding ARS, when the dossier is notified and they are all group A."""
    if dossier.status != Status.NOTIFIED:
        raise NotFunded("Le dossier n'a pas encore été notifié : pas de convention ni de versement.")
    latest: dict[str, CommitteeDecision] = {}
    for decision in dossier.decisions.select_related("session").order_by("decided_at", "id"):
        latest[decision.session.region_id] = decision
    if not latest or any(decision.group != DecisionGroup.A for decision in latest.values()):
        raise NotFunded("Le dossier n'a pas été retenu pour un financement (décision du groupe A).")
    counts = region_counts(dossier)
    if len(counts) > 1 and dossier.guichet != "national":
        undecided = sorted(set(counts) - set(latest))
        if undecided:
            raise NotFunded(
                "Projet multirégional : chaque ARS concernée décide sa part ; manque la décision de "
                + ", ".join(f"l'ARS {code}" for code in undecided)
                + " (campaign-rules.md, corrections v2)."
            )
    return list(latest.values())


def notified_on(dossier: Dossier) -> dt.date | None:
    letter = NotificationLetter.objects.filter(dossier=dossier, sent_at__isnull=False).order_by("sent_at").first()
    return today(dossier, letter.sent_at) if letter else None


def granted_total(dossier: Dossier) -> Decimal:
    return cents(sum((decision.amount_granted_eur for decision in funded_decisions(dossier)), ZERO))


def granted_lines(dossier: Dossier, campaign: Campaign | None = None) -> dict[str, Decimal]:
    """The granted lines: the engine's computed lines (non-zero) brought to the decided total (``adjust_lines``)."""
    campaign = campaign or campaign_of(dossier)
    lines = {
        line["code"]: Decimal(str(line.get("amount_eur", 0)))
        for line in ((dossier.evaluation or {}).get("funding") or {}).get("lines", [])
        if Decimal(str(line.get("amount_eur", 0))) > 0
    }
    capped = {line.code for line in campaign.funding_lines if line.quote_cap}
    try:
        return adjust_lines(lines, granted_total(dossier), capped)
    except ValueError as exc:
        raise NotFunded(str(exc)) from None


def region_counts(dossier: Dossier) -> dict[str, int]:
    """ESSMS count of each region of the project (the engine's ``by_region``), the paying ARS."""
    shares = (dossier.evaluation or {}).get("by_region") or []
    counts = {share["region"]: int(share.get("essms_count") or 0) for share in shares if share.get("region")}
    return counts or {dossier.region_id: dossier.establishments.count()}


def _usage_events(dossier: Dossier, campaign: Campaign) -> list[dict]:
    """One ``usage_measured`` event per measurement date: met when every ESSMS of the project is measured and meets
    its targets (2024: the campaign's targets; 2021: the porteur's commitments, never met without them)."""
    essms = set(dossier.establishments.values_list("establishment_id", flat=True))
    commitments = getattr(dossier, "usage_commitments", None)
    by_date: dict[dt.date, dict[str, bool]] = {}
    for measurement in Measurement.objects.filter(dossier=dossier).order_by("measured_at"):
        if campaign.phase == "generalisation":
            met = measurement.targets_met
        else:
            met = commitments_met(commitments, {**measurement.counts(), **measurement.rates()})
        by_date.setdefault(measurement.measured_at, {})[measurement.establishment_id] = met
    return [
        {"kind": "usage_measured", "on": day.isoformat(), "targets_met": set(met) >= essms and all(met.values())}
        for day, met in sorted(by_date.items())
    ]


def essms_meeting_targets(dossier: Dossier) -> tuple[int, int, dt.date | None]:
    """(ESSMS meeting their targets at the latest measurement, ESSMS of the project, that measurement's date)."""
    campaign = campaign_of(dossier)
    total = dossier.establishments.count()
    latest = Measurement.objects.filter(dossier=dossier).order_by("-measured_at").values_list("measured_at", flat=True)
    day = latest.first()
    if day is None:
        return 0, total, None
    commitments = getattr(dossier, "usage_commitments", None)
    meeting = 0
    for measurement in Measurement.objects.filter(dossier=dossier, measured_at=day):
        if campaign.phase == "generalisation":
            meeting += measurement.targets_met
        else:
            meeting += commitments_met(commitments, {**measurement.counts(), **measurement.rates()})
    return meeting, total, day


def schedule_input(dossier: Dossier, at: dt.date | None = None) -> dict:
    """The schedule contract's input document for ``dossier`` at ``at`` (default: today in its region)."""
    campaign = campaign_of(dossier)
    lines = granted_lines(dossier, campaign)
    events: list[dict] = []
    convention = Convention.objects.filter(dossier=dossier).first()
    if convention and convention.signed_on:
        events.append({"kind": "convention_signed", "on": convention.signed_on.isoformat()})
    for milestone in Milestone.objects.filter(dossier=dossier, status=ReviewStatus.ACCEPTED):
        events.append(
            {"kind": milestone.kind, "on": milestone.completed_on.isoformat(), "invoice": bool(milestone.invoice_file)}
        )
    if campaign.phase == "generalisation":
        statements = ExpenseStatement.objects.filter(dossier=dossier).exclude(status=ReviewStatus.REJECTED)
        for statement in statements.prefetch_related("lines"):
            events.append(
                {
                    "kind": "expense_statement",
                    "on": statement.stated_on.isoformat(),
                    "certified": statement.status == ReviewStatus.ACCEPTED,
                    "lines": {line.code: str(line.real_expense_eur) for line in statement.lines.all()},
                }
            )
    events += _usage_events(dossier, campaign)
    for order in PaymentOrder.objects.filter(dossier=dossier).order_by("issued_on", "id"):
        events.append(
            {
                "kind": "payment",
                "tranche": order.tranche,
                "on": order.issued_on.isoformat(),
                "amount_eur": str(order.amount_eur),
                "region": order.region_id,
            }
        )
    return {
        "campaign": dossier.campaign,
        "at": (at or today(dossier)).isoformat(),
        "porteur_region": dossier.region_id,
        "granted": {
            "lines": [{"code": code, "amount_eur": str(amount)} for code, amount in lines.items()],
            "by_region": [
                {"region": code, "essms_count": count} for code, count in sorted(region_counts(dossier).items())
            ],
        },
        "any_acquisition": dossier.establishments.filter(situation="acquisition").exists(),
        "duration_months": getattr(dossier, "duration_months", None),
        "guichet": dossier.guichet or "regional",
        "events": events,
    }


def project_schedule(dossier: Dossier, at: dt.date | None = None) -> Schedule:
    """The schedule of a funded dossier (the domain function on ``schedule_input``)."""
    return schedule_from_json(schedule_input(dossier, at))


def certified_expenses(dossier: Dossier) -> Decimal:
    """The real expenses of the latest accepted (certified) expense statement, all lines (0 without one)."""
    statement = (
        ExpenseStatement.objects.filter(dossier=dossier, status=ReviewStatus.ACCEPTED)
        .order_by("-stated_on", "-id")
        .first()
    )
    if statement is None:
        return ZERO
    return cents(sum((line.real_expense_eur for line in statement.lines.all()), ZERO))


# --- orders -------------------------------------------------------------------------------------------------------


def payment_orders_visible_to(user) -> QuerySet[PaymentOrder]:
    qs = PaymentOrder.objects.select_related("dossier__porteur", "region").order_by("region_id", "year", "sequence")
    if user.role == Role.INSTRUCTOR:
        return qs.filter(region_id=user.region_id)
    if user.role in (Role.NATIONAL, Role.ADMIN):
        return qs
    return qs.none()


def recovery_orders_of(dossier: Dossier) -> QuerySet[RecoveryOrder]:
    return RecoveryOrder.objects.filter(dossier=dossier).order_by("region_id")
