"""The GeoJSON endpoint and the mini-map contract (gemeenten.kaart)."""

import datetime
import gzip
import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from gemeenten import models
from gemeenten.dataset import leeg_dataset
from gemeenten.kaart import mini_kaart
from tests import factories, kaartdata

pytestmark = pytest.mark.django_db

URL = "/api/gemeenten.geojson"


def geojson(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:300]
    return response, json.loads(response.content)


def test_url_name_and_path_are_the_public_contract():
    assert reverse("gemeenten:gemeenten_geojson") == URL


def test_geojson_holds_exactly_the_municipalities_of_the_snapshot(client):
    wereld = kaartdata.wereld(aantal_gemeenten=3)
    datum = wereld.peildatum.datum
    # Gone before the peildatum, and one without a boundary in the snapshot's boundary year:
    # neither may appear.
    kaartdata.gemeente_met_grens(
        wereld.provincie, 7.0, 53.0, geldig_tot=datum - datetime.timedelta(days=1)
    )
    kaartdata.gemeente_met_grens(wereld.provincie, 7.1, 53.0, jaar=kaartdata.GRENSJAAR - 1)

    response, data = geojson(client, peildatum=wereld.peildatum.code)

    assert response["Content-Type"] == "application/geo+json"
    assert data["type"] == "FeatureCollection"
    codes = sorted(f["properties"]["cbs_code"] for f in data["features"])
    assert codes == sorted(g.cbs_code for g in wereld.gemeenten)
    eerste = wereld.gemeenten[0]
    feature = next(f for f in data["features"] if f["id"] == eerste.cbs_code)
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"] == {
        "cbs_code": eerste.cbs_code,
        "naam": eerste.naam,
        "slug": eerste.slug,
        "provincie": wereld.provincie.naam,
        "aantal": 0,
        "url": f"/gemeenten/{eerste.slug}/?peildatum={wereld.peildatum.code}",
    }


def test_aantal_counts_collaborations_at_the_peildatum_not_state_divisions(client):
    wereld = kaartdata.wereld(aantal_gemeenten=3)
    a, b, c = wereld.gemeenten
    taakveld = kaartdata.taakveld("91.1")
    kaartdata.samenwerking(taakveld, [a, b], wereld.peildatum)
    # A regional division that is a collaboration of municipalities counts ...
    kaartdata.samenwerking(taakveld, [a, b, c], wereld.peildatum, soort=models.Soort.REGIO_INDELING)
    # ... a state or statistical division does not.
    kaartdata.samenwerking(
        taakveld,
        [a, c],
        wereld.peildatum,
        soort=models.Soort.REGIO_INDELING,
        aard=models.Aard.INDELING,
    )
    # The same municipalities in another snapshot do not count here.
    ander = kaartdata.peildatum("t2016", datetime.date(2000, 1, 1))
    kaartdata.samenwerking(taakveld, [a, b, c], ander)

    _, data = geojson(client, peildatum=wereld.peildatum.code)

    aantal = {f["id"]: f["properties"]["aantal"] for f in data["features"]}
    assert aantal == {a.cbs_code: 2, b.cbs_code: 2, c.cbs_code: 1}


def test_coordinates_have_at_most_five_decimals(client):
    wereld = kaartdata.wereld(aantal_gemeenten=1)
    gemeente = wereld.gemeenten[0]
    grens = gemeente.grenzen.get()
    precies = factories.vierkant(6.1234567891, 53.9876543219)
    grens.kaartgeometrie = precies
    grens.save()

    response = client.get(URL, {"peildatum": wereld.peildatum.code})

    getallen = re.findall(r"-?\d+\.(\d+)", response.content.decode().split('"properties"')[0])
    assert getallen, "no coordinates found"
    assert max(len(decimalen) for decimalen in getallen) <= 5
    assert "6.12346" in response.content.decode()


