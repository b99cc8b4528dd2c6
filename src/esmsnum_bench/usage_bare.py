"""The benchmark's references: bare DuckDB queries of the same definitions, written by hand.

Both read the Parquet or CSV files directly (CSV with explicit column types, so that a value that is not a date
stops the query) and are what a competent analyst would write:

- :func:`bare_checked_query` does the job the spec asks of ``usage compute``: the indicators *and* the checks
  of every row (FINESS number and key, missing dossier_id, duplicated or unknown dossier, missing dates, unknown
  event kind), in one statement: each table is aggregated once per dossier key with the checks as filtered
  counts, the three are joined on the key, and each ESSMS gets its figures and its numbers of bad rows per table.
  The product (definition.sql through the adapter) is compared with it: the same work, one written as a product.
- :func:`bare_query` computes the indicators only, on the assumption that the extract is clean: it filters the
  events on W first, aggregates them once per dossier and joins that to the accompanied dossiers. It never looks
  at the events outside W, nor checks that an event's dossier exists, so on a dirty extract its figures are
  wrong where the product refuses (tested). The benchmark prints it too: the gap is the price of the checks.
"""

from __future__ import annotations

from pathlib import Path

from esmsnum.domain.indicators.finess_sql import finess_reason_sql
from esmsnum.domain.indicators.rates import COUNTS
from esmsnum.domain.indicators.reasons import KINDS
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


