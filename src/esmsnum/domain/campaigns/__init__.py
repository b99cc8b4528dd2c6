"""Campaigns as data: one TOML file per campaign version, validated when loaded.

A campaign gives the numbers (amounts, tiers, caps, thresholds, windows, tranches, usage targets, envelopes,
documents, priority criteria) and switches on the rules of the engine that read them; see ``docs/campaigns.md``.
Files are read from ``data/`` beside this module, then from every directory listed in the environment variable
``ESMSNUM_CAMPAIGNS_DIR`` (separated by ``os.pathsep``), so that a campaign where only numbers change is a new
file and no code.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from esmsnum.domain import _ref

DATA_DIR = Path(__file__).resolve().parent / "data"
ENV_DIRS = "ESMSNUM_CAMPAIGNS_DIR"

ProjectType = Literal["acquisition", "upgrade", "mixed", "deployment"]
Situation = Literal["acquisition", "upgrade"]
Public = Literal["PA", "PH", "PDS", "PE", "AHI", "PJM", "DOM", "OTHER"]
ServiceSocle = Literal["mssante", "dmp", "eprescription", "eparcours"]
UsageKey = Literal["active_rate", "pp_rate", "agenda_rate", "mss_rate", "dmp_rate"]
Reference = Annotated[str, Field(min_length=3)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Euros = Annotated[Decimal, Field(ge=0, decimal_places=2)]
USAGE_TARGET_LABELS = {
    "active_rate": "taux de dossiers actifs",
    "pp_rate": "taux de dossiers actifs avec un projet personnalisé",
    "agenda_rate": "taux de dossiers actifs ayant au moins un événement d'agenda",
    "mss_rate": "taux d'utilisation de la MSSanté",
    "dmp_rate": "taux d'utilisation du DMP",
}


class UnknownCampaign(KeyError):
    """No campaign with this identifier (message in French)."""

    def __init__(self, campaign_id: str, known: list[str]):
        self.campaign_id = campaign_id
        self.known = known
        super().__init__(campaign_id)

    def __str__(self) -> str:
        return f"campagne inconnue « {self.campaign_id} » ; campagnes disponibles : {', '.join(self.known)}"


class CampaignDefinitionError(ValueError):
    """A campaign data file that cannot be loaded (message in French, naming the file and the field)."""


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Data):
    code: Annotated[str, Field(pattern=r"^[0-9]{3}$")]
    file: str
    title: str


class Window(_Data):
    """A filing window. ``opens_at``/``closes_at`` are local times of the region (closing is exclusive:
    "15/09/2024 à minuit" is written ``2024-09-16T00:00:00``)."""

    code: Code
    label: str
    scope: Literal["regional", "multiregional"]
    opens_at: datetime
    closes_at: datetime
    committee: str | None = None
    committee_date: date | None = None
    advised_before: datetime | None = None
    reference: Reference

    @model_validator(mode="after")
    def _local_and_ordered(self) -> Window:
        if self.opens_at.tzinfo is not None or self.closes_at.tzinfo is not None:
            raise ValueError("les dates des fenêtres sont des heures locales de la région, sans décalage horaire")
        if self.opens_at >= self.closes_at:
            raise ValueError("la fenêtre doit s'ouvrir avant de se fermer")
        return self

    def opens(self, region_code: str) -> datetime:
        return self.opens_at.replace(tzinfo=ZoneInfo(_ref.region_timezone(region_code)))

    def closes(self, region_code: str) -> datetime:
        return self.closes_at.replace(tzinfo=ZoneInfo(_ref.region_timezone(region_code)))

    def contains(self, region_code: str, at: datetime) -> bool:
        return self.opens(region_code) <= at < self.closes(region_code)


class RequiredDocument(_Data):
    code: Code
    label: str
    mandatory: bool
    condition: str | None = None
    when: Literal["national_entity", "ght_hospital_corridor", "ahi_pjm_only", "hardware", "saad"] | None = None
    reference: Reference


class Tranche(_Data):
    code: Code
    label: str
    percent: Annotated[Decimal, Field(gt=0, le=100)]
    condition: str
    usage_condition: bool = False
    reference: Reference


class PriorityCriterion(_Data):
    code: Code
    label: str
    description: str = ""
    weight: Annotated[Decimal, Field(ge=0)] = Decimal(1)
    reference: Reference


class Tier(_Data):
    """``amount_eur`` per ESSMS up to the ``up_to_rank``-th ESSMS of the project (the last tier has none)."""

    up_to_rank: Annotated[int, Field(ge=1)] | None = None
    amount_eur: Euros


class FundingLine(_Data):
    code: Code
    label: str
    per: Literal["essms", "project"]
    reference: Reference
    project_types: list[ProjectType]
    # per ESSMS: tiers by rank for each situation of the ESSMS
    acquisition: list[Tier] | None = None
    upgrade: list[Tier] | None = None
    # per project: a flat amount (or a cap when ``quote_cap`` is set)
    amount_eur: Euros | None = None
    request: Literal["equipment", "amoa_market", "amoa_pilot"] | None = None
    small_og: Literal["essms", "all"] | None = None
    quote_cap: Literal["hardware_quote_eur", "amoa_quote_eur"] | None = None
    saad_prorata: bool = False
    review: str | None = None
    situation_note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> FundingLine:
        if self.per == "essms":
            if self.acquisition is None and self.upgrade is None:
                raise ValueError("une ligne par ESSMS doit donner des montants pour acquisition ou upgrade")
            for name in ("acquisition", "upgrade"):
                tiers = getattr(self, name)
                if tiers is None:
                    continue
                if not tiers or tiers[-1].up_to_rank is not None:
                    raise ValueError(f"{name} : le dernier palier ne doit pas avoir de rang limite (up_to_rank)")
                ranks = [tier.up_to_rank for tier in tiers[:-1]]
                if any(rank is None for rank in ranks) or ranks != sorted(set(ranks)):
                    raise ValueError(f"{name} : les rangs limites des paliers doivent croître strictement")
            if self.amount_eur is not None:
                raise ValueError("amount_eur est réservé aux lignes par projet")
        else:
            if self.amount_eur is None:
                raise ValueError("une ligne par projet doit donner amount_eur")
            if self.acquisition is not None or self.upgrade is not None or self.small_og == "essms":
                raise ValueError("une ligne par projet ne peut pas avoir de montants par ESSMS")
        if self.quote_cap == "hardware_quote_eur" and self.per != "essms":
            raise ValueError("le plafond par devis de matériel s'applique par ESSMS")
        if self.quote_cap == "amoa_quote_eur" and self.per != "project":
            raise ValueError("le plafond par devis d'AMOA s'applique par projet")
        return self

    def tiers_for(self, situation: str) -> list[Tier] | None:
        return getattr(self, situation, None)


class SizeRule(_Data):
    min_essms: Annotated[int, Field(ge=1)]
    min_essms_overseas: Annotated[int, Field(ge=1)]
    below_min: Literal["fail", "warn"]
    reference: Reference
    min_og: Annotated[int, Field(ge=0)] = 0
    og_reference: str | None = None
    joins_funded_grappe: bool = False
    joins_reference: str | None = None


class GuichetRule(_Data):
    national_from_essms: Annotated[int, Field(ge=2)] | None = None
    national_needs_several_regions: bool = False
    national_review: str | None = None
    reference: Reference


class PublicRule(_Data):
    eligible_publics: list[Public] | None = None
    require_assurance_maladie: bool = False
    reference: Reference


class ProjectRule(_Data):
    allowed: list[ProjectType]
    reference: Reference
    mixed: Literal["fail", "allowed", "review"]
    mixed_reference: Reference
    deployment_min_essms: int | None = None
    deployment_reference: str | None = None


class InteropRule(_Data):
    min_count: Annotated[int, Field(ge=1)]
    among: list[ServiceSocle]
    non_medicalised_alternative: list[ServiceSocle] | None = None
    reference: Reference


class SolutionRule(_Data):
    same_solution_reference: Reference
    same_hosting: bool = False
    same_hosting_reference: str | None = None
    segur_required: bool = False
    segur_exempt_publics: list[Public] = Field(default_factory=list)
    ght_hospital_corridor: bool = False
    segur_reference: str | None = None
    national_market: bool = False
    national_market_reference: str | None = None


class SmallOgRule(_Data):
    below: Annotated[int, Field(ge=2)]
    reference: Reference


class ReferenceOnly(_Data):
    reference: Reference


class Campaign(_Data):
    """A campaign version (see ``docs/campaigns.md``)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: str
    title: str
    phase: Literal["amorcage", "generalisation"]
    year: int
    summary: str
    call_regions: list[str] = Field(default_factory=list)
    sources: list[Source]
    project: ProjectRule
    size: SizeRule
    guichet: GuichetRule
    public: PublicRule
    solution: SolutionRule
    small_og: SmallOgRule | None = None
    interoperability: InteropRule | None = None
    non_redundancy: ReferenceOnly | None = None
    national_entity: ReferenceOnly | None = None
    maturity: ReferenceOnly | None = None
    saad: ReferenceOnly | None = None
    windows: list[Window] = Field(default_factory=list)
    windows_reference: str | None = None
    funding_lines: list[FundingLine]
    funding_reference: Reference
    single_funding_reference: str | None = None
    tranches: list[Tranche]
    usage_targets: dict[UsageKey, Annotated[Decimal, Field(ge=0, le=100)]] = Field(default_factory=dict)
    usage_reference: str | None = None
    envelopes: dict[str, Euros] = Field(default_factory=dict)
    envelopes_reference: str | None = None
    required_documents: list[RequiredDocument] = Field(default_factory=list)
    priority_criteria: list[PriorityCriterion] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Campaign:
        total = sum((tranche.percent for tranche in self.tranches), Decimal(0))
        if total != 100:
            raise ValueError(f"les tranches doivent totaliser 100 % (total : {total} %)")
        for name, items in (
            ("tranches", self.tranches),
            ("funding_lines", self.funding_lines),
            ("windows", self.windows),
            ("required_documents", self.required_documents),
            ("priority_criteria", self.priority_criteria),
        ):
            codes = [item.code for item in items]
            duplicates = sorted({code for code in codes if codes.count(code) > 1})
            if duplicates:
                raise ValueError(f"{name} : codes en double {', '.join(duplicates)}")
        for code in [*self.envelopes, *self.call_regions]:
            if _ref.region(code) is None:
                raise ValueError(f"code de région inconnu « {code} »")
        for line in self.funding_lines:
            if line.small_og and self.small_og is None:
                raise ValueError(f"ligne {line.code} : réservée aux petits OG mais la section small_og manque")
            unknown = set(line.project_types) - set(self.project.allowed)
            if unknown:
                raise ValueError(f"ligne {line.code} : types de projet non prévus {sorted(unknown)}")
        return self

    # -- windows ------------------------------------------------------------------------------------------------

    def windows_for(self, multi_region: bool = False) -> list[Window]:
        """Windows that apply: multiregional ones for a multi-region project when the campaign has any."""
        if multi_region:
            multi = [window for window in self.windows if window.scope == "multiregional"]
            if multi:
                return multi
        return [window for window in self.windows if window.scope == "regional"]

    def deadline(self, region_code: str, multi_region: bool = False) -> datetime | None:
        """Closing time (exclusive, aware, in the region's time zone); None when the texts give none."""
        windows = self.windows_for(multi_region)
        if not windows:
            return None
        return max(window.closes(region_code) for window in windows)

    def window_at(self, region_code: str, at: datetime, multi_region: bool = False) -> Window | None:
        for window in self.windows_for(multi_region):
            if window.contains(region_code, at):
                return window
        return None

    def is_open(self, region_code: str, at: datetime, multi_region: bool = False) -> bool:
        return self.window_at(region_code, at, multi_region) is not None

    # -- helpers ------------------------------------------------------------------------------------------------

    @property
    def services_socles(self) -> list[str]:
        """Services socles the campaign asks to interoperate with (empty when it sets no condition)."""
        return list(self.interoperability.among) if self.interoperability else []

    def source_file(self, code: str) -> str:
        for source in self.sources:
            if source.code == code:
                return source.file
        return code

    def min_essms_for(self, region_code: str) -> int:
        return self.size.min_essms_overseas if _ref.overseas_or_corse(region_code) else self.size.min_essms

    def envelope(self, region_code: str) -> Decimal | None:
        return self.envelopes.get(region_code)


