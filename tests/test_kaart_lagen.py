"""The map's two levels of detail (gemeenten/kaartlagen.py) on the real dataset: the north's
detailed layer unchanged without `gebied`, the national overview for the country and a
province, stored once per dataset stamp, cacheable, 304, gzip; bad areas give 400."""

import gzip
import json

import pytest

from gemeenten import kaartlagen
from gemeenten.models import DatasetVersie, Gemeente, GemeenteGrens, Kaartlaag, Peildatum

pytestmark = pytest.mark.django_db
URL = "/api/gemeenten.geojson"


def features(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)["features"]


@pytest.mark.parametrize(("code", "aantal"), [("2016", 390), ("2026", 342)])
def test_the_whole_country_has_every_municipality_of_the_snapshot(client, code, aantal):
    alle = features(client, peildatum=code, gebied="nederland")
    assert len(alle) == aantal
    assert len({f["properties"]["cbs_code"] for f in alle}) == aantal
    # The ones with a detailed boundary are exactly the north's detailed layer.
    noord = {f["properties"]["cbs_code"] for f in features(client, peildatum=code)}
    assert {f["properties"]["cbs_code"] for f in alle if f["properties"]["detail"]} == noord


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_a_province_has_its_own_municipalities_only(client, code):
    peildatum = Peildatum.objects.get(code=code)
    verwacht = set(
        Gemeente.objects.op(peildatum.datum)
        .filter(provincie__code="PV31", grenzen__niveau="overzicht")
        .values_list("cbs_code", flat=True)
    )
    limburg = features(client, peildatum=code, gebied="limburg")
    assert {f["properties"]["cbs_code"] for f in limburg} == verwacht
    assert len(verwacht) > 10
    assert {f["properties"]["provincie"] for f in limburg} == {"Limburg"}


def test_without_gebied_the_detailed_north_is_served_as_before(client):
    peildatum = Peildatum.objects.get(code="2026")
    response = client.get(URL, {"peildatum": "2026"})
    assert response.content == kaartlagen.detail_geojson(peildatum).encode()
    assert (
        len(json.loads(response.content)["features"])
        == GemeenteGrens.objects.filter(
            jaar=peildatum.grensjaar, gemeente__in=Gemeente.objects.op(peildatum.datum)
        ).count()
    )


def test_the_national_layer_fits_the_budget(client):
    for code in ("2016", "2026"):
        response = client.get(
            URL, {"peildatum": code, "gebied": "nederland"}, headers={"accept-encoding": "gzip"}
        )
        assert response["Content-Encoding"] == "gzip"
        assert len(response.content) <= 150_000
        assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


def test_cacheable_strong_etag_304_and_vary(client):
    params = {"peildatum": "2026", "gebied": "nederland"}
    eerste = client.get(URL, params)
    etag = eerste["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in eerste["Cache-Control"] and "max-age=3600" in eerste["Cache-Control"]
    assert "Accept-Encoding" in eerste["Vary"]
    tweede = client.get(URL, params, headers={"if-none-match": etag})
    assert tweede.status_code == 304
    assert tweede.content == b""
    # Another area, another ETag.
    assert client.get(URL, {"peildatum": "2026", "gebied": "utrecht"})["ETag"] != etag


def test_a_layer_is_stored_once_per_dataset_stamp(client, django_assert_max_num_queries):
    params = {"peildatum": "2026", "gebied": "utrecht"}
    eerste = client.get(URL, params).content
    assert Kaartlaag.objects.filter(peildatum="2026", gebied="utrecht").count() == 1
    with django_assert_max_num_queries(3):  # the snapshot, the stamp, the stored layer
        assert client.get(URL, params).content == eerste
    # A new stamp (an edit, a new load): the layer is built again from the data.
    Kaartlaag.objects.filter(gebied="utrecht").update(inhoud=b"oud", gzip=b"oud")
    assert client.get(URL, params).content == b"oud"  # the stored layer, not rebuilt
    DatasetVersie.vernieuw()
    assert client.get(URL, params).content == eerste
    assert set(Kaartlaag.objects.values_list("token", flat=True)) == {
        DatasetVersie.objects.get().token
    }


def test_the_command_builds_every_area_of_every_snapshot():
    gebouwd = kaartlagen.bouw_alle(Peildatum.objects.all())
    assert len(gebouwd) == Peildatum.objects.count() * len(kaartlagen.GEBIEDEN)
    assert Kaartlaag.objects.count() == len(gebouwd)


@pytest.mark.parametrize(
    "params",
    [
        {"gebied": "mars"},
        {"gebied": ["nederland", "utrecht"]},
        {"gebied": "<script>"},
        {"gebied": "x" * 5000},
    ],
)
def test_a_bad_area_gives_400_with_the_valid_ones(client, params):
    response = client.get(URL, {"peildatum": "2026", **params})
    assert response.status_code == 400
    fout = json.loads(response.content)["fout"]
    assert "gebied" in fout.lower()


def test_the_map_page_of_the_country_loads_the_overview_and_knows_the_detail(client):
    response = client.get("/kaart/", {"gebied": "nederland"})
    config = response.context["kaartconfig"]
    assert config["geojson"] == f"{URL}?peildatum=2026&gebied=nederland"
    assert config["detail"] == {"url": f"{URL}?peildatum=2026", "zoom": kaartlagen.DETAIL_ZOOM}
    noord = client.get("/kaart/").context["kaartconfig"]
    assert noord["geojson"] == f"{URL}?peildatum=2026" and "detail" not in noord
