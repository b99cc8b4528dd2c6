"""Reads for the usage pages: a dossier's figures per measurement date, the tranche condition, the national count.

The national count of active DUI takes, for each ESSMS, its most recent measurement (whatever the dossier), and
adds the ``active`` dossiers; it is compared with the programme's target of 410,000 active DUI at the end of 2024
(002 §5-B).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.utils.safestring import SafeString, mark_safe

from esmsnum.domain.indicators.rates import COUNT_LABELS, RATE_LABELS, RATES, percent
from esmsnum.domain.indicators.targets import NATIONAL_ACTIVE_TARGET
from esmsnum.domain.indicators.window import measurement_window
from esmsnum.dossiers.models import Dossier
from esmsnum.referential.models import Establishment, Region

from .charts import rates_chart
from .models import COUNT_FIELDS, RATE_FIELDS, DeclaredFigures, EditorDeclaration, Measurement, UsageExtract
from .services import targets_for

CHART_LABELS = {
    "active_rate": "actifs",
    "pp_rate": "projet personnalisé",
    "agenda_rate": "agenda",
    "mss_rate": "MSSanté",
    "dmp_rate": "DMP",
}


@dataclass
class RateCell:
    key: str
    label: str
    value: Decimal | None
    target: Decimal | None
    declared: Decimal | None = None
    has_declared: bool = False

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value is not None and self.value >= self.target

    @property
    def differs(self) -> bool:
        return self.has_declared and self.declared is not None and self.declared != self.value


@dataclass
class CountCell:
    key: str
    label: str
    value: int | None
    declared: int | None
    has_declared: bool

    @property
    def differs(self) -> bool:
        return self.has_declared and self.declared is not None and self.declared != self.value


@dataclass
class EssmsLine:
    establishment: Establishment
    measurement: Measurement | None
    declared: DeclaredFigures | None
    rates: list[RateCell]
    counts: list[CountCell]

    @property
    def differs(self) -> bool:
        return any(c.differs for c in self.counts)


@dataclass
class DateBlock:
    measured_at: dt.date
    window_label: str
    lines: list[EssmsLine]
    declaration: EditorDeclaration | None

    @property
    def measured(self) -> int:
        return sum(1 for line in self.lines if line.measurement)

    @property
    def meeting(self) -> int:
        return sum(1 for line in self.lines if line.measurement and line.measurement.targets_met)

    @property
    def all_met(self) -> bool:
        return bool(self.lines) and all(line.measurement and line.measurement.targets_met for line in self.lines)


@dataclass
class TrancheStatus:
    code: str
    label: str
    percent: Decimal
    condition: str
    state: str  # "met", "not_met", "no_targets", "no_measure"
    detail: str


@dataclass
class DossierUsage:
    dossier: Dossier
    targets: list[tuple[str, str, Decimal]]
    blocks: list[DateBlock]  # most recent first
    charts: list[tuple[Establishment, SafeString]]
    tranches: list[TrancheStatus]
    extracts: list[UsageExtract]
    declarations: list[EditorDeclaration]
    rate_labels: dict[str, str] = field(default_factory=lambda: dict(RATE_LABELS))
    count_labels: dict[str, str] = field(default_factory=lambda: dict(COUNT_LABELS))

    @property
    def latest(self) -> DateBlock | None:
        return next((block for block in self.blocks if block.measured), None)


def _rate_cells(measurement, declared_rates, targets) -> list[RateCell]:
    cells = []
    for key in RATE_FIELDS:
        cells.append(
            RateCell(
                key=key,
                label=RATE_LABELS[key],
                value=getattr(measurement, key) if measurement else None,
                target=targets.get(key),
                declared=(declared_rates or {}).get(key),
                has_declared=declared_rates is not None and measurement is not None,
            )
        )
    return cells


def _declared_rates(figures: DeclaredFigures | None) -> dict[str, Decimal | None] | None:
    """The rates of the declared counts (a rate resting on a count the editor did not declare is empty)."""
    if figures is None:
        return None
    counts = figures.counts()
    return {
        key: None if counts[num] is None or counts[den] is None else percent(counts[num], counts[den])
        for key, (num, den) in RATES.items()
    }


def dossier_usage(dossier: Dossier) -> DossierUsage:
    targets = targets_for(dossier)
    establishments = [
        entry.establishment
        for entry in dossier.establishments.select_related("establishment").order_by("establishment__finess_et")
    ]
    measurements = list(Measurement.objects.filter(dossier=dossier).select_related("extract").order_by("measured_at"))
    declarations = list(EditorDeclaration.objects.filter(dossier=dossier).select_related("uploaded_by"))
    latest_declaration: dict[dt.date, EditorDeclaration] = {}
    for declaration in declarations:  # most recent first
        latest_declaration.setdefault(declaration.measured_at, declaration)
    declared_by = {
        (figures.declaration.measured_at, figures.establishment_id): figures
        for figures in DeclaredFigures.objects.filter(declaration__in=latest_declaration.values()).select_related(
            "declaration"
        )
    }
    by_key = {(m.measured_at, m.establishment_id): m for m in measurements}
    dates = sorted({m.measured_at for m in measurements} | set(latest_declaration), reverse=True)

    blocks = []
    for day in dates:
        lines = []
        for establishment in establishments:
            measurement = by_key.get((day, establishment.pk))
            declared = declared_by.get((day, establishment.pk))
            declared_counts = declared.counts() if declared else {}
            lines.append(
                EssmsLine(
                    establishment=establishment,
                    measurement=measurement,
                    declared=declared,
                    rates=_rate_cells(measurement, _declared_rates(declared), targets),
                    counts=[
                        CountCell(
                            key=name,
                            label=COUNT_LABELS[name],
                            value=getattr(measurement, name) if measurement else None,
                            declared=declared_counts.get(name),
                            has_declared=declared is not None and measurement is not None,
                        )
                        for name in COUNT_FIELDS
                    ],
                )
            )
        blocks.append(DateBlock(day, measurement_window(day).label, lines, latest_declaration.get(day)))

    charts = []
    measured_dates = sorted({m.measured_at for m in measurements})
    for establishment in establishments:
        points = [
            (day, by_key[(day, establishment.pk)].rates())
            for day in measured_dates
            if (day, establishment.pk) in by_key
        ]
        if points:
            chart = rates_chart(
                points,
                CHART_LABELS,
                targets,
                f"Évolution des taux d'usage de {establishment.name} ({establishment.finess_et})",
            )
            charts.append((establishment, mark_safe(chart)))  # built from escaped values

    usage = DossierUsage(
        dossier=dossier,
        targets=[(key, RATE_LABELS[key], value) for key, value in targets.items()],
        blocks=blocks,
        charts=charts,
        tranches=[],
        extracts=list(UsageExtract.objects.filter(dossier=dossier).select_related("uploaded_by")),
        declarations=declarations,
    )
    usage.tranches = tranche_statuses(dossier, usage)
    return usage


def tranche_statuses(dossier: Dossier, usage: DossierUsage) -> list[TrancheStatus]:
    """The campaign's tranches whose payment depends on usage, with whether the condition is met."""
    from esmsnum.domain.campaigns import UnknownCampaign, get_campaign

    try:
        campaign = get_campaign(dossier.campaign)
    except UnknownCampaign:
        return []
    latest = usage.latest
    statuses = []
    for tranche in campaign.tranches:
        if not tranche.usage_condition:
            continue
        if latest is None:
            state, detail = "no_measure", "Aucune mesure d'usage déposée pour l'instant."
        elif not usage.targets:
            state = "no_targets"
            detail = (
                "La campagne fixe des critères d'usage sans valeur cible : l'ARS apprécie les mesures "
                f"du {latest.measured_at:%d/%m/%Y}."
            )
        elif latest.all_met:
            state = "met"
            detail = f"Tous les ESSMS atteignent les cibles à la mesure du {latest.measured_at:%d/%m/%Y}."
        else:
            missing = len(latest.lines) - latest.measured
            state = "not_met"
            detail = (
                f"{latest.meeting} ESSMS sur {len(latest.lines)} atteignent les cibles à la mesure du "
                f"{latest.measured_at:%d/%m/%Y}" + (f" ({missing} sans mesure)" if missing else "") + "."
            )
        statuses.append(TrancheStatus(tranche.code, tranche.label, tranche.percent, tranche.condition, state, detail))
    return statuses


