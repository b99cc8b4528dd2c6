"""The running platform loads neither the benchmark tooling nor the reference-data build tool (issue #10)."""

import ast
import subprocess
import sys
from pathlib import Path

import esmsnum

SRC = Path(esmsnum.__file__).resolve().parent

_PROBE = """
import importlib, pathlib, sys
import django
django.setup()
import esmsnum
root = pathlib.Path(esmsnum.__file__).parent
for path in sorted(root.rglob("*.py")):
    parts = path.relative_to(root.parent).with_suffix("").parts
    if "migrations" in parts or parts[1:2] == ("cli",) or parts[-1] == "build":
        continue
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
import esmsnum.config.urls  # every view of the site
loaded = sorted(n for n in sys.modules if n.startswith("esmsnum_bench") or n == "esmsnum.domain.reference.build")
print(",".join(loaded))
"""


def test_no_product_module_imports_the_benchmarks():
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("esmsnum_bench"):
                offenders.append(str(path.relative_to(SRC)))
            if isinstance(node, ast.Import) and any(a.name.startswith("esmsnum_bench") for a in node.names):
                offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_importing_the_whole_product_loads_no_benchmark_nor_build_tool():
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "esmsnum.config.settings"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""


def test_ars_seats_are_reference_data_for_every_region():
    from esmsnum.domain import reference

    assert reference.ars_seat("04") == "Saint-Denis"
    assert reference.ars_seat("94") == "Ajaccio"
    without_seat = [region.code for region in reference.regions() if not reference.ars_seat(region.code)]
    assert without_seat == ["975", "986"]  # Saint-Pierre-et-Miquelon and Wallis-et-Futuna have no ARS
