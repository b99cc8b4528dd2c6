"""The dossier evaluation contract (v1): what a funding application says, and what the evaluation answers.

See ``../shared/spec/dossier-contract.md``. The same JSON document is read by the command line
(``esmsnum evaluate``), the HTTP API (``POST /api/v1/evaluations``) and the web form.

Decisions:
- unknown fields are refused (``extra="forbid"``): a misspelt optional field (``hardware_quote`` for
  ``hardware_quote_eur``) would otherwise be silently ignored and change the funding;
- the project accepts a few fields beyond the contract, all optional: ``solution.segur_referencing_in_progress``
  (002 §4.2 C "en cours de référencement") and ``other_european_funding`` (002 §4.2 A, FEDER/FSE);
- yes/no fields default to ``false``; ``public``, ``medicalised`` and ``assurance_maladie_funded`` default to what
  the FINESS category says (category nomenclature);
- amounts are ``Decimal`` with at most 2 decimals; in JSON output they are numbers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from esmsnum.domain import _ref
from esmsnum.domain.finess import finess_error

Public = Literal["PA", "PH", "PDS", "PE", "AHI", "PJM", "DOM", "OTHER"]
ProjectType = Literal["acquisition", "upgrade", "mixed", "deployment"]
Situation = Literal["acquisition", "upgrade"]
Hosting = Literal["saas", "on_premise"]
ServiceSocle = Literal["mssante", "dmp", "eprescription", "eparcours"]
Corridor = Literal["medico-social", "hopital"]
Operation = Literal["acquisition", "upgrade", "other"]
Status = Literal["pass", "warn", "fail"]
Verdict = Literal["eligible", "ineligible", "needs_review"]
Guichet = Literal["regional", "national"]

PUBLIC_LABELS = {
    "PA": "personnes âgées",
    "PH": "personnes en situation de handicap",
    "PDS": "personnes en difficulté spécifique",
    "PE": "protection de l'enfance",
    "AHI": "accueil, hébergement, insertion",
    "PJM": "protection juridique des majeurs",
    "DOM": "aide et soins à domicile",
    "OTHER": "autre public",
}
SITUATION_LABELS = {"acquisition": "acquisition d'un DUI", "upgrade": "mise en conformité du DUI existant"}
PROJECT_TYPE_LABELS = {
    "acquisition": "acquisition",
    "upgrade": "mise en conformité (montée de version)",
    "mixed": "mixte (acquisition et mise en conformité)",
    "deployment": "déploiement (généralisation d'une solution conforme)",
}
SERVICE_LABELS = {"mssante": "MSSanté", "dmp": "DMP", "eprescription": "e-prescription", "eparcours": "e-parcours"}


def _check_finess(value: str) -> str:
    error = finess_error(value)
    if error:
        raise PydanticCustomError("finess", error)
    return value


def _check_region(value: str) -> str:
    if _ref.region(value) is None:
        raise PydanticCustomError(
            "region", "code de région INSEE inconnu « {code} » (2 caractères, ex. 04, 93)", {"code": value}
        )
    return value


def _check_category(value: str) -> str:
    if len(value) != 3 or not value.isdigit():
        raise PydanticCustomError(
            "category", "code de catégorie FINESS « {code} » invalide : 3 chiffres attendus (ex. 500)", {"code": value}
        )
    return value


Finess = Annotated[str, AfterValidator(_check_finess)]
CategoryCode = Annotated[str, AfterValidator(_check_category)]
RegionCode = Annotated[str, AfterValidator(_check_region)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Hours = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Text = Annotated[str, Field(max_length=300)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Solution(_Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    segur_referenced: bool = False
    segur_corridor: Corridor | None = None
    segur_referencing_in_progress: bool = False
    in_national_market: bool = False
    market_derogation: bool = False


class Organisation(_Input):
    finess_ej: Finess
    name: Text = ""
    essms_managed: Annotated[int, Field(ge=1, le=100_000)]
    national_entity: bool = False
    national_entity_consent: bool = False
    is_ght: bool = False
    maturity_self_assessment: bool = False


class SaadHours(_Input):
    total: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    medico_social: Hours

    @model_validator(mode="after")
    def _medico_social_within_total(self) -> SaadHours:
        if self.medico_social > self.total:
            raise PydanticCustomError(
                "saad_hours",
                "les heures médico-sociales ({ms}) dépassent le total des heures ({total})",
                {"ms": str(self.medico_social), "total": str(self.total)},
            )
        return self


class PriorFunding(_Input):
    campaign: Annotated[str, Field(min_length=1, max_length=100)]
    solution: Annotated[str, Field(min_length=1, max_length=200)]
    operation: Operation


class Establishment(_Input):
    finess_et: Finess
    finess_ej: Finess
    name: Text = ""
    region: RegionCode
    category: CategoryCode
    public: Public | None = None
    medicalised: bool | None = None
    assurance_maladie_funded: bool | None = None
    situation: Situation
    current_solution: Annotated[str, Field(max_length=200)] | None = None
    hosting: Hosting | None = None
    hardware_quote_eur: Money | None = None
    saad_hours: SaadHours | None = None
    prior_funding: list[PriorFunding] = Field(default_factory=list)
    segur_prestation_ordered: bool = False

    @model_validator(mode="after")
    def _derive_from_category(self) -> Establishment:
        info = _ref.category(self.category)
        if info is None:
            return self
        if self.public is None and getattr(info, "public", None):
            self.public = str(getattr(info.public, "value", info.public))
        if self.medicalised is None and getattr(info, "medicalised", None) is not None:
            self.medicalised = bool(info.medicalised)
        if self.assurance_maladie_funded is None:
            self.assurance_maladie_funded = _ref.assurance_maladie_funded(getattr(info, "financeur", None))
        return self

    @property
    def is_saad(self) -> bool:
        info = _ref.category(self.category)
        return bool(getattr(info, "is_saad", False))


class Requests(_Input):
    equipment: bool = False
    amoa_market: bool = False
    amoa_pilot: bool = False


class DossierInput(_Input):
    """A funding application as filed (contract v1)."""

    campaign: Annotated[str, Field(min_length=1, max_length=100)]
    region: RegionCode
    submitted_at: AwareDatetime | None = None
    project_type: ProjectType
    solution: Solution
    porteur_finess_ej: Finess
    organisations: Annotated[list[Organisation], Field(min_length=1, max_length=10_000)]
    establishments: Annotated[list[Establishment], Field(min_length=1, max_length=100_000)]
    services_socles: list[ServiceSocle] = Field(default_factory=list)
    requests: Requests = Field(default_factory=Requests)
    amoa_quote_eur: Money | None = None
    joins_funded_grappe: bool = False
    other_european_funding: bool = False

    @field_validator("campaign")
    @classmethod
    def _known_campaign(cls, value: str) -> str:
        from esmsnum.domain.campaigns import load_campaigns

        campaigns = load_campaigns()
        if value not in campaigns:
            raise PydanticCustomError(
                "unknown_campaign",
                "campagne inconnue « {id} » ; campagnes disponibles : {known}",
                {"id": value, "known": ", ".join(sorted(campaigns))},
            )
        return value


# ---------------------------------------------------------------------------------------------------------- errors


class DossierInputError(ValueError):
    """Bad input: ``errors`` is a list of ``(field_path, message_fr)``."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path} : {message}" for path, message in errors) or "dossier invalide")