# --- national and regional ------------------------------------------------------------------------------------


@dataclass
class RegionLine:
    region: Region
    essms: int
    accompanied: int
    active: int

    @property
    def active_rate(self) -> Decimal | None:
        return percent(self.active, self.accompanied)


@dataclass
class NationalUsage:
    active: int
    accompanied: int
    essms: int
    dossiers: int
    latest_date: dt.date | None
    regions: list[RegionLine]
    target: int = NATIONAL_ACTIVE_TARGET

    @property
    def active_rate(self) -> Decimal | None:
        return percent(self.active, self.accompanied)

    @property
    def share_of_target(self) -> Decimal:
        return (Decimal(self.active) * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def progress(self) -> int:
        return min(100, int(self.active * 100 // self.target))


def latest_measurements(region_code: str | None = None):
    """For each ESSMS, its most recent measurement (any dossier; the latest upload wins on the same date)."""
    newest = Measurement.objects.filter(establishment=OuterRef("establishment")).order_by(
        "-measured_at", "-extract__uploaded_at", "-id"
    )
    qs = Measurement.objects.filter(pk=Subquery(newest.values("pk")[:1]))
    if region_code:
        qs = qs.filter(establishment__region_id=region_code)
    return qs


def national_usage(region_code: str | None = None) -> NationalUsage:
    latest = latest_measurements(region_code)
    totals = latest.aggregate(
        active=Sum("active"),
        accompanied=Sum("accompanied"),
        essms=Count("id"),
        dossiers=Count("dossier", distinct=True),
        latest_date=Max("measured_at"),
    )
    by_region = {
        row["establishment__region"]: row
        for row in latest.values("establishment__region").annotate(
            essms=Count("id"), accompanied=Sum("accompanied"), active=Sum("active")
        )
    }
    regions = Region.objects.filter(code__in=by_region).order_by("name")
    return NationalUsage(
        active=totals["active"] or 0,
        accompanied=totals["accompanied"] or 0,
        essms=totals["essms"] or 0,
        dossiers=totals["dossiers"] or 0,
        latest_date=totals["latest_date"],
        regions=[
            RegionLine(
                region,
                by_region[region.code]["essms"],
                by_region[region.code]["accompanied"] or 0,
                by_region[region.code]["active"] or 0,
            )
            for region in regions
        ],
    )
