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
