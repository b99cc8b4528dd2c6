"""The schedule contract (v1): what the schedule reads and answers (``../shared/spec/funding-lifecycle.md``).

Input is validated field by field (pydantic, unknown fields refused) and then against the campaign (tranche codes,
funding line codes, regions). Every error names its JSON field (``events[1].amount_eur``) in French.

Additions to the contract, all optional and without effect when absent:
- ``payment.region``: the paying ARS of a payment order; a tranche is ``paid`` when every regional share is;
- ``guichet`` (``regional`` by default): the indicative 9/18-month durations of 2024 "ne concernent pas les projets de
  portée nationale" (002 §4.5.2), so a national 2024 project has no expected end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError
from pydantic_core import PydanticCustomError

from esmsnum.domain import _ref
from esmsnum.domain.campaigns import Campaign, UnknownCampaign, get_campaign
from esmsnum.domain.contract import _message

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CUSTOM = {"iso_date", "euros"}


def _iso_date(value: object) -> object:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("iso_date", "doit être une date AAAA-MM-JJ (ex. 2025-09-01)")


def _euros(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError("euros", "doit être un montant en euros (nombre, au plus 2 décimales)")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Euros = Annotated[Decimal, BeforeValidator(_euros), Field(ge=0, decimal_places=2, max_digits=14)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{2}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class GrantedLine(_In):
    code: Code
    amount_eur: Euros


class RegionCount(_In):
    region: RegionCode
    essms_count: Annotated[int, Field(ge=0, strict=True)]


class Granted(_In):
    lines: Annotated[list[GrantedLine], Field(min_length=1)]
    by_region: list[RegionCount] = Field(default_factory=list)


class ConventionSigned(_In):
    kind: Literal["convention_signed"]
    on: IsoDate


class Payment(_In):
    kind: Literal["payment"]
    on: IsoDate
    tranche: Code
    amount_eur: Euros
    region: RegionCode | None = None


class ConfigurationCompleted(_In):
    kind: Literal["configuration_completed"]
    on: IsoDate
    invoice: Annotated[bool, Field(strict=True)] = False


class ProjectCompleted(_In):
    kind: Literal["project_completed"]
    on: IsoDate
    invoice: Annotated[bool, Field(strict=True)] = False


class UsageMeasured(_In):
    kind: Literal["usage_measured"]
    on: IsoDate
    targets_met: Annotated[bool, Field(strict=True)]


class ExpenseStatement(_In):
    kind: Literal["expense_statement"]
    on: IsoDate
    certified: Annotated[bool, Field(strict=True)] = False
    lines: dict[str, Euros] = Field(default_factory=dict)


EVENT_KINDS = {
    "convention_signed": ConventionSigned,
    "payment": Payment,
    "configuration_completed": ConfigurationCompleted,
    "project_completed": ProjectCompleted,
    "usage_measured": UsageMeasured,
    "expense_statement": ExpenseStatement,
}


def _event_kind(value: object) -> str | None:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if kind in EVENT_KINDS else None


Event = Annotated[
    Annotated[ConventionSigned, Tag("convention_signed")]
    | Annotated[Payment, Tag("payment")]
    | Annotated[ConfigurationCompleted, Tag("configuration_completed")]
    | Annotated[ProjectCompleted, Tag("project_completed")]
    | Annotated[UsageMeasured, Tag("usage_measured")]
    | Annotated[ExpenseStatement, Tag("expense_statement")],
    Discriminator(
        _event_kind,
        custom_error_type="event_kind",
        custom_error_message="type d'événement inconnu ; valeurs possibles : " + ", ".join(EVENT_KINDS),
    ),
]


class ScheduleInput(_In):
    campaign: Annotated[str, Field(min_length=1)]
    at: IsoDate
    porteur_region: RegionCode
    granted: Granted
    any_acquisition: Annotated[bool, Field(strict=True)] = False
    duration_months: Annotated[int, Field(ge=1, le=240, strict=True)] | None = None
    guichet: Literal["regional", "national"] = "regional"
    events: list[Event] = Field(default_factory=list)


class ScheduleInputError(ValueError):
    """Bad input: ``errors`` is a list of ``(field_path, message_fr)``."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path} : {message}" for path, message in errors) or "échéancier invalide")