_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu, non prévu par le contrat",
    "string_type": "doit être une chaîne de caractères",
    "string_too_short": "ne doit pas être vide",
    "string_too_long": "texte trop long (au plus {max_length} caractères)",
    "string_pattern_mismatch": "format invalide",
    "bool_type": "doit valoir true ou false",
    "bool_parsing": "doit valoir true ou false",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "decimal_type": "doit être un nombre",
    "decimal_parsing": "doit être un nombre",
    "decimal_max_places": "au plus {decimal_places} décimales",
    "decimal_max_digits": "nombre trop grand",
    "decimal_whole_digits": "nombre trop grand",
    "finite_number": "doit être un nombre fini",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être strictement supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "datetime_type": "doit être une date et heure ISO 8601 avec décalage horaire (ex. 2024-05-30T18:00:00+04:00)",
    "datetime_parsing": "doit être une date et heure ISO 8601 avec décalage horaire (ex. 2024-05-30T18:00:00+04:00)",
    "datetime_from_date_parsing": "doit être une date et heure ISO 8601 avec décalage horaire "
    "(ex. 2024-05-30T18:00:00+04:00)",
    "timezone_aware": "doit préciser le décalage horaire (ex. 2024-05-30T18:00:00+04:00)",
    "list_type": "doit être une liste",
    "too_short": "doit contenir au moins {min_length} élément(s)",
    "too_long": "contient trop d'éléments (au plus {max_length})",
    "model_type": "doit être un objet JSON",
    "model_attributes_type": "doit être un objet JSON",
    "dict_type": "doit être un objet JSON",
}


