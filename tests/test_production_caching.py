"""HTTP caching tied to the dataset version (gemeenten.middleware.DatasetCacheMiddleware).

The version is the dataset's stamp (gemeenten.models.DatasetVersie), renewed by every write.
Debug (the test session) switches caching off; these tests switch it on with override_settings,
and one runs gunicorn with several worker processes against the test database.
"""

import datetime
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page

from gemeenten.middleware import dataset_version
from gemeenten.models import Bron, DatasetVersie, Gemeente, Peildatum, Samenwerking, Taakveld
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

CACHING = dict(HTTP_CACHE_SECONDS=300, ROOT_URLCONF=__name__)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


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
def test_a_matching_if_none_match_gets_304_with_one_query_and_no_view(
    client, django_assert_num_queries
):
    etag = client.get("/bronnen/")["ETag"]
    with django_assert_num_queries(1):  # the dataset stamp, by primary key
        response = client.get("/bronnen/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert client.get("/bronnen/", HTTP_IF_NONE_MATCH='"iets-anders"').status_code == 200
    assert client.get("/bronnen/", HTTP_IF_NONE_MATCH=f'"x", {etag}').status_code == 304


@override_settings(**CACHING)
def test_a_cached_page_is_served_from_the_process_cache(client, django_assert_num_queries):
    first = client.get("/bronnen/")
    with django_assert_num_queries(1):  # the stamp; the view's own query does not run
        second = client.get("/bronnen/")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


@override_settings(**CACHING)
def test_a_dataset_change_invalidates_etags_and_cached_pages(client):
    first = client.get("/bronnen/")
    factories.bron(code="test-cache-bron")  # post_save renews the stamp
    second = client.get("/bronnen/")
    assert second["ETag"] != first["ETag"]
    assert second.content != first.content
    count = int(second.content.split()[0])
    assert count == Bron.objects.count()
    assert client.get("/bronnen/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@override_settings(**CACHING)
def test_a_stamp_renewed_elsewhere_is_seen_at_the_next_request(client):
    """No version is remembered in the process: a stamp written without any signal here
    (as another server process or a shell would) changes the very next response."""
    first = client.get("/bronnen/")
    assert client.get("/bronnen/")["ETag"] == first["ETag"]
    assert DatasetVersie.objects.update(token="elders") == 1  # QuerySet.update: no signal
    second = client.get("/bronnen/")
    assert second["ETag"] != first["ETag"]
    assert client.get("/bronnen/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_every_write_to_the_dataset_renews_the_stamp():
    def renews(write):
        before = dataset_version()
        write()
        after = dataset_version()
        assert after and after != before, write
        return after

    stamp = dataset_version()
    Bron.objects.count()
    Gemeente.objects.get(cbs_code="GM0014").naam  # noqa: B018 (reads renew nothing)
    assert dataset_version() == stamp

    peildatum = factories.peildatum(code="t1999", datum=datetime.date(1999, 1, 1))
    renews(peildatum.save)  # a save that changes no count and no key
    renews(peildatum.delete)
    renews(lambda: factories.peildatum(code="t1999", datum=datetime.date(1999, 1, 1)))
    assert Peildatum.objects.filter(code="t1999").count() == 1

    samenwerking = Samenwerking.objects.order_by("slug").first()
    taakveld = Taakveld.objects.exclude(pk=samenwerking.taakveld_id).order_by("code").first()
    renews(lambda: samenwerking.overige_taakvelden.add(taakveld))
    renews(lambda: samenwerking.overige_taakvelden.remove(taakveld))
    other = Samenwerking.objects.exclude(pk=samenwerking.pk).order_by("slug").first()
    renews(lambda: samenwerking.voorgangers.add(other))
    renews(samenwerking.voorgangers.clear)


def test_the_stamp_is_not_part_of_the_dataset():
    from gemeenten.dataset import DATASET_MODELS
    from gemeenten.importers.uitvoer import BESTANDEN

    assert DatasetVersie not in DATASET_MODELS
    assert all(DatasetVersie not in dumped for _, dumped in BESTANDEN)
    fixtures = Path(django_settings.BASE_DIR) / "fixtures"
    assert not any("datasetversie" in f.read_text() for f in fixtures.glob("*.json"))


def stamp_writes(queries):
    sqls = (q["sql"] for q in queries)
    return [sql for sql in sqls if "datasetversie" in sql.lower() and "SELECT" not in sql[:7]]


def test_a_bulk_write_renews_the_stamp_once_at_the_end_and_not_after_a_failure():
    before = dataset_version()
    with CaptureQueriesContext(connection) as queries, DatasetVersie.in_een_keer():
        for code in ("t1997", "t1998"):
            factories.peildatum(code=code, datum=datetime.date(int(code[1:]), 1, 1))
        assert dataset_version() == before  # the rows' signals renew nothing
    assert dataset_version() != before
    assert len(stamp_writes(queries)) == 1

    before = dataset_version()
    with pytest.raises(ZeroDivisionError), DatasetVersie.in_een_keer():
        factories.peildatum(code="t1996", datum=datetime.date(1996, 1, 1))
        1 / 0  # noqa: B018
    assert dataset_version() == before  # the caller's transaction rolls the row back
    assert not DatasetVersie.bezig_in_een_keer()
    factories.peildatum(code="t1995", datum=datetime.date(1995, 1, 1))
    assert dataset_version() != before  # signals renew again after the block


MINI = Path(__file__).parent / "data" / "mini"


def test_build_and_load_dataset_renew_the_stamp_once(tmp_path):
    def run(*args, **options):
        before = dataset_version()
        with CaptureQueriesContext(connection) as queries:
            call_command(*args, stdout=StringIO(), **options)
        assert dataset_version() != before, args
        # One UPDATE, not one per row deleted and written.
        assert len(stamp_writes(queries)) == 1, (args, len(stamp_writes(queries)))

    output = tmp_path / "out"
    run("build_dataset", source=str(MINI), output=str(output), curation=str(MINI / "curation"))
    run("load_dataset", fixtures=str(output))


def test_a_failed_build_keeps_the_stamp(tmp_path):
    before = dataset_version()
    with pytest.raises(CommandError):
        call_command("build_dataset", source=str(tmp_path), stdout=StringIO())  # empty folder
    assert dataset_version() == before


@override_settings(HTTP_CACHE_SECONDS=300)
def test_a_saved_edit_is_on_the_page_at_once_with_a_new_etag(client):
    gemeente = Gemeente.objects.get(cbs_code="GM0014")
    url = gemeente.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and gemeente.naam in first.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    gemeente.naam = "Grunn (test-correctie)"
    gemeente.save(update_fields=["naam"])  # no row count or key changes

    second = client.get(url)
    assert second["ETag"] != first["ETag"]
    assert "Grunn (test-correctie)" in second.content.decode()
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 200
    assert "Grunn (test-correctie)" in revalidated.content.decode()
    assert revalidated["ETag"] == second["ETag"]


# --- several server processes -----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
EDIT = """
import json
from gemeenten.models import Gemeente
gemeente = Gemeente.objects.get(cbs_code="GM0014")
print(json.dumps(gemeente.naam))
gemeente.naam = {naam}
gemeente.save(update_fields=["naam"])
"""


def environment_for_the_test_database():
    """Debug settings with the HTTP cache on, pointed at this session's test database."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SPATIALITE_PATH")}
    if connection.vendor == "postgresql":
        from urllib.parse import quote

        auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgis://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        env["SPATIALITE_PATH"] = db["NAME"]
    env.update(DJANGO_DEBUG="1", DJANGO_HTTP_CACHE_SECONDS="300")
    return env


def edit_in_another_process(env, naam):
    """A curator's correction in `manage.py shell`: a plain save, committed, another process."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", EDIT.format(naam=json.dumps(naam))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def fetch(port, url, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["ETag"], response.read().decode()
    except urllib.error.HTTPError as error:  # 304 is raised as an "error" by urllib
        return error.code, error.headers["ETag"], ""


@pytest.fixture
def gunicorn_on_the_test_database(tmp_path):
    """Two worker processes, as production runs, each with its own process cache."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = environment_for_the_test_database()
    log = open(tmp_path / "gunicorn.log", "w")
    process = subprocess.Popen(
        [GUNICORN, "samenwerking.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
            time.sleep(0.2)
    yield port, env
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_an_edit_in_another_process_reaches_every_worker_at_once(gunicorn_on_the_test_database):
    """The real deployment: gunicorn workers with their own caches, the edit made elsewhere
    (no signal reaches the workers). Every response after the edit is new, and a browser
    revalidating its old copy gets 200 with the new name, not 304."""
    port, env = gunicorn_on_the_test_database
    url = "/gemeenten/groningen/"
    before = {fetch(port, url) for _ in range(8)}  # fills the workers' process caches
    assert len({etag for _, etag, _ in before}) == 1, before
    status, old_etag, page = before.pop()
    assert status == 200 and re.search(r"<h1[^>]*>\s*Groningen", page), page[:500]
    assert fetch(port, url, old_etag)[0] == 304

    original = edit_in_another_process(env, "Groningen (test-correctie)")
    try:
        for _ in range(8):
            status, etag, page = fetch(port, url, old_etag)
            assert status == 200 and etag != old_etag
            assert "Groningen (test-correctie)" in page
    finally:
        edit_in_another_process(env, original)
    status, etag, page = fetch(port, url)
    assert etag != old_etag and "test-correctie" not in page  # the restore is seen too


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


@override_settings(HTTP_CACHE_SECONDS=300)
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
