"""Bad rows: reported with table, line and reason; nothing computed unless skipped, then counted."""

import datetime as dt

import pytest

from esmsnum.domain.indicators import extract as extract_module
from esmsnum.domain.indicators.extract import BadRowCount, BadRowsError, ExtractError, compute_usage
from esmsnum.domain.indicators.targets import usage_targets
from tests.usage.extracts import csv_text, write_extract

X = "130000011"
BAD_KEY = "130000012"  # X with a wrong check key
D = dt.date(2024, 10, 1)
TARGETS = usage_targets()

GOOD_DOSSIERS = [(X, "a", "2024-01-01", None, None), (X, "b", "2024-01-01", None, None)]


def _bad(extract, **kwargs) -> BadRowsError:
    with pytest.raises(BadRowsError) as info:
        compute_usage(extract, D, TARGETS, **kwargs)
    return info.value


def _listed(error: BadRowsError) -> list[tuple[str, int, str, str | None]]:
    return [(b.table, b.line, b.reason, b.value) for b in error.listed]


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_every_row_level_reason_with_its_line(tmp_path, file_format):
    tables = {
        "dossiers": [
            *GOOD_DOSSIERS,  # lines 2, 3
            (X, "c", "01/02/2024", None, None),  # 4 bad date
            (X, "d", None, None, None),  # 5 missing admission date
            (X, "e", "2024-01-01", "2023-01-01", "true"),  # 6 exit before admission
            (X, "f", "2024-01-01", "2024-02-01", "peut-être"),  # 7 bad boolean
            (X, None, "2024-01-01", None, None),  # 8 missing dossier_id
            (BAD_KEY, "g", "2024-01-01", None, None),  # 9 wrong FINESS key
            ("13000001", "h", "2024-01-01", None, None),  # 10 malformed FINESS
            (None, "i", "2024-01-01", None, None),  # 11 missing FINESS
            (X, "j", "2024-01-01", "2024-13-01", "true"),  # 12 impossible exit date
        ],
        "personalised_projects": [
            (X, "a", "2024-01-01", None),  # 2
            (X, "zz", "2024-01-01", None),  # 3 unknown dossier
            (X, "a", "2024-02-30", None),  # 4 bad start date
            (X, "a", None, None),  # 5 missing start
            (X, "b", "2024-03-01", "2024-02-01"),  # 6 ends before it starts
            (X, "b", "2024-03-01", "demain"),  # 7 bad end date
        ],
        "events": [
            (X, "a", "2024-08-01", "update"),  # 2
            (X, "a", "2024-08-01", "consultation"),  # 3 unknown kind
            (X, "a", "2024-08-01", None),  # 4 missing kind
            (X, "a", "2024-8-1", "update"),  # 5 not ISO
            (X, "a", None, "update"),  # 6 missing date
            (X, "nobody", "2024-08-01", "update"),  # 7 unknown dossier
            (BAD_KEY, "g", "2024-08-01", "update"),  # 8 wrong FINESS key
            (X, "b", "2024-08-01T25:00:00", "agenda"),  # 9 impossible time
        ],
    }
    extract = write_extract(tmp_path / "e", tables, file_format, text_columns=True)
    error = _bad(extract)
    assert error.total == 9 + 5 + 7
    # CSV: line of the file (header = 1); Parquet: row number from 1, so one less
    offset = 0 if file_format == "csv" else 1
    assert [(t, line + offset, r, v) for t, line, r, v in _listed(error)] == [
        ("dossiers", 4, "admission_date_invalid", "01/02/2024"),
        ("dossiers", 5, "admission_date_missing", None),
        ("dossiers", 6, "exit_before_admission", None),
        ("dossiers", 7, "exit_definitive_invalid", "peut-être"),
        ("dossiers", 8, "dossier_id_missing", None),
        ("dossiers", 9, "finess_key", BAD_KEY),
        ("dossiers", 10, "finess_format", "13000001"),
        ("dossiers", 11, "finess_missing", None),
        ("dossiers", 12, "exit_date_invalid", "2024-13-01"),
        ("personalised_projects", 3, "dossier_unknown", "zz"),
        ("personalised_projects", 4, "started_on_invalid", "2024-02-30"),
        ("personalised_projects", 5, "started_on_missing", None),
        ("personalised_projects", 6, "ended_before_start", None),
        ("personalised_projects", 7, "ended_on_invalid", "demain"),
        ("events", 3, "kind_unknown", "consultation"),
        ("events", 4, "kind_missing", None),
        ("events", 5, "occurred_on_invalid", "2024-8-1"),
        ("events", 6, "occurred_on_missing", None),
        ("events", 7, "dossier_unknown", "nobody"),
        ("events", 8, "finess_key", BAD_KEY),
        ("events", 9, "occurred_on_invalid", "2024-08-01T25:00:00"),
    ]
    messages = [b.describe() for b in error.listed]
    assert messages[0] == (
        "dossiers, ligne 4 : date d'admission « 01/02/2024 » invalide (format attendu : AAAA-MM-JJ)"
        if file_format == "csv"
        else "dossiers, enregistrement n° 3 : date d'admission « 01/02/2024 » invalide (format attendu : AAAA-MM-JJ)"
    )
    assert "clé du numéro FINESS « 130000012 » fausse" in messages[5]
    assert "type d'événement « consultation » inconnu" in messages[14]


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_skip_bad_rows_leaves_them_out_and_counts_them_by_reason(tmp_path, file_format):
    tables = {
        "dossiers": [*GOOD_DOSSIERS, (X, "c", "2024-13-01", None, None)],
        "events": [
            (X, "a", "2024-08-01", "agenda"),
            (X, "b", "2024-08-01", "rendez-vous"),  # b stays inactive: its only event is bad
            (X, "c", "2024-08-01", "mss_sent"),  # c's row is bad, but c exists: the message counts
            (X, "ghost", "2024-08-01", "mss_sent"),  # unknown dossier: not counted
        ],
    }
    extract = write_extract(tmp_path / "e", tables, file_format, text_columns=True)
    result = compute_usage(extract, D, TARGETS, skip_bad_rows=True)
    (row,) = result.rows
    assert (row.accompanied, row.active, row.active_with_agenda, row.mss_messages) == (2, 1, 1, 1)
    assert result.skipped_rows == 3
    assert sorted(result.bad_row_counts, key=lambda c: (c.table, c.reason)) == [
        BadRowCount("dossiers", "admission_date_invalid", 1),
        BadRowCount("events", "dossier_unknown", 1),
        BadRowCount("events", "kind_unknown", 1),
    ]


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_duplicated_dossier_all_its_rows_are_bad(tmp_path, file_format):
    tables = {
        "dossiers": [*GOOD_DOSSIERS, (X, "a", "2023-01-01", None, None)],
        "events": [(X, "a", "2024-08-01", "mss_sent"), (X, "b", "2024-08-01", "update")],
    }
    extract = write_extract(tmp_path / "e", tables, file_format)
    error = _bad(extract)
    first, second = (2, 4) if file_format == "csv" else (1, 3)
    assert _listed(error) == [
        ("dossiers", first, "dossier_duplicate", "a"),
        ("dossiers", second, "dossier_duplicate", "a"),
    ]
    result = compute_usage(extract, D, TARGETS, skip_bad_rows=True)
    (row,) = result.rows
    # "a" is left out of the dossiers, but it exists: its message counts for the ESSMS
    assert (row.accompanied, row.active, row.mss_messages) == (1, 1, 1)
    assert result.bad_row_counts == [BadRowCount("dossiers", "dossier_duplicate", 2)]


