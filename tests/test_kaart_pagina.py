"""The /kaart/ page: its data for the JavaScript, the equivalent table, bad parameters."""

import json

import pytest
from django.urls import reverse

from gemeenten import models
from gemeenten.dataset import leeg_dataset
from gemeenten.gebied import NOORD
from tests import kaartdata

pytestmark = pytest.mark.django_db

URL = "/kaart/"


@pytest.fixture
def wereld():
    """Six municipalities; arrangements in two themes of test hoofdtaakveld 91 and one in 92,
    with scales; one regional division."""
    w = kaartdata.wereld(aantal_gemeenten=6)
    a, b, c, d, e, f = w.gemeenten
    t911, t912, t921 = (kaartdata.taakveld(code) for code in ("91.1", "91.2", "92.1"))
    pd = w.peildatum
    w.sw = {
        "ab": kaartdata.samenwerking(t911, [a, b], pd, naam="Test A-B"),
        "abc": kaartdata.samenwerking(t911, [a, b, c], pd, naam="Test ABC"),
        "cde": kaartdata.samenwerking(t912, [c, d, e], pd, naam="Test CDE"),
        "alle": kaartdata.samenwerking(t921, w.gemeenten, pd, naam="Test Alle"),
        "regio": kaartdata.samenwerking(
            t911,
            [e, f],
            pd,
            naam="Test Regio",
            soort=models.Soort.REGIO_INDELING,
            aard=models.Aard.INDELING,
        ),
    }
    return w


def get(client, wereld, **params):
    return client.get(URL, {"peildatum": wereld.peildatum.code, **params})


def config(response):
    return kaartdata.json_script(response, "kaart-config")


def getekend(response):
    """What the JavaScript paints (json_script "kaart-beeld", in the table fragment)."""
    return kaartdata.json_script(response, "kaart-beeld")


def namen(response):
    return [s["naam"] for s in response.context["beeld"]["selectie"]]


def aantallen(response, wereld):
    eigen = {g.cbs_code for g in wereld.gemeenten}
    return {
        rij["gemeente"].naam: len(rij["samenwerkingen"])
        for rij in response.context["beeld"]["gemeenten"]
        if rij["gemeente"].cbs_code in eigen
    }


def test_url_is_the_public_contract():
    assert reverse("gemeenten:kaart") == URL


def test_page_passes_the_view_and_every_arrangement_of_the_snapshot(client, wereld):
    response = get(client, wereld)
    assert response.status_code == 200
    data = config(response)
    assert data["geojson"] == f"/api/gemeenten.geojson?peildatum={wereld.peildatum.code}"
    assert data["peildatum"] == wereld.peildatum.code
    assert "palet" not in data  # colours live in kaart.css only
    # Every arrangement of the snapshot can be highlighted (and found by the map's search).
    keuzes = [waarde for waarde, _ in response.context["form"].fields["samenwerking"].choices]
    assert sorted(keuzes[1:]) == sorted(s.slug for s in wereld.sw.values())
    # The selection (no regional divisions by default), as the shared serialiser writes it.
    cde = next(s for s in response.context["beeld"]["selectie"] if s["naam"] == "Test CDE")
    a, b, c, d, e, f = wereld.gemeenten
    assert cde.pop("gemeenten") == sorted([c.cbs_code, d.cbs_code, e.cbs_code])
    assert cde == {
        "slug": wereld.sw["cde"].slug,
        "naam": "Test CDE",
        "afkorting": "",
        "soort": "gemeenschappelijke_regeling",
        "grootte": "drie-tot-vijf",
        "grootte_label": models.Grootte("drie-tot-vijf").label,
        "reikwijdte": "binnen-provincie",
        "reikwijdte_label": models.Reikwijdte("binnen-provincie").label,
        "taakveld": "91.2",
        "hoofdtaakveld": "91",
        "gemeentenamen": sorted([c.naam, d.naam, e.naam]),
        "url": f"/samenwerkingen/{wereld.sw['cde'].slug}/?peildatum={wereld.peildatum.code}",
        "gekozen": True,
        "kleur": 3,  # the fourth in name order: A-B, ABC, Alle, CDE
    }
    # The painter gets one entry per municipality of the snapshot, nothing per arrangement.
    vlakken = set(getekend(response)["vlakken"])
    assert {g.cbs_code for g in wereld.gemeenten} <= vlakken
    assert vlakken == {
        g.cbs_code for g in NOORD.gemeenten(models.Gemeente.objects.op(wereld.peildatum.datum))
    }


