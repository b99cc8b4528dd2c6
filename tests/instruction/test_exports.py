"""CSV and XLSX exports for French spreadsheets."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from esmsnum.instruction.exports import DATE, DATETIME, INTEGER, MONEY, Column, to_csv, to_xlsx

COLUMNS = [
    Column("Référence"),
    Column("Porteur"),
    Column("Nombre d'ESSMS", INTEGER),
    Column("Montant demandé (€)", MONEY),
    Column("Déposé le", DATE),
    Column("Dernière modification", DATETIME),
]
ROWS = [
    ["ESMS-2024-0001", "Association Ti Kaz Gramoun", 12, Decimal("1566149.5"), dt.date(2024, 5, 30), None],
    ["ESMS-2024-0002", '=HYPERLINK("http://x")', 3, Decimal("0"), None, dt.datetime(2024, 6, 2, 9, 5, 33)],
]


def test_csv_opens_in_a_french_spreadsheet():
    data = to_csv(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel detects UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [c.header for c in COLUMNS]
    assert rows[1] == ["ESMS-2024-0001", "Association Ti Kaz Gramoun", "12", "1566149,50", "30/05/2024", ""]
    # formula injection neutralised; datetime in local time given by the caller
    assert rows[2] == ["ESMS-2024-0002", '\'=HYPERLINK("http://x")', "3", "0,00", "", "02/06/2024 09:05"]


def test_csv_accents_survive():
    data = to_csv([Column("Intitulé")], [["Établissement — Saint-André"]])
    assert "Établissement — Saint-André".encode() in data


def test_xlsx_typed_cells():
    data = to_xlsx(COLUMNS, ROWS, sheet_title="Dossiers La Réunion")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Dossiers La Réunion"
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    row = sheet[2]
    assert row[2].value == 12
    assert isinstance(row[3].value, float)
    assert row[3].value == pytest.approx(1566149.5)
    assert "€" in row[3].number_format
    assert row[4].value == dt.datetime(2024, 5, 30)  # openpyxl reads dates back as datetimes
    assert row[4].number_format == "DD/MM/YYYY"
    assert row[4].is_date
    second = sheet[3]
    assert second[1].value == '=HYPERLINK("http://x")'
    assert second[1].data_type == "s"  # text, not a formula
    assert second[5].value == dt.datetime(2024, 6, 2, 9, 5, 33)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"


def test_xlsx_empty():
    sheet = load_workbook(io.BytesIO(to_xlsx(COLUMNS, []))).active
    assert sheet.max_row == 1


def test_unknown_kind():
    with pytest.raises(ValueError, match="type de colonne inconnu"):
        Column("X", "percent")
