"""The bulk writer: every row it writes with raw SQL reads back through the ORM with the parsed values."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from esmsnum.referential import extract as parsing
from esmsnum.referential.importer import ImportResult
from esmsnum.referential.models import Category, Department, Establishment, Organisation
from esmsnum.referential.writer import Writer

from .extract import ej, et, structure

pytestmark = pytest.mark.django_db


def _rows(lines: list[str], tables: parsing.ReferenceTables) -> list[parsing.Row]:
    scan = parsing.Scan("utf-8", None, None, {}, len(lines))
    rows = []
    for number, line in enumerate(lines, start=1):
        fields = next(csv.reader([line], delimiter=";"))
        rows.append(parsing.parse_structure(fields, number, tables, scan, []))
    return rows


def _tables() -> parsing.ReferenceTables:
    return parsing.ReferenceTables(
        {d.code: d.region_id for d in Department.objects.all()},
        {c.code: (c.public, c.financeur, c.medicalised) for c in Category.objects.all()},
    )


def test_each_written_model_reads_back_through_the_orm():
    lines = [
        structure(et("75", 1), ej("75", 1), "EHPAD LES TILLEULS", dateouv="2001-02-03", datemaj="2020-04-05"),
        structure(et("75", 2), ej("75", 1), "SSIAD DU MARAIS", category="354", aggregate="4605"),
        structure(
            et("2A", 3), ej("2A", 2), "IME U LICEU", category="183", aggregate="4101", commune_line="20000 AJACCIO"
        ),
        # a category absent from the nomenclature, derived from its aggregate: the writer creates it
        structure(et("69", 4), ej("69", 3), "FOYER NOUVEAU", category="999", aggregate="4401"),
    ]
    tables = _tables()
    rows = _rows(lines, tables)
    assert [new.code for new in tables.new_categories] == ["999"]
    new_category = tables.new_categories[0]
    result = ImportResult(path="mémoire")

    Writer(tables, result, "default").flush(rows)

    assert (result.created, result.organisations_created, result.categories_created) == (4, 3, 1)
    category = Category.objects.get(code="999")
    assert vars(new_category) == {name: getattr(category, name) for name in vars(new_category)}
    for row in rows:
        establishment = Establishment.objects.select_related("organisation").get(finess_et=row.finess_et)
        assert establishment.organisation.finess_ej == row.finess_ej
        assert establishment.source_digest == row.digest
        assert establishment.is_open
        assert establishment.closed_on is None
        for column, value in row.values.items():
            assert getattr(establishment, column) == value, column
    organisation = Organisation.objects.get(finess_ej=ej("2A", 2))
    assert organisation.department_id == "2A"
    assert Establishment.objects.get(finess_et=et("75", 1)).opened_on == date(2001, 2, 3)


def test_a_second_flush_of_the_same_rows_writes_nothing():
    tables = _tables()
    rows = _rows([structure(et("75", 1), ej("75", 1))], tables)
    first = ImportResult(path="mémoire")
    Writer(tables, first, "default").flush(rows)
    again = ImportResult(path="mémoire")
    Writer(tables, again, "default").flush(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
