"""ANS TDDUI FHIR bundles (R4) → the three tables of a usage extract (dossiers, personalised_projects, events).

Input: a directory of ``*.json`` / ``*.ndjson`` files, a ``.zip`` of them, one ``.ndjson`` (one Bundle per line)
or one ``.json`` file. Each resource is validated with fhir.resources (R4B models: the resources used here are the
same in R4 4.0.1) and against the few TDDUI profile rules the indicators depend on; a rejected resource is
reported with its bundle, its resource and the reason (bounded list, total always counted).

Mapping (shared/data/tddui/README.md):
- séjour Encounter (profile tddui-encounter-sejour, or identifier type SEJ) → one dossier: ESSMS = FINESS of its
  ``serviceProvider`` Organization (identifier IDNST = one digit + FINESS: the digit is not assumed to be "1"), or
  failing that the 9 characters after the first digit of the séjour identifier's prefix ("3480787529/…");
  ``dossier_id`` = the séjour identifier after that prefix; admission = extension tddui-admission-date, else
  ``period.start``; exit = ``period.end``; definitive exit = an exit with a ``hospitalization.dischargeDisposition``
  whose code is not a temporary one (``hosp``: a hospital stay, the person comes back). The IG binds no value set
  there: this is our reading.
- événement Encounter (profile tddui-encounter-evenement, or ``partOf`` a séjour) → an ``agenda`` event on
  ``period.start``, for the séjour it is ``partOf``.
- CarePlan → a personalised project (``period.start``/``period.end``) of the séjour in ``encounter``, else of every
  séjour of its ``subject``.
- ``meta.lastUpdated`` of a séjour, événement or CarePlan, and of any resource with an ``encounter`` /
  ``context.encounter`` reference to a séjour (else its own date: ``date``, ``authored``, ``created``) → an
  ``update`` event of that séjour.
The IG does not carry MSSanté messages, DMP documents, e-prescription imports nor e-parcours exchanges: those
figures come from the editor's declaration (not merged here yet: they are 0 in the converted extract).

Streaming: bundles are read one at a time; each resource becomes a row of a staging CSV file; references are
resolved by DuckDB joins (out of core), which writes the extract tables as Parquet. Python memory stays bounded by
one bundle.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PROFILE = "https://interop.esante.gouv.fr/ig/fhir/tddui/StructureDefinition/"
ADMISSION_EXT = PROFILE + "tddui-admission-date"
TEMPORARY_EXITS = frozenset({"hosp"})
MAX_LISTED = 50
STAGING = {
    "organizations": ("key", "seq", "finess", "origin"),
    "sejours": (
        "key", "seq", "last_updated", "subject", "org", "ident_finess", "dossier_id",
        "admission_date", "exit_date", "exit_definitive", "origin",
    ),
    "activities": ("kind", "resource", "encounter", "subject", "occurred_on", "origin"),
    "careplans": ("key", "seq", "encounter", "subject", "started_on", "ended_on", "origin"),
    "rejects": ("bundle", "resource", "reason"),
}  # fmt: skip


@dataclass(frozen=True)
class Rejected:
    bundle: str
    resource: str
    reason: str

    def describe(self) -> str:
        return f"{self.bundle}, {self.resource} : {self.reason}"


@dataclass
class Conversion:
    bundles: int = 0
    resources: int = 0
    bytes_read: int = 0
    rejected_total: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)


class FhirInputError(ValueError):
    """The input cannot be read at all (French message)."""


# --------------------------------------------------------------------------------------------- reading
def iter_documents(source: Path) -> Iterator[tuple[str, bytes]]:
    """(name, JSON text) of every bundle or resource of ``source``, one at a time."""
    source = Path(source)
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.suffix.lower() in (".json", ".ndjson")):
            yield from _file_documents(path.relative_to(source).as_posix(), path.open("rb"))
    elif source.suffix.lower() == ".zip":
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                if info.is_dir() or info.filename.startswith("__MACOSX") or Path(info.filename).name.startswith("."):
                    continue
                if Path(info.filename).suffix.lower() in (".json", ".ndjson"):
                    yield from _file_documents(info.filename, archive.open(info))
    elif source.is_file():
        yield from _file_documents(source.name, source.open("rb"))
    else:
        raise FhirInputError(f"« {source} » n'existe pas")


def _file_documents(name: str, handle) -> Iterator[tuple[str, bytes]]:
    with handle:
        if name.lower().endswith(".ndjson"):
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield f"{name}:{number}", line
        else:
            yield name, handle.read()


def is_fhir_source(path: Path) -> bool:
    """True for an input that is FHIR (ndjson/json/zip of JSON, or a directory of them without extract tables)."""
    path = Path(path)
    if path.is_file():
        if path.suffix.lower() in (".ndjson", ".json"):
            return True
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                return any(n.lower().endswith((".json", ".ndjson")) for n in archive.namelist())
        return False
    if path.is_dir():
        tables = any(path.glob("dossiers.*"))
        return not tables and any(p.suffix.lower() in (".json", ".ndjson") for p in path.iterdir())
    return False


# --------------------------------------------------------------------------------------------- mapping
def _ref_key(reference: dict | None, local: dict[str, str]) -> str:
    if not isinstance(reference, dict):
        return ""
    ref = reference.get("reference") or ""
    if ref in local:
        return local[ref]
    parts = ref.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else ref


def _day(value) -> str:
    return value[:10] if isinstance(value, str) and len(value) >= 10 else ""


def _finess_of_structure_id(value: str) -> str:
    """FINESS from a national structure id "one digit + FINESS" (the examples use "1" and "3"), or a bare FINESS."""
    value = (value or "").strip()
    if len(value) == 10 and value[0].isdigit():
        return value[1:]
    return value if len(value) == 9 else ""


def _codes(concept: dict | None) -> list[str]:
    return [c.get("code", "") for c in (concept or {}).get("coding", []) if isinstance(c, dict)]


def _has_profile(resource: dict, name: str) -> bool:
    return any(p.split("|")[0] == PROFILE + name for p in (resource.get("meta") or {}).get("profile", []))


class _Writer:
    def __init__(self, directory: Path, result: Conversion, max_listed: int) -> None:
        self.handles = {name: (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") for name in STAGING}
        self.writers = {name: csv.writer(h) for name, h in self.handles.items()}
        for name, columns in STAGING.items():
            self.writers[name].writerow(columns)
        self.result = result
        self.max_listed = max_listed
        self.seq = 0

    def row(self, table: str, *values) -> None:
        self.writers[table].writerow(["" if v is None else v for v in values])

    def reject(self, bundle: str, resource: str, reason: str) -> None:
        self.result.rejected_total += 1
        if len(self.result.rejected) < self.max_listed:
            self.result.rejected.append(Rejected(bundle, resource, reason))
        self.row("rejects", bundle, resource, reason)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def _validate(resource: dict) -> str | None:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        model = get_fhir_model_class(resource.get("resourceType") or "")
    except (KeyError, ValueError):
        return f"type de ressource inconnu « {resource.get('resourceType')} »"
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error.get("loc", ()))
        return f"non conforme à FHIR R4 : {where} : {error.get('msg', '')}"[:300]
    return None


def _sejour_identifier(resource: dict) -> str:
    for identifier in resource.get("identifier") or []:
        if "SEJ" in _codes(identifier.get("type")) and identifier.get("value"):
            return identifier["value"]
    return ""


def _map_resource(w: _Writer, bundle: str, resource: dict, local: dict[str, str], key: str) -> None:
    kind = resource.get("resourceType")
    label = key or kind or "?"
    origin = f"{bundle} {label}"
    problem = _validate(resource)
    if problem:
        w.reject(bundle, label, problem)
        return
    w.seq += 1
    updated = (resource.get("meta") or {}).get("lastUpdated") or ""
    if kind == "Organization":
        finess = ""
        for identifier in resource.get("identifier") or []:
            if "IDNST" in _codes(identifier.get("type")) or identifier.get("system") == "urn:oid:1.2.250.1.71.4.2.2":
                finess = _finess_of_structure_id(identifier.get("value", ""))
                if finess:
                    break
        if not finess:
            w.reject(bundle, label, "Organization sans identifiant national de structure portant un FINESS (IDNST)")
            return
        w.row("organizations", key, w.seq, finess, origin)
    elif kind == "Encounter":
        sejour_id = _sejour_identifier(resource)
        if _has_profile(resource, "tddui-encounter-sejour") or (sejour_id and not resource.get("partOf")):
            if not sejour_id:
                w.reject(bundle, label, "séjour sans identifiant de séjour (type SEJ) : profil tddui-encounter-sejour")
                return
            period = resource.get("period") or {}
            admission = ""
            for extension in resource.get("extension") or []:
                if extension.get("url") == ADMISSION_EXT:
                    admission = _day(extension.get("valueDateTime"))
            admission = admission or _day(period.get("start"))
            if not admission:
                w.reject(bundle, label, "séjour sans date d'admission (extension tddui-admission-date ni period.start)")
                return
            if not (resource.get("serviceProvider") or {}).get("reference") and "/" not in sejour_id:
                w.reject(
                    bundle, label, "séjour sans ESSMS (serviceProvider obligatoire : profil tddui-encounter-sejour)"
                )
                return
            prefix, _, local_id = sejour_id.partition("/")
            exit_date = _day(period.get("end"))
            disposition = _codes((resource.get("hospitalization") or {}).get("dischargeDisposition"))
            definitive = "" if not exit_date else str(bool(disposition) and not (set(disposition) & TEMPORARY_EXITS))
            w.row(
                "sejours", key, w.seq, updated, _ref_key(resource.get("subject"), local),
                _ref_key(resource.get("serviceProvider"), local), _finess_of_structure_id(prefix) if local_id else "",
                local_id or sejour_id, admission, exit_date, definitive.lower(), origin,
            )  # fmt: skip
            if updated:
                w.row("activities", "update", key, key, "", updated, origin)
        else:
            part_of = _ref_key(resource.get("partOf"), local)
            start = (resource.get("period") or {}).get("start") or ""
            if not part_of:
                w.reject(bundle, label, "événement sans séjour (partOf obligatoire : profil tddui-encounter-evenement)")
                return
            if len(start) < 10:
                w.reject(bundle, label, "événement sans date de début complète (period.start)")
                return
            w.row("activities", "agenda", key, part_of, "", start, origin)
            if updated:
                w.row("activities", "update", key, part_of, "", updated, origin)
    elif kind == "CarePlan":
        period = resource.get("period") or {}
        if not _day(period.get("start")):
            w.reject(bundle, label, "projet personnalisé sans date de début (period.start)")
            return
        encounter = _ref_key(resource.get("encounter"), local)
        subject = _ref_key(resource.get("subject"), local)
        if not encounter and not subject:
            w.reject(bundle, label, "projet personnalisé sans séjour (encounter) ni usager (subject)")
            return
        w.row("careplans", key, w.seq, encounter, subject, _day(period.get("start")), _day(period.get("end")), origin)
        when = updated or resource.get("created") or ""
        if len(when) >= 10:
            w.row("activities", "update", key, encounter, "" if encounter else subject, when, origin)
    else:
        encounters = []
        if resource.get("encounter"):
            encounters.append(resource["encounter"])
        context = resource.get("context")
        if isinstance(context, dict):
            encounters.extend(context.get("encounter") or [])
        when = updated or resource.get("date") or resource.get("authored") or resource.get("lastModified") or ""
        if len(when) >= 10:
            for reference in encounters:
                target = _ref_key(reference, local)
                if target:
                    w.row("activities", "update", key, target, "", when, origin)


def _map_document(w: _Writer, name: str, text: bytes) -> None:
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        w.reject(name, "-", f"JSON illisible ({str(exc)[:100]})")
        return
    if not isinstance(document, dict):
        w.reject(name, "-", "un objet JSON (Bundle) est attendu")
        return
    w.result.bundles += 1
    if document.get("resourceType") != "Bundle":  # a lone resource (as the IG's examples)
        entries = [{"resource": document}]
    elif document.get("type") not in ("transaction", "batch", "collection"):
        w.reject(name, f"Bundle/{document.get('id', '')}", f"type de Bundle « {document.get('type')} » inattendu")
        return
    else:
        entries = document.get("entry") or []
    bundle = name
    if document.get("resourceType") == "Bundle" and document.get("id"):
        bundle = f"{name} (Bundle/{document['id']})"
    local: dict[str, str] = {}
    keyed = []
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            w.reject(bundle, "-", "entrée sans ressource")
            continue
        key = f"{resource.get('resourceType')}/{resource['id']}" if resource.get("id") else entry.get("fullUrl", "")
        if entry.get("fullUrl"):
            local[entry["fullUrl"]] = key
        keyed.append((resource, key))
    for resource, key in keyed:
        w.result.resources += 1
        _map_resource(w, bundle, resource, local, key)


# --------------------------------------------------------------------------------------------- resolving
_RESOLVE = """
CREATE TEMP TABLE org AS
  SELECT key, finess FROM organizations QUALIFY row_number() OVER (PARTITION BY key ORDER BY seq DESC) = 1;
