"""The French text report."""

import json
from pathlib import Path

from esmsnum.domain.engine import evaluate, parse_dossier
from esmsnum.domain.report import render_text

EXAMPLES = Path(__file__).parent / "examples"


def report(name: str) -> str:
    data = json.loads((EXAMPLES / f"{name}.dossier.json").read_text(encoding="utf-8"))
    dossier = parse_dossier(data)
    return render_text(evaluate(dossier), dossier)


def test_ineligible_report_shows_the_failed_rule_first_and_no_funding():
    text = report("2024-multiregional-hors-delai")
    assert "NON ÉLIGIBLE" in text
    checks = text.split("Contrôles effectués")[1]
    assert checks.index("[non conforme]") < checks.index("[conforme]")
    flat = " ".join(text.split())
    assert "après la clôture (projet multirégional) le 01/06/2024 à minuit : dossier non recevable" in flat
    assert "Aucun financement : le dossier n'est pas éligible." in text
    assert "Versements" not in text


def test_multi_region_report_shows_the_split():
    text = report("2024-multiregional-52-acquisitions")
    assert "Répartition entre régions" in text
    assert "602 307,69 €" in text
    assert "441 692,31 €" in text


def test_review_report_lists_the_points_for_the_ars():
    text = report("2021-t2-hdf-12-mixte-petits-og")
    assert "À EXAMINER PAR L'ARS" in text
    flat = " ".join(text.split())
    assert "[à examiner] 12 ESSMS, moins que les 15 ESSMS attendus idéalement : dialogue avec l'ARS" in flat
    assert "Fin du déploiement (20 %)" in text
    assert "119 000 €" in text


def test_report_without_the_dossier():
    data = json.loads((EXAMPLES / "2024-reunion-8-essms-avec-saad.dossier.json").read_text(encoding="utf-8"))
    text = render_text(evaluate(parse_dossier(data)))
    assert "ÉLIGIBLE" in text
    assert "ESSMS du projet" not in text