def test_geojson_is_cacheable_and_compressed(client):
    wereld = kaartdata.wereld(aantal_gemeenten=2)
    response = client.get(
        URL, {"peildatum": wereld.peildatum.code}, headers={"accept-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


def test_geojson_answers_304_when_the_browser_has_it(client):
    wereld = kaartdata.wereld(aantal_gemeenten=2)
    eerste = client.get(URL, {"peildatum": wereld.peildatum.code})
    etag = eerste["ETag"]
    tweede = client.get(URL, {"peildatum": wereld.peildatum.code}, headers={"if-none-match": etag})
    assert tweede.status_code == 304
    assert tweede.content == b""
    # Another snapshot has other content, so another ETag.
    kaartdata.gemeente_met_grens(wereld.provincie, 8.0, 53.0)
    derde = client.get(URL, {"peildatum": wereld.peildatum.code}, headers={"if-none-match": etag})
    assert derde.status_code == 200
    assert derde["ETag"] != etag


def test_without_any_snapshot_the_endpoint_says_so(client):
    leeg_dataset()  # rolled back after the test
    response = client.get(URL)
    assert response.status_code == 503
    assert "geen gegevens" in json.loads(response.content)["fout"].lower()


def test_query_count_does_not_grow_with_the_number_of_municipalities(
    client, django_assert_max_num_queries
):
    wereld = kaartdata.wereld(aantal_gemeenten=30)
    taakveld = kaartdata.taakveld("91.2")
    for i in range(10):
        kaartdata.samenwerking(taakveld, wereld.gemeenten[i : i + 5], wereld.peildatum)
    client.get(URL)  # SpatiaLite asks its version once per connection: not part of the budget
    # The first request builds the layer (the dataset stamp, the lookup, three queries to
    # build, the store in a savepoint: gemeenten/kaartlagen.py) ...
    with django_assert_max_num_queries(9):
        gebouwd = client.get(URL, {"peildatum": wereld.peildatum.code})
    # ... every later one reads it: the snapshot, the stamp and the stored layer.
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"peildatum": wereld.peildatum.code})
    assert response.content == gebouwd.content
    assert len(json.loads(response.content)["features"]) == 30


@pytest.mark.parametrize(
    "params",
    [
        {"peildatum": "1999"},
        {"peildatum": "2016' OR '1'='1"},
        {"peildatum": "<script>alert(1)</script>"},
        {"peildatum": ["t2026", "t2026"]},
        {"peildatum": "x" * 5000},
        {"peildatum": "20\x0016"},
    ],
)
def test_hostile_peildatum_gives_400_with_a_message(client, params):
    kaartdata.wereld(aantal_gemeenten=1)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    melding = json.loads(response.content)["fout"]
    assert "peildatum" in melding.lower()
    assert "<script>" not in melding


def test_default_is_the_latest_snapshot(client):
    kaartdata.wereld(aantal_gemeenten=1)
    laatste = models.Peildatum.objects.laatste()
    response = client.get(URL)
    assert response.status_code == 200
    codes = {f["id"] for f in json.loads(response.content)["features"]}
    verwacht = set(
        models.GemeenteGrens.objects.voor_kaart(laatste).values_list(
            "gemeente__cbs_code", flat=True
        )
    )
    assert codes == verwacht


# ---- mini_kaart -------------------------------------------------------------------------


def test_mini_kaart_config(settings):
    settings.MAP_TILE_URL = "https://tegels.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "Testkaart"
    wereld = kaartdata.wereld(aantal_gemeenten=3)
    a, b, c = wereld.gemeenten

    config = mini_kaart(wereld.peildatum, markeer=[a, b.cbs_code, a], focus=c)

    assert config == {
        "geojson": f"{URL}?peildatum={wereld.peildatum.code}",
        "peildatum": wereld.peildatum.code,
        "markeer": [a.cbs_code, b.cbs_code],
        "focus": c.cbs_code,
        "modus": "markeer",
        "tegels": {"url": "https://tegels.example/{z}/{x}/{y}.png", "attributie": "Testkaart"},
    }
    assert mini_kaart(wereld.peildatum, modus="intensiteit")["focus"] is None


def test_mini_kaart_rejects_an_unknown_mode():
    peildatum = kaartdata.peildatum()
    with pytest.raises(ValueError, match="modus|mode"):
        mini_kaart(peildatum, modus="lapjes")


def test_minikaart_partial_embeds_its_config_as_json():
    """(No inline code on the pages that include it: test_security.)"""
    wereld = kaartdata.wereld(aantal_gemeenten=2)
    config = mini_kaart(wereld.peildatum, markeer=wereld.gemeenten, focus=wereld.gemeenten[0])
    html = render_to_string(
        "gemeenten/_minikaart.html", {"minikaart": config, "minikaart_id": "partners"}
    )

    assert 'id="partners"' in html
    assert 'data-config="partners-config"' in html
    script = re.search(
        r'<script id="partners-config" type="application/json">(.*?)</script>', html, re.S
    )
    assert json.loads(script.group(1)) == config
    assert "vendor/leaflet/leaflet.js" in html
