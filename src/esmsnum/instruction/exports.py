"""Tabular exports (CSV and XLSX) that open correctly in a French spreadsheet.

CSV, the choices made so that a double-click opens it right in Excel (French locale) and LibreOffice Calc:

- encoding **UTF-8 with a byte-order mark** (BOM): without it Excel reads the file as Windows-1252 and breaks every
  accent; LibreOffice and Python's ``utf-8-sig`` read the BOM transparently;
- separator ``;`` (the French list separator: Excel-FR splits on it on a double-click), ``\\r\\n`` line endings,
  fields quoted only when needed;
- amounts and decimals with a **decimal comma** and no thousands separator (``1566149,50``) so that the spreadsheet
  reads them as numbers; dates ``JJ/MM/AAAA``, date-times ``JJ/MM/AAAA HH:MM`` (local time, given by the caller);
- a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is prefixed with ``'`` so that
  the spreadsheet never evaluates it as a formula (CSV injection).

XLSX (openpyxl): typed cells — numbers as numbers (amounts with a euro format), dates as dates —, a bold frozen
header row with filters, column widths. Text starting with ``=`` is stored as text, never as a formula.

Headers are given by the caller, in French. No Django here: rows are plain sequences.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

TEXT = "text"
INTEGER = "int"
MONEY = "money"
DECIMAL = "decimal"
DATE = "date"
DATETIME = "datetime"
KINDS = {TEXT, INTEGER, MONEY, DECIMAL, DATE, DATETIME}

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

XLSX_FORMATS = {
    MONEY: '#,##0.00\\ "€"',
    DECIMAL: "0.00",
    INTEGER: "0",
    DATE: "DD/MM/YYYY",
    DATETIME: "DD/MM/YYYY HH:MM",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 0  # XLSX column width in characters; 0 = from the header and values

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"type de colonne inconnu : {self.kind}")


def _naive(value: dt.datetime) -> dt.datetime:
    # The caller converts to local time first; spreadsheets have no time zones.
    return value.replace(tzinfo=None, microsecond=0)


def _csv_cell(column: Column, value: object) -> str:
    if value is None or value == "":
        return ""
    if column.kind in (MONEY, DECIMAL):
        number = Decimal(str(value))
        if column.kind == MONEY:
            number = number.quantize(Decimal("0.01"))
        return format(number, "f").replace(".", ",")
    if column.kind == INTEGER:
        return str(int(value))
    if column.kind == DATETIME and isinstance(value, dt.datetime):
        return _naive(value).strftime("%d/%m/%Y %H:%M")
    if column.kind in (DATE, DATETIME) and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV bytes: UTF-8 with BOM, ``;`` separator, decimal comma (see the module documentation)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(column, value) for column, value in zip(columns, row, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(column: Column, value: object) -> object:
    if value is None or value == "":
        return None
    if column.kind in (MONEY, DECIMAL):
        # openpyxl writes Decimal as a number; float keeps the file small and exact to the cent for display.
        return float(Decimal(str(value)))
    if column.kind == INTEGER:
        return int(value)
    if column.kind == DATETIME and isinstance(value, dt.datetime):
        return _naive(value)
    if column.kind == DATE and isinstance(value, dt.datetime):
        return value.date()
    if column.kind in (DATE, DATETIME) and isinstance(value, dt.date):
        return value
    return str(value)


def to_xlsx(columns: Sequence[Column], rows: Iterable[Sequence[object]], sheet_title: str = "Export") -> bytes:
    """XLSX bytes with typed cells (see the module documentation)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="000091")  # DSFR "bleu France"
    widths = [len(column.header) for column in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    row_count = 1
    for row_index, row in enumerate(rows, start=2):
        row_count = row_index
        for col_index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            converted = _xlsx_value(column, value)
            cell = sheet.cell(row=row_index, column=col_index, value=converted)
            if isinstance(converted, str):
                cell.data_type = "s"  # never a formula, even when the text starts with "="
                widths[col_index - 1] = max(widths[col_index - 1], min(len(converted), 60))
            elif column.kind in XLSX_FORMATS and converted is not None:
                cell.number_format = XLSX_FORMATS[column.kind]
                widths[col_index - 1] = max(widths[col_index - 1], 14 if column.kind != DATETIME else 17)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (column.width or widths[index - 1]) + 2
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{row_count}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
