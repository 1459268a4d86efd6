"""Production behaviour, tested in subprocesses with production environment variables.

The test session itself runs with DJANGO_DEBUG=1; settings are read from the environment at
import time, so production settings need a process of their own: `manage.py check --deploy`,
the settings a production environment produces, and gunicorn serving the site like
`make serve` does (hashed, compressed static files; 503 when the database is unreachable).
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MAP_TILE")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="atlas.example.nl,127.0.0.1",
    )
    env.update(extra)
    return env


def run(args, env, timeout=120):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
from django.urls import reverse
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": s.SECURE_HSTS_PRELOAD,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "STATICFILES_BACKEND": s.STORAGES["staticfiles"]["BACKEND"],
    "IMG_SRC": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "HTTP_CACHE_SECONDS": s.HTTP_CACHE_SECONDS,
    "ADMIN": reverse("admin:index"),
}))
"""


def production_settings(**extra):
    env = production_env(DJANGO_SETTINGS_MODULE="samenwerking.settings", **extra)
    result = run([PYTHON, "-c", SHOW_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_has_no_warnings():
    result = run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_when_https_is_switched_off():
    """The gate can fail: without the SSL redirect, check --deploy warns (security.W008)."""
    env = production_env(DJANGO_SECURE_SSL_REDIRECT="0")
    result = run([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_defaults_are_the_safe_ones():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["STATICFILES_BACKEND"] == "gemeenten.storage.MinifiedStaticFilesStorage"
    assert values["HTTP_CACHE_SECONDS"] > 0


def test_debug_relaxes_only_the_https_settings():
    values = production_settings(DJANGO_DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["HTTP_CACHE_SECONDS"] == 0


def test_tile_host_is_in_the_csp_only_when_a_tile_url_is_configured():
    assert production_settings(MAP_TILE_URL="")["IMG_SRC"] == ["'self'", "data:"]
    pdok = production_settings()["IMG_SRC"]
    assert pdok == ["'self'", "data:", "https://service.pdok.nl"]
    osm = production_settings(MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert osm["IMG_SRC"] == ["'self'", "data:", "https://*.tile.example.org"]


def test_admin_path_is_configurable():
    assert production_settings(DJANGO_ADMIN_PATH="/geheim-beheer/")["ADMIN"] == "/geheim-beheer/"


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run([PYTHON, "manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_malformed_number_setting_gives_a_clear_message():
    result = run(
        [PYTHON, "manage.py", "check"], production_env(DJANGO_SECURE_HSTS_SECONDS="een jaar")
    )
    assert result.returncode != 0
    assert "DJANGO_SECURE_HSTS_SECONDS must be a whole number" in result.stderr


# --- gunicorn, like `make serve` ------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staticfiles")
    env = production_env(DJANGO_STATIC_ROOT=str(folder))
    result = run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env, timeout=300)
    assert result.returncode == 0, result.stderr
    return folder


def start_gunicorn(env):
    port = free_port()
    log = open(env["GUNICORN_LOG"], "w")
    process = subprocess.Popen(
        [GUNICORN, "samenwerking.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(Path(env["GUNICORN_LOG"]).read_text())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise AssertionError("gunicorn did not start within 30 s")


@pytest.fixture(scope="module")
def server_without_database(static_root, tmp_path_factory):
    """gunicorn with production settings and a PostGIS URL on a port where nothing listens."""
    env = production_env(
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"postgis://atlas@127.0.0.1:{free_port()}/samenwerking",
        GUNICORN_LOG=str(tmp_path_factory.mktemp("gunicorn") / "log.txt"),
    )
    process, port = start_gunicorn(env)
    yield port
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.parametrize(
    "path", ["/", "/gemeenten/", "/samenwerkingen/?q=zorg", "/samenwerkingen.csv", "/kaart/"]
)
def test_an_unreachable_database_gives_503_not_500(server_without_database, path):
    response, body = get(server_without_database, path)
    assert response.status == 503, (path, response.status, body[:300])
    text = body.decode()
    assert "Tijdelijk niet beschikbaar" in text
    assert "127.0.0.1" not in text and "postgis" not in text.lower()
    assert response.getheader("Retry-After") == "30"
    assert "'unsafe-inline'" not in response.getheader("Content-Security-Policy")


def test_static_files_are_hashed_compressed_and_cached_for_ever(
    server_without_database, static_root
):
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/leaflet/leaflet.js"]
    assert hashed != "vendor/leaflet/leaflet.js"
    response, body = get(server_without_database, f"/static/{hashed}", {"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert (static_root / (hashed + ".gz")).exists()


EIGEN_STATIC = ("css/site.css", "css/kaart.css", "js/atlaskaart.js", "js/kaartpagina.js")


def custom_properties(css):
    """{name: value} of the `--name: value` declarations of a stylesheet, comments removed."""
    import re

    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return dict(re.findall(r"--([a-z0-9-]+)\s*:\s*([^;}]+?)\s*[;}]", css))


def test_our_css_and_javascript_are_served_minified_and_vendor_files_as_they_are(static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for naam in (*EIGEN_STATIC, "js/kaartlagen.js"):
        bron = (ROOT / "static" / naam).read_text(encoding="utf-8")
        uit = (static_root / manifest[naam]).read_text(encoding="utf-8")
        assert len(uit) < 0.8 * len(bron), naam
        assert "/*" not in uit, naam
        if naam.endswith(".js"):
            # Still JavaScript: Node (installed with npm for axe-core) parses it.
            pad = static_root / manifest[naam]
            check = subprocess.run(["node", "--check", str(pad)], capture_output=True, text=True)
            assert check.returncode == 0, (naam, check.stderr)
    # Every rule the map reads from kaart.css (colours, widths, dashes) survives as it was.
    bron = custom_properties((ROOT / "static/css/kaart.css").read_text(encoding="utf-8"))
    uit = custom_properties((static_root / manifest["css/kaart.css"]).read_text(encoding="utf-8"))
    assert len(bron) > 40 and uit == bron
    # Vendored files ship as they are (only the manifest points their source map comment at
    # the hashed map file, as Django does for every file).
    vendor = "vendor/leaflet/leaflet.js"
    bron = (ROOT / "static" / vendor).read_text(encoding="utf-8").splitlines()
    uit = (static_root / manifest[vendor]).read_text(encoding="utf-8").splitlines()
    assert uit[:-1] == bron[:-1] and bron[-1].startswith("//# sourceMappingURL=")


@pytest.fixture(scope="module")
def server_on_test_database(static_root, tmp_path_factory, django_db_setup, django_db_blocker):
    """gunicorn with production settings on the (committed) test database."""
    from django.db import connection

    database = connection.settings_dict
    if database["ENGINE"].endswith("spatialite"):
        where = {"SPATIALITE_PATH": database["NAME"]}
    else:
        user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        where = {
            "DATABASE_URL": f"postgis://{user}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        }
    env = production_env(
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_SECURE_SSL_REDIRECT="0",
        GUNICORN_LOG=str(tmp_path_factory.mktemp("gunicorn") / "log.txt"),
        **where,
    )
    postgres = "DATABASE_URL" in where
    before = other_sessions(django_db_blocker) if postgres else set()
    process, port = start_gunicorn(env)
    yield port
    process.terminate()
    process.wait(timeout=30)
    if postgres:
        # PostgreSQL ends a closed session's backend a moment later; the test database can
        # only be dropped at the end of the run once the server's sessions are gone.
        deadline = time.monotonic() + 15
        while other_sessions(django_db_blocker) - before and time.monotonic() < deadline:
            time.sleep(0.2)


def other_sessions(django_db_blocker):
    """Backend pids of the other sessions on the test database."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_production_server_serves_every_page_with_hashed_static_files(server_on_test_database):
    from tests.test_security import public_routes

    for name, url in public_routes():
        response, body = get(server_on_test_database, url)
        assert response.status < 500, (name, url, response.status, body[:500])
        if response.getheader("Content-Type", "").startswith("text/html"):
            text = body.decode()
            assert "/static/" in text, url
            # Every static reference carries its content hash (ManifestStaticFilesStorage).
            for reference in text.split("/static/")[1:]:
                filename = reference.split('"', 1)[0]
                assert any(part for part in filename.split(".") if len(part) == 12), filename


def test_production_server_answers_conditional_requests_with_304(server_on_test_database):
    response, body = get(server_on_test_database, "/")
    assert response.status == 200
    etag = response.getheader("ETag")
    assert etag and etag.startswith('"')
    assert "max-age=" in response.getheader("Cache-Control")
    assert "public" in response.getheader("Cache-Control")
    again, again_body = get(server_on_test_database, "/", {"If-None-Match": etag})
    assert again.status == 304
    assert again_body == b""
    other, _ = get(server_on_test_database, "/", {"If-None-Match": '"something-else"'})
    assert other.status == 200
