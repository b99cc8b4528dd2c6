"""A deterministic generator of plausible DUI activity extracts (demos, tests, benchmarks).

Everything is generated inside DuckDB with SQL; pseudo-randomness is ``hash(hash(seed, salt, ids…))`` mapped to
[0, 1), so the same parameters give byte-identical tables (same DuckDB version; the generation runs on one thread
so that Parquet row groups do not depend on the machine) and 100 million events are written without a Python loop.

The model: an extract of the activity of the ``months`` calendar months ending on ``until`` (12 by default):

- ESSMS: FINESS numbers with a valid key (department prefix drawn among metropolitan departments, 2A/2B and the
  overseas 9A…9F, then the ESSMS index on 6 digits); at least one dossier each, sizes skewed like EHPAD capacities
  (0.3× to 3× a base weight); a usage profile: 70 % « bon » (targets often met), 20 % « moyen », 10 % « faible ».
- dossiers: admissions spread over 10 years before ``until`` (recent ones more frequent); 25 % of the dossiers leave
  during a year (pro rata for a shorter period; 90 % definitive exits), some before the measurement window.
- personalised projects: 99 %, 92 % or 60 % of the dossiers by profile have one, started 7 to 67 days after the
  admission (so recent admissions may not have one yet); 5 % ended, 70 % of those were renewed the next day.
- events: only the dossiers whose team uses the DUI have events (98 %, 90 % or 60 % by profile); the total is split
  among them in proportion to their days of stay within the period (× an intensity of 0.6 to 1.4), at uniformly
  drawn times (7 h – 21 h) of those days. Kinds: 38 % agenda (if the team uses the agenda for the person: 98 %, 90 %,
  60 %), 24 % DMP documents (if the person's DMP is fed: 93 %, 80 %, 40 %), 13 % MSSanté messages (half as many in
  « faible » ESSMS), 3 % e-prescription imports, 2 % e-parcours exchanges, plain updates otherwise. Rows are written
  dossier by dossier, as a DUI export would list them, not sorted by date.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from esmsnum.domain import formatting
from esmsnum.domain.finess import is_valid_finess
from esmsnum.domain.indicators.finess_sql import finess_key_sql
from esmsnum.domain.indicators.window import minus_months

TABLES = ("dossiers", "personalised_projects", "events")

# FINESS department prefixes: metropolitan departments (20 is split into 2A/2B) and the overseas 9A…9F.
PREFIXES: tuple[str, ...] = (
    *(f"{n:02d}" for n in range(1, 96) if n != 20),
    "2A",
    "2B",
    "9A",
    "9B",
    "9C",
    "9D",
    "9F",
)
MAX_ESTABLISHMENTS = 999_999


@dataclass(frozen=True)
class SynthSpec:
    establishments: int
    dossiers: int
    events: int
    seed: int = 1
    until: dt.date = dt.date(2024, 12, 31)
    file_format: str = "parquet"
    months: int = 12  # period covered by the extract: the `months` calendar months ending on `until`
    finess: tuple[str, ...] = ()  # the ESSMS' FINESS numbers (demos); generated when empty

    @property
    def period_start(self) -> dt.date:
        return minus_months(self.until + dt.timedelta(days=1), self.months)

    @property
    def exit_share(self) -> float:
        """Share of the dossiers that leave during the period (25 % a year, EHPAD-like turnover)."""
        return 1 - 0.75 ** (self.months / 12)

    def check(self) -> None:
        if not 1 <= self.establishments <= MAX_ESTABLISHMENTS:
            most = formatting.number(MAX_ESTABLISHMENTS, typographic=False)
            raise ValueError(f"le nombre d'ESSMS doit être compris entre 1 et {most}")
        if self.dossiers < self.establishments:
            raise ValueError("il faut au moins un dossier par ESSMS")
        if self.events < 0:
            raise ValueError("le nombre d'événements ne peut pas être négatif")
        if not 1 <= self.months <= 120:
            raise ValueError("la période couverte doit compter de 1 à 120 mois")
        if self.file_format not in ("csv", "parquet"):
            raise ValueError("format inconnu (csv ou parquet)")
        if self.finess and len(self.finess) != self.establishments:
            raise ValueError("autant de numéros FINESS que d'ESSMS sont attendus")
        if any(not is_valid_finess(number) for number in self.finess):
            raise ValueError("numéro FINESS invalide")


def _u(*parts: str) -> str:
    """SQL for a pseudo-random DOUBLE in [0, 1) from the seed and the given salt/ids.

    DuckDB's multi-argument ``hash`` combines the arguments' hashes linearly, so two salts over the same ids would
    give correlated values; hashing the combination again mixes them.
    """
    return f"(hash(hash($seed, {', '.join(parts)})) / 18446744073709551616.0)"


def _statements(spec: SynthSpec) -> list[str]:
    prefixes = "[" + ", ".join(f"'{p}'" for p in PREFIXES) + "]"
    if spec.finess:  # validated numbers: safe to inline
        finess_column = "[" + ", ".join(f"'{number}'" for number in spec.finess) + "][i]"
    else:
        finess_column = f"first8 || {finess_key_sql('first8')}"
    return [
        # ESSMS: FINESS, size weight, usage profile.
        f"""
        CREATE TEMP TABLE synth_est AS
        WITH base AS (
            SELECT i,
                   {prefixes}[1 + CAST(floor({_u("'dep'", "i")} * {len(PREFIXES)}) AS INTEGER)]
                       || lpad(CAST(i AS VARCHAR), 6, '0') AS first8,
                   CAST(round(1000 * (0.3 + 2.7 * pow({_u("'size'", "i")}, 2))) AS BIGINT) AS weight,
                   {_u("'profile'", "i")} AS p
            FROM range(1, $establishments + 1) t(i)
        ), cum AS (
            SELECT *, sum(weight) OVER (ORDER BY i) AS cum_w, sum(weight) OVER () AS total_w FROM base
        )
        SELECT i, {finess_column} AS finess_et,
               CASE WHEN p < 0.7 THEN 0 WHEN p < 0.9 THEN 1 ELSE 2 END AS profile,
               1 + CAST(CAST($dossiers - $establishments AS HUGEINT) * cum_w // total_w
                        - CAST($dossiers - $establishments AS HUGEINT) * (cum_w - weight) // total_w AS BIGINT) AS size,
               i - 1 + CAST(CAST($dossiers - $establishments AS HUGEINT) * (cum_w - weight) // total_w AS BIGINT)
                   AS first_gid
        FROM cum
        """,
        # Dossiers (gid = global dossier index, k = index within the ESSMS).
        f"""
        CREATE TEMP TABLE synth_dos AS
        WITH d AS (
            SELECT e.finess_et, e.profile, e.first_gid + k AS gid, k
            FROM (SELECT *, unnest(range(size)) AS k FROM synth_est) e
        ), a AS (
            SELECT *,
                   ($until - CAST(floor(pow({_u("'adm'", "gid")}, 2) * 3650) AS INTEGER)) AS admission_date,
                   {_u("'exit'", "gid")} < $exit_share AS exits
            FROM d
        ), x AS (
            SELECT *, greatest(admission_date, $period_start) AS period_from FROM a
        )
        SELECT gid, finess_et, profile,
               'U' || lpad(CAST(k + 1 AS VARCHAR), 7, '0') AS dossier_id,
               admission_date,
               CASE WHEN exits THEN period_from
                    + CAST(floor({_u("'exitday'", "gid")} * (($until - period_from) + 1)) AS INTEGER) END AS exit_date,
               CASE WHEN exits THEN {_u("'definitive'", "gid")} < 0.9 END AS exit_definitive,
               {_u("'engaged'", "gid")} < (CASE profile WHEN 0 THEN 0.98 WHEN 1 THEN 0.9 ELSE 0.6 END) AS engaged,
               {_u("'agenda'", "gid")} < (CASE profile WHEN 0 THEN 0.98 WHEN 1 THEN 0.9 ELSE 0.6 END)
                   AS agenda_user,
               {_u("'dmp'", "gid")} < (CASE profile WHEN 0 THEN 0.93 WHEN 1 THEN 0.8 ELSE 0.4 END) AS dmp_user,
               {_u("'pp'", "gid")} < (CASE profile WHEN 0 THEN 0.99 WHEN 1 THEN 0.92 ELSE 0.6 END) AS has_pp,
               period_from
        FROM x
        """,
        # Event counts per dossier: proportional to the days of stay within the year, engaged dossiers only;
        # the floor-of-cumulative trick on integer weights makes the counts add up to exactly $events.
        f"""
        CREATE TEMP TABLE synth_load AS
        WITH w AS (
            SELECT gid, finess_et, dossier_id, profile, agenda_user, dmp_user, period_from,
                   greatest(0, (coalesce(exit_date, $until) - period_from) + 1) AS span,
                   CAST(round(CASE WHEN engaged THEN greatest(0, (coalesce(exit_date, $until) - period_from) + 1)
                                   ELSE 0 END * (600 + 800 * {_u("'intensity'", "gid")})) AS BIGINT) AS weight
            FROM synth_dos
        ), c AS (
            SELECT *, sum(weight) OVER (ORDER BY gid) AS cum_w, sum(weight) OVER () AS total_w FROM w
        )
        SELECT gid, finess_et, dossier_id, profile, agenda_user, dmp_user, period_from, span,
               CASE WHEN total_w > 0 THEN CAST(CAST($events AS HUGEINT) * cum_w // total_w
                    - CAST($events AS HUGEINT) * (cum_w - weight) // total_w AS BIGINT) ELSE 0 END AS n
        FROM c
        WHERE weight > 0
        """,
    ]


def _copy_sql(table: str, spec: SynthSpec, target: Path) -> str:
    kinds = (
        "CASE WHEN u < 0.38 THEN (CASE WHEN agenda_user THEN 'agenda' ELSE 'update' END)"
        " WHEN u < 0.62 THEN (CASE WHEN dmp_user THEN 'dmp_document' ELSE 'update' END)"
        " WHEN u < 0.75 THEN (CASE WHEN profile < 2 OR u < 0.685 THEN 'mss_sent' ELSE 'update' END)"
        " WHEN u < 0.78 THEN 'eprescription_import'"
        " WHEN u < 0.80 THEN 'eparcours_exchange'"
        " ELSE 'update' END"
    )
    queries = {
        "dossiers": """
            SELECT finess_et, dossier_id, admission_date, exit_date, exit_definitive
            FROM synth_dos ORDER BY gid
        """,
        "personalised_projects": f"""
            WITH p AS (
                SELECT gid, finess_et, dossier_id,
                       admission_date + 7 + CAST(floor({_u("'ppstart'", "gid")} * 60) AS INTEGER) AS started_on,
                       {_u("'ppend'", "gid")} AS e
                FROM synth_dos WHERE has_pp
            ), q AS (
                SELECT gid, 0 AS n, finess_et, dossier_id, started_on,
                       CASE WHEN e < 0.05 THEN started_on + 180
                            + CAST(floor({_u("'ppdur'", "gid")} * 360) AS INTEGER) END AS ended_on
                FROM p WHERE started_on <= $until
            )
            SELECT finess_et, dossier_id, started_on, ended_on FROM (
                SELECT * FROM q
                UNION ALL
                SELECT gid, 1 AS n, finess_et, dossier_id, ended_on + 1 AS started_on, NULL AS ended_on
                FROM q WHERE ended_on IS NOT NULL AND ended_on < $until AND {_u("'renew'", "gid")} < 0.7
            ) ORDER BY gid, n
        """,
        "events": f"""
            SELECT finess_et, dossier_id,
                   CAST(period_from + CAST(floor({_u("'day'", "gid", "j")} * span) AS INTEGER) AS TIMESTAMP)
                       + to_seconds(25200 + CAST(floor({_u("'sec'", "gid", "j")} * 50400) AS BIGINT))
                       AS occurred_on,
                   {kinds} AS kind
            FROM (
                SELECT l.*, j, {_u("'kind'", "gid", "j")} AS u
                FROM (SELECT *, unnest(range(n)) AS j FROM synth_load) l
            )
        """,
    }
    if spec.file_format == "parquet":
        options = "FORMAT parquet, COMPRESSION zstd"
    else:
        options = "FORMAT csv, HEADER true, DELIMITER ',', DATEFORMAT '%Y-%m-%d', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S'"
    return f"COPY ({queries[table]}) TO '{_quote(str(target))}' ({options})"


def _quote(text: str) -> str:
    return text.replace("'", "''")


def generate(
    spec: SynthSpec,
    out_dir: Path,
    *,
    memory_limit: str = "2GB",
    temp_directory: Path | None = None,
    threads: int | None = None,
) -> dict[str, Path]:
    """Write the three tables of a synthetic extract into ``out_dir`` and return their paths.

    One thread by default: with several, DuckDB's Parquet row groups (not the rows) depend on the thread count.
    """
    spec.check()
    out_dir.mkdir(parents=True, exist_ok=True)
    params = {
        "seed": spec.seed,
        "establishments": spec.establishments,
        "dossiers": spec.dossiers,
        "events": spec.events,
        "until": spec.until,
        "period_start": spec.period_start,
        "exit_share": spec.exit_share,
    }
    paths: dict[str, Path] = {}
    with (
        tempfile.TemporaryDirectory(prefix="esmsnum-synth-", dir=temp_directory) as spill,
        duckdb.connect(config=_config(memory_limit, Path(spill), threads or 1)) as con,
    ):
        con.execute("SET enable_progress_bar = false")
        for statement in _statements(spec):
            con.execute(statement, _used(statement, params))
        for table in TABLES:
            target = out_dir / f"{table}.{spec.file_format}"
            partial = out_dir / f".{table}.{spec.file_format}.partial"
            sql = _copy_sql(table, spec, partial)
            con.execute(sql, _used(sql, params))
            os.replace(partial, target)
            for other in ("csv", "parquet"):
                stale = out_dir / f"{table}.{other}"
                if other != spec.file_format and stale.exists():
                    stale.unlink()
            paths[table] = target
    return paths


def _config(memory_limit: str, temp_directory: Path, threads: int | None) -> dict[str, object]:
    config: dict[str, object] = {
        "memory_limit": memory_limit,
        "temp_directory": str(temp_directory),
        "preserve_insertion_order": True,
    }
    if threads:
        config["threads"] = threads
    return config


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in params.items() if f"${name}" in sql}


def describe(paths: Sequence[Path]) -> str:
    return ", ".join(path.name for path in paths)
