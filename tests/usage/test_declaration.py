"""The editor's declaration CSV parser and the trend chart (pure functions)."""

import datetime as dt
from decimal import Decimal

import pytest

from esmsnum.domain.indicators.declaration import DeclarationError, parse_declaration
from esmsnum.domain.indicators.synth import SynthSpec
from esmsnum.usage.charts import rates_chart

A, B = "130000011", "130000029"


def test_semicolons_bom_windows_1252_and_optional_columns():
    text = f"finess_et;accompanied;active;mss_messages\n{A};10;9;\n{B};5;5;12\n\n"
    parsed = parse_declaration(("\ufeff" + text).encode("utf-8"))
    assert parsed.errors == []
    assert [(r.finess_et, r.counts["active"], r.counts["mss_messages"], r.counts["dmp_fed"]) for r in parsed.rows] == [
        (A, 9, None, None),
        (B, 5, 12, None),
    ]
    latin = parse_declaration(f"FINESS_ET,Accompanied,Active\n{A},3,2\n".encode("cp1252"))
    assert latin.rows[0].counts["accompanied"] == 3


def test_line_errors_are_listed_with_their_line():
    text = f"finess_et,accompanied,active\n{A},1,1\n{A},2,2\n123,1,1\n{B},-1,x\n{B},1\n{B},,1\n"
    parsed = parse_declaration(text.encode())
    assert [r.finess_et for r in parsed.rows] == [A]
    assert parsed.errors[0] == f"ligne 3 : ESSMS {A} déjà déclaré ligne 2"
    assert parsed.errors[1].startswith("ligne 4 : le numéro FINESS « 123 » doit compter 9 caractères")
    assert parsed.errors[2] == "ligne 5 : accompanied « -1 » n'est pas un nombre entier positif"
    assert parsed.errors[4] == "ligne 6 : 2 colonne(s) au lieu de 3"
    assert parsed.errors[5] == "ligne 7 : accompanied manquant"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "fichier vide"),
        (b"finess_et,accompanied\n", "manquante"),
        (b"finess_et,accompanied,active,active\n", "en double"),
        (b"finess_et,accompanied,active\n", "aucune ligne"),
    ],
)
def test_unreadable_declarations(content, message):
    with pytest.raises(DeclarationError, match=message):
        parse_declaration(content)


def test_chart_draws_each_rate_and_the_targets_and_escapes_text():
    points = [
        (dt.date(2024, 10, 1), {"active_rate": Decimal("80.0"), "mss_rate": None}),
        (dt.date(2025, 1, 1), {"active_rate": Decimal("95.5"), "mss_rate": Decimal("180.0")}),
    ]
    svg = rates_chart(points, {"active_rate": "actifs", "mss_rate": "MSSanté"}, {"active_rate": Decimal(90)}, "A <&> B")
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "<title>A &lt;&amp;&gt; B</title>" in svg
    assert "actifs — 01/10/2024 : 80.0 %, 01/01/2025 : 95.5 %" in svg  # the description for screen readers
    assert "cible 90 %" in svg
    assert "200 %" in svg  # the axis grows to show 180 %
    assert svg.count("<circle") == 2 + 1  # two points and the legend's marker


def test_synth_with_given_finess_numbers():
    with pytest.raises(ValueError, match="autant de numéros FINESS"):
        SynthSpec(2, 10, 10, finess=(A,)).check()
    with pytest.raises(ValueError, match="FINESS invalide"):
        SynthSpec(1, 10, 10, finess=("130000012",)).check()
    SynthSpec(2, 10, 10, finess=(A, B)).check()