def test_arrangements_of_another_snapshot_are_not_on_the_map(client, wereld):
    ander = kaartdata.peildatum("t2016", kaartdata.DATUM.replace(year=2000))
    oud = kaartdata.samenwerking(
        models.Taakveld.objects.get(code="91.1"), wereld.gemeenten[:2], ander, naam="Test Oud"
    )

    def slugs(response):
        return {waarde for waarde, _ in response.context["form"].fields["samenwerking"].choices}

    assert oud.slug not in slugs(get(client, wereld))
    assert oud.slug in slugs(get(client, wereld, peildatum="t2016"))


def test_default_view_is_intensity_without_regional_divisions(client, wereld):
    response = get(client, wereld)
    assert response.context["beeld"]["weergave"] == "intensiteit"
    assert aantallen(response, wereld) == {
        g.naam: n for g, n in zip(wereld.gemeenten, [3, 3, 3, 2, 2, 1], strict=True)
    }
    html = response.content.decode()
    assert "Aantal samenwerkingen per gemeente" in html
    assert "Regio-indelingen tellen niet mee" in html


def test_regional_divisions_count_when_asked(client, wereld):
    response = get(client, wereld, regio="1")
    assert aantallen(response, wereld) == {
        g.naam: n for g, n in zip(wereld.gemeenten, [3, 3, 3, 2, 3, 2], strict=True)
    }


def test_theme_gives_the_patchwork_of_its_arrangements(client, wereld):
    response = get(client, wereld, taakveld="91")
    beeld = response.context["beeld"]
    assert beeld["weergave"] == "lapjes"
    assert namen(response) == ["Test A-B", "Test ABC", "Test CDE"]
    assert [s["kleur"] for s in beeld["selectie"]] == [0, 1, 2]
    # Overlap is shown, not hidden: A and B are in two arrangements of this theme.
    assert aantallen(response, wereld)[wereld.gemeenten[0].naam] == 2
    html = response.content.decode()
    assert 'class="kleurvlak kleur-0"' in html and 'class="kleurvlak kleur-2"' in html
    assert "thema 91 Testhoofdtaakveld 91" in beeld["titel"]

    assert namen(get(client, wereld, taakveld="91.2")) == ["Test CDE"]


def test_size_and_reach_on_the_map(client, wereld):
    drie = [s.naam for s in wereld.sw.values() if s.standen.get().grootte == "drie-tot-vijf"]
    response = get(client, wereld, grootte="drie-tot-vijf")
    assert namen(response) == sorted(drie) == ["Test ABC", "Test CDE"]
    assert "grootte 3–5 gemeenten" in response.context["beeld"]["titel"]
    # "Test Alle" has every municipality of the test province.
    assert namen(get(client, wereld, reikwijdte="provinciebreed")) == ["Test Alle"]
    assert namen(get(client, wereld, reikwijdte="binnen-provincie", grootte="twee")) == ["Test A-B"]


def test_scale_alone_and_with_a_theme(client, wereld):
    assert namen(get(client, wereld, schaal="subregionaal")) == ["Test ABC", "Test CDE"]
    assert namen(get(client, wereld, schaal="subregionaal", taakveld="91.1")) == ["Test ABC"]
    response = get(client, wereld, schaal="subregionaal", taakveld="92")
    assert namen(response) == []
    assert "Geen samenwerkingen in deze keuze" in response.content.decode()


def test_intensity_view_can_be_chosen_with_a_theme(client, wereld):
    response = get(client, wereld, taakveld="91", weergave="intensiteit")
    assert response.context["beeld"]["weergave"] == "intensiteit"
    assert aantallen(response, wereld) == {
        g.naam: n for g, n in zip(wereld.gemeenten, [2, 2, 2, 1, 1, 0], strict=True)
    }


def test_one_arrangement_highlights_its_participants(client, wereld):
    sw = wereld.sw["cde"]
    response = get(client, wereld, samenwerking=sw.slug, taakveld="92")
    beeld = response.context["beeld"]
    assert beeld["weergave"] == "samenwerking"
    assert beeld["titel"] == "Deelnemers aan Test CDE"
    tabel = response.content.decode().split('id="kaart-tabel"')[1]
    a, b, c, d, e, f = wereld.gemeenten
    for gemeente in (c, d, e):
        assert f">{gemeente.naam}</a>" in tabel
    for gemeente in (a, b, f):
        assert f">{gemeente.naam}</a>" not in tabel


def partners(response):
    return [(rij["gemeente"].naam, rij["aantal"]) for rij in response.context["beeld"]["partners"]]


