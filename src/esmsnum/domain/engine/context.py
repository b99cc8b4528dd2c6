"""The evaluation context: the dossier, its campaign, the filing time and the findings gathered so far."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from esmsnum.domain.campaigns import Campaign
from esmsnum.domain.contract import (
    DossierInput,
    Establishment,
    Finding,
    Organisation,
)


@dataclass
class _Context:
    dossier: DossierInput
    campaign: Campaign
    at: datetime
    simulation: bool
    establishments: list[Establishment]
    duplicates: list[Establishment]
    organisations: dict[str, Organisation]
    region_counts: Counter
    effective_type: str
    findings: list[Finding] = field(default_factory=list)
    guichet: str = "regional"
    _listed: Counter | None = None

    @property
    def essms_count(self) -> int:
        return len(self.establishments)

    @property
    def multi_region(self) -> bool:
        return len(self.region_counts) > 1

    @property
    def og_count(self) -> int:
        return len({establishment.finess_ej for establishment in self.establishments})

    def add(self, code: str, status: str, message: str, reference: str) -> None:
        self.findings.append(Finding(code=code, status=status, message=message, reference=reference))

    def managed(self, finess_ej: str) -> int:
        """ESSMS managed by an OG: what it declares, at least what the dossier lists."""
        if self._listed is None:
            self._listed = Counter(establishment.finess_ej for establishment in self.establishments)
        return max(self.organisations[finess_ej].essms_managed, self._listed[finess_ej])

    def is_small(self, finess_ej: str) -> bool:
        rule = self.campaign.small_og
        return rule is not None and self.managed(finess_ej) < rule.below

    def saad_ratio(self, establishment: Establishment) -> Decimal | None:
        """Share of medico-social hours for a SAAD (None when no prorata applies)."""
        if self.campaign.saad is None or not establishment.is_saad or establishment.saad_hours is None:
            return None
        hours = establishment.saad_hours
        return hours.medico_social / hours.total


def _context(dossier: DossierInput, campaign: Campaign, now: datetime | None) -> _Context:
    unique: dict[str, Establishment] = {}
    duplicates: list[Establishment] = []
    for establishment in dossier.establishments:
        if establishment.finess_et in unique:
            duplicates.append(establishment)
        else:
            unique[establishment.finess_et] = establishment
    establishments = list(unique.values())
    if dossier.submitted_at is not None:
        at, simulation = dossier.submitted_at, False
    else:
        at, simulation = (now or datetime.now(UTC)), True
        if at.tzinfo is None:
            raise ValueError("now doit être une date et heure avec fuseau horaire")
    situations = {establishment.situation for establishment in establishments}
    if dossier.project_type == "deployment":
        effective = "deployment"
    elif len(situations) > 1:
        effective = "mixed"
    else:
        effective = next(iter(situations))
    return _Context(
        dossier=dossier,
        campaign=campaign,
        at=at,
        simulation=simulation,
        establishments=establishments,
        duplicates=duplicates,
        organisations={organisation.finess_ej: organisation for organisation in dossier.organisations},
        region_counts=Counter(establishment.region for establishment in establishments),
        effective_type=effective,
    )
