"""Properties of the line parser and the search key (hypothesis), without the database."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from esmsnum.domain.text import search_key
from esmsnum.referential import extract as parsing

from .extract import ej, et, structure

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    min_size=1,
    max_size=80,
).filter(lambda value: value.strip())


def _context():
    return parsing.ReferenceTables({"75": "11"}, {"500": ("PA", "am_cd", True)})


def _fields(name: str) -> list[str]:
    line = structure(et("75", 1), ej("75", 1), "X")
    fields = next(csv.reader([line], delimiter=";"))
    fields[parsing.F_RS] = name
    fields[parsing.F_RSLONGUE] = name
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerow(fields)  # quotes and doubles quotes as needed
    return next(csv.reader([buffer.getvalue()], delimiter=";"))


@given(names)
def test_any_name_survives_quoting(name):
    scan = parsing.Scan("utf-8", None, None, {}, 1)
    row = parsing.parse_structure(_fields(name), 2, _context(), scan, [])
    assert row.values["name"] == name.strip()[:60]
    assert row.values["long_name"] == name.strip()[:120]


@given(names)
def test_digest_depends_on_the_name_only_through_its_value(name):
    scan = parsing.Scan("utf-8", None, None, {}, 1)
    first = parsing.parse_structure(_fields(name), 2, _context(), scan, [])
    second = parsing.parse_structure(_fields(name), 9, _context(), scan, [])
    assert first.digest == second.digest
    other = parsing.parse_structure(_fields(name + "Z"), 2, _context(), scan, [])
    assert other.digest != first.digest


@given(st.text(max_size=60))
def test_search_key_is_idempotent_and_plain(text):
    key = search_key(text)
    assert search_key(key) == key
    assert key == key.strip()
    assert all(char.isalnum() or char == " " for char in key)
    assert "  " not in key
