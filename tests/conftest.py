"""Test harness shared by the whole suite."""

import os
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_collection_modifyitems(config, items):
    """The ``shared_data`` marker and the ``shared_dir`` fixture go together: a test that reads ../shared says so,
    so that ``-m "not shared_data"`` selects exactly the tests that run without it."""
    wrong = [
        item.nodeid
        for item in items
        if ("shared_dir" in getattr(item, "fixturenames", ())) != (item.get_closest_marker("shared_data") is not None)
    ]
    if wrong:
        raise pytest.UsageError(
            "marquez « @pytest.mark.shared_data » exactement les tests qui utilisent la fixture shared_dir : "
            + ", ".join(wrong)
        )


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repository. Absent on a developer's machine: the test is skipped with the reason;
    absent under CI (``CI`` set, as .ci/run and every CI service do): the test fails, it never goes missing."""
    if not SHARED_DIR.is_dir():
        reason = f"données partagées absentes : {SHARED_DIR} (CI les fournit)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
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


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded ONCE per test module inside a transaction rolled back after the module.

    Each test still runs in its own savepoint (pytest-django's ``db``), so what a test writes is undone before the
    next one; the demo itself is not reloaded per (parametrised) test, which cost seconds each time."""
    from django.db import transaction

    from esmsnum.demo import load_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        load_demo()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


class _QueryBudget:
    def __init__(self, budget: int):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.budget = budget
        self.context = CaptureQueriesContext(connection)

    def __enter__(self):
        self.context.__enter__()
        return self.context

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        if exc[0] is None:
            count = len(self.context.captured_queries)
            if count > self.budget:
                queries = "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(self.context.captured_queries, 1))
                pytest.fail(f"{count} requêtes SQL pour un budget de {self.budget} :\n{queries}")


@pytest.fixture
def assert_max_queries():
    """``with assert_max_queries(12): client.get(url)`` fails, listing the queries, above the budget (les-emplois'
    ``assertNumQueries`` with a ceiling: a page may get cheaper without a test to update)."""
    return _QueryBudget


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate-limit counters, cached settings)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# Variables that django-dsfr's own templates read as optional, with the value their ``default`` filter gives (a
# non-empty string_if_invalid skips the filters); every variable of our templates must be known.
_OPTIONAL_IN_DSFR = {"request.csp_nonce": "", "self.heading_tag": "p"}


class _InvalidTemplateVariable(str):
    """``string_if_invalid`` that fails the test: an unknown variable in a template is a bug, not an empty string."""

    def __mod__(self, name):
        if str(name) in _OPTIONAL_IN_DSFR:
            return _OPTIONAL_IN_DSFR[str(name)]
        raise AssertionError(f"variable de gabarit inconnue : {name}")


@pytest.fixture(autouse=True, scope="session")
def _unknown_template_variables_fail():
    from django.conf import settings

    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = _InvalidTemplateVariable("%s")
