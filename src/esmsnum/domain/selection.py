"""Selection of dossiers by the ARS: scoring grid, committee ranking, regional envelope, decision groups.

Sources (``../shared/seeds/``):

- priority criteria: 001 "Critères de priorisation", 003 §2 "Critères de priorisation",
  002 §6 "Priorisation régionale des projets / Critères de sélection des projets";
- groups A/B/C/D: 004 (ARS Auvergne-Rhône-Alpes, "4 groupes de projets");
- envelope: ``campaign-rules.md`` "Envelopes and selection" — committed amounts never exceed the regional envelope
  without an explicit, logged override.

Scoring scale (product decision, documented here and on the scoring page):

- each criterion is marked by the instructor on an integer scale from 0 to 5
  (0 = absent, 1 = très insuffisant, 2 = insuffisant, 3 = correct, 4 = satisfaisant, 5 = très satisfaisant);
- each criterion has a weight, a ``Decimal`` ≥ 0 set per region and campaign (0 disables a criterion);
- the weighted score is ``100 × Σ(mark × weight) / (5 × Σ weight)``, a ``Decimal`` on 0–100 rounded half-up to
  2 decimals; a criterion not yet marked counts as 0 and the score is flagged as incomplete.

Money is ``Decimal`` in euros with cents. Pure Python: no Django here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from esmsnum.domain import formatting
from esmsnum.domain.money import split_by_percent

CENT = Decimal("0.01")
MARK_MIN = 0
MARK_MAX = 5
MARK_LABELS = {
    0: "Absent",
    1: "Très insuffisant",
    2: "Insuffisant",
    3: "Correct",
    4: "Satisfaisant",
    5: "Très satisfaisant",
}
WEIGHT_MAX = Decimal("10")


def format_eur(amount: Decimal | int | float | None) -> str:
    """French money with cents: ``1 566 149,00 €`` (see ``formatting.money``)."""
    return formatting.money(amount, cents="always")


# --- Priority criteria -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityCriterion:
    code: str
    label: str
    default_weight: Decimal
    reference: str
    description: str = ""


def priority_criteria(campaign_id: str) -> tuple[PriorityCriterion, ...]:
    """The scoring grid of a campaign, as its definition lists it (``esmsnum.domain.campaigns``).

    Raises ``KeyError`` (the campaigns' ``UnknownCampaign``) for an unknown campaign.
    """
    from esmsnum.domain.campaigns import get_campaign

    campaign = get_campaign(campaign_id)
    return tuple(
        PriorityCriterion(
            code=item.code,
            label=item.label,
            default_weight=Decimal(item.weight),
            reference=item.reference,
            description=getattr(item, "description", "") or "",
        )
        for item in campaign.priority_criteria
    )


# --- Weighted score ------------------------------------------------------------------------------------------------


class ScoringError(ValueError):
    """A mark or a weight out of the documented scale (message in French)."""


@dataclass(frozen=True)
class ScoreResult:
    value: Decimal  # 0.00 to 100.00
    complete: bool
    missing: tuple[str, ...]  # criterion codes with a weight > 0 and no mark


def check_mark(mark: int) -> None:
    if isinstance(mark, bool) or not isinstance(mark, int) or not MARK_MIN <= mark <= MARK_MAX:
        raise ScoringError(f"la note « {mark} » doit être un entier de {MARK_MIN} à {MARK_MAX}")


def check_weight(weight: Decimal) -> None:
    if not isinstance(weight, Decimal) or not weight.is_finite() or weight < 0 or weight > WEIGHT_MAX:
        raise ScoringError(f"le poids « {weight} » doit être un nombre de 0 à {WEIGHT_MAX}")


def weighted_score(marks: Mapping[str, int], weights: Mapping[str, Decimal]) -> ScoreResult:
    """Weighted score on 0–100 of ``marks`` (criterion code → 0..5) under ``weights`` (criterion code → weight).

    Only the criteria listed in ``weights`` count; a mark for an unknown criterion is ignored. When every weight is
    0 the score is 0.
    """
    for weight in weights.values():
        check_weight(weight)
    total_weight = sum(weights.values(), Decimal(0))
    weighted = Decimal(0)
    missing = []
    for code, weight in weights.items():
        if code not in marks or marks[code] is None:
            if weight > 0:
                missing.append(code)
            continue
        check_mark(marks[code])
        weighted += Decimal(marks[code]) * weight
    if total_weight == 0:
        value = Decimal("0.00")
    else:
        value = (Decimal(100) * weighted / (MARK_MAX * total_weight)).quantize(CENT, rounding=ROUND_HALF_UP)
    return ScoreResult(value=value, complete=not missing, missing=tuple(missing))


# --- Decision groups -----------------------------------------------------------------------------------------------


class DecisionGroup(enum.StrEnum):
    """The four groups of the committee (004, ARS Auvergne-Rhône-Alpes)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]

    @property
    def funded(self) -> bool:
        """Only group A receives money; its amount is committed on the regional envelope."""
        return self is DecisionGroup.A

    @property
    def receivable(self) -> bool:
        """A and B are receivable as filed; C must be reworked; D is not receivable."""
        return self in (DecisionGroup.A, DecisionGroup.B)

    @property
    def favourable(self) -> bool:
        """A favourable opinion (002 §4.8 « avis favorable ») is only group A."""
        return self is DecisionGroup.A


