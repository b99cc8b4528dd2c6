"""The benchmark's hand-written references (bare.py) against the product, on clean and dirty extracts.

The query with checks must do the product's job: the same figures and the same number of bad rows per table, on
any extract (property-based, Parquet, typed columns). The query without checks agrees on a clean extract only.
"""

import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esmsnum.domain.indicators.extract import TABLES, compute_usage
from esmsnum.domain.indicators.rates import COUNTS
from esmsnum.domain.indicators.reasons import KINDS
from esmsnum.domain.indicators.synth import SynthSpec, generate
from esmsnum.domain.indicators.targets import usage_targets
from esmsnum.domain.indicators.window import measurement_window
from esmsnum_bench.usage_bare import bare_checked_query, bare_query
from tests.usage.extracts import write_extract

D = dt.date(2024, 10, 1)
TARGETS = usage_targets()
X, Y = "130000011", "750000010"  # valid FINESS numbers
BAD_KEY, MALFORMED = "130000012", "13000001"

finess = st.sampled_from([X, X, X, Y, Y, BAD_KEY, MALFORMED, None])
dossier_id = st.sampled_from(["a", "a", "b", "c", "d", "", None])
day = st.sampled_from(["2023-05-01", "2024-06-30", "2024-07-01", "2024-09-30", "2024-10-01", None])
moment = st.sampled_from(["2024-06-30 23:59:59", "2024-07-01 00:00:00", "2024-09-30 23:59:59", "2024-10-01", None])
kind = st.sampled_from([*KINDS, "consultation", None])

dirty_extracts = st.fixed_dictionaries(
    {
        "dossiers": st.lists(st.tuples(finess, dossier_id, day, day, st.none()), max_size=12),
        "personalised_projects": st.lists(st.tuples(finess, dossier_id, day, day), max_size=8),
        "events": st.lists(st.tuples(finess, dossier_id, moment, kind), max_size=25),
    }
)


def _bare(query, extract: Path) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(query(extract, measurement_window(D))).fetchall()


def _product(extract: Path):
    result = compute_usage(extract, D, TARGETS, skip_bad_rows=True)
    figures = {row.finess_et: tuple(getattr(row, name) for name in COUNTS) for row in result.rows}
    bad = defaultdict(int)
    for count in result.bad_row_counts:
        bad[count.table] += count.count
    return figures, [bad[table] for table in TABLES]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables=dirty_extracts)
def test_the_query_with_checks_does_the_products_job_on_any_extract(tmp_path_factory, tables):
    extract = write_extract(tmp_path_factory.mktemp("e"), tables, "parquet")
    figures, bad = _product(extract)
    rows = _bare(bare_checked_query, extract)
    width = 1 + len(COUNTS)
    assert [sum(row[width + i] for row in rows) for i in range(len(TABLES))] == bad
    bare_figures = {row[0]: tuple(row[1:width]) for row in rows}
    for finess_et, counts in figures.items():
        assert bare_figures[finess_et] == counts, finess_et
    # what the product does not list (no valid FINESS, or nothing counted) has no figure in the query either
    assert all(not any(counts) for key, counts in bare_figures.items() if key not in figures)


def test_on_a_clean_extract_the_three_agree(tmp_path):
    extract = tmp_path / "synth"
    generate(SynthSpec(6, 400, 8000, 3, dt.date(2024, 12, 31), "parquet", 12), extract)
    result = compute_usage(extract, dt.date(2025, 1, 1), TARGETS)
    product = [(row.finess_et, *(getattr(row, name) for name in COUNTS)) for row in result.rows]
    window = measurement_window(dt.date(2025, 1, 1))
    with duckdb.connect() as con:
        checked = con.execute(bare_checked_query(extract, window)).fetchall()
        bare = con.execute(bare_query(extract, window)).fetchall()
    assert len(product) == 6
    assert [row[: 1 + len(COUNTS)] for row in checked] == product == bare
    assert all(not any(row[1 + len(COUNTS) :]) for row in checked)


def test_the_query_without_checks_counts_what_the_product_refuses(tmp_path):
    tables = {
        "dossiers": [(X, "a", "2024-01-01", None, None), (X, "b", "2024-01-01", None, None)],
        "events": [
            (X, "a", "2024-08-01", "agenda"),
            (X, "b", "2024-08-01", "consultation"),  # unknown kind: b is not active
            (X, "ghost", "2024-08-01", "mss_sent"),  # unknown dossier: not counted
        ],
    }
    extract = write_extract(tmp_path / "e", tables, "parquet")
    figures, bad = _product(extract)
    assert bad == [0, 0, 2]
    assert figures[X][:2] == (2, 1)  # accompanied, active
    assert figures[X][COUNTS.index("mss_messages")] == 0
    (unchecked,) = _bare(bare_query, extract)
    assert unchecked[1:3] == (2, 2)  # the bad event makes b active
    assert unchecked[1 + COUNTS.index("mss_messages")] == 1  # the unknown dossier's message is counted
    (checked,) = _bare(bare_checked_query, extract)
    assert checked[1:3] == (2, 1)
    assert checked[1 + len(COUNTS) :] == (0, 0, 2)
