"""The one formatter of money, numbers and percentages."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from esmsnum.domain import formatting
from esmsnum.domain.money import fmt_eur, fmt_number, fmt_percent
from esmsnum.domain.selection import format_eur


def test_money_typographic_and_plain():
    assert formatting.money(D("1234567.5")) == "1\u202f234\u202f567,50\u00a0€"
    assert formatting.money(D("7000")) == "7\u202f000\u00a0€"
    assert formatting.money(D("7000"), cents="always") == "7\u202f000,00\u00a0€"
    assert formatting.money(D("7000"), typographic=False) == "7 000 €"
    assert formatting.money(D("-1234.567"), cents="always") == "-1\u202f234,57\u00a0€"
    assert formatting.money(None) == "—"


def test_number_and_percent():
    assert formatting.number(10000) == "10\u202f000"
    assert formatting.number(D("12.5")) == "12,5"
    assert formatting.number(D("72.5"), places=2) == "72,50"
    assert formatting.number(-1234, typographic=False) == "-1 234"
    assert formatting.percent(60) == "60\u00a0%"
    assert formatting.percent(D("12.345")) == "12,35\u00a0%"
    assert formatting.percent(D("92.5"), places=1, typographic=False) == "92,5 %"


def test_the_older_names_are_thin_uses_of_it():
    assert fmt_eur(D("399000")) == "399 000 €"
    assert fmt_number(10000) == "10 000"
    assert fmt_percent(D("60.00")) == "60 %"
    assert format_eur(D("0.5")) == "0,50\u00a0€"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_money_reads_back(value):
    text = formatting.money(value, cents="always")
    digits = text.removesuffix("\u00a0€").replace("\u202f", "").replace(",", ".")
    assert D(digits) == value
