"""Payment orders exported for the accounting system: CSV in French conventions and XLSX with typed cells."""

import io
from decimal import Decimal as D

from openpyxl import load_workbook

from esmsnum.funding import exports, selectors, services

from .test_services import sign


def test_csv_and_xlsx_of_payment_orders(funded, users):
    sign(funded, users)
    services.issue_payment_order(funded, by=users.instructor, tranche="advance", region="04")
    orders = selectors.payment_orders_visible_to(users.instructor)
    data = exports.payment_orders_csv(orders)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";")[0] == "Numéro d'ordre"
    row = lines[1].split(";")
    assert row[0] == "OP-2025-04-0001"
    assert row[1] == "01/09/2025"
    assert row[7] == "Avance à la signature de la convention"
    assert row[-1] == "26000,00"
    sheet = load_workbook(io.BytesIO(exports.payment_orders_xlsx(orders))).active
    assert sheet.title == "Ordres de paiement"
    assert sheet["A2"].value == "OP-2025-04-0001"
    assert D(str(sheet.cell(row=2, column=len(exports.COLUMNS)).value)) == D("26000")
    assert not selectors.payment_orders_visible_to(users.instructor_other).exists()
    assert not selectors.payment_orders_visible_to(users.porteur).exists()