# ------------------------------------------------------------------------------------------------------- loading


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + str(part)
    return path


def load_campaign_file(path: Path) -> Campaign:
    """Read and validate one campaign file, or raise :class:`CampaignDefinitionError` (French)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle, parse_float=Decimal)
    except OSError as exc:
        raise CampaignDefinitionError(f"{path} : fichier illisible ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CampaignDefinitionError(f"{path} : TOML invalide ({exc})") from None
    try:
        return Campaign.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(f"{_field_path(error['loc']) or 'campagne'} : {error['msg']}" for error in exc.errors())
        raise CampaignDefinitionError(f"{path} : définition de campagne invalide — {details}") from None


def campaign_dirs() -> tuple[Path, ...]:
    extra = [Path(part) for part in os.environ.get(ENV_DIRS, "").split(os.pathsep) if part.strip()]
    return (DATA_DIR, *extra)


@lru_cache(maxsize=8)
def _load(dirs: tuple[Path, ...]) -> dict[str, Campaign]:
    campaigns: dict[str, Campaign] = {}
    origins: dict[str, Path] = {}
    for directory in dirs:
        if not directory.is_dir():
            raise CampaignDefinitionError(f"{directory} : répertoire de campagnes introuvable")
        for path in sorted(directory.glob("*.toml")):
            campaign = load_campaign_file(path)
            if campaign.id in campaigns:
                raise CampaignDefinitionError(
                    f"{path} : la campagne « {campaign.id} » est déjà définie dans {origins[campaign.id]}"
                )
            campaigns[campaign.id] = campaign
            origins[campaign.id] = path
    return dict(sorted(campaigns.items()))


def load_campaigns() -> dict[str, Campaign]:
    """Every campaign, by identifier (cached per set of directories)."""
    return _load(campaign_dirs())


def get_campaign(campaign_id: str) -> Campaign:
    campaigns = load_campaigns()
    try:
        return campaigns[campaign_id]
    except KeyError:
        raise UnknownCampaign(campaign_id, list(campaigns)) from None


__all__ = [
    "USAGE_TARGET_LABELS",
    "Campaign",
    "CampaignDefinitionError",
    "FundingLine",
    "PriorityCriterion",
    "RequiredDocument",
    "Tranche",
    "UnknownCampaign",
    "Window",
    "get_campaign",
    "load_campaign_file",
    "load_campaigns",
]