CREATE TEMP TABLE sej AS
  SELECT s.*, coalesce(o.finess, nullif(s.ident_finess, '')) AS finess_et
  FROM (SELECT * FROM sejours
        QUALIFY row_number() OVER (PARTITION BY key ORDER BY last_updated DESC NULLS LAST, seq DESC) = 1) s
  LEFT JOIN org o ON o.key = s.org;
CREATE TEMP TABLE cp AS
  SELECT * FROM careplans QUALIFY row_number() OVER (PARTITION BY key ORDER BY seq DESC) = 1;
"""
_TABLES = {
    "dossiers": """
        SELECT finess_et, dossier_id, admission_date, nullif(exit_date, '') AS exit_date,
               nullif(exit_definitive, '') AS exit_definitive, origin
        FROM sej WHERE finess_et IS NOT NULL ORDER BY seq""",
    "personalised_projects": """
        SELECT s.finess_et, s.dossier_id, c.started_on, nullif(c.ended_on, '') AS ended_on, c.origin
        FROM cp c JOIN sej s ON (c.encounter <> '' AND s.key = c.encounter)
                              OR (c.encounter = '' AND s.subject = c.subject AND s.subject <> '')
        WHERE s.finess_et IS NOT NULL ORDER BY c.seq""",
    "events": """
        SELECT s.finess_et, s.dossier_id, a.occurred_on, a.kind, a.origin
        FROM (SELECT DISTINCT * FROM activities) a
        JOIN sej s ON (a.encounter <> '' AND s.key = a.encounter)
                   OR (a.encounter = '' AND s.subject = a.subject AND s.subject <> '')
        WHERE s.finess_et IS NOT NULL""",
}
_UNRESOLVED = """
SELECT 'sejours' AS t, origin, org FROM sej WHERE finess_et IS NULL
UNION ALL
SELECT 'careplans', origin, coalesce(nullif(encounter, ''), subject) FROM cp c
WHERE NOT EXISTS (SELECT 1 FROM sej s WHERE (c.encounter <> '' AND s.key = c.encounter)
                  OR (c.encounter = '' AND s.subject = c.subject AND s.subject <> ''))
