"""The two computations timed by ``esmsnum bench usage``, each meant to run alone in a child process.

- :func:`run_product`: the product's code path, exactly as ``esmsnum usage compute`` (validation of every row,
  the definition, rates and targets, CSV rendering);
- :func:`run_bare_checked`: the hand-written DuckDB query doing the same work (the definitions and the checks of
  every row, :func:`esmsnum_bench.usage_bare.bare_checked_query`), rows fetched into Python;
- :func:`run_bare`: the hand-written DuckDB query of the definitions alone, no check
  (:func:`esmsnum_bench.usage_bare.bare_query`), rows fetched into Python.

Each returns the per-ESSMS counts' digest so that the benchmark can check they agree, and the number of bad rows
it found (the product fails on any; the bare query without checks cannot tell).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import resource
import time
from pathlib import Path

import duckdb

from esmsnum.domain.indicators.extract import DEFAULT_MEMORY_LIMIT, compute_usage
from esmsnum.domain.indicators.output import to_csv
from esmsnum.domain.indicators.rates import COUNTS
from esmsnum.domain.indicators.targets import usage_targets
from esmsnum.domain.indicators.window import measurement_window
from esmsnum_bench.measure import peak_rss_mb
from esmsnum_bench.usage_bare import bare_checked_query, bare_query


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _digest(rows: list[tuple]) -> str:
    text = "\n".join(",".join(str(value) for value in row) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_product(extract_dir: str, at: str, memory_limit: str = DEFAULT_MEMORY_LIMIT, temp_dir: str = "") -> dict:
    started, cpu = time.perf_counter(), _cpu()
    result = compute_usage(
        Path(extract_dir),
        dt.date.fromisoformat(at),
        usage_targets(),
        memory_limit=memory_limit,
        temp_directory=Path(temp_dir) if temp_dir else None,
    )
    to_csv(result)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    rows = [(row.finess_et, *(getattr(row, name) for name in COUNTS)) for row in result.rows]
    return _figures(seconds, cpu, rows, result.national_active, bad_rows=result.skipped_rows)


def _bare(query, extract_dir: str, at: str, memory_limit: str, temp_dir: str) -> tuple[list[tuple], float, float]:
    started, cpu = time.perf_counter(), _cpu()
    config = {"memory_limit": memory_limit}
    if temp_dir:
        config["temp_directory"] = temp_dir
    with duckdb.connect(config=config) as con:
        con.execute("SET enable_progress_bar = false")
        rows = con.execute(query(Path(extract_dir), measurement_window(dt.date.fromisoformat(at)))).fetchall()
    return rows, time.perf_counter() - started, _cpu() - cpu


def run_bare_checked(extract_dir: str, at: str, memory_limit: str = DEFAULT_MEMORY_LIMIT, temp_dir: str = "") -> dict:
    rows, seconds, cpu = _bare(bare_checked_query, extract_dir, at, memory_limit, temp_dir)
    width = 1 + len(COUNTS)
    counts = [row[:width] for row in rows]
    bad = sum(sum(row[width:]) for row in rows)
    return _figures(seconds, cpu, counts, sum(row[2] for row in counts), bad_rows=bad)


def run_bare(extract_dir: str, at: str, memory_limit: str = DEFAULT_MEMORY_LIMIT, temp_dir: str = "") -> dict:
    rows, seconds, cpu = _bare(bare_query, extract_dir, at, memory_limit, temp_dir)
    return _figures(seconds, cpu, rows, sum(row[2] for row in rows), bad_rows=None)


def _figures(seconds: float, cpu: float, rows: list[tuple], active: int, *, bad_rows: int | None) -> dict:
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak_rss_mb(),
        "essms": len(rows),
        "national_active": int(active),
        "digest": _digest(rows),
        "bad_rows": bad_rows,
    }