def _path(loc: tuple) -> str:
    path = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif index >= 2 and loc[index - 2] == "events" and part in EVENT_KINDS:
            continue  # the discriminator's tag is not a JSON field
        else:
            path += ("." if path else "") + str(part)
    return path or "échéancier"


def _errors(exc: ValidationError) -> list[tuple[str, str]]:
    errors = []
    for error in exc.errors(include_url=False):
        if error["type"] in _CUSTOM or error["type"] == "event_kind":
            message = error["msg"]
            path = _path(error["loc"]) + (".kind" if error["type"] == "event_kind" else "")
        else:
            message, path = _message(error), _path(error["loc"])
        errors.append((path, message))
    return errors


@dataclass(frozen=True)
class ParsedInput:
    data: ScheduleInput
    campaign: Campaign


def _check_region(errors: list, field: str, code: str) -> None:
    if _ref.region(code) is None:
        errors.append((field, f"code de région inconnu « {code} »"))


def _cross_check(data: ScheduleInput, campaign: Campaign) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    line_codes = {line.code for line in campaign.funding_lines}
    tranche_codes = [tranche.code for tranche in campaign.tranches]
    _check_region(errors, "porteur_region", data.porteur_region)
    seen: set[str] = set()
    for index, line in enumerate(data.granted.lines):
        field = f"granted.lines[{index}].code"
        if line.code not in line_codes:
            errors.append((field, f"ligne « {line.code} » inconnue ; lignes de la campagne : {', '.join(line_codes)}"))
        elif line.code in seen:
            errors.append((field, f"ligne « {line.code} » donnée deux fois"))
        seen.add(line.code)
    regions: set[str] = set()
    for index, share in enumerate(data.granted.by_region):
        field = f"granted.by_region[{index}].region"
        _check_region(errors, field, share.region)
        if share.region in regions:
            errors.append((field, f"région « {share.region} » donnée deux fois"))
        regions.add(share.region)
    if data.granted.by_region and not any(share.essms_count for share in data.granted.by_region):
        errors.append(("granted.by_region", "au moins une région doit compter un ESSMS"))
    paying = regions or {data.porteur_region}
    capped = {line.code for line in campaign.funding_lines if line.quote_cap}
    granted_capped = {line.code for line in data.granted.lines if line.code in capped}
    for index, event in enumerate(data.events):
        if isinstance(event, Payment):
            if event.tranche not in tranche_codes:
                errors.append(
                    (
                        f"events[{index}].tranche",
                        f"tranche « {event.tranche} » inconnue ; tranches de la campagne : {', '.join(tranche_codes)}",
                    )
                )
            if event.region is not None and event.region not in paying:
                errors.append((f"events[{index}].region", f"la région « {event.region} » ne finance pas ce projet"))
        if isinstance(event, ExpenseStatement):
            if campaign.phase != "generalisation":
                errors.append(
                    (f"events[{index}].kind", "pas d'état récapitulatif des dépenses dans les campagnes de 2021")
                )
                continue
            for code in event.lines:
                if code not in seen:
                    errors.append((f"events[{index}].lines.{code}", f"ligne « {code} » non accordée"))
            if event.certified:
                for code in sorted(granted_capped - set(event.lines)):
                    errors.append(
                        (
                            f"events[{index}].lines",
                            f"un état certifié donne la dépense réelle de la ligne plafonnée « {code} »",
                        )
                    )
    return errors


def parse_schedule_input(document: object) -> ParsedInput:
    """Validate a decoded JSON document, or raise :class:`ScheduleInputError` (French, naming the fields)."""
    if not isinstance(document, dict):
        raise ScheduleInputError([("échéancier", "le document doit être un objet JSON")])
    try:
        data = ScheduleInput.model_validate(document)
    except ValidationError as exc:
        raise ScheduleInputError(_errors(exc)) from None
    try:
        campaign = get_campaign(data.campaign)
    except UnknownCampaign as exc:
        raise ScheduleInputError([("campaign", str(exc))]) from None
    errors = _cross_check(data, campaign)
    if errors:
        raise ScheduleInputError(errors)
    return ParsedInput(data=data, campaign=campaign)
