from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _static_root(settings):
    """WhiteNoise warns (an error under our warning filter) when STATIC_ROOT does not exist yet."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
