"""The funding schedule after the decision: what each tranche is worth, whether it can be paid, what is finally due.

Texts: 002 §4.4.1 (capped lines never above the real expense), §4.5.1 (50 % advance, 50 % at the end), §4.5.2 (usage
targets and certified expense statement; indicative 9/18-month durations); 003 « Modalités de financement »
(40/40/20 with invoices and usage criteria); 001 (2021: 20 % on usage); rules in ``funding-lifecycle.md``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from esmsnum.domain.campaigns import Campaign, Tranche
from esmsnum.domain.money import ZERO, cents, split_by_percent, split_by_weight
from esmsnum.domain.schedule.contract import (
    ConfigurationCompleted,
    ConventionSigned,
    ExpenseStatement,
    Payment,
    ProjectCompleted,
    ScheduleInput,
    UsageMeasured,
)

Status = str  # "paid" | "payable" | "pending" | "withheld"
STATUS_LABELS = {"paid": "versée", "payable": "à verser", "pending": "en attente", "withheld": "retenue"}
# What each tranche waits for, by the campaign files' own codes (funding-lifecycle.md, table "Tranches").
CONDITION_KINDS = {
    "advance": "signature",
    "signature": "signature",
    "configuration": "configuration",
    "balance": "final",
    "deployment_end": "final",
    "usage": "final",
}


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months``, clamped to the month's end (2024-08-31 + 18 months = 2026-02-28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def condition_kind(campaign: Campaign, index: int) -> str:
    """``signature``, ``configuration`` or ``final`` for the ``index``-th tranche of the campaign."""
    tranche = campaign.tranches[index]
    if tranche.code in CONDITION_KINDS:
        return CONDITION_KINDS[tranche.code]
    if index == len(campaign.tranches) - 1 or tranche.usage_condition:
        return "final"
    return "signature" if index == 0 else "configuration"


@dataclass(frozen=True)
class RegionPart:
    region: str
    amount_eur: Decimal
    paid: bool


@dataclass(frozen=True)
class TrancheSchedule:
    code: str
    label: str
    percent: Decimal
    amount_eur: Decimal
    status: Status
    by_region: list[RegionPart]
    missing: list[str] = field(default_factory=list)
    condition: str = ""
    reference: str = ""

    @property
    def due_eur(self) -> Decimal:
        """Amount still to order when the tranche is payable (its unpaid regional shares)."""
        if self.status != "payable":
            return ZERO
        return sum((part.amount_eur for part in self.by_region if not part.paid), ZERO)


@dataclass(frozen=True)
class Schedule:
    campaign: str
    at: date
    granted_eur: Decimal
    final_grant_eur: Decimal
    paid_eur: Decimal
    due_eur: Decimal
    recovery_eur: Decimal
    expected_end: date | None
    overdue: bool
    tranches: list[TrancheSchedule]
    signed_on: date | None = None
    completed_on: date | None = None
    statement_certified: bool = False
    final_grant_lines: dict[str, Decimal] = field(default_factory=dict)

    def tranche(self, code: str) -> TrancheSchedule:
        return next(tranche for tranche in self.tranches if tranche.code == code)


def _latest(events: list, kind: type, accept=lambda event: True):
    """The latest dated event of ``kind`` (of two on the same day, the later in the list), or None."""
    chosen = None
    for event in events:
        if isinstance(event, kind) and accept(event) and (chosen is None or event.on >= chosen.on):
            chosen = event
    return chosen


def region_split(amount: Decimal, porteur_region: str, counts: dict[str, int]) -> list[tuple[str, Decimal]]:
    """Split ``amount`` between the paying ARS by ESSMS count; every region but the porteur's gets its share rounded
    half up, the porteur's region takes the rest (when it holds no ESSMS of the project, the region with the most
    ESSMS does, as in the decision). Without counts the porteur's region pays it all."""
    if not counts:
        return [(porteur_region, amount)]
    codes = sorted(counts)
    rest = porteur_region
    if rest not in counts or counts[rest] == 0:
        rest = sorted(codes, key=lambda code: (-counts[code], code))[0]
    amounts = split_by_weight(amount, [counts[code] for code in codes], codes.index(rest))
    return list(zip(codes, amounts, strict=True))


def _region_split(data: ScheduleInput, amount: Decimal) -> list[tuple[str, Decimal]]:
    counts = {share.region: share.essms_count for share in data.granted.by_region}
    return region_split(amount, data.porteur_region, counts)


def _final_grant(data: ScheduleInput, campaign: Campaign, statement: ExpenseStatement | None) -> dict[str, Decimal]:
    """Each granted line as finally due: capped lines limited by the real expense of a certified statement."""
    capped = {line.code for line in campaign.funding_lines if line.quote_cap}
    lines = {}
    for line in data.granted.lines:
        amount = line.amount_eur
        if statement is not None and statement.certified and line.code in capped:
            amount = min(amount, statement.lines.get(line.code, ZERO))
        lines[line.code] = cents(amount)
    return lines


