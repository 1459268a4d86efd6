"""Test set-up shared by every test module.

- The curated dataset (fixtures/) is loaded once per session into the test database, committed:
  tests see the real data, and their own changes roll back. Factory-built rows in tests use
  codes that cannot collide with the real ones (GM9xxx, PV9x, peildatum codes starting with t).
- `live_url` serves the site from a thread on that committed data, so browser tests need no
  transactions (which would flush the dataset).
- `browser` is a real headless Chromium (Debian's chromium + chromium-driver). With
  REQUIRE_BROWSER=1 (as `make test` sets) a missing browser is an error, not a skip.
- Chromium sees only the DejaVu fonts (tests/fonts.conf), as on a fresh Debian machine, so a
  layout that fits only with a narrower font installed here fails here too. Missing DejaVu
  (fonts-dejavu-core) is an error, never a skip.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_DEBUG", "1")

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
FONTS_CONF = Path(__file__).resolve().parent / "fonts.conf"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """SpatiaLite tests use a file, not memory, so a server thread sees committed data."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("spatialite"):
        folder = tempfile.mkdtemp(prefix="samenwerking-test-")
        database.setdefault("TEST", {})["NAME"] = str(Path(folder) / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_dataset", verbosity=0)
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions():
    """PostgreSQL will not drop the test database while another session uses it (a server
    thread's or a subprocess's connection that outlived its request): end those first."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    """Base URL of the site served from a thread, on the committed test database."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    django_db_blocker.unblock()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()
    django_db_blocker.restore()


@pytest.fixture
def peildatum(live_url):
    """The latest real snapshot (fixtures/), served by `live_url`; a module may override it."""
    from gemeenten import models

    peildatum = models.Peildatum.objects.exclude(code__startswith="t").order_by("-datum").first()
    assert peildatum is not None, "the real dataset (fixtures/) is not loaded"
    return peildatum


@pytest.fixture(scope="session")
def _chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not (binary and driver):
        message = "chromium and chromium-driver are not installed (apt-get install them)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={tempfile.mkdtemp(prefix='samenwerking-chromium-')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service(driver, env=dejavu_only_env()), options=options)
    chrome.implicitly_wait(0)
    yield chrome
    chrome.quit()


def dejavu_only_env():
    """The environment for chromedriver and the Chromium it starts: fontconfig offers only
    DejaVu, whatever else is installed."""
    if not (DEJAVU / "DejaVuSans.ttf").is_file():
        pytest.fail(
            f"{DEJAVU}/DejaVuSans.ttf is missing: install fonts-dejavu-core (make test does);"
            " the browser tests measure the layout with the fonts a fresh machine has"
        )
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}


@pytest.fixture
def browser(_chromium, request):
    """The shared Chromium; a screenshot of the last page is kept under artifacts/."""
    yield _chromium
    ARTIFACTS.mkdir(exist_ok=True)
    _chromium.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))


@pytest.fixture
def bron(tmp_path):
    """A writable copy of the mini source tree under tests/data/mini (curation in curation/)."""
    from .minibron import kopie

    return kopie(tmp_path / "bron")


def pytest_collection_modifyitems(items):
    # A test that talks to the live server needs the test database to exist; the server
    # thread reads the committed dataset, the test itself writes nothing.
    for item in items:
        if "live_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db)