def test_reason_order_finess_first_then_dossier_then_values(tmp_path):
    tables = {
        "dossiers": GOOD_DOSSIERS,
        "events": [
            (BAD_KEY, "nobody", "garbage", "garbage"),  # FINESS wins
            (X, None, "garbage", "garbage"),  # then the missing dossier_id
            (X, "nobody", "garbage", "garbage"),  # then the unknown dossier
        ],
    }
    extract = write_extract(tmp_path / "e", tables, "csv")
    assert [(b.line, b.reason) for b in _bad(extract).listed] == [
        (2, "finess_key"),
        (3, "dossier_id_missing"),
        (4, "dossier_unknown"),
    ]


def test_a_finess_only_seen_on_rows_with_their_own_problem_is_still_checked(tmp_path):
    tables = {"dossiers": GOOD_DOSSIERS, "events": [(BAD_KEY, "g", "2024-08-01", "bad-kind")]}
    extract = write_extract(tmp_path / "e", tables, "csv")
    error = _bad(extract)
    assert [(b.reason, b.value) for b in error.listed] == [("finess_key", BAD_KEY)]
    assert error.counts == [BadRowCount("events", "finess_key", 1)]


def test_csv_lines_are_records_counting_the_header_and_unreadable_lines(tmp_path):
    # a record whose quoted value holds a line break is one line, as in a spreadsheet
    extract = tmp_path / "e"
    write_extract(extract, {"dossiers": GOOD_DOSSIERS}, "csv")
    (extract / "events.csv").write_text(
        "finess_et,dossier_id,occurred_on,kind\n"  # 1
        f"{X},a,2024-08-01,update\n"  # 2
        f"{X},a\n"  # 3 two columns instead of four
        f'{X},a,2024-08-01,"up\ndate"\n'  # 4 a record over two text lines, unknown kind
        f"{X},a,2024-08-01,update,extra\n"  # 5 five columns
        f"{X},b,2024-08-01,oops\n",  # 6
        encoding="utf-8",
    )
    error = _bad(extract)
    assert [(b.line, b.reason) for b in error.listed] == [
        (3, "csv_structure"),
        (4, "kind_unknown"),
        (5, "csv_structure"),
        (6, "kind_unknown"),
    ]
    assert error.listed[0].message == "ligne illisible : 2 colonne(s) au lieu de 4"
    assert "« up\\ndate »" in error.listed[1].message


