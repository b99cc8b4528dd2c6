"""Test harness shared by the whole suite."""

from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repository; tests that need it skip with a reason when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"données partagées absentes : {SHARED_DIR} (CI les fournit)")
    return SHARED_DIR


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns (an error under -W error) when STATIC_ROOT is missing, as on a fresh checkout."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded pieces and extracts of a test go to its own temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
