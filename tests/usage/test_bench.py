"""`esmsnum bench usage` runs end to end on a tiny extract (figures are printed, never asserted)."""

import json

from click.testing import CliRunner

from esmsnum.cli import main


def test_bench_usage_smoke(tmp_path):
    args = ["bench", "usage", "--establishments", "3", "--dossiers", "300", "--events", "3000", "--json"]
    result = CliRunner().invoke(main, [*args, "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["same_results"] is True
    assert figures["product"]["essms"] == 3
    assert figures["product"]["peak_mb"] > 0
    assert figures["ratio"] > 0
    assert list(tmp_path.iterdir()) == []  # the generated extract is deleted without --keep


def test_bench_usage_keep_reuses_the_extract(tmp_path):
    args = ["bench", "usage", "--establishments", "2", "--dossiers", "50", "--events", "500"]
    args += ["--workdir", str(tmp_path), "--keep", "--json"]
    first = json.loads(CliRunner().invoke(main, args).stdout)
    second = json.loads(CliRunner().invoke(main, args).stdout)
    assert first["extract"]["generation_seconds"] is not None
    assert second["extract"]["generation_seconds"] is None
