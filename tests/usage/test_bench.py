"""`esmsnum bench usage` runs end to end on a tiny extract (figures are printed, never asserted)."""

import json

from click.testing import CliRunner

from esmsnum.cli import main


def test_bench_usage_smoke(tmp_path):
    args = ["bench", "usage", "--establishments", "3", "--dossiers", "300", "--events", "3000", "--json"]
    result = CliRunner().invoke(main, [*args, "--workdir", str(tmp_path), "--repeat", "2"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["same_results"] is True
    assert figures["product"]["essms"] == 3
    assert figures["product"]["peak_mb"] > 0
    assert figures["product"]["bad_rows"] == figures["bare_checked"]["bad_rows"] == 0
    assert figures["bare_query"]["bad_rows"] is None  # the query without checks cannot tell
    assert [len(figures["all_seconds"][key]) for key in ("product", "bare_checked", "bare_query")] == [2, 2, 2]
    assert figures["ratio"] > 0
    assert figures["ratio_unchecked"] > 0
    assert list(tmp_path.iterdir()) == []  # the generated extract is deleted without --keep


def test_bench_usage_keep_reuses_the_extract(tmp_path):
    args = ["bench", "usage", "--establishments", "2", "--dossiers", "50", "--events", "500"]
    args += ["--workdir", str(tmp_path), "--keep", "--json"]
    first = json.loads(CliRunner().invoke(main, args).stdout)
    second = json.loads(CliRunner().invoke(main, args).stdout)
    assert first["extract"]["generation_seconds"] is not None
    assert second["extract"]["generation_seconds"] is None


def test_bench_usage_prints_french_figures(tmp_path):
    args = ["bench", "usage", "--establishments", "2", "--dossiers", "50", "--events", "500", "--repeat", "1"]
    result = CliRunner().invoke(main, [*args, "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Requête nue, mêmes contrôles" in result.stdout
    assert "Rapport produit / requête nue faisant les mêmes contrôles" in result.stdout
    assert "le prix des contrôles de chaque ligne" in result.stdout
    assert "Objectif rapport ≤ 1,00 face à la requête sans contrôle" in result.stdout
    assert "Objectif mémoire du produit ≤ 3 Go : atteint" in result.stdout