def bare_checked_query(extract_dir: Path, window: Window) -> str:
    """One row per FINESS of the extract: the 8 counts of the definitions, then the bad rows of each table.

    Columns: finess_et, the counts in :data:`esmsnum.domain.indicators.rates.COUNTS` order, bad_dossiers,
    bad_personalised_projects, bad_events. A row is bad when its FINESS number is missing, malformed or has a
    wrong key, its dossier_id is missing, its dossier key is duplicated (dossiers) or absent from dossiers (other
    tables), or one of its own values is missing or wrong; bad rows count in no figure (the product's rules).
    """
    ws, we, d = (f"DATE '{x.isoformat()}'" for x in (window.start, window.end, window.measured_at))
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    finess_bad = f"{finess_reason_sql('finess_et')} IS NOT NULL"
    # an ESSMS whose FINESS number is not valid has all its rows bad, and no figure
    figures = ", ".join(f"CASE WHEN finess_bad THEN 0 ELSE {name} END AS {name}" for name in COUNTS)
    return f"""
    WITH dk AS (
        SELECT finess_et, dossier_id, count(*) AS n,
               count(*) FILTER (WHERE NOT ok) AS bad,
               count(*) FILTER (WHERE ok AND admission_date <= {we} AND (exit_date IS NULL OR exit_date >= {ws}))
                 AS accompanied
        FROM (
            SELECT finess_et, dossier_id, admission_date, exit_date,
                   coalesce(dossier_id <> '' AND admission_date IS NOT NULL
                            AND NOT coalesce(exit_date < admission_date, false), false) AS ok
            FROM {_reader(extract_dir, "dossiers")}
        )
        GROUP BY finess_et, dossier_id
    ),
    pk AS (
        SELECT finess_et, dossier_id, count(*) AS n, count(*) FILTER (WHERE NOT ok) AS bad,
               count(*) FILTER (WHERE ok AND started_on <= {we} AND (ended_on IS NULL OR ended_on >= {ws}))
                 AS in_window
        FROM (
            SELECT finess_et, dossier_id, started_on, ended_on,
                   coalesce(dossier_id <> '' AND started_on IS NOT NULL
                            AND NOT coalesce(ended_on < started_on, false), false) AS ok
            FROM {_reader(extract_dir, "personalised_projects")}
        )
        GROUP BY finess_et, dossier_id
    ),
    ek AS (
        SELECT finess_et, dossier_id, count(*) AS n, count(*) FILTER (WHERE NOT ok) AS bad,
               count(*) FILTER (WHERE ok AND in_w) AS in_window,
               count(*) FILTER (WHERE ok AND in_w AND kind = 'agenda') AS agenda,
               count(*) FILTER (WHERE ok AND in_w AND kind = 'dmp_document') AS dmp,
               count(*) FILTER (WHERE ok AND in_w AND kind = 'mss_sent') AS mss,
               count(*) FILTER (WHERE ok AND in_w AND kind = 'eprescription_import') AS epresc,
               count(*) FILTER (WHERE ok AND in_w AND kind = 'eparcours_exchange') AS eparcours
        FROM (
            SELECT finess_et, dossier_id, kind, occurred_on >= {ws} AND occurred_on < {d} AS in_w,
                   coalesce(dossier_id <> '' AND occurred_on IS NOT NULL AND kind IN ({kinds}), false) AS ok
            FROM {_reader(extract_dir, "events")}
        )
        GROUP BY finess_et, dossier_id
    ),
    per_key AS (
        SELECT coalesce(dk.finess_et, pk.finess_et, ek.finess_et) AS finess_et,
               coalesce(dk.dossier_id, pk.dossier_id, ek.dossier_id) AS dossier_id,
               dk.n AS d_n, dk.bad AS d_bad, dk.accompanied, pk.n AS p_n, pk.bad AS p_bad, pk.in_window AS pp,
               ek.n AS e_n, ek.bad AS e_bad, ek.in_window AS ev, ek.agenda, ek.dmp, ek.mss, ek.epresc, ek.eparcours
        FROM dk
        FULL JOIN pk ON pk.finess_et = dk.finess_et AND pk.dossier_id = dk.dossier_id
        FULL JOIN ek ON ek.finess_et = coalesce(dk.finess_et, pk.finess_et)
                    AND ek.dossier_id = coalesce(dk.dossier_id, pk.dossier_id)
    ),
    per_essms AS (
        SELECT finess_et,
               count(*) FILTER (WHERE counted AND accompanied > 0) AS accompanied,
               count(*) FILTER (WHERE counted AND accompanied > 0 AND ev > 0) AS active,
               count(*) FILTER (WHERE counted AND accompanied > 0 AND ev > 0 AND pp > 0) AS active_with_pp,
               count(*) FILTER (WHERE counted AND accompanied > 0 AND agenda > 0) AS active_with_agenda,
               count(*) FILTER (WHERE counted AND accompanied > 0 AND dmp > 0) AS dmp_fed,
               coalesce(sum(mss) FILTER (WHERE known), 0) AS mss_messages,
               coalesce(sum(epresc) FILTER (WHERE known), 0) AS eprescription_imports,
               coalesce(sum(eparcours) FILTER (WHERE known), 0) AS eparcours_exchanges,
               coalesce(sum(CASE WHEN no_id OR d_n > 1 THEN d_n ELSE d_bad END), 0) AS bad_dossiers,
               coalesce(sum(CASE WHEN no_id OR NOT known THEN p_n ELSE p_bad END), 0) AS bad_personalised_projects,
               coalesce(sum(CASE WHEN no_id OR NOT known THEN e_n ELSE e_bad END), 0) AS bad_events,
               coalesce(sum(d_n), 0) AS d_rows, coalesce(sum(p_n), 0) AS p_rows, coalesce(sum(e_n), 0) AS e_rows
        FROM (
            SELECT *, coalesce(dossier_id, '') = '' AS no_id, d_n IS NOT NULL AS known,
                   coalesce(dossier_id, '') <> '' AND d_n = 1 AND d_bad = 0 AS counted
            FROM per_key
        )
        GROUP BY finess_et
    )
    SELECT finess_et, {figures},
           CASE WHEN finess_bad THEN d_rows ELSE bad_dossiers END AS bad_dossiers,
           CASE WHEN finess_bad THEN p_rows ELSE bad_personalised_projects END AS bad_personalised_projects,
           CASE WHEN finess_bad THEN e_rows ELSE bad_events END AS bad_events
    FROM (SELECT *, {finess_bad} AS finess_bad FROM per_essms)
    ORDER BY finess_et
    """
