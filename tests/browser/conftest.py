"""Browser tests: Playwright (sync API) driving Debian's headless Chromium against pytest-django's live server.

Every test under tests/browser/ gets the ``browser`` marker. Fixtures:
- ``browser`` (module): Chromium from /usr/bin/chromium (never downloaded); skips when absent.
- ``page``: a fresh French context (1280×900) and page; closed after the test.
- ``demo``: the demo data (reference data, La Réunion referential, accounts, one dossier per state), with the
  platform clock set inside the 2024 campaign's first window (``OPEN_CLOCK``).
- ``login(page, username)``: signs in through the login form (demo password).
- ``shoot(page, name)``: full-page screenshot into $ESMSNUM_SCREENSHOTS (default /tmp/esmsnum-screenshots).
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ESMSNUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
OPEN_CLOCK = "2024-05-20T10:00:00+04:00"
SCREENSHOTS = Path(os.environ.get("ESMSNUM_SCREENSHOTS", "/tmp/esmsnum-screenshots"))


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(request, _static_root_exists):
    """pytest-django's live server, started with a MEDIA_URL: Django's live server thread always mounts one,
    and the platform has none (pieces are served by permission-checking views only)."""
    from django.test.utils import override_settings
    from pytest_django import live_server_helper

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(MEDIA_URL="/_serveur-de-test-sans-media/"):
        server = live_server_helper.LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Playwright's sync API keeps an event loop running in the test thread while it
    is started, and Django refuses ORM calls beside a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set: the
    variable is set for exactly that time (module scope, so that later tests — and Django's deployment check,
    which rightly refuses the variable — run without it)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"Chromium absent ({CHROMIUM}) : installez le paquet Debian « chromium »"
        if os.environ.get("CI"):  # CI installs it (.ci/run): never let the journeys be skipped there
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="fr-FR", timezone_id="Indian/Reunion", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"erreurs JavaScript : {errors}"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo data in the live server's database; media under a temporary directory."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ESMSNUM_CLOCK = OPEN_CLOCK
    from esmsnum import demo as demo_data
    from esmsnum.referential.services import sync_reference_data

    sync_reference_data()  # flushed by the previous transactional test
    return demo_data.load_demo()


@pytest.fixture
def login():
    from esmsnum.demo import DEMO_PASSWORD

    def _login(page, username: str, password: str = DEMO_PASSWORD):
        page.goto("/connexion/")
        page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Nom d'utilisateur")).fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").last.click()
        page.wait_for_load_state()
        assert "/connexion/" not in page.url, f"connexion refusée pour {username}"
        return page

    return _login


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot
