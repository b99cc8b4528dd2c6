"""Decision letters: French PDF with the amounts, tranches and recommendations."""

import datetime as dt
from decimal import Decimal

import pytest

from esmsnum.domain.selection import DecisionGroup
from esmsnum.instruction.letters import (
    LetterData,
    LetterEstablishment,
    LetterLine,
    LetterTranche,
    french_date,
    render_letter_html,
    render_letter_pdf,
)


def _data(**overrides):
    values = {
        "reference": "ESMS-2024-0003",
        "region_name": "La Réunion",
        "place": "Saint-Denis",
        "date": dt.date(2024, 7, 1),
        "campaign_label": "Phase de généralisation 2024",
        "porteur_name": "Association Ti Kaz Gramoun",
        "porteur_finess_ej": "970480014",
        "group": DecisionGroup.A,
        "amount_total": Decimal("147000.00"),
        "lines": (
            LetterLine("Développement des usages", "7 ESSMS × 7 000 €", Decimal("49000")),
            LetterLine("Équipement logiciel", "7 ESSMS × 14 000 €", Decimal("98000")),
        ),
        "tranches": (
            LetterTranche("Avance", "À la signature de la convention", Decimal(50), Decimal("73500")),
            LetterTranche("Solde", "Atteinte des cibles d'usage", Decimal(50), Decimal("73500")),
        ),
        "recommendations": "Prévoir un référent DUI par établissement.",
        "committee_date": dt.date(2024, 6, 20),
        "establishments": (LetterEstablishment("970401016", "EHPAD Les Flamboyants", "SAINT-DENIS"),),
        "signatory_name": "Jean Dupont",
    }
    values.update(overrides)
    return LetterData(**values)


def _pdf_text(data) -> str:
    """Text laid out by WeasyPrint (its box tree), without a PDF parser."""
    from weasyprint import HTML

    document = HTML(string=render_letter_html(data)).render()
    texts = []
    for page in document.pages:
        for box in page._page_box.descendants():
            text = getattr(box, "text", None)
            if isinstance(text, str):
                texts.append(text)
    return " ".join(texts), len(document.pages)


def test_french_date():
    assert french_date(dt.date(2024, 6, 1)) == "1er juin 2024"
    assert french_date(dt.date(2024, 8, 15)) == "15 août 2024"


def test_group_a_letter_has_amounts_tranches_recommendations():
    html = render_letter_html(_data())
    assert '<html lang="fr">' in html
    for expected in (
        "147\u202f000,00\u00a0€",
        "49\u202f000,00\u00a0€",
        "73\u202f500,00\u00a0€",
        "Groupe A — projet proposé pour financement",
        "Prévoir un référent DUI par établissement.",
        "Saint-Denis, le 1er juillet 2024",
        "comité de sélection du 20 juin 2024",
        "Agence régionale de santé La Réunion",
        "970401016",
        "Jean Dupont",
        "recours gracieux",
    ):
        assert expected in html, expected


def test_adjusted_amount_is_explained():
    html = render_letter_html(_data(amount_total=Decimal("140000.00")))
    assert "Ajustement décidé par le comité" in html
    assert "-7\u202f000,00\u00a0€" in html


@pytest.mark.parametrize(
    ("group", "phrase"),
    [
        (DecisionGroup.B, "recevable ; il n'a toutefois pas pu être proposé pour un financement"),
        (DecisionGroup.C, "doit être retravaillé"),
        (DecisionGroup.D, "ne répond pas aux critères de recevabilité"),
    ],
)
def test_other_groups_carry_no_amount(group, phrase):
    html = render_letter_html(_data(group=group, amount_total=Decimal(0), lines=(), tranches=()))
    assert phrase in html
    assert "Montant attribué" not in html
    assert "Modalités de versement" not in html


def test_pdf_is_produced_and_shows_the_amounts():
    data = _data()
    pdf = render_letter_pdf(data)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    text, pages = _pdf_text(data)
    assert pages >= 2  # letter + annex listing the establishments
    assert "147\u202f000,00\u00a0€" in text
    assert "73\u202f500,00\u00a0€" in text
    assert "Groupe A — projet proposé pour financement" in text
