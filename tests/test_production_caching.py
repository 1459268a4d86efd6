"""HTTP caching tied to the dataset version (gemeenten.middleware.DatasetCacheMiddleware).

Debug (the test session) switches it off; these tests switch it on with override_settings.
"""

import datetime

import pytest
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.test import override_settings
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page

from gemeenten.middleware import compute_dataset_version, forget_dataset_version
from gemeenten.models import Bron, Peildatum
from tests import factories

pytestmark = pytest.mark.django_db


def _bronnen(request):
    return HttpResponse(f"{Bron.objects.count()} bronnen")


def _geheim(request):
    response = HttpResponse("met cookie")
    response.set_cookie("voorkeur", "1")
    return response


def _fout(request):
    return JsonResponse({"fout": "ongeldig"}, status=400)


@gzip_page
def _groot(request):
    response = HttpResponse("gemeente " * 500, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


def _nooit(request):
    response = HttpResponse("vertrouwelijk")
    patch_cache_control(response, private=True, no_store=True)
    return response


urlpatterns = [
    path("bronnen/", _bronnen),
    path("groot/", _groot),
    path("nooit/", _nooit),
    path("cookie/", _geheim),
    path("fout/", _fout),
]

CACHING = dict(HTTP_CACHE_SECONDS=300, DATASET_VERSION_SECONDS=3600, ROOT_URLCONF=__name__)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    forget_dataset_version()
    yield
    cache.clear()
    forget_dataset_version()


@override_settings(**CACHING)
def test_responses_carry_an_etag_and_cache_control(client):
    response = client.get("/bronnen/")
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    # Another URL, another ETag; the query string is part of the URL.
    assert client.get("/bronnen/?a=1")["ETag"] != response["ETag"]


@override_settings(**CACHING)
def test_a_matching_if_none_match_gets_304_without_touching_the_database(
    client, django_assert_num_queries
):
    etag = client.get("/bronnen/")["ETag"]
    with django_assert_num_queries(0):
        response = client.get("/bronnen/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert client.get("/bronnen/", HTTP_IF_NONE_MATCH='"iets-anders"').status_code == 200
    assert client.get("/bronnen/", HTTP_IF_NONE_MATCH=f'"x", {etag}').status_code == 304


@override_settings(**CACHING)
def test_a_cached_page_is_served_from_the_process_cache(client, django_assert_num_queries):
    first = client.get("/bronnen/")
    with django_assert_num_queries(0):
        second = client.get("/bronnen/")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


@override_settings(**CACHING)
def test_a_dataset_change_invalidates_etags_and_cached_pages(client):
    first = client.get("/bronnen/")
    factories.bron(code="test-cache-bron")  # post_save: this process recomputes the version
    second = client.get("/bronnen/")
    assert second["ETag"] != first["ETag"]
    assert second.content != first.content
    count = int(second.content.split()[0])
    assert count == Bron.objects.count()
    assert client.get("/bronnen/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@override_settings(**{**CACHING, "DATASET_VERSION_SECONDS": 0})
def test_a_change_made_elsewhere_is_seen_once_the_version_is_recomputed(client):
    """bulk_create sends no signal, like a dataset loaded by another process."""
    first = client.get("/bronnen/")
    Bron.objects.bulk_create(
        [
            Bron(
                code="test-elders",
                naam="Elders",
                uitgever="Test",
                licentie="CC0",
                peildatum=datetime.date(2026, 1, 1),
            )
        ]
    )
    assert client.get("/bronnen/")["ETag"] != first["ETag"]


def test_the_version_changes_when_rows_are_replaced():
    before = compute_dataset_version()
    assert before == compute_dataset_version()
    peildatum = factories.peildatum(code="t1999", datum=datetime.date(1999, 1, 1))
    added = compute_dataset_version()
    assert added != before
    peildatum.delete()
    factories.peildatum(code="t1999", datum=datetime.date(1999, 1, 1))  # same row, new key
    assert compute_dataset_version() not in {before, added}
    assert Peildatum.objects.filter(code="t1999").count() == 1


@override_settings(**CACHING)
def test_errors_cookies_posts_and_sessions_are_not_cached(client, settings):
    assert not client.get("/fout/").has_header("ETag")
    assert not client.get("/cookie/").has_header("ETag")
    client.cookies[settings.SESSION_COOKIE_NAME] = "beheerder"
    assert not client.get("/bronnen/").has_header("ETag")


@override_settings(**CACHING)
def test_gzip_and_plain_clients_get_their_own_variant(client):
    plain = client.get("/groot/")
    packed = client.get("/groot/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert plain["ETag"] != packed["ETag"]
    # Served again from the process cache, each client still gets its own encoding.
    assert not client.get("/groot/").has_header("Content-Encoding")
    assert client.get("/groot/", HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in plain["Vary"]
    # The view's own max-age is kept, on 200 and on 304.
    assert "max-age=3600" in plain["Cache-Control"]
    not_modified = client.get("/groot/", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert not_modified.status_code == 304
    assert "max-age=3600" in not_modified["Cache-Control"]


@override_settings(**CACHING, ALLOWED_HOSTS=["atlas.example.nl", "testserver"])
def test_host_and_scheme_are_part_of_the_key_and_the_host_is_checked(client):
    plain = client.get("/bronnen/")
    assert client.get("/bronnen/", HTTP_HOST="atlas.example.nl")["ETag"] != plain["ETag"]
    assert client.get("/bronnen/", secure=True)["ETag"] != plain["ETag"]
    assert client.get("/bronnen/", HTTP_HOST="evil.example.com").status_code == 400


@override_settings(**CACHING)
def test_a_private_response_is_neither_tagged_nor_cached(client):
    response = client.get("/nooit/")
    assert not response.has_header("ETag")
    assert "no-store" in response["Cache-Control"]


@override_settings(**{**CACHING, "HTTP_CACHE_SECONDS": 0})
def test_caching_is_off_when_the_setting_is_zero(client):
    response = client.get("/bronnen/")
    assert not response.has_header("ETag")
    assert not response.has_header("Cache-Control")


@override_settings(HTTP_CACHE_SECONDS=300, DATASET_VERSION_SECONDS=3600)
def test_pages_geojson_and_csv_of_the_site_get_an_etag(client):
    from tests.test_security import public_routes

    checked = []
    for name, url in public_routes():
        response = client.get(url)
        if response.status_code != 200:
            continue
        assert response.has_header("ETag"), (name, url)
        assert "max-age=" in response["Cache-Control"], (name, url)
        assert "public" in response["Cache-Control"], (name, url)
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        checked.append(url)
    kinds = {url.rsplit(".", 1)[-1] if "." in url.rsplit("/", 1)[-1] else "page" for url in checked}
    assert {"page", "csv", "geojson"} <= kinds, checked
