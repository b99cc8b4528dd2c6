"""The command line refuses what would be dangerous and never prints a traceback (issue #13)."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from esmsnum.cli import main


@pytest.mark.django_db
def test_demo_load_is_refused_in_production(settings):
    from django.contrib.auth import get_user_model

    settings.PRODUCTION = True
    result = CliRunner().invoke(main, ["demo", "load"])
    assert result.exit_code == 2
    assert "refusées en production" in result.output
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_load_demo_itself_refuses_in_production(settings):
    from esmsnum import demo

    settings.PRODUCTION = True
    with pytest.raises(RuntimeError, match="production"):
        demo.load_demo()


def test_database_down_is_a_french_message_and_exit_2(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/absente",
        "ESMSNUM_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from esmsnum.cli import main; main()", "demo", "load", "--if-empty"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-1500:]
    assert "la base de données ne répond pas" in done.stderr
    assert "Traceback" not in done.stderr
