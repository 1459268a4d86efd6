"""The shipped production stack (deploy/): nginx from Debian in front of gunicorn.

The config that `make serve` renders passes `nginx -t`, and a real round trip through
nginx → gunicorn (production settings, the test database) shows what the cache does: a MISS,
then a HIT with the same ETag; a 304 for a conditional request; an expired copy revalidated
with Django (which answers 304) and a dataset edit reaching the page after expiry; errors,
sessions and the admin never stored; static files served by nginx itself, gzip_static.

nginx is a system package: `make test` installs it (Makefile APT_TEST). Without it these tests
fail with that message; they do not skip.
"""

import gzip
import http.client
import re
import shutil
import time
from pathlib import Path

import pytest

from deploy import stack as deploy
from tests.test_production import production_env, static_root  # noqa: F401 (a fixture)
from tests.test_production_caching import edit_in_another_process, environment_for_the_test_database

GZIP = {"Accept-Encoding": "gzip"}
PAGE = "/gemeenten/groningen/"


def require_nginx():
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.fail(
            "nginx is not installed; `make test` installs it (Debian package nginx-light, "
            "Makefile APT_TEST), or: sudo apt-get install nginx-light"
        )


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_the_rendered_config_passes_nginx_t(tmp_path, static_root):  # noqa: F811
    require_nginx()
    config = deploy.write_config(
        tmp_path,
        listen=f"127.0.0.1:{deploy.free_port()}",
        upstream=f"unix:{tmp_path / 'run' / 'gunicorn.sock'}",
        static_root=static_root,
    )
    text = config.read_text()
    assert "@" not in re.sub(r"#.*", "", text)  # every placeholder filled
    assert "proxy_cache_revalidate on;" in text and "gzip_static on;" in text
    ok, output = deploy.nginx_test(config)
    assert ok, output
    assert "test is successful" in output
    # The check can fail: a broken directive is refused.
    config.write_text(text.replace("proxy_cache_revalidate on;", "proxy_cache_revalidate of;"))
    ok, output = deploy.nginx_test(config)
    assert not ok and "proxy_cache_revalidate" in output


def test_a_missing_template_value_is_an_error_not_a_config(tmp_path):
    values = deploy.nginx_values(tmp_path, "127.0.0.1:1", "unix:/x.sock", tmp_path)
    del values["UPSTREAM"]
    with pytest.raises(ValueError, match="UPSTREAM"):
        deploy.render(values)


@pytest.fixture(scope="module")
def stack(static_root, tmp_path_factory, django_db_setup, django_db_blocker):  # noqa: F811
    """The stack as `make serve` runs it, on the test database; Django's max-age is 2 s so
    that a copy expires within the test."""
    require_nginx()
    debug_env = environment_for_the_test_database()
    where = {k: debug_env[k] for k in ("DATABASE_URL", "SPATIALITE_PATH") if k in debug_env}
    var = tmp_path_factory.mktemp("stack")
    env = production_env(
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_HTTP_CACHE_SECONDS="2",
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESS_LOG=str(var / "gunicorn-access.log"),
        **where,
    )
    running = deploy.Stack(var, deploy.free_port(), env, static_root).start()
    try:
        yield running, debug_env
    finally:
        running.stop()
    assert not running.socket.exists()
    assert all(p.poll() is not None for p in running.processes)


def django_log(stack):
    path = stack.var / "gunicorn-access.log"
    return path.read_text() if path.exists() else ""


def test_a_page_is_a_miss_then_a_hit_and_answers_conditional_requests(stack):
    running, _ = stack
    port = running.port
    status, first, body = get(port, PAGE, GZIP)
    assert status == 200
    assert first["x-cache-status"] == "MISS"
    assert first["content-encoding"] == "gzip"
    assert re.search(r"<h1[^>]*>\s*Groningen", gzip.decompress(body).decode())
    assert "public" in first["cache-control"] and "max-age=2" in first["cache-control"]
    # gunicorn writes its access log line a moment after the response: wait for the MISS.
    for _ in range(25):
        if django_log(running).count(f"GET {PAGE}") == 1:
            break
        time.sleep(0.2)
    assert django_log(running).count(f"GET {PAGE}") == 1

    status, second, body2 = get(port, PAGE, GZIP)
    assert status == 200 and second["x-cache-status"] == "HIT"
    assert second["etag"] == first["etag"]
    assert gzip.decompress(body2) == gzip.decompress(body)

    status, headers, body = get(port, PAGE, {**GZIP, "If-None-Match": first["etag"]})
    assert status == 304 and body == b""
    assert headers["x-cache-status"] == "HIT"
    time.sleep(1.2)  # no request reached Django since the MISS
    assert django_log(running).count(f"GET {PAGE}") == 1

    # A client that does not accept gzip gets the page decompressed by nginx.
    status, plain, body = get(port, PAGE)
    assert status == 200 and "content-encoding" not in plain
    assert body.startswith(b"<!doctype html>")


