"""Schedule inputs for tests: a 2024 or 2021 project and its events, written like the contract's JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path

EXAMPLE = Path(__file__).parent / "example-2024.input.json"


def example() -> dict:
    """The contract's own example (funding-lifecycle.md, "The schedule contract")."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def project(campaign="generalisation-2024", at="2025-09-01", lines=None, region="04", by_region=None, **extra):
    if lines is None:
        lines = (
            {"usage": 70000, "software": 140000, "hardware": 30000}
            if campaign == "generalisation-2024"
            else {"acquisition": 100000}
        )
    document = {
        "campaign": campaign,
        "at": at,
        "porteur_region": region,
        "granted": {
            "lines": [{"code": code, "amount_eur": amount} for code, amount in lines.items()],
            "by_region": by_region if by_region is not None else [{"region": region, "essms_count": 10}],
        },
        "events": [],
    }
    document.update(extra)
    return document


def with_events(document: dict, *events: dict) -> dict:
    document = copy.deepcopy(document)
    document["events"] = [*document["events"], *events]
    return document


def signed(on="2024-11-04"):
    return {"kind": "convention_signed", "on": on}


def paid(tranche, amount, on="2024-12-01", region=None):
    event = {"kind": "payment", "tranche": tranche, "on": on, "amount_eur": amount}
    if region:
        event["region"] = region
    return event


def completed(on="2025-06-30", invoice=None):
    event = {"kind": "project_completed", "on": on}
    if invoice is not None:
        event["invoice"] = invoice
    return event


def configured(on="2025-03-01", invoice=None):
    event = {"kind": "configuration_completed", "on": on}
    if invoice is not None:
        event["invoice"] = invoice
    return event


def usage(on="2025-07-01", met=True):
    return {"kind": "usage_measured", "on": on, "targets_met": met}


def statement(on="2025-07-15", certified=True, **lines):
    return {"kind": "expense_statement", "on": on, "certified": certified, "lines": lines}
