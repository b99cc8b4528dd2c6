"""Reads of the instruction journey: filtered dossier lists, exports, scoring grid, cross-check, committee."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum

from esmsnum.accounts.models import Role
from esmsnum.domain import selection
from esmsnum.domain.referential_check import (
    DeclaredEstablishment,
    EstablishmentCheck,
    ReferentialRecord,
    check_establishments,
)
from esmsnum.dossiers.models import Dossier, Guichet, Status, Verdict
from esmsnum.referential.models import Region

from . import exports
from .models import CommitteeDecision, CommitteeSession, NotificationLetter, Score, ScoringWeight

FILTER_FIELDS = ("campagne", "etat", "fenetre", "guichet", "region", "q")
COMMITTEE_STATES = (Status.IN_COMMITTEE, Status.DECIDED, Status.NOTIFIED)


# --- campaigns ----------------------------------------------------------------------------------------------------


def campaign_or_none(campaign_id: str):
    from esmsnum.domain.campaigns import get_campaign

    try:
        return get_campaign(campaign_id)
    except (KeyError, LookupError, ValueError):
        return None


def campaign_title(campaign_id: str) -> str:
    campaign = campaign_or_none(campaign_id)
    return campaign.title if campaign else campaign_id


def all_campaigns() -> list:
    from esmsnum.domain.campaigns import load_campaigns

    loaded = load_campaigns()
    return sorted(loaded.values() if isinstance(loaded, dict) else loaded, key=lambda c: (-c.year, c.id))


def window_label(campaign_id: str, code: str) -> str:
    campaign = campaign_or_none(campaign_id)
    for window in getattr(campaign, "windows", ()) or ():
        if window.code == code:
            return window.label
    return code or "—"


# --- dossier list -------------------------------------------------------------------------------------------------


def instruction_dossiers(user) -> QuerySet[Dossier]:
    """Filed dossiers the user may instruct or read (region for an instructor, all for national and admin)."""
    return Dossier.objects.visible_to(user).exclude(status=Status.DRAFT).for_list().order_by("-filed_at", "-id")


@dataclass(frozen=True)
class ListFilters:
    campaign: str = ""
    status: str = ""
    window: str = ""
    guichet: str = ""
    region: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params) -> ListFilters:
        def get(name):
            return (params.get(name) or "").strip()[:80]

        status = get("etat")
        guichet = get("guichet")
        return cls(
            campaign=get("campagne"),
            status=status if status in Status.values else "",
            window=get("fenetre"),
            guichet=guichet if guichet in Guichet.values else "",
            region=get("region"),
            q=get("q"),
        )

    def apply(self, qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
        if self.campaign:
            qs = qs.filter(campaign=self.campaign)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.window:
            qs = qs.filter(window=self.window)
        if self.guichet:
            qs = qs.filter(guichet=self.guichet)
        if self.region:
            qs = qs.filter(region_id=self.region)
        if self.q:
            term = self.q
            reference = term.upper().removeprefix("EN-").lstrip("0")
            match = Q(title__icontains=term) | Q(porteur__name__icontains=term) | Q(porteur__finess_ej=term)
            if reference.isdigit():
                match |= Q(pk=int(reference))
            qs = qs.filter(match)
        return qs

    def as_query(self) -> str:
        pairs = {
            "campagne": self.campaign,
            "etat": self.status,
            "fenetre": self.window,
            "guichet": self.guichet,
            "region": self.region,
            "q": self.q,
        }
        return urlencode({k: v for k, v in pairs.items() if v})

    @property
    def active(self) -> bool:
        return any((self.campaign, self.status, self.window, self.guichet, self.region, self.q))


def filter_choices(user, base: QuerySet[Dossier]) -> dict:
    """Values offered by the filters: what exists among the dossiers the user may see."""
    campaigns = sorted(set(base.values_list("campaign", flat=True)))
    windows = sorted({(c, w) for c, w in base.values_list("campaign", "window") if w})
    window_choices = {}
    for campaign_id, code in windows:
        window_choices.setdefault(code, window_label(campaign_id, code))
    regions = []
    if user.role in (Role.NATIONAL, Role.ADMIN):
        codes = set(base.values_list("region_id", flat=True))
        regions = [(r.code, r.name) for r in Region.objects.filter(code__in=codes)]
    return {
        "campaigns": [(c, campaign_title(c)) for c in campaigns],
        "statuses": [(value, label) for value, label in Status.choices if value != Status.DRAFT],
        "windows": sorted(window_choices.items()),
        "guichets": list(Guichet.choices),
        "regions": regions,
    }


# --- scoring ------------------------------------------------------------------------------------------------------


def criteria_for(campaign_id: str) -> tuple[selection.PriorityCriterion, ...]:
    try:
        return selection.priority_criteria(campaign_id)
    except KeyError:
        return ()


def weights_for(region_code: str, campaign_id: str) -> dict[str, Decimal]:
    """Weight of every priority criterion of the campaign in the region (the campaign's default when not set)."""
    criteria = criteria_for(campaign_id)
    stored = dict(
        ScoringWeight.objects.filter(region_id=region_code, campaign=campaign_id).values_list(
            "criterion_code", "weight"
        )
    )
    return {c.code: stored.get(c.code, c.default_weight) for c in criteria}


def marks_for(dossier: Dossier) -> dict[str, Score]:
    return {s.criterion_code: s for s in dossier.scores.all()}


def score_of(dossier: Dossier, weights: dict[str, Decimal] | None = None) -> selection.ScoreResult | None:
    weights = weights if weights is not None else weights_for(dossier.region_id, dossier.campaign)
    if not weights:
        return None
    marks = {code: score.value for code, score in marks_for(dossier).items()}
    if not marks:
        return None
    return selection.weighted_score(marks, weights)


def scores_for(dossiers) -> dict[int, selection.ScoreResult | None]:
    """Weighted scores of many dossiers with two queries (marks, weights)."""
    dossiers = list(dossiers)
    marks: dict[int, dict[str, int]] = defaultdict(dict)
    for dossier_id, code, value in Score.objects.filter(dossier__in=dossiers).values_list(
        "dossier_id", "criterion_code", "value"
    ):
        marks[dossier_id][code] = value
    weights_cache: dict[tuple[str, str], dict[str, Decimal]] = {}
    result = {}
    for dossier in dossiers:
        key = (dossier.region_id, dossier.campaign)
        if key not in weights_cache:
            weights_cache[key] = weights_for(*key)
        weights = weights_cache[key]
        result[dossier.pk] = (
            selection.weighted_score(marks[dossier.pk], weights) if weights and marks.get(dossier.pk) else None
        )
    return result


@dataclass(frozen=True)
class GridRow:
    criterion: selection.PriorityCriterion
    weight: Decimal
    mark: int | None
    comment: str


def scoring_grid(dossier: Dossier) -> list[GridRow]:
    weights = weights_for(dossier.region_id, dossier.campaign)
    marks = marks_for(dossier)
    return [
        GridRow(
            criterion=c,
            weight=weights[c.code],
            mark=marks[c.code].value if c.code in marks else None,
            comment=marks[c.code].comment if c.code in marks else "",
        )
        for c in criteria_for(dossier.campaign)
    ]


# --- referential cross-check --------------------------------------------------------------------------------------


def referential_check(dossier: Dossier) -> list[EstablishmentCheck]:
    """Each ESSMS of the dossier against the FINESS referential (exists, open, EJ of the grappe, public)."""
    entries = dossier.establishments.select_related("establishment__organisation", "establishment__category").order_by(
        "id"
    )
    declared, referential = [], {}
    for entry in entries:
        et = entry.establishment
        declared.append(
            DeclaredEstablishment(finess_et=et.finess_et, name=et.long_name or et.name, public=et.public or None)
        )
        referential[et.finess_et] = ReferentialRecord(
            finess_et=et.finess_et,
            finess_ej=et.organisation.finess_ej,
            name=et.long_name or et.name,
            is_open=et.is_open,
            closed_on=et.closed_on,
            category=et.category_id,
            category_label=et.category.label,
            category_public=et.category.public,
            organisation_name=et.organisation.name,
        )
    grappe_ejs = set(dossier.members.values_list("organisation__finess_ej", flat=True))
    grappe_ejs.add(dossier.porteur.finess_ej)
    return check_establishments(declared, referential, grappe_ejs)


# --- committee ----------------------------------------------------------------------------------------------------


def regional_share(dossier: Dossier) -> Decimal:
    """What the dossier's ARS funds: its region's share of a multi-region project (003 "Nota bene", pro rata of
    the ESSMS per region, from the engine's ``by_region``), else the whole computed funding."""
    total = dossier.total_amount_eur or Decimal(0)
    shares = (dossier.evaluation or {}).get("by_region") or []
    if len(shares) > 1:
        for share in shares:
            if share.get("region") == dossier.region_id and share.get("amount_eur") is not None:
                return Decimal(str(share["amount_eur"])).quantize(Decimal("0.01"))
    return total


def sessions_visible_to(user) -> QuerySet[CommitteeSession]:
    qs = CommitteeSession.objects.select_related("region")
    if user.role == Role.INSTRUCTOR:
        return qs.filter(region_id=user.region_id)
    if user.role in (Role.NATIONAL, Role.ADMIN):
        return qs
    return qs.none()


def sessions_for(dossier: Dossier) -> QuerySet[CommitteeSession]:
    return CommitteeSession.objects.filter(region_id=dossier.region_id, campaign=dossier.campaign, closed=False)


def session_for(dossier: Dossier) -> CommitteeSession | None:
    """The open session of the dossier's window (or the only open one of its campaign and region)."""
    sessions = list(sessions_for(dossier))
    for session in sessions:
        if session.window_code == dossier.window:
            return session
    return sessions[0] if len(sessions) == 1 else None


def current_decision(dossier: Dossier) -> CommitteeDecision | None:
    return dossier.decisions.select_related("session").order_by("-decided_at", "-id").first()


def committed_elsewhere(session: CommitteeSession, exclude_dossier: Dossier | None = None) -> Decimal:
    """Group A amounts of the other committees of the same campaign and region."""
    qs = CommitteeDecision.objects.filter(
        session__region_id=session.region_id, session__campaign=session.campaign, group="A"
    ).exclude(session=session)
    if exclude_dossier is not None:
        qs = qs.exclude(dossier=exclude_dossier)
    return qs.aggregate(total=Sum("amount_granted_eur"))["total"] or Decimal(0)


def committed_except(session: CommitteeSession, dossier: Dossier) -> Decimal:
    """Everything committed on the campaign and region's envelope except ``dossier``'s own decision."""
    qs = CommitteeDecision.objects.filter(
        session__region_id=session.region_id, session__campaign=session.campaign, group="A"
    ).exclude(dossier=dossier)
    return qs.aggregate(total=Sum("amount_granted_eur"))["total"] or Decimal(0)


def committee_dossiers(session: CommitteeSession) -> list[Dossier]:
    """Dossiers of the session's window (in committee, or decided in this session)."""
    decided_here = set(session.decisions.values_list("dossier_id", flat=True))
    qs = Dossier.objects.filter(region_id=session.region_id, campaign=session.campaign).for_list()
    in_window = qs.filter(status=Status.IN_COMMITTEE, window=session.window_code)
    return list((in_window | qs.filter(pk__in=decided_here)).distinct().order_by("id"))


@dataclass(frozen=True)
class CommitteeRow:
    ranked: selection.RankedEntry
    dossier: Dossier
    score: selection.ScoreResult | None
    decision: CommitteeDecision | None


def committee_table(session: CommitteeSession) -> tuple[list[CommitteeRow], selection.EnvelopeSummary]:
    dossiers = committee_dossiers(session)
    scores = scores_for(dossiers)
    decisions = {d.dossier_id: d for d in session.decisions.all()}
    by_ref = {}
    entries = []
    for dossier in dossiers:
        decision = decisions.get(dossier.pk)
        score = scores.get(dossier.pk)
        entry = selection.CommitteeEntry(
            reference=dossier.reference,
            score=score.value if score else None,
            requested=regional_share(dossier),
            group=selection.DecisionGroup(decision.group) if decision else None,
            granted=decision.amount_granted_eur if decision else None,
            sort_key=dossier.filed_at.isoformat() if dossier.filed_at else "",
        )
        entries.append(entry)
        by_ref[dossier.reference] = (dossier, score, decision)
    elsewhere = committed_elsewhere(session)
    ranked = selection.rank_for_committee(entries, session.envelope_eur, elsewhere)
    rows = [CommitteeRow(r, *by_ref[r.entry.reference]) for r in ranked]
    return rows, selection.envelope_summary(entries, session.envelope_eur, elsewhere)


# --- letters ------------------------------------------------------------------------------------------------------


def letters_of(dossier: Dossier) -> QuerySet[NotificationLetter]:
    return dossier.letters.select_related("decision").order_by("-generated_at", "-id")


# --- exports ------------------------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    exports.Column("Référence", width=11),
    exports.Column("Intitulé du projet", width=40),
    exports.Column("Campagne", width=30),
    exports.Column("ARS (région)"),
    exports.Column("Organisme porteur", width=36),
    exports.Column("FINESS EJ du porteur", width=12),
    exports.Column("État"),
    exports.Column("Fenêtre de sélection"),
    exports.Column("Guichet"),
    exports.Column("Verdict du moteur"),
    exports.Column("Nombre d'ESSMS", exports.INTEGER),
    exports.Column("Financement calculé (€)", exports.MONEY),
    exports.Column("Score de priorisation (/100)", exports.DECIMAL),
    exports.Column("Groupe du comité"),
    exports.Column("Montant accordé (€)", exports.MONEY),
    exports.Column("Déposé le", exports.DATETIME),
    exports.Column("Dernière modification", exports.DATETIME),
]