_GROUP_LABELS = {
    DecisionGroup.A: "Groupe A — projet proposé pour financement",
    DecisionGroup.B: "Groupe B — projet recevable, non proposé pour financement",
    DecisionGroup.C: "Groupe C — projet à retravailler",
    DecisionGroup.D: "Groupe D — projet non recevable",
}
GROUP_REFERENCE = "004_f791d3e72d0a080a.txt « 4 groupes de projets »"


def decision_errors(group: DecisionGroup | str, amount: Decimal, computed_funding: Decimal | None) -> list[str]:
    """French reasons why a committee decision is inconsistent (empty list when it is valid).

    Group A needs an amount above 0 that does not exceed the funding computed from the call's rules; groups B, C
    and D carry no amount.
    """
    group = DecisionGroup(group)
    errors = []
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return ["le montant accordé doit être un nombre"]
    if amount < 0:
        errors.append("le montant accordé ne peut pas être négatif")
    if amount != amount.quantize(CENT):
        errors.append("le montant accordé s'exprime en euros avec au plus 2 décimales")
    if group.funded:
        if amount <= 0:
            errors.append("un projet du groupe A doit recevoir un montant supérieur à 0 €")
        if computed_funding is not None and amount > computed_funding:
            errors.append(
                f"le montant accordé ({format_eur(amount)}) dépasse le financement calculé selon les règles "
                f"de l'appel à projets ({format_eur(computed_funding)})"
            )
    elif amount != 0:
        errors.append(
            f"seul un projet du groupe A reçoit un financement : le montant d'un projet du groupe {group.value} est 0 €"
        )
    return errors


# --- Envelope ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationCheck:
    allowed: bool
    exceeds: bool
    committed_after: Decimal
    overshoot: Decimal  # amount above the envelope (0 when within)
    message: str