def test_the_list_is_bounded_but_the_count_is_complete(tmp_path):
    events = [(X, "a", "2024-08-01", f"bad{i}") for i in range(120)]
    extract = write_extract(tmp_path / "e", {"dossiers": GOOD_DOSSIERS, "events": events}, "parquet")
    error = _bad(extract, max_listed=10)
    assert error.total == 120
    assert [b.line for b in error.listed] == list(range(1, 11))  # parquet: row numbers from 1


def test_csv_line_numbers_on_a_larger_file_read_in_parallel(tmp_path):
    extract = tmp_path / "e"
    write_extract(extract, {"dossiers": GOOD_DOSSIERS}, "csv")
    bad_lines = {7_777, 123_456, 199_999}
    with (extract / "events.csv").open("w", encoding="utf-8") as out:
        out.write("finess_et,dossier_id,occurred_on,kind\n")
        for line in range(2, 200_002):
            out.write(f"{X},a,2024-08-01,{'wrong' if line in bad_lines else 'update'}\n")
    error = _bad(extract, threads=2)
    assert [b.line for b in error.listed] == sorted(bad_lines)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: (d / "events.csv").unlink(), "table « events » absente"),
        (lambda d: (d / "events.parquet").write_bytes(b"x"), "table « events » en double"),
        (
            lambda d: (d / "events.csv").write_text("finess_et,dossier_id,kind\n", encoding="utf-8"),
            "colonne(s) manquante(s) : occurred_on",
        ),
        (lambda d: (d / "events.csv").write_text("", encoding="utf-8"), "fichier vide"),
        (
            lambda d: (d / "events.csv").write_text("finess_et,finess_et,dossier_id,occurred_on,kind\n"),
            "en double dans l'en-tête",
        ),
    ],
)
def test_unreadable_extracts_are_refused_in_french(tmp_path, setup, message):
    extract = write_extract(tmp_path / "e", {"dossiers": GOOD_DOSSIERS}, "csv")
    setup(extract)
    with pytest.raises(ExtractError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compute_usage(extract, D, TARGETS)


def test_parquet_finess_stored_as_a_number_is_refused(tmp_path):
    import duckdb

    extract = write_extract(tmp_path / "e", {"dossiers": GOOD_DOSSIERS}, "parquet")
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT 130000011 AS finess_et, 'a' AS dossier_id, DATE '2024-01-01' AS admission_date, "
            f"NULL::DATE AS exit_date, NULL::BOOLEAN AS exit_definitive) TO '{extract / 'dossiers.parquet'}'"
        )
    with pytest.raises(ExtractError, match="finess_et est de type INTEGER"):
        compute_usage(extract, D, TARGETS)


