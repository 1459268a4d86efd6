"""Security of the public surface: headers, CSP, read-only routes, admin, error pages.

`public_routes()` discovers the site's routes from the URLconf, so a new route is covered by
these tests, the fuzz test and the accessibility audit without anyone listing it.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLResolver, get_resolver, path

from gemeenten.models import Gemeente, Peildatum, Samenwerking
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_snapshot_exists():
    """The pages need one snapshot; the curated dataset has them, an empty test DB gets one."""
    if not Peildatum.objects.exists():
        factories.peildatum(code="t2001", datum=datetime.date(2001, 1, 1))


PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name or ""


def _example_value(route_name, converter):
    """A real value for a path parameter, so the view behind it really runs."""
    if converter == "int":
        return "1"
    model = Gemeente if "gemeente" in route_name else Samenwerking
    slug = model.objects.exclude(slug__startswith="test-").values_list("slug", flat=True).first()
    return slug or "test-onbekend"


def public_routes():
    """[(route name, example URL)] for every route outside the admin, from the URLconf."""
    routes = []
    for route, name in _walk(get_resolver().url_patterns):
        url = "/" + PARAMETER.sub(
            lambda m, name=name: _example_value(name, m.group("converter") or "str"), route
        )
        routes.append((name, url))
    return routes


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_route_discovery_finds_the_public_site_and_not_the_admin():
    urls = [url for _, url in public_routes()]
    assert "/" in urls
    assert len(urls) >= 5
    assert not any(url.startswith("/" + settings.ADMIN_PATH) for url in urls)
    assert not any("<" in url for url in urls), urls


PRODUCTION_HEADERS = dict(
    DEBUG=False,
    SECURE_SSL_REDIRECT=False,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
)


@override_settings(**PRODUCTION_HEADERS)
def test_every_public_route_sends_the_security_headers(client):
    tile_origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.MAP_TILE_URL))
    for name, url in public_routes() + [("404", "/test-bestaat-niet/")]:
        response = client.get(url, secure=True)
        assert response.status_code < 500, (url, response.status_code)
        where = f"{name} {url} ({response.status_code})"
        csp = response.headers.get("Content-Security-Policy")
        assert csp, f"no CSP on {where}"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
        directives = csp_directives(csp)
        assert directives["default-src"] == ["'self'"], where
        assert directives["frame-ancestors"] == ["'none'"], where
        assert directives["object-src"] == ["'none'"], where
        assert directives["script-src"] == ["'self'"], where
        assert directives["style-src"] == ["'self'"], where
        assert set(directives["img-src"]) == {"'self'", "data:", tile_origin}, where
        assert response.headers["X-Content-Type-Options"] == "nosniff", where
        assert response.headers["X-Frame-Options"] == "DENY", where
        assert response.headers["Referrer-Policy"] == "same-origin", where
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", where
        assert "geolocation=()" in response.headers["Permissions-Policy"], where
        assert "camera=()" in response.headers["Permissions-Policy"], where
        assert (
            response.headers["Strict-Transport-Security"]
            == "max-age=31536000; includeSubDomains; preload"
        ), where


def test_every_public_route_refuses_post(client):
    """Read-only: the test client skips CSRF, so a view that accepted POST would answer 2xx."""
    for name, url in public_routes():
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(url, data={"naam": "x"})
            assert response.status_code == 405, (name, url, method.__name__, response.status_code)


# Query strings with a peildatum no snapshot has: (query, what the message must say).
BAD_PEILDATA = [
    ("peildatum=abc", "Onbekende peildatum"),
    ("peildatum=1999", "Onbekende peildatum"),
    ("peildatum=2016-01-01", "Onbekende peildatum"),
    ("peildatum=%27%3B%20DROP%20TABLE%20gemeenten_gemeente%3B%20--", "Onbekende peildatum"),
    ("peildatum=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "Onbekende peildatum"),
    ("peildatum=" + "9" * 5000, "Onbekende peildatum"),
    ("peildatum=2016&peildatum=2026", "peildatum"),
    ("peildatum=20%0016", ""),
]


ALERT = re.compile(r'role="alert"[^>]*>(.*?)</div>', re.S)


def test_a_bad_peildatum_is_a_clear_400_on_every_route(client):
    """Every public route (from the URLconf), every kind of bad snapshot: a 400 in the
    route's own format (JSON for the API, the Dutch error page otherwise) that says why, and
    never the value echoed back."""
    checked = set()
    for name, url in public_routes():
        for query, melding in BAD_PEILDATA:
            response = client.get(url, QUERY_STRING=query)
            where = f"{name} {url}?{query[:60]}"
            assert response.status_code == 400, (where, response.status_code)
            body = response.content.decode()
            if url.endswith((".json", ".geojson")):
                assert response["Content-Type"] == "application/json", where
                tekst = response.json()["fout"]
            else:
                assert response["Content-Type"].startswith("text/html"), where
                alert = ALERT.search(body)
                assert alert, f"no role=alert on {where}"
                tekst = re.sub(r"<[^>]+>", " ", alert.group(1))
            assert len(tekst.split()) >= 3 and melding in tekst, (where, tekst)
            assert "<script>alert(1)</script>" not in body and "DROP TABLE" not in body, where
            assert "9" * 100 not in body, where
        checked.add(name)
    assert checked >= {
        *("home", "gemeenten", "gemeente", "samenwerkingen", "samenwerking", "zoeken", "over"),
        *("gemeenten_csv", "gemeente_csv", "samenwerkingen_csv"),
        *("api_samenwerkingen", "api_samenwerking", "kaart", "gemeenten_geojson"),
    }


def inline_code(html):
    """What the CSP (script-src/style-src 'self') would block: inline scripts (JSON data
    blocks and external scripts are fine), style attributes, event-handler attributes."""
    problems = [
        tag
        for tag in re.findall(r"<script[^>]*>", html)
        if 'type="application/json"' not in tag and "src=" not in tag
    ]
    problems += re.findall(r"<[^>]*\sstyle\s*=[^>]*>", html)
    problems += re.findall(r"<[^>]*\son[a-z]+\s*=[^>]*>", html)
    return problems


def test_no_page_has_inline_script_style_or_handlers(client):
    """Every HTML route from the URLconf for every snapshot (the mini-maps of the home page
    and the profiles, the map page and its table fragment among them), plus the 400 and 404
    pages: nothing the CSP would block."""
    assert len(inline_code('<script>x()</script><p style="color:red" onclick="x()">')) == 3
    gemeente = Gemeente.objects.exclude(slug__startswith="test-").first()
    samenwerking = Samenwerking.objects.exclude(slug__startswith="test-").first()
    extra = [
        "/kaart/?taakveld=7",
        "/kaart/?deel=tabel&taakveld=7",
        f"/kaart/?samenwerking={samenwerking.slug}",
        f"/kaart/?weergave=partners&gemeente={gemeente.slug}",
        "/samenwerkingen/?regio=1&taakveld=7&sorteer=-deelnemers",
        "/samenwerkingen/?peildatum=abc",
        "/test-bestaat-niet/",
    ]
    codes = list(Peildatum.objects.values_list("code", flat=True))
    checked = 0
    for _, url in public_routes():
        for code in codes:
            response = client.get(url, {"peildatum": code})
            if response["Content-Type"].startswith("text/html"):
                assert not inline_code(response.content.decode()), f"{url}?peildatum={code}"
                checked += 1
    for url in extra:
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), url
        assert not inline_code(response.content.decode()), url
    assert checked >= 8 * len(codes)


def test_admin_is_behind_a_login(client):
    for pagina in ("", "gemeenten/gemeente/"):  # the index and a model's list
        response = client.get(f"/{settings.ADMIN_PATH}{pagina}")
        assert response.status_code == 302, pagina
        assert "/login/" in response["Location"], pagina
    login = client.get(response["Location"])
    assert login.status_code == 200
    assert "unsafe-inline" not in login["Content-Security-Policy"]
    assert login["X-Frame-Options"] == "DENY"


# A small URLconf of its own to make a view fail on purpose, in-process.
def _boom(request):
    raise RuntimeError("deliberate failure")


def _database_gone(request):
    raise OperationalError('connection to server at "127.0.0.1", port 9 failed')


def _fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("boem/", _boom),
    path("database-weg/", _database_gone),
    path("goed/", _fine),
]


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_an_unexpected_error_gives_the_dutch_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boem/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert 'lang="nl"' in body
    assert "RuntimeError" not in body and "Traceback" not in body


@override_settings(ROOT_URLCONF=__name__)
def test_a_database_outage_gives_a_friendly_503(client):
    response = client.get("/database-weg/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in body
    assert "5432" not in body and "port 9" not in body  # no connection details leak
    assert client.get("/goed/").status_code == 200


@override_settings(DEBUG=False)
def test_an_unknown_url_gives_the_dutch_404_page(client):
    response = client.get("/test-bestaat-niet/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Pagina niet gevonden" in body
    assert 'lang="nl"' in body
