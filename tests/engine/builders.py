"""Builders of dossier documents (contract v1) for the engine tests."""

from __future__ import annotations

import copy

from esmsnum.domain.finess import with_key

# a FINESS department prefix per region, for realistic numbers
PREFIX = {
    "04": "97",
    "01": "97",
    "02": "97",
    "03": "97",
    "06": "97",
    "94": "2A",
    "11": "75",
    "32": "59",
    "84": "69",
    "93": "13",
}
SUBMITTED = {
    "generalisation-2024": "2024-05-30T18:00:00+04:00",
    "amorcage-2021-t2": "2021-09-01T10:00:00+02:00",
    "amorcage-2021-t1": "2021-02-15T10:00:00+01:00",
}


def finess(prefix: str, number: int) -> str:
    return with_key(f"{prefix}{number:06d}")


def og(number: int, region: str = "04", managed: int = 4, **fields) -> dict:
    data = {
        "finess_ej": finess(PREFIX[region], 900000 + number),
        "name": f"Association {number}",
        "essms_managed": managed,
        "maturity_self_assessment": True,
    }
    data.update(fields)
    return data


def essms(
    number: int, finess_ej: str, region: str = "04", situation: str = "acquisition", category: str = "500", **fields
) -> dict:
    data = {
        "finess_et": finess(PREFIX[region], number),
        "finess_ej": finess_ej,
        "name": f"ESSMS {number}",
        "region": region,
        "category": category,
        "situation": situation,
        "hosting": "saas",
    }
    if situation == "upgrade":
        data["current_solution"] = "Logiciel X"
    data.update(fields)
    return data


def dossier(
    campaign: str = "generalisation-2024",
    region: str = "04",
    n: int = 10,
    ogs: int = 3,
    managed: int = 4,
    situation: str = "acquisition",
    category: str = "500",
    **fields,
) -> dict:
    """``n`` ESSMS spread over ``ogs`` organisations of the region, everything compliant by default."""
    organisations = [og(index, region, managed=max(managed, -(-n // ogs))) for index in range(ogs)]
    establishments = [
        essms(index, organisations[index % ogs]["finess_ej"], region, situation, category) for index in range(n)
    ]
    data = {
        "campaign": campaign,
        "region": region,
        "submitted_at": SUBMITTED[campaign],
        "project_type": situation,
        "solution": {
            "name": "Logiciel X",
            "segur_referenced": True,
            "segur_corridor": "medico-social",
            "in_national_market": True,
        },
        "porteur_finess_ej": organisations[0]["finess_ej"],
        "organisations": organisations,
        "establishments": establishments,
        "services_socles": ["mssante", "dmp"],
    }
    data.update(fields)
    return copy.deepcopy(data)


def statuses(result, code: str) -> list[str]:
    return [finding.status for finding in result.findings if finding.code == code]


def line_amounts(result) -> dict:
    return {line.code: line.amount_eur for line in result.funding.lines}
