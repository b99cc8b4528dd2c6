"""Synthetic TDDUI bundles and the equivalent CSV extract, from the same random data (tests and benchmark).

One transaction Bundle per séjour: its Organization (IDNST "1" + FINESS), Patient, séjour Encounter (identifier
"3" + FINESS + "/…-SEJOUR-n"), événement Encounters (agenda events), CarePlans (personalised projects) and
DocumentReferences whose ``meta.lastUpdated`` is an update of the record. The CSV extract holds the same facts, so
both must give the same indicators.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

from esmsnum.domain.finess import is_valid_finess

PROFILE = "https://interop.esante.gouv.fr/ig/fhir/tddui/StructureDefinition/"


def _finess(rng: random.Random) -> str:
    while True:
        number = f"{rng.randint(1, 95):02d}{rng.randint(0, 9999999):07d}"
        if is_valid_finess(number):
            return number


def _day(start: dt.date, span: int, rng: random.Random) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, span))


def sejours(establishments: int, dossiers: int, seed: int, until: dt.date) -> Iterator[dict]:
    """The synthetic facts, one séjour at a time."""
    rng = random.Random(seed)
    essms = [_finess(rng) for _ in range(establishments)]
    for n in range(dossiers):
        finess = essms[n % establishments]
        admission = until - dt.timedelta(days=int(rng.random() ** 2 * 1500))
        exit_date = _day(admission, (until - admission).days, rng) if rng.random() < 0.25 else None
        end = exit_date or until
        projects = []
        if rng.random() < 0.85:
            start = admission + dt.timedelta(days=rng.randint(7, 60))
            if start <= until:
                projects.append(
                    (start, start + dt.timedelta(days=rng.randint(30, 400)) if rng.random() < 0.1 else None)
                )
        events = []
        span = max((end - admission).days, 0)
        for _ in range(rng.randint(0, 12)):
            when = dt.datetime.combine(_day(admission, span, rng), dt.time(rng.randint(7, 20), rng.randint(0, 59)))
            events.append((when, "agenda" if rng.random() < 0.5 else "update"))
        yield {
            "n": n,
            "finess": finess,
            "dossier_id": f"{100000000 + n}-SEJOUR-{n}",
            "admission": admission,
            "exit": exit_date,
            "definitive": None if exit_date is None else rng.random() < 0.9,
            "projects": projects,
            "events": events,
        }


def bundle(s: dict) -> dict:
    n, finess = s["n"], s["finess"]
    org, patient, sejour = f"org-{finess}", f"pat-{n}", f"sej-{n}"
    entries = [
        {
            "resourceType": "Organization",
            "id": org,
            "meta": {"profile": [PROFILE + "tddui-organization"]},
            "identifier": [
                {
                    "type": {
                        "coding": [
                            {"system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "code": "IDNST"}
                        ]
                    },
                    "system": "urn:oid:1.2.250.1.71.4.2.2",
                    "value": "1" + finess,
                }
            ],
            "name": f"ESSMS {finess}",
        },
        {
            "resourceType": "Patient",
            "id": patient,
            "meta": {"profile": [PROFILE + "tddui-patient"]},
            "identifier": [
                {"system": "https://identifiant-medicosocial-localusager.esante.gouv.fr", "value": f"3{finess}/{n}"}
            ],
            "gender": "unknown",
        },
    ]
    period = {"start": s["admission"].isoformat()}
    if s["exit"]:
        period["end"] = s["exit"].isoformat()
    encounter = {
        "resourceType": "Encounter",
        "id": sejour,
        "meta": {"profile": [PROFILE + "tddui-encounter-sejour"]},
        "extension": [{"url": PROFILE + "tddui-admission-date", "valueDateTime": s["admission"].isoformat()}],
        "identifier": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "https://interop.esante.gouv.fr/ig/fhir/tddui/CodeSystem/"
                            "tddui-encounter-identifier",
                            "code": "SEJ",
                        }
                    ]
                },
                "system": "https://identifiant-medicosocial-sejour.esante.gouv.fr",
                "value": f"3{finess}/{s['dossier_id']}",
            }
        ],
        "status": "finished" if s["exit"] else "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH"},
        "subject": {"reference": f"Patient/{patient}"},
        "period": period,
        "serviceProvider": {"reference": f"Organization/{org}"},
    }
    if s["exit"]:
        code = "home" if s["definitive"] else "hosp"
        encounter["hospitalization"] = {"dischargeDisposition": {"coding": [{"code": code}]}}
    entries.append(encounter)
    for i, (start, end) in enumerate(s["projects"]):
        plan = {
            "resourceType": "CarePlan",
            "id": f"pp-{n}-{i}",
            "status": "active",
            "intent": "plan",
            "title": "Projet personnalisé",
            "subject": {"reference": f"Patient/{patient}"},
            "encounter": {"reference": f"Encounter/{sejour}"},
            "period": {"start": start.isoformat()},
        }
        if end:
            plan["period"]["end"] = end.isoformat()
        entries.append(plan)
    for i, (when, kind) in enumerate(s["events"]):
        stamp = when.isoformat() + "+01:00"
        if kind == "agenda":
            entries.append(
                {
                    "resourceType": "Encounter",
                    "id": f"evt-{n}-{i}",
                    "meta": {"profile": [PROFILE + "tddui-encounter-evenement"]},
                    "identifier": [
                        {
                            "system": "https://identifiant-medicosocial-evenement.esante.gouv.fr",
                            "value": f"3{finess}/{n}-EVN-{i}",
                        }
                    ],
                    "status": "finished",
                    "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH"},
                    "subject": {"reference": f"Patient/{patient}"},
                    "period": {"start": stamp, "end": stamp},
                    "serviceProvider": {"reference": f"Organization/{org}"},
                    "partOf": {"reference": f"Encounter/{sejour}"},
                }
            )
        else:
            entries.append(
                {
                    "resourceType": "DocumentReference",
                    "id": f"doc-{n}-{i}",
                    "meta": {"lastUpdated": stamp, "profile": [PROFILE + "tddui-documentreference"]},
                    "status": "current",
                    "subject": {"reference": f"Patient/{patient}"},
                    "content": [{"attachment": {"contentType": "text/plain", "title": "Note"}}],
                    "context": {"encounter": [{"reference": f"Encounter/{sejour}"}]},
                }
            )
    return {
        "resourceType": "Bundle", "id": f"b-{n}", "meta": {"profile": [PROFILE + "tddui-bundle"]},
        "type": "transaction",
        "entry": [
            {"fullUrl": f"https://dui.example/{r['resourceType']}/{r['id']}", "resource": r,
             "request": {"method": "POST", "url": r["resourceType"]}}
            for r in entries
        ],
    }  # fmt: skip


def write(
    out_dir: Path,
    *,
    establishments: int,
    dossiers: int,
    seed: int = 1,
    until: dt.date = dt.date(2024, 12, 31),
    csv_dir: Path | None = None,
) -> Path:
    """Write ``out_dir/bundles.ndjson`` (and, with ``csv_dir``, the equivalent CSV extract); returns the NDJSON."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "bundles.ndjson"
    handles = {}
    writers = {}
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)
        headers = {
            "dossiers": ("finess_et", "dossier_id", "admission_date", "exit_date", "exit_definitive"),
            "personalised_projects": ("finess_et", "dossier_id", "started_on", "ended_on"),
            "events": ("finess_et", "dossier_id", "occurred_on", "kind"),
        }
        for table, header in headers.items():
            handles[table] = (csv_dir / f"{table}.csv").open("w", encoding="utf-8", newline="")
            writers[table] = csv.writer(handles[table], lineterminator="\n")
            writers[table].writerow(header)
    try:
        with target.open("w", encoding="utf-8") as out:
            for s in sejours(establishments, dossiers, seed, until):
                out.write(json.dumps(bundle(s), ensure_ascii=False, separators=(",", ":")) + "\n")
                if writers:
                    f, d = s["finess"], s["dossier_id"]
                    definitive = "" if s["definitive"] is None else str(s["definitive"]).lower()
                    writers["dossiers"].writerow(
                        [f, d, s["admission"].isoformat(), s["exit"].isoformat() if s["exit"] else "", definitive]
                    )
                    for start, end in s["projects"]:
                        writers["personalised_projects"].writerow(
                            [f, d, start.isoformat(), end.isoformat() if end else ""]
                        )
                    for when, kind in s["events"]:
                        writers["events"].writerow([f, d, when.isoformat() + "+01:00", kind])
    finally:
        for handle in handles.values():
            handle.close()
    return target