def test_an_expired_copy_is_revalidated_with_django_and_an_edit_gets_through(stack):
    running, debug_env = stack
    port = running.port
    url = "/gemeenten/assen/"
    _, first, _ = get(port, url, GZIP)
    assert first["x-cache-status"] in ("MISS", "EXPIRED")
    time.sleep(2.5)  # past max-age=2 (nginx counts whole seconds: poll until it expires)
    seen = []
    for _ in range(40):  # HIT until expiry, STALE while the background update revalidates
        _, headers, _ = get(port, url, GZIP)
        seen.append(headers["x-cache-status"])
        if seen[-1] == "HIT" and set(seen) - {"HIT"}:
            break
        time.sleep(0.1)
    assert seen[-1] == "HIT", seen
    assert set(seen) - {"HIT"} <= {"STALE", "UPDATING", "REVALIDATED"}, seen
    assert set(seen) - {"HIT"}, seen  # it did expire and was revalidated
    # nginx asked Django with the ETag, and Django answered 304 without rendering (gunicorn
    # writes its access log line a moment after the response).
    for _ in range(25):
        conditional = [line for line in django_log(running).splitlines() if f"GET {url}" in line]
        if any('" 304 ' in line for line in conditional):
            break
        time.sleep(0.2)
    assert any('" 304 ' in line for line in conditional), conditional

    original = edit_in_another_process(debug_env, "Assen (test-correctie)")
    try:
        time.sleep(2.5)
        pages = []
        for _ in range(40):
            _, headers, body = get(port, url, GZIP)
            pages.append(gzip.decompress(body).decode())
            if "Assen (test-correctie)" in pages[-1]:
                break
            time.sleep(0.2)
        assert "Assen (test-correctie)" in pages[-1]
        assert headers["etag"] != first["etag"]
    finally:
        edit_in_another_process(debug_env, original)


def test_errors_sessions_and_the_admin_are_never_stored(stack):
    running, _ = stack
    port = running.port
    statuses = [get(port, "/gemeenten/bestaat-niet/", GZIP) for _ in range(2)]
    assert [s for s, _, _ in statuses] == [404, 404]
    assert [h["x-cache-status"] for _, h, _ in statuses] == ["MISS", "MISS"]

    cookie = {**GZIP, "Cookie": "sessionid=beheerder"}
    status, headers, _ = get(port, "/over/", cookie)
    assert status == 200 and headers["x-cache-status"] == "BYPASS"
    assert "etag" not in headers  # Django does not cache for a session either

    for _ in range(2):
        status, headers, _ = get(port, "/beheer/login/", GZIP)
        assert status == 200
        assert "x-cache-status" not in headers  # the admin location has no cache
        assert "set-cookie" in headers and "private" in headers["cache-control"].lower()


def test_static_files_are_served_by_nginx_precompressed_and_immutable(stack, static_root):  # noqa: F811
    import json

    running, _ = stack
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]
    status, headers, body = get(running.port, f"/static/{hashed}", GZIP)
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert body == (static_root / (hashed + ".gz")).read_bytes()  # WhiteNoise's .gz, as is
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"].startswith("text/css")
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, _ = get(running.port, "/static/css/site.css", GZIP)
    assert status == 200 and "immutable" not in headers["cache-control"]
    assert get(running.port, "/static/bestaat-niet.css")[0] == 404
    time.sleep(1.2)
    assert "/static/" not in django_log(running)  # gunicorn never saw them


@pytest.mark.django_db
def test_django_compresses_a_page_once_and_caches_the_gzip_bytes(
    client, settings, django_assert_num_queries
):
    """What nginx stores is Django's gzip variant: compressed at render, inside the dataset
    cache, so a hit (nginx's or the process cache's) costs no compression."""
    from django.core.cache import cache

    settings.HTTP_CACHE_SECONDS = 300
    cache.clear()
    middleware = settings.MIDDLEWARE
    assert middleware.index("django.middleware.gzip.GZipMiddleware") > middleware.index(
        "gemeenten.middleware.DatasetCacheMiddleware"
    )
    first = client.get("/over/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith('"')  # still the strong dataset ETag
    with django_assert_num_queries(1):  # the stamp; served from the process cache
        again = client.get("/over/", HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == first.content
    plain = client.get("/over/")
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(first.content) == plain.content
    cache.clear()
