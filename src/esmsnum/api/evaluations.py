"""`POST /api/v1/evaluations`: evaluate a dossier (contract v1) with the rule engine of the domain core.

The body is read and validated here rather than by django-ninja so that errors are in French and name the field
exactly as the command line does (``establishments[2].finess_et``); the OpenAPI schema still documents every field
of the request (``DossierInput``) and of the answer (``EvaluationResult``).
"""

from __future__ import annotations

import json
from copy import deepcopy

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema
from ninja.throttling import AnonRateThrottle

from esmsnum.domain.campaigns import CampaignDefinitionError
from esmsnum.domain.contract import DossierInput, DossierInputError, EvaluationResult
from esmsnum.domain.engine import evaluate, parse_dossier

router = Router(tags=["évaluation"])

# A dossier of the largest national project (a few thousand ESSMS) is well under 2 MB.
MAX_BODY_BYTES = 2 * 1024 * 1024
# Errors listed in an answer; beyond, the count is given (a bad body must not become a huge answer).
MAX_LISTED_ERRORS = 50
# Anonymous callers: evaluations per minute and address (signed-in people are not limited).
ANONYMOUS_PER_MINUTE = 30


class AnonymousRateThrottle(AnonRateThrottle):
    """django-ninja's throttle over Django's cache, keyed by address, for callers without a session."""

    def get_cache_key(self, request: HttpRequest):
        user = getattr(request, "user", None)
        return None if user is not None and user.is_authenticated else super().get_cache_key(request)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]


def _inline_refs(schema: dict) -> dict:
    """The JSON schema of a model with every ``$ref`` replaced by its definition (no ``$defs`` left)."""
    definitions = schema.get("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                merged = {**deepcopy(definitions[name]), **{k: v for k, v in node.items() if k != "$ref"}}
                return resolve(merged)
            return {key: resolve(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


REQUEST_SCHEMA = _inline_refs(DossierInput.model_json_schema(mode="validation"))
EXAMPLE = {
    "campaign": "generalisation-2024",
    "region": "04",
    "submitted_at": "2024-05-30T18:00:00+04:00",
    "project_type": "acquisition",
    "solution": {"name": "Logiciel X", "segur_referenced": True, "segur_corridor": "medico-social"},
    "porteur_finess_ej": "970400149",
    "organisations": [
        {"finess_ej": "970400149", "name": "Association A", "essms_managed": 4, "maturity_self_assessment": True}
    ],
    "establishments": [
        {
            "finess_et": "970405767",
            "finess_ej": "970400149",
            "name": "EHPAD B",
            "region": "04",
            "category": "500",
            "situation": "acquisition",
            "hosting": "saas",
        }
    ],
    "services_socles": ["mssante", "dmp"],
    "joins_funded_grappe": True,
}


def _errors(status: int, detail: str, errors: list[tuple[str, str]]) -> JsonResponse:
    body = {"detail": detail, "errors": [{"field": field, "message": message} for field, message in errors]}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@router.post(
    "/evaluations",
    response={200: EvaluationResult, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Évaluer un dossier",
    throttle=[AnonymousRateThrottle(f"{ANONYMOUS_PER_MINUTE}/m")],
    description=(
        "Évalue un dossier de financement (contrat v1) au regard de sa campagne : recevabilité et constats avec "
        "la référence des textes, avis (`eligible`, `ineligible`, `needs_review`), guichet, nombre d'ESSMS, "
        "financement ligne par ligne, tranches de versement et répartition par région. Sans `submitted_at`, "
        "l'évaluation est une simulation à la date du jour. Erreurs : 400 si le corps n'est pas du JSON, 422 avec "
        "la liste des champs en erreur (messages en français)."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": REQUEST_SCHEMA, "example": EXAMPLE}},
        }
    },
)
def create_evaluation(request: HttpRequest):
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return _errors(
            413,
            f"Le dossier dépasse la taille maximale acceptée ({MAX_BODY_BYTES // (1024 * 1024)} Mo).",
            [("body", "corps trop volumineux")],
        )
    try:
        data = json.loads(request.body.decode("utf-8"))
    except UnicodeDecodeError:
        return _errors(
            400, "Le corps de la requête doit être du JSON encodé en UTF-8.", [("body", "encodage invalide")]
        )
    except json.JSONDecodeError as exc:
        where = f"JSON invalide, ligne {exc.lineno}, colonne {exc.colno}"
        return _errors(400, "Le corps de la requête n'est pas du JSON valide.", [("body", where)])
    except RecursionError:
        return _errors(400, "Le corps de la requête est trop imbriqué.", [("body", "imbrication excessive")])
    except ValueError:  # e.g. an integer of thousands of digits (Python's int conversion limit)
        return _errors(400, "Le corps de la requête contient un nombre démesuré.", [("body", "nombre illisible")])
    try:
        dossier = parse_dossier(data)
        result = evaluate(dossier)
    except DossierInputError as exc:
        count = len(exc.errors)
        listed = list(exc.errors[:MAX_LISTED_ERRORS])
        if count > MAX_LISTED_ERRORS:
            listed.append(("…", f"{count - MAX_LISTED_ERRORS} autres erreurs non listées"))
        return _errors(422, f"Dossier invalide ({count} erreur{'s' if count > 1 else ''}).", listed)
    except RecursionError:
        return _errors(400, "Le corps de la requête est trop imbriqué.", [("body", "imbrication excessive")])
    except CampaignDefinitionError as exc:  # a broken campaign file on the server, not the client's fault
        return _errors(500, "Définition de campagne invalide sur le serveur.", [("campaign", str(exc))])
    return JsonResponse(result.to_json_dict(), json_dumps_params={"ensure_ascii": False})