def export_rows(dossiers) -> list[list]:
    dossiers = list(dossiers)
    scores = scores_for(dossiers)
    decisions = {}
    for decision in CommitteeDecision.objects.filter(dossier__in=dossiers).order_by("decided_at", "id"):
        decisions[decision.dossier_id] = decision  # the latest wins
    verdicts = dict(Verdict.choices)
    guichets = dict(Guichet.choices)
    titles: dict[str, str] = {}
    rows = []
    for dossier in dossiers:
        tz = ZoneInfo(dossier.region.timezone)
        if dossier.campaign not in titles:
            titles[dossier.campaign] = campaign_title(dossier.campaign)
        score = scores.get(dossier.pk)
        decision = decisions.get(dossier.pk)
        rows.append(
            [
                dossier.reference,
                dossier.title,
                titles[dossier.campaign],
                dossier.region.name,
                dossier.porteur.name,
                dossier.porteur.finess_ej,
                dossier.get_status_display(),
                window_label(dossier.campaign, dossier.window) if dossier.window else "",
                guichets.get(dossier.guichet, ""),
                verdicts.get(dossier.verdict, ""),
                dossier.essms_count,
                dossier.total_amount_eur,
                score.value if score else None,
                decision.group if decision else "",
                decision.amount_granted_eur if decision else None,
                dossier.filed_at.astimezone(tz) if dossier.filed_at else None,
                dossier.updated_at.astimezone(tz) if dossier.updated_at else None,
            ]
        )
    return rows
