"""The benchmark's reference: a bare DuckDB query of the same definitions, written by hand, without validation.

It reads the Parquet or CSV files directly (CSV with explicit column types), filters the events on W first,
aggregates them once per dossier and joins that to the accompanied dossiers. It is what a competent analyst would
write for these definitions on a clean extract; the product's compute (definition.sql through the adapter) must
also validate every row, so it is compared with this.
"""

from __future__ import annotations

from pathlib import Path

from esmsnum.domain.indicators.window import Window

_CSV_TYPES = {
    "dossiers": "{'finess_et': 'VARCHAR', 'dossier_id': 'VARCHAR', 'admission_date': 'DATE', 'exit_date': 'DATE', "
    "'exit_definitive': 'BOOLEAN'}",
    "personalised_projects": "{'finess_et': 'VARCHAR', 'dossier_id': 'VARCHAR', 'started_on': 'DATE', "
    "'ended_on': 'DATE'}",
    "events": "{'finess_et': 'VARCHAR', 'dossier_id': 'VARCHAR', 'occurred_on': 'TIMESTAMP', 'kind': 'VARCHAR'}",
}


def _reader(extract_dir: Path, table: str) -> str:
    parquet = extract_dir / f"{table}.parquet"
    if parquet.exists():
        return f"read_parquet('{parquet}')"
    return f"read_csv('{extract_dir / f'{table}.csv'}', header=true, columns={_CSV_TYPES[table]})"


def bare_query(extract_dir: Path, window: Window) -> str:
    ws, we, d = (f"DATE '{x.isoformat()}'" for x in (window.start, window.end, window.measured_at))
    return f"""
    WITH accompanied AS (
        SELECT finess_et, dossier_id FROM {_reader(extract_dir, "dossiers")}
        WHERE admission_date <= {we} AND (exit_date IS NULL OR exit_date >= {ws})
    ),
    ev AS MATERIALIZED (
        SELECT finess_et, dossier_id,
               max(CASE WHEN kind = 'agenda' THEN 1 ELSE 0 END) AS agenda,
               max(CASE WHEN kind = 'dmp_document' THEN 1 ELSE 0 END) AS dmp,
               sum(CASE WHEN kind = 'mss_sent' THEN 1 ELSE 0 END) AS mss,
               sum(CASE WHEN kind = 'eprescription_import' THEN 1 ELSE 0 END) AS epresc,
               sum(CASE WHEN kind = 'eparcours_exchange' THEN 1 ELSE 0 END) AS eparcours
        FROM {_reader(extract_dir, "events")}
        WHERE occurred_on >= {ws} AND occurred_on < {d}
        GROUP BY finess_et, dossier_id
    ),
    pp AS (
        SELECT DISTINCT finess_et, dossier_id FROM {_reader(extract_dir, "personalised_projects")}
        WHERE started_on <= {we} AND (ended_on IS NULL OR ended_on >= {ws})
    ),
    per_dossier AS (
        SELECT a.finess_et,
               count(*) AS accompanied,
               count(ev.dossier_id) AS active,
               count(CASE WHEN ev.dossier_id IS NOT NULL AND pp.dossier_id IS NOT NULL THEN 1 END) AS active_with_pp,
               coalesce(sum(ev.agenda), 0) AS active_with_agenda,
               coalesce(sum(ev.dmp), 0) AS dmp_fed
        FROM accompanied a
        LEFT JOIN ev ON ev.finess_et = a.finess_et AND ev.dossier_id = a.dossier_id
        LEFT JOIN pp ON pp.finess_et = a.finess_et AND pp.dossier_id = a.dossier_id
        GROUP BY a.finess_et
    ),
    messages AS (
        SELECT finess_et, sum(mss) AS mss_messages, sum(epresc) AS eprescription_imports,
               sum(eparcours) AS eparcours_exchanges
        FROM ev GROUP BY finess_et
    ),
    essms AS (
        SELECT DISTINCT finess_et FROM {_reader(extract_dir, "dossiers")}
    )
    SELECT s.finess_et,
           coalesce(p.accompanied, 0) AS accompanied, coalesce(p.active, 0) AS active,
           coalesce(p.active_with_pp, 0) AS active_with_pp, coalesce(p.active_with_agenda, 0) AS active_with_agenda,
           coalesce(p.dmp_fed, 0) AS dmp_fed, coalesce(m.mss_messages, 0) AS mss_messages,
           coalesce(m.eprescription_imports, 0) AS eprescription_imports,
           coalesce(m.eparcours_exchanges, 0) AS eparcours_exchanges
    FROM essms s
    LEFT JOIN per_dossier p ON p.finess_et = s.finess_et
    LEFT JOIN messages m ON m.finess_et = s.finess_et
    ORDER BY s.finess_et
    """
