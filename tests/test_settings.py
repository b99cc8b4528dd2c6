"""Deployment settings come from the environment and pass Django's deployment checks."""

import os
import subprocess
import sys


def _run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESMSNUM_") and k != "DATABASE_URL"}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "DJANGO_SETTINGS_MODULE": "esmsnum.config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_variables(tmp_path):
    result = _run_check(
        {
            "ESMSNUM_ENV": "production",
            "ESMSNUM_SECRET_KEY": "x7Hq2-very-long-random-production-secret-key-1234567890-abcdefgh",
            "ESMSNUM_ALLOWED_HOSTS": "esms-numerique.example.fr",
            "ESMSNUM_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run_check({"ESMSNUM_ENV": "production", "ESMSNUM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ESMSNUM_SECRET_KEY" in result.stderr
