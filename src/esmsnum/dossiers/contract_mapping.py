"""The ORM → contract mapping: a dossier as the JSON document of ``dossier-contract.md`` (v1), and the French
wording of the engine's input errors."""

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from esmsnum.core import clock
from esmsnum.domain import engine
from esmsnum.referential.models import Financeur

from .models import Dossier, GrappeMember


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


_OPEN = Q(organisation__establishments__is_open=True)


def _open_essms(member: GrappeMember) -> int:
    count = getattr(member, "open_essms", None)  # annotated; absent on the porteur added in memory
    return count if count is not None else member.organisation.establishments.filter(is_open=True).count()


def dossier_to_contract(dossier: Dossier, *, submitted_at: datetime | None = None) -> dict[str, Any]:
    """The dossier as the JSON document of ``dossier-contract.md`` (v1)."""
    submitted_at = submitted_at or dossier.filed_at
    members = list(
        dossier.members.select_related("organisation")
        .annotate(
            open_essms=Count("organisation__establishments", filter=Q(organisation__establishments__is_open=True))
        )
        .order_by("id")
    )
    if not any(m.organisation_id == dossier.porteur_id for m in members):
        members.insert(0, GrappeMember(dossier=dossier, organisation=dossier.porteur))
    organisations = [
        {
            "finess_ej": m.organisation.finess_ej,
            "name": m.organisation.name,
            "essms_managed": m.essms_managed if m.essms_managed is not None else max(1, _open_essms(m)),
            "national_entity": m.national_entity,
            "national_entity_consent": m.national_entity_consent,
            "is_ght": m.is_ght,
            "maturity_self_assessment": m.maturity_self_assessment,
        }
        for m in members
    ]
    establishments = []
    entries = dossier.establishments.select_related("establishment__organisation", "establishment__category").order_by(
        "id"
    )
    for entry in entries:
        et = entry.establishment
        item: dict[str, Any] = {
            "finess_et": et.finess_et,
            "finess_ej": et.organisation.finess_ej,
            "name": et.long_name or et.name,
            "region": et.region_id,
            "category": et.category_id,
            "public": et.public,
            "medicalised": et.medicalised,
            "assurance_maladie_funded": et.financeur in (Financeur.ASSURANCE_MALADIE, Financeur.AM_AND_DEPARTEMENT),
            "situation": entry.situation or None,
            "current_solution": entry.current_solution or None,
            "hosting": entry.hosting or None,
            "hardware_quote_eur": _json_number(entry.hardware_quote_eur),
            "prior_funding": list(entry.prior_funding or []),
            "segur_prestation_ordered": entry.segur_prestation_ordered,
        }
        if et.category.is_saad or entry.saad_hours_total is not None:
            item["saad_hours"] = (
                {
                    "total": _json_number(entry.saad_hours_total),
                    "medico_social": _json_number(entry.saad_hours_medico_social),
                }
                if entry.saad_hours_total is not None and entry.saad_hours_medico_social is not None
                else None
            )
        establishments.append(item)
    document: dict[str, Any] = {
        "campaign": dossier.campaign,
        "region": dossier.region_id,
        "project_type": dossier.project_type or None,
        "solution": {
            "name": dossier.solution_name,
            "segur_referenced": dossier.solution_segur_referenced,
            "segur_corridor": dossier.solution_segur_corridor or None,
            "segur_referencing_in_progress": dossier.solution_segur_referencing_in_progress,
            "in_national_market": dossier.solution_in_national_market,
            "market_derogation": dossier.solution_market_derogation,
        },
        "porteur_finess_ej": dossier.porteur.finess_ej,
        "organisations": organisations,
        "establishments": establishments,
        "services_socles": list(dossier.services_socles or []),
        "requests": {
            "equipment": dossier.request_equipment,
            "amoa_market": dossier.request_amoa_market,
            "amoa_pilot": dossier.request_amoa_pilot,
        },
        "amoa_quote_eur": _json_number(dossier.amoa_quote_eur),
        "joins_funded_grappe": dossier.joins_funded_grappe,
        "other_european_funding": dossier.other_european_funding,
    }
    if submitted_at is not None:
        document["submitted_at"] = submitted_at.isoformat()
    return document


FIELD_LABELS = {
    "project_type": "type de projet",
    "solution": "logiciel retenu",
    "solution.name": "nom du logiciel DUI retenu",
    "solution.segur_corridor": "couloir de référencement Ségur",
    "establishments": "ESSMS du projet",
    "organisations": "organismes de la grappe",
    "services_socles": "services socles",
    "amoa_quote_eur": "devis AMOA",
    "situation": "situation",
    "hosting": "hébergement",
    "current_solution": "logiciel actuel",
    "hardware_quote_eur": "devis matériel",
    "saad_hours": "heures du SAAD",
    "prior_funding": "financements antérieurs",
    "essms_managed": "nombre d'ESSMS gérés",
}


def _humanize(path: str, message: str, document: dict[str, Any]) -> str:
    """'establishments[2].situation : champ obligatoire manquant' → a sentence naming the ESSMS."""
    match = re.match(r"^(establishments|organisations)\[(\d+)\]\.?(\w*)", path)
    if match:
        kind, index, field = match.group(1), int(match.group(2)), match.group(3)
        items = document.get(kind) or []
        item = items[index] if index < len(items) else {}
        who = item.get("name") or item.get("finess_et") or item.get("finess_ej") or f"n° {index + 1}"
        label = FIELD_LABELS.get(field, field) if field else ""
        subject = f"{'ESSMS' if kind == 'establishments' else 'organisme'} « {who} »"
        return f"{label.capitalize()} de l'{subject} : {message}." if label else f"{subject.capitalize()} : {message}."
    label = FIELD_LABELS.get(path, path)
    return f"{label[:1].upper()}{label[1:]} : {message}."


def evaluate_contract(document: dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """Run the engine on a contract document; an incomplete or invalid document gives ``{"error", "errors"}``."""
    try:
        parsed = engine.parse_dossier(document)
        result = engine.evaluate(parsed, now=now or clock.now())
    except engine.DossierInputError as exc:
        errors = [_humanize(path, message, document) for path, message in exc.errors]
        return {"error": " ".join(errors) or str(exc), "errors": errors or [str(exc)]}
    return result.to_json_dict()