UNION ALL
SELECT 'agenda', origin, encounter FROM activities a
WHERE kind = 'agenda' AND NOT EXISTS (SELECT 1 FROM sej s WHERE s.key = a.encounter)
"""
_UNRESOLVED_REASONS = {
    "sejours": "ESSMS introuvable : l'Organization « {} » est absente ou sans FINESS",
    "careplans": "projet personnalisé rattaché à un séjour introuvable (« {} »)",
    "agenda": "événement rattaché à un séjour introuvable (« {} »)",
}


def convert(
    source: Path, out_dir: Path, *, max_listed: int = MAX_LISTED, memory_limit: str = "1GB", threads: int = 2
) -> Conversion:
    """Convert the TDDUI bundles of ``source`` into ``out_dir`` (dossiers/personalised_projects/events.parquet)."""
    out_dir = Path(out_dir)
    staging = out_dir / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    result = Conversion()
    writer = _Writer(staging, result, max_listed)
    try:
        for name, text in iter_documents(source):
            result.bytes_read += len(text)
            _map_document(writer, name, text)
    finally:
        writer.close()
    with duckdb.connect(config={"memory_limit": memory_limit, "threads": threads}) as con:
        con.execute(f"SET temp_directory = '{staging}'")
        for name, columns in STAGING.items():
            types = ", ".join(f"'{c}': '{'BIGINT' if c == 'seq' else 'VARCHAR'}'" for c in columns)
            con.execute(
                f"CREATE TEMP VIEW {name} AS SELECT * FROM read_csv('{staging / (name + '.csv')}', header=true, "
                f"auto_detect=false, delim=',', quote='\"', escape='\"', columns={{{types}}})"
            )
        con.execute(_RESOLVE)
        for table, sql in _TABLES.items():
            con.execute(f"COPY ({sql}) TO '{out_dir / (table + '.parquet')}' (FORMAT parquet, COMPRESSION zstd)")
            result.tables[table] = con.execute(f"SELECT count(*) FROM '{out_dir / (table + '.parquet')}'").fetchone()[0]
        for table, origin, target in con.execute(_UNRESOLVED).fetchall():
            bundle, _, resource = origin.rpartition(" ")
            result.rejected_total += 1
            if len(result.rejected) < max_listed:
                result.rejected.append(Rejected(bundle, resource, _UNRESOLVED_REASONS[table].format(target)))
    for path in staging.iterdir():
        path.unlink()
    staging.rmdir()
    return result


def conversion_summary(result: Conversion) -> str:
    out = io.StringIO()
    out.write(
        f"TDDUI : {result.bundles} bundle(s), {result.resources} ressource(s) lues ; "
        f"{result.tables.get('dossiers', 0)} dossier(s), {result.tables.get('personalised_projects', 0)} projet(s) "
        f"personnalisé(s), {result.tables.get('events', 0)} événement(s) ; {result.rejected_total} ressource(s) "
        "rejetée(s).\n"
    )
    for rejected in result.rejected:
        out.write(f"  rejetée : {rejected.describe()}\n")
    if result.rejected_total > len(result.rejected):
        out.write(f"  … et {result.rejected_total - len(result.rejected)} autre(s).\n")
    out.write(
        "Non portés par TDDUI (MSSanté, DMP, e-prescription, e-parcours) : comptés 0 ici ; ces chiffres viennent de "
        "la déclaration de l'éditeur.\n"
    )
    return out.getvalue()