def compute_schedule(data: ScheduleInput, campaign: Campaign) -> Schedule:
    """The schedule at ``data.at`` (events dated after it are ignored)."""
    events = [event for event in data.events if event.on <= data.at]
    rules_2024 = campaign.phase == "generalisation"
    invoiced = (lambda event: True) if rules_2024 else (lambda event: event.invoice)

    signatures = [event for event in events if isinstance(event, ConventionSigned)]
    signed = min(signatures, key=lambda event: event.on) if signatures else None
    configuration = _latest(events, ConfigurationCompleted, invoiced)
    completed = _latest(events, ProjectCompleted, invoiced)
    statement = _latest(events, ExpenseStatement) if rules_2024 else None
    certified = statement is not None and statement.certified
    usage = _latest(events, UsageMeasured, lambda event: event.on >= completed.on) if completed else None

    granted = cents(sum((line.amount_eur for line in data.granted.lines), ZERO))
    final_lines = _final_grant(data, campaign, statement)
    final_grant = sum(final_lines.values(), ZERO)
    amounts = split_by_percent(granted, [tranche.percent for tranche in campaign.tranches])
    others = sum(amounts[:-1], ZERO)
    last = final_grant - others
    recovery = -last if last < 0 else ZERO
    amounts[-1] = max(last, ZERO)

    payments = [event for event in events if isinstance(event, Payment)]
    tranches = []
    for index, (tranche, amount) in enumerate(zip(campaign.tranches, amounts, strict=True)):
        kind = condition_kind(campaign, index)
        missing = _missing(kind, rules_2024, signed, configuration, completed, statement, usage)
        withheld = kind == "final" and not missing and usage is not None and not usage.targets_met
        paid_for = [payment for payment in payments if payment.tranche == tranche.code]
        whole = any(payment.region is None for payment in paid_for)
        paid_regions = {payment.region for payment in paid_for}
        parts = [
            RegionPart(region, share, whole or region in paid_regions) for region, share in _region_split(data, amount)
        ]
        if paid_for and all(part.paid for part in parts if part.amount_eur > 0):
            status = "paid"
        elif missing == [] and not withheld and usage_ok(kind, usage):
            status = "payable"
        elif withheld:
            status = "withheld"
        else:
            status = "pending"
        if kind == "final" and status == "pending" and not usage_ok(kind, usage):
            missing.append("mesure d'usage, à la fin du projet ou après, atteignant les cibles")
        if status == "withheld":
            missing.append("cibles d'usage non atteintes à la dernière mesure après la fin du projet")
        tranches.append(_tranche(tranche, amount, status, parts, [] if status == "paid" else missing))

    expected_end = None
    if signed is not None:
        if rules_2024:
            if data.guichet == "regional":
                expected_end = add_months(signed.on, 18 if data.any_acquisition else 9)
        elif data.duration_months:
            expected_end = add_months(signed.on, data.duration_months)
    return Schedule(
        campaign=campaign.id,
        at=data.at,
        granted_eur=granted,
        final_grant_eur=final_grant,
        paid_eur=cents(sum((payment.amount_eur for payment in payments), ZERO)),
        due_eur=sum((tranche.due_eur for tranche in tranches), ZERO),
        recovery_eur=recovery,
        expected_end=expected_end,
        overdue=expected_end is not None and data.at > expected_end and completed is None,
        tranches=tranches,
        signed_on=signed.on if signed else None,
        completed_on=completed.on if completed else None,
        statement_certified=certified,
        final_grant_lines=final_lines,
    )


def usage_ok(kind: str, usage: UsageMeasured | None) -> bool:
    return kind != "final" or (usage is not None and usage.targets_met)


def _missing(kind, rules_2024, signed, configuration, completed, statement, usage) -> list[str]:
    """What the tranche still waits for, in French (usage is reported apart: it makes the tranche withheld)."""
    invoice = "" if rules_2024 else " avec sa facture"
    missing = [] if signed else ["signature de la convention"]
    if kind == "configuration" and configuration is None:
        missing.append(f"déclaration de la fin du paramétrage{invoice}")
    if kind == "final":
        if completed is None:
            missing.append(
                "déclaration de la fin du projet" if rules_2024 else f"déclaration de la fin du projet{invoice}"
            )
        if rules_2024 and (statement is None or not statement.certified):
            missing.append("état récapitulatif des dépenses certifié")
    return missing


def _tranche(tranche: Tranche, amount, status, parts, missing) -> TrancheSchedule:
    return TrancheSchedule(
        code=tranche.code,
        label=tranche.label,
        percent=tranche.percent,
        amount_eur=amount,
        status=status,
        by_region=parts,
        missing=missing,
        condition=tranche.condition,
        reference=tranche.reference,
    )
