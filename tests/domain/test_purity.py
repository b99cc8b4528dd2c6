"""The domain core is pure Python: importing it must not import Django."""

import subprocess
import sys


def test_domain_core_does_not_import_django():
    code = (
        "import importlib, pkgutil, sys\n"
        "import esmsnum.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'esmsnum.domain.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