def _path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "dossier"


def _message(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur « {error.get('input')} » non autorisée ; valeurs possibles : {expected}"
    if kind == "enum":
        return f"valeur « {error.get('input')} » non autorisée"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    template = _MESSAGES.get(kind)
    if template is None:
        # our own PydanticCustomError messages are already in French
        return error["msg"] if kind in _CUSTOM_TYPES else "valeur invalide"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


_CUSTOM_TYPES = {"finess", "region", "category", "saad_hours", "unknown_campaign"}


def errors_from_validation(exc: ValidationError) -> list[tuple[str, str]]:
    return [(_path(error["loc"]), _message(error)) for error in exc.errors(include_url=False)]


def cross_check(dossier: DossierInput) -> list[tuple[str, str]]:
    """Consistency between parts of the dossier that a field-by-field validation cannot see."""
    errors: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for index, organisation in enumerate(dossier.organisations):
        if organisation.finess_ej in seen:
            errors.append(
                (
                    f"organisations[{index}].finess_ej",
                    f"l'organisme gestionnaire {organisation.finess_ej} est déclaré deux fois "
                    f"(déjà en organisations[{seen[organisation.finess_ej]}])",
                )
            )
        else:
            seen[organisation.finess_ej] = index
    if dossier.porteur_finess_ej not in seen:
        errors.append(
            (
                "porteur_finess_ej",
                f"le porteur {dossier.porteur_finess_ej} ne figure pas dans la liste des organismes gestionnaires",
            )
        )
    for index, establishment in enumerate(dossier.establishments):
        if establishment.finess_ej not in seen:
            errors.append(
                (
                    f"establishments[{index}].finess_ej",
                    f"l'organisme gestionnaire {establishment.finess_ej} de l'ESSMS {establishment.finess_et} "
                    "ne figure pas dans la liste des organismes gestionnaires",
                )
            )
    return errors


def parse_dossier(data: object) -> DossierInput:
    """Validate a JSON document (already decoded) into a :class:`DossierInput`, or raise :class:`DossierInputError`."""
    if not isinstance(data, dict):
        raise DossierInputError([("dossier", "le dossier doit être un objet JSON")])
    try:
        dossier = DossierInput.model_validate(data)
    except ValidationError as exc:
        raise DossierInputError(errors_from_validation(exc)) from None
    errors = cross_check(dossier)
    if errors:
        raise DossierInputError(errors)
    return dossier


# ---------------------------------------------------------------------------------------------------------- output


def _json_number(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(value.quantize(Decimal("0.01")))


Amount = Annotated[Decimal, PlainSerializer(_json_number, return_type=float, when_used="json")]
Percent = Annotated[Decimal, PlainSerializer(_json_number, return_type=float, when_used="json")]


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True)


class Finding(_Output):
    code: str
    status: Status
    message: str
    reference: str


class FundingLine(_Output):
    code: str
    label: str
    basis: str
    amount_eur: Amount


class Funding(_Output):
    total_eur: Amount
    lines: list[FundingLine]


class TrancheAmount(_Output):
    code: str
    label: str
    percent: Percent
    amount_eur: Amount
    condition: str = ""
    usage_condition: bool = False


class RegionShare(_Output):
    region: str
    region_name: str
    essms_count: int
    amount_eur: Amount
    porteur_region: bool = False


class EvaluationResult(_Output):
    """The answer (contract v1), plus context fields (campaign, version, reference time)."""

    campaign: str
    campaign_version: str
    verdict: Verdict
    guichet: Guichet
    essms_count: int
    og_count: int
    region: str
    multi_region: bool
    submitted_at: datetime
    simulation: bool
    findings: list[Finding]
    funding: Funding
    tranches: list[TrancheAmount]
    by_region: list[RegionShare]

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json")