def check_allocation(
    envelope: Decimal, committed_elsewhere: Decimal, amount: Decimal, override_reason: str = ""
) -> AllocationCheck:
    """May ``amount`` be committed when ``committed_elsewhere`` already is, on a regional ``envelope``?

    Within the envelope: allowed. Above it: allowed only with a written reason (the override, which the caller
    logs); otherwise refused with a French reason.
    """
    committed_after = committed_elsewhere + amount
    overshoot = max(committed_after - envelope, Decimal(0))
    if overshoot == 0:
        return AllocationCheck(
            True,
            False,
            committed_after,
            overshoot,
            f"Montant engagé après décision : {format_eur(committed_after)} sur une enveloppe régionale de "
            f"{format_eur(envelope)} (reste {format_eur(envelope - committed_after)}).",
        )
    reason = (override_reason or "").strip()
    if reason:
        return AllocationCheck(
            True,
            True,
            committed_after,
            overshoot,
            f"Dépassement de l'enveloppe régionale ({format_eur(envelope)}) de {format_eur(overshoot)} autorisé "
            f"par dérogation motivée : « {reason} ».",
        )
    return AllocationCheck(
        False,
        True,
        committed_after,
        overshoot,
        f"Le montant engagé ({format_eur(committed_after)}) dépasserait l'enveloppe régionale "
        f"({format_eur(envelope)}) de {format_eur(overshoot)} : réduisez le montant ou motivez une dérogation.",
    )


# --- Committee ranking ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeEntry:
    """One dossier before the committee.

    ``requested`` is the funding computed from the call's rules; ``group``/``granted`` are set once decided.
    ``sort_key`` breaks ties between equal scores (e.g. the filing timestamp then the reference).
    """

    reference: str
    score: Decimal | None
    requested: Decimal
    group: DecisionGroup | None = None
    granted: Decimal | None = None
    sort_key: str = ""


@dataclass(frozen=True)
class RankedEntry:
    rank: int
    entry: CommitteeEntry
    counted: Decimal  # amount counted against the envelope for this dossier
    running_total: Decimal  # committed elsewhere + counted amounts of this rank and above
    within_envelope: bool


def counted_amount(entry: CommitteeEntry) -> Decimal:
    """What a dossier weighs on the envelope: the granted amount when in group A, 0 when in B/C/D, and the
    requested amount while undecided (the committee sees where the envelope line falls)."""
    if entry.group is None:
        return entry.requested
    group = DecisionGroup(entry.group)
    return (entry.granted or Decimal(0)) if group.funded else Decimal(0)


def rank_for_committee(
    entries: Iterable[CommitteeEntry], envelope: Decimal, committed_elsewhere: Decimal = Decimal(0)
) -> list[RankedEntry]:
    """Dossiers by score (highest first; unscored last), with the running total against the regional envelope.

    ``committed_elsewhere`` is what other committees of the same campaign and region already committed.
    """
    ordered = sorted(
        entries,
        key=lambda e: (e.score is None, -(e.score or Decimal(0)), e.sort_key, e.reference),
    )
    ranked = []
    running = committed_elsewhere
    for rank, entry in enumerate(ordered, start=1):
        counted = counted_amount(entry)
        running += counted
        ranked.append(RankedEntry(rank, entry, counted, running, running <= envelope))
    return ranked


@dataclass(frozen=True)
class EnvelopeSummary:
    envelope: Decimal
    committed: Decimal  # group A decisions (all committees of the campaign and region)
    pending: Decimal  # undecided dossiers of this committee at their requested amount
    remaining: Decimal  # envelope - committed (may be negative after an override)
    exceeded: bool


def envelope_summary(
    entries: Sequence[CommitteeEntry], envelope: Decimal, committed_elsewhere: Decimal = Decimal(0)
) -> EnvelopeSummary:
    committed = committed_elsewhere + sum((counted_amount(e) for e in entries if e.group is not None), Decimal(0))
    pending = sum((e.requested for e in entries if e.group is None), Decimal(0))
    return EnvelopeSummary(envelope, committed, pending, envelope - committed, committed > envelope)


# --- Tranches of a granted amount ----------------------------------------------------------------------------------


def split_tranches(total: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """Split a granted ``total`` by ``percents`` (adding up to 100), to the cent; the last tranche takes the
    rounding rest so that the tranches add up exactly to the total (``campaign-rules.md`` "Money")."""
    if not percents:
        return []
    if sum(percents, Decimal(0)) != 100:
        raise ValueError("les pourcentages des tranches doivent totaliser 100 %")

    return split_by_percent(total, list(percents))
