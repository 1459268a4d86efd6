"""The JSON API: same selection as the list, one arrangement with its history, JSON errors."""

import re
from pathlib import Path

import pytest
import yaml

from gemeenten import models

from . import builders, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def wereld():
    return builders.wereld()


def test_list_api_matches_the_list_page(client, wereld):
    params = {"peildatum": wereld.peildatum.code, "provincie": wereld.provincie.slug}
    pagina = client.get("/samenwerkingen/", params)
    response = client.get("/api/samenwerkingen.json", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["peildatum"]["code"] == wereld.peildatum.code
    assert data["aantal"] == len(data["samenwerkingen"]) == pagina.context["paginator"].count
    assert [s["slug"] for s in data["samenwerkingen"]] == [
        s.slug for s in pagina.context["samenwerkingen"]
    ]
    assert data["filters"] == {"provincie": wereld.provincie.slug}


def test_list_api_item_content(client, wereld):
    sw = wereld.samenwerkingen[1]
    data = client.get("/api/samenwerkingen.json", {"q": sw.afkorting}).json()
    (item,) = data["samenwerkingen"]
    stand = sw.standen.get()
    assert item["naam"] == sw.naam
    assert item["taakveld"] == {"code": "97.2", "naam": "Testtaak twee"}
    assert item["overige_taakvelden"] == [{"code": "97.1", "naam": "Testtaak een"}]
    assert item["rechtsvorm"] is None
    assert (item["grootte"], item["reikwijdte"]) == (stand.grootte, stand.reikwijdte)
    assert item["grootte_label"] == models.Grootte(stand.grootte).label
    assert item["aantal_gemeenten"] == stand.aantal_gemeenten
    assert item["soort_basis"] == sw.soort_basis
    assert item["aantal_deelnemers"] == stand.aantal_deelnemers
    assert {g["cbs_code"] for g in item["gemeenten"]} == {
        d.gemeente.cbs_code for d in stand.deelnames.filter(gemeente__isnull=False)
    }
    assert [o["naam"] for o in item["overige_deelnemers"]] == ["Testwaterschap"]
    assert item["url"].endswith(f"/samenwerkingen/{sw.slug}/?peildatum={wereld.peildatum.code}")
    assert item["herkomst"]["peildatum"] == stand.bron.peildatum.isoformat()
    assert item["herkomst"]["bron"] == stand.bron.naam
    assert item["herkomst"]["record"] is None  # no register version in this world


def test_detail_api_has_history(client, wereld):
    oud, nieuw = wereld.samenwerkingen[0], wereld.samenwerkingen[1]
    nieuw.voorgangers.add(oud)
    models.Versie.objects.create(
        samenwerking=nieuw, register_id="test-1", titel="Eerste versie", bron=factories.bron()
    )
    data = client.get(f"/api/samenwerkingen/{nieuw.slug}.json").json()
    assert data["voorgangers"] == [{"slug": oud.slug, "naam": oud.naam}]
    assert data["opvolgers"] == []
    assert [v["register_id"] for v in data["versies"]] == ["test-1"]
    assert data["in_peildatum"] is True
    assert [s["peildatum"]["code"] for s in data["standen"]] == [wereld.peildatum.code]
    terug = client.get(f"/api/samenwerkingen/{oud.slug}.json").json()
    assert terug["opvolgers"] == [{"slug": nieuw.slug, "naam": nieuw.naam}]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/samenwerkingen.json?gemeente=GM0000", 400),
        ("/api/samenwerkingen.json?schaal=x&schaal=y", 400),
        ("/api/samenwerkingen.json?taakveld=%27%20OR%201%3D1", 400),
        ("/api/samenwerkingen/test-bestaat-niet.json", 404),
    ],
)
def test_api_errors_are_json(client, wereld, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["fout"]


def test_api_field_errors_name_the_parameter(client, wereld):
    data = client.get("/api/samenwerkingen.json?gemeente=GM0000").json()
    assert list(data["velden"]) == ["gemeente"]


def test_openapi_document_matches_the_responses(client, wereld):
    """docs/openapi.yaml names exactly the fields the API returns."""
    spec = yaml.safe_load((Path(__file__).parent.parent / "docs" / "openapi.yaml").read_text())
    schemas = spec["components"]["schemas"]
    sw = wereld.samenwerkingen[1]
    lijst = client.get("/api/samenwerkingen.json", {"q": sw.afkorting}).json()
    (item,) = lijst["samenwerkingen"]
    assert set(item) == set(schemas["Samenwerking"]["properties"])
    detail = client.get(f"/api/samenwerkingen/{sw.slug}.json").json()
    extra = schemas["SamenwerkingDetail"]["allOf"][1]["properties"]
    # `gebied` is named in an answer for another area than the default only.
    assert set(detail) | {"gebied"} == set(schemas["Samenwerking"]["properties"]) | set(extra)
    velden = spec["paths"]["/api/samenwerkingen.json"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["properties"]
    assert set(lijst) | {"gebied"} == set(velden)
    landelijk = client.get("/api/samenwerkingen.json", {"q": sw.afkorting, "gebied": "nederland"})
    assert set(landelijk.json()) == set(velden)
    detail = client.get(f"/api/samenwerkingen/{sw.slug}.json", {"gebied": "nederland"}).json()
    assert set(detail) == set(schemas["Samenwerking"]["properties"]) | set(extra)


def test_the_api_page_documents_every_filter_in_dutch_with_working_links(client):
    from gemeenten.filters import SamenwerkingFilter

    response = client.get("/api/", {"peildatum": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Open data: API en CSV</h1>" in html
    for naam in SamenwerkingFilter.parameters:
        assert f"<code>{naam}</code>" in html, naam
    links = set(re.findall(r'href="([^"]+)"', html))
    assert "/api/openapi.yaml" in links
    # The example links answer, and carry the peildatum of the page.
    for link in sorted(links):
        if link.startswith(("/api/samenwerkingen.json", "/samenwerkingen.csv", "/gemeenten.csv")):
            assert "peildatum=2026" in link, link
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    # The footer of every page leads here.
    assert 'href="/api/?peildatum=2026"' in client.get("/", {"peildatum": "2026"}).content.decode()


def test_the_openapi_file_is_served_as_yaml(client):
    bestand = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
    response = client.get("/api/openapi.yaml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response.content == bestand.read_bytes()
    assert "/api/samenwerkingen.json" in yaml.safe_load(response.content)["paths"]