def test_missing_directory(tmp_path):
    with pytest.raises(ExtractError, match="n'existe pas"):
        compute_usage(tmp_path / "absent", D, TARGETS)


def test_extra_columns_and_column_order_do_not_matter(tmp_path):
    extract = write_extract(tmp_path / "e", {"dossiers": GOOD_DOSSIERS}, "csv")
    (extract / "events.csv").write_text(
        'kind,comment,occurred_on,dossier_id,finess_et\nagenda,"a, b",2024-08-01,a,130000011\n', encoding="utf-8"
    )
    (row,) = compute_usage(extract, D, TARGETS).rows
    assert (row.active, row.active_with_agenda) == (1, 1)


def test_utf8_bom_and_quoted_values(tmp_path):
    extract = write_extract(tmp_path / "e", {}, "csv")
    (extract / "dossiers.csv").write_text(
        "\ufeff" + csv_text("dossiers", [(X, "dossier, avec virgule", "2024-01-01", None, None)]), encoding="utf-8"
    )
    (extract / "events.csv").write_text(
        csv_text("events", [(X, "dossier, avec virgule", "2024-08-01", "update")]), encoding="utf-8"
    )
    (row,) = compute_usage(extract, D, TARGETS).rows
    assert (row.accompanied, row.active) == (1, 1)


def _passes(monkeypatch) -> list[tuple[str, ...]]:
    """Record which kinds of steps compute_usage creates (the second pass is the "bad table" steps)."""
    seen: list[tuple[str, ...]] = []
    original = extract_module._create_steps

    def recording(con, steps, kinds):
        seen.append(kinds)
        original(con, steps, kinds)

    monkeypatch.setattr(extract_module, "_create_steps", recording)
    return seen


@pytest.mark.parametrize(
    ("tables", "second_pass"),
    [
        ({"dossiers": GOOD_DOSSIERS, "events": [(X, "a", "2024-08-01", "update")]}, False),
        ({"dossiers": GOOD_DOSSIERS, "events": [(X, "zz", "2024-08-01", "update")]}, True),  # unknown dossier
        ({"dossiers": [*GOOD_DOSSIERS, (X, "a", "2024-02-01", None, None)]}, True),  # duplicate
        (
            {"dossiers": GOOD_DOSSIERS, "personalised_projects": [(X, "b", "2024-03-01", "2024-02-01")]},
            True,
        ),  # ends before start
        ({"dossiers": [(BAD_KEY, "a", "2024-01-01", None, None)]}, True),  # FINESS key
    ],
)
def test_the_bad_rows_are_counted_in_a_second_pass_only_when_the_first_found_some(
    tmp_path, monkeypatch, tables, second_pass
):
    passes = _passes(monkeypatch)
    result = compute_usage(write_extract(tmp_path, tables, "parquet"), D, TARGETS, skip_bad_rows=True)
    assert passes == ([("view", "table"), ("bad table",)] if second_pass else [("view", "table")])
    assert bool(result.bad_row_counts) is second_pass