def test_partners_view_counts_shared_arrangements_and_ranks_them(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    response = get(client, wereld, weergave="partners", gemeente=a.slug)
    assert response.status_code == 200
    beeld = response.context["beeld"]
    assert beeld["weergave"] == "partners"
    assert beeld["gemeente"] == a
    assert beeld["titel"] == f"Met wie werkt {a.naam} samen"
    # B shares A-B, ABC and Alle; C shares ABC and Alle; the rest only Alle (ties by name).
    enen = sorted((g.naam, 1) for g in (d, e, f))
    assert partners(response) == [(b.naam, 3), (c.naam, 2), *enen]
    assert getekend(response)["staat"]["gemeente"] == a.slug
    tabel = response.content.decode().split('id="kaart-tabel"')[1].split("</section>")[0]
    assert tabel.index(f">{b.naam}</a>") < tabel.index(f">{c.naam}</a>")
    assert f'href="/gemeenten/{b.slug}/?peildatum={wereld.peildatum.code}"' in tabel
    assert "Test A-B" in tabel and "Test CDE" not in tabel
    assert a.cbs_code not in [rij["gemeente"].cbs_code for rij in beeld["partners"]]


def test_partners_view_follows_regio_theme_and_scale_and_takes_a_cbs_code(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    zonder = partners(get(client, wereld, weergave="partners", gemeente=e.cbs_code))
    assert dict(zonder) == {a.naam: 1, b.naam: 1, c.naam: 2, d.naam: 2, f.naam: 1}
    met_regio = partners(get(client, wereld, weergave="partners", gemeente=e.slug, regio="1"))
    assert dict(met_regio)[f.naam] == 2
    thema = get(client, wereld, weergave="partners", gemeente=a.slug, taakveld="91")
    assert partners(thema) == [(b.naam, 2), (c.naam, 1)]
    assert "thema 91" in thema.context["beeld"]["titel"]
    schaal = get(client, wereld, weergave="partners", gemeente=a.slug, schaal="bilateraal")
    assert partners(schaal) == [(b.naam, 1)]
    leeg = get(client, wereld, weergave="partners", gemeente=f.slug, taakveld="91")
    assert partners(leeg) == []
    assert "geen samenwerkingen met andere gemeenten" in leeg.content.decode()


@pytest.mark.parametrize(
    ("params", "melding"),
    [
        ({"weergave": "partners"}, "Kies een gemeente"),
        ({"weergave": "partners", "gemeente": ""}, "Kies een gemeente"),
        ({"weergave": "partners", "gemeente": "bestaat-niet"}, "Die gemeente bestaat niet"),
        ({"weergave": "partners", "gemeente": "GM0000"}, "Die gemeente bestaat niet"),
        ({"weergave": "partners", "gemeente": "<b>x</b>" * 500}, "Die gemeente bestaat niet"),
    ],
)
def test_partners_view_without_a_valid_municipality_gives_400(client, wereld, params, melding):
    response = get(client, wereld, **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert melding in html and 'role="alert"' in html
    assert "<b>x</b>" not in html
    # The valid rest: the automatic view, and the table fragment answers the same way.
    assert response.context["beeld"]["weergave"] == "intensiteit"
    assert getekend(response)["staat"]["weergave"] == ""
    assert get(client, wereld, deel="tabel", **params).status_code == 400


def test_table_fragment_for_the_javascript(client, wereld):
    response = get(client, wereld, taakveld="91.1", deel="tabel")
    assert response.status_code == 200
    html = response.content.decode()
    assert "{% comment" not in html
    assert "<html" not in html and "kaart-config" not in html
    assert 'id="kaart-tabel-titel"' in html
    assert "Test A-B" in html and "Test CDE" not in html


def test_query_budget(client, django_assert_max_num_queries):
    w = kaartdata.wereld(aantal_gemeenten=25)
    taakvelden = [kaartdata.taakveld(f"93.{i}") for i in range(1, 6)]
    for i in range(40):
        kaartdata.samenwerking(taakvelden[i % 5], w.gemeenten[i % 20 : i % 20 + 4], w.peildatum)
    partners = {"weergave": "partners", "gemeente": w.gemeenten[3].slug}
    for params in (
        {},
        {"taakveld": "93"},
        {"schaal": "subregionaal", "deel": "tabel"},
        {"provincie": w.provincie.slug, "soort": "gemeenschappelijke_regeling", "q": "Test"},
        {"rechtsvorm": "onbekend", "gemeente": w.gemeenten[2].cbs_code, "regio": "1"},
        partners,
        {**partners, "deel": "tabel"},
        {"weergave": "congruentie"},
        {"weergave": "congruentie", "schaal": "subregionaal", "deel": "tabel"},
    ):
        # Seven: the six of the old map plus the legal forms of the shared filterset's form.
        with django_assert_max_num_queries(7):
            response = client.get(URL, {"peildatum": w.peildatum.code, **params})
        assert response.status_code == 200
    response = client.get(URL, {"peildatum": w.peildatum.code})
    assert len(response.context["beeld"]["selectie"]) == 40


def test_without_tile_url_the_map_gets_no_basemap(client, wereld, settings):
    settings.MAP_TILE_URL = ""
    assert config(get(client, wereld))["tegels"]["url"] == ""


@pytest.mark.parametrize(
    ("params", "melding"),
    [
        ({"taakveld": "99.99"}, "Onbekend thema"),
        ({"taakveld": "<script>alert(1)</script>"}, "Onbekend thema"),
        ({"schaal": "' OR 1=1 --"}, "Onbekende schaal"),
        ({"grootte": "groot"}, "Onbekende grootte"),
        ({"reikwijdte": "wereld"}, "Onbekende reikwijdte"),
        ({"samenwerking": "bestaat-niet"}, "bestaat niet op deze peildatum"),
        ({"weergave": "3d"}, "Onbekende weergave"),
        ({"taakveld": "x" * 10000}, "Onbekend thema"),
    ],
)
def test_bad_parameters_give_400_with_a_message_and_still_a_map(client, wereld, params, melding):
    response = get(client, wereld, **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert melding in html
    assert 'role="alert"' in html
    assert "<script>alert(1)</script>" not in html
    melding_html = html.split('class="kaart-fouten"')[1].split("</div>")[0]
    assert "\x00" not in melding_html and "x" * 100 not in melding_html  # input not echoed
    assert "kaart-config" in html  # the valid rest of the state is still shown


@pytest.mark.parametrize(
    "query",
    [
        "taakveld=91&taakveld=92",
        "weergave=partners&gemeente=a&gemeente=b",
        "peildatum=t2026&peildatum=t2016",
        "peildatum=nooit",
        "peildatum=20%0016",
        "taakveld=7%00",
        "q=a&q=b",
        "provincie=x&provincie=y",
    ],
)
def test_repeated_or_unknown_keys_give_400(client, wereld, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_control_characters_are_refused_as_everywhere_else(client, wereld):
    """The map goes through the peildatum mixin: its control-character check included."""
    response = get(client, wereld, taakveld="7\x00")
    assert response.status_code == 400
    html = response.content.decode()
    assert "ongeldige tekens" in html and "taakveld" in html
    assert "\x00" not in html


def test_without_any_snapshot_the_page_says_so(client):
    leeg_dataset()  # rolled back after the test
    response = client.get(URL)
    assert response.status_code == 503
    assert "nog geen gegevens" in response.content.decode()


def test_regio_is_ticked_only_by_a_yes(client, wereld):
    for waarde, verwacht in (("1", True), ("JA", True), ("nee", False), ("ja" * 500, False)):
        response = get(client, wereld, regio=waarde)
        assert response.status_code == 200
        assert response.context["staat"]["regio"] is verwacht


def test_budget_and_polygons_on_the_real_dataset(client, django_assert_max_num_queries):
    """Every real snapshot: the page in seven queries, the GeoJSON in three, all polygons."""
    echte = models.Peildatum.objects.exclude(code__startswith="t")
    assert echte.exists(), "the curated dataset (fixtures/) is not loaded"
    verwacht = {"2016": 59, "2026": 40}
    # SpatiaLite asks its version once per connection, on the first spatial function.
    client.get("/api/gemeenten.geojson")
    for peildatum in echte:
        gemeente = NOORD.gemeenten(models.Gemeente.objects.op(peildatum.datum)).first()
        partners = {"weergave": "partners", "gemeente": gemeente.slug}
        congruentie = {"weergave": "congruentie"}
        for params in (
            {},
            {"taakveld": "6"},
            {"regio": "1", "weergave": "lapjes"},
            partners,
            congruentie,
        ):
            with django_assert_max_num_queries(7):
                response = client.get(URL, {"peildatum": peildatum.code, **params})
            assert response.status_code == 200
        # A layer not built yet (no `manage.py kaartlagen` in the test database) is built and
        # stored by its first request; the budget is for every request after it.
        client.get("/api/gemeenten.geojson", {"peildatum": peildatum.code})
        assert models.Kaartlaag.objects.filter(peildatum=peildatum.code).exists()
        with django_assert_max_num_queries(3):
            response = client.get("/api/gemeenten.geojson", {"peildatum": peildatum.code})
        features = json.loads(response.content)["features"]
        if peildatum.code in verwacht:
            assert len(features) == verwacht[peildatum.code]
