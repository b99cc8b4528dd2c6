"""The two computations timed by ``esmsnum bench usage``, each meant to run alone in a child process.

- :func:`run_product`: the product's code path, exactly as ``esmsnum usage compute`` (validation of every row,
  the definition, rates and targets, CSV rendering);
- :func:`run_bare`: the hand-written DuckDB query of the same definitions, without validation
  (:mod:`esmsnum.domain.indicators.bare`), rows fetched into Python.

Both return the per-ESSMS counts' digest so that the benchmark can check they agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import resource
import time
from pathlib import Path

import duckdb

from esmsnum.domain.indicators.bare import bare_query
from esmsnum.domain.indicators.extract import DEFAULT_MEMORY_LIMIT, compute_usage
from esmsnum.domain.indicators.output import to_csv
from esmsnum.domain.indicators.rates import COUNTS
from esmsnum.domain.indicators.targets import usage_targets
from esmsnum.domain.indicators.window import measurement_window
from esmsnum.measure import peak_rss_mb


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
    return _figures(seconds, cpu, rows, result.national_active)


def run_bare(extract_dir: str, at: str, memory_limit: str = DEFAULT_MEMORY_LIMIT, temp_dir: str = "") -> dict:
    started, cpu = time.perf_counter(), _cpu()
    config = {"memory_limit": memory_limit}
    if temp_dir:
        config["temp_directory"] = temp_dir
    with duckdb.connect(config=config) as con:
        con.execute("SET enable_progress_bar = false")
        rows = con.execute(bare_query(Path(extract_dir), measurement_window(dt.date.fromisoformat(at)))).fetchall()
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    return _figures(seconds, cpu, rows, sum(row[2] for row in rows))


def _figures(seconds: float, cpu: float, rows: list[tuple], active: int) -> dict:
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak_rss_mb(),
        "essms": len(rows),
        "national_active": int(active),
        "digest": _digest(rows),
    }
