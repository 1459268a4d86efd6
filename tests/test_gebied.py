"""The area (gebied) as part of the state: parsed and carried like the peildatum, honoured by
the one selection behind the list, map, CSV and API, and by the home, municipality, search,
change and network views.

The test world: two municipalities in Limburg and two in Groningen (the real province of the
dataset), with an arrangement in each province and one across both, in both snapshots.
"""

import csv
import io
import re
from dataclasses import dataclass

import pytest
from django.test import RequestFactory

from gemeenten import models
from gemeenten.gebied import GEBIEDEN, NOORD, OngeldigGebied, kies_gebied

from . import builders, factories
from .test_views_budget import BUDGET, _urls

pytestmark = pytest.mark.django_db


@dataclass
class Wereld:
    oud: models.Peildatum
    peildatum: models.Peildatum
    noord: list
    limburg: list
    in_noord: models.Samenwerking
    in_limburg: models.Samenwerking
    over_de_grens: models.Samenwerking


@pytest.fixture
def wereld():
    peildata = list(models.Peildatum.objects.exclude(code__startswith="t").order_by("datum"))
    oud, peildatum = peildata[0], peildata[-1]
    groningen = models.Provincie.objects.get(code="PV20")
    limburg, _ = models.Provincie.objects.get_or_create(
        code="PV31", defaults={"naam": "Limburg", "slug": "limburg"}
    )
    noord = [builders.gemeente(groningen, naam="Noordtest") for _ in range(2)]
    zuid = [builders.gemeente(limburg, naam="Limtest") for _ in range(2)]
    taak = builders.taakveld()
    in_noord = factories.samenwerking(taak, naam="Testregeling Noord")
    in_limburg = factories.samenwerking(taak, naam="Testregeling Limburg")
    over = factories.samenwerking(taak, naam="Testregeling Over de grens")
    factories.stand(in_noord, peildatum, noord)
    factories.stand(in_limburg, peildatum, zuid)
    factories.stand(over, peildatum, [noord[0], zuid[0]])
    # The Limburg arrangement grew: a member joined between the snapshots.
    factories.stand(in_limburg, oud, zuid[:1])
    factories.stand(in_noord, oud, noord)
    return Wereld(oud, peildatum, noord, zuid, in_noord, in_limburg, over)


def _slugs(response):
    assert response.context["paginator"].num_pages == 1
    return {s.slug for s in response.context["samenwerkingen"]}


def _lijst(client, **query):
    """The list, narrowed to the test world's arrangements by name."""
    return client.get("/samenwerkingen/", {"q": "testregeling", **query})


def _test_slugs(wereld):
    return {wereld.in_noord.slug, wereld.in_limburg.slug, wereld.over_de_grens.slug}


# -- parsing ------------------------------------------------------------------------------


def test_parsing_default_known_case_and_refusals():
    rf = RequestFactory()
    assert kies_gebied(rf.get("/")) is NOORD
    assert kies_gebied(rf.get("/", {"gebied": ""})) is NOORD
    assert kies_gebied(rf.get("/", {"gebied": " Limburg "})).code == "limburg"
    assert kies_gebied(rf.get("/", {"gebied": "nederland"})).provincies == tuple(
        f"PV{n}" for n in range(20, 32)
    )
    with pytest.raises(OngeldigGebied, match="noord-holland"):
        kies_gebied(rf.get("/", {"gebied": "friesland"}))
    with pytest.raises(OngeldigGebied, match="één gebied"):
        kies_gebied(rf.get("/?gebied=noord&gebied=limburg"))


def test_the_areas_of_the_contract():
    codes = [g.code for g in GEBIEDEN]
    assert codes[:2] == ["noord", "nederland"]
    assert len(codes) == 14 == len(set(codes))
    assert NOORD.provincies == ("PV20", "PV21", "PV22")
    namen = {g.code: g.naam for g in GEBIEDEN}
    assert namen["fryslan"] == "Fryslân" and namen["noord"] == "Noord-Nederland"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/samenwerkingen/",
        "/kaart/",
        "/gemeenten/groningen/",
        "/veranderingen/",
        "/samenwerkingen.csv",
        "/kaart/paren.csv",
        "/api/samenwerkingen.json",
        "/api/zoeken.json",
    ],
)
def test_an_unknown_area_is_a_400_listing_the_valid_ones(client, url):
    response = client.get(url, {"gebied": "friesland"})
    assert response.status_code == 400
    tekst = response.content.decode()
    if "json" in response["Content-Type"]:
        tekst = response.json()["fout"]
    for gebied in GEBIEDEN:
        assert gebied.code in tekst and gebied.naam in tekst
    herhaald = client.get(f"{url}?gebied=limburg&gebied=limburg")
    assert herhaald.status_code == 400


# -- the one selection --------------------------------------------------------------------


def test_list_per_area(client, wereld):
    pd = wereld.peildatum.code
    alle = _test_slugs(wereld)
    noord = _slugs(_lijst(client, peildatum=pd)) & alle
    limburg = _slugs(_lijst(client, peildatum=pd, gebied="limburg"))
    nederland = _slugs(_lijst(client, peildatum=pd, gebied="nederland"))
    assert noord == {wereld.in_noord.slug, wereld.over_de_grens.slug}
    assert limburg == {wereld.in_limburg.slug, wereld.over_de_grens.slug}
    assert alle <= nederland
    # No real (northern) arrangement has a participant in Limburg.
    assert not limburg - alle


def test_province_and_municipality_filters_work_within_the_area(client, wereld):
    pd = wereld.peildatum.code
    binnen = _lijst(client, peildatum=pd, gebied="nederland", provincie="limburg")
    assert _slugs(binnen) == {wereld.in_limburg.slug, wereld.over_de_grens.slug}
    # Limburg is no province of the north: not a choice there.
    buiten = client.get("/samenwerkingen/", {"peildatum": pd, "provincie": "limburg"})
    assert buiten.status_code == 400
    # The municipality choices are the area's.
    lim = wereld.limburg[1].slug
    response = client.get("/samenwerkingen/", {"peildatum": pd, "gebied": "limburg"})
    keuzes = {
        w
        for groep in response.context["filter"].form.fields["gemeente"].choices
        if isinstance(groep[1], (list, tuple))
        for w, _ in groep[1]
    }
    assert lim in keuzes and wereld.noord[0].slug not in keuzes
    gekozen = _lijst(client, peildatum=pd, gebied="limburg", gemeente=lim)
    assert _slugs(gekozen) == {wereld.in_limburg.slug}
    noord = wereld.noord[0].slug
    elders = client.get(
        "/samenwerkingen/", {"peildatum": pd, "gebied": "limburg", "gemeente": noord}
    )
    assert elders.status_code == 400


def test_csv_and_api_per_area(client, wereld):
    pd = wereld.peildatum.code
    response = client.get(
        "/samenwerkingen.csv",
        {"peildatum": pd, "gebied": "limburg", "sep": "comma", "q": "testregeling"},
    )
    assert response.status_code == 200
    assert "gebied-limburg" in response["Content-Disposition"]
    rijen = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["naam"] for r in rijen} == {"Testregeling Limburg", "Testregeling Over de grens"}
    assert all(r["pagina"].endswith(f"?peildatum={pd}&gebied=limburg") for r in rijen)

    data = client.get(
        "/api/samenwerkingen.json", {"peildatum": pd, "gebied": "limburg", "q": "testregeling"}
    ).json()
    assert data["gebied"] == {"code": "limburg", "naam": "Limburg"}
    assert {s["slug"] for s in data["samenwerkingen"]} == {
        wereld.in_limburg.slug,
        wereld.over_de_grens.slug,
    }
    assert all("gebied=limburg" in s["url"] for s in data["samenwerkingen"])
    standaard = client.get("/api/samenwerkingen.json", {"peildatum": pd}).json()
    assert "gebied" not in standaard
    assert wereld.in_limburg.slug not in {s["slug"] for s in standaard["samenwerkingen"]}


def test_map_per_area(client, wereld):
    pd = wereld.peildatum.code
    response = client.get("/kaart/", {"peildatum": pd, "gebied": "limburg"})
    assert response.status_code == 200
    beeld = response.context["beeld"]
    codes = {g["gemeente"].cbs_code for g in beeld["gemeenten"]}
    assert {g.cbs_code for g in wereld.limburg} <= codes
    assert {g["gemeente"].provincie.code for g in beeld["gemeenten"]} == {"PV31"}
    assert response.context["kaartconfig"]["gebied"]["code"] == "limburg"
    assert response.context["kaartconfig"]["gebied"]["provincies"] == ["PV31"]
    noord = client.get("/kaart/", {"peildatum": pd})
    noord_codes = {g["gemeente"].cbs_code for g in noord.context["beeld"]["gemeenten"]}
    assert {g.cbs_code for g in wereld.noord} <= noord_codes
    assert not noord_codes & {g.cbs_code for g in wereld.limburg}
    assert noord.context["kaartconfig"]["gebied"]["code"] == "noord"


def test_network_pairs_per_area(client, wereld):
    pd = wereld.peildatum.code
    response = client.get(
        "/kaart/paren.csv", {"peildatum": pd, "gebied": "limburg", "taakveld": "97", "sep": "comma"}
    )
    assert response.status_code == 200
    rijen = list(csv.DictReader(io.StringIO(response.content.decode())))
    paren = {frozenset((r["CBS-code A"], r["CBS-code B"])) for r in rijen}
    assert paren == {frozenset(g.cbs_code for g in wereld.limburg)}
    noord = client.get("/kaart/paren.csv", {"peildatum": pd, "taakveld": "97", "sep": "comma"})
    noord_rijen = list(csv.DictReader(io.StringIO(noord.content.decode())))
    limburg = {g.cbs_code for g in wereld.limburg}
    assert noord_rijen
    assert not any({r["CBS-code A"], r["CBS-code B"]} & limburg for r in noord_rijen)


def test_change_view_per_area(client, wereld):
    query = {"van": wereld.oud.code, "tot": wereld.peildatum.code}
    limburg = client.get("/veranderingen/", {**query, "gebied": "limburg"})
    assert limburg.status_code == 200
    slugs = {a.samenwerking.slug for a in limburg.context["arrangementen"]}
    assert wereld.in_limburg.slug in slugs
    assert wereld.in_noord.slug not in slugs
    per_gemeente = limburg.context["per_gemeente"]
    assert {g.cbs_code for g in wereld.limburg} <= {g.cbs_code for g, _, _ in per_gemeente}
    assert {g.provincie.code for g, _, _ in per_gemeente} == {"PV31"}
    noord = client.get("/veranderingen/", query)
    assert wereld.in_limburg.slug not in {
        a.samenwerking.slug for a in noord.context["arrangementen"]
    }
    csv_tekst = client.get("/veranderingen.csv", {**query, "gebied": "limburg"}).content.decode()
    assert "Testregeling Limburg" in csv_tekst and "Testregeling Noord" not in csv_tekst


def test_home_and_municipality_list_count_the_area(client, wereld):
    pd = wereld.peildatum
    verwacht = models.Gemeente.objects.op(pd.datum).filter(provincie__code="PV31").count()
    home = client.get("/", {"peildatum": pd.code, "gebied": "limburg"})
    assert home.context["aantal_gemeenten"] == verwacht >= 2
    assert "gemeente in Limburg" in home.content.decode()
    lijst = client.get("/gemeenten/", {"peildatum": pd.code, "gebied": "limburg"})
    provincies = [p.code for p, _ in lijst.context["provincies"]]
    assert provincies == ["PV31"]
    noord = client.get("/gemeenten/", {"peildatum": pd.code})
    assert "PV31" not in [p.code for p, _ in noord.context["provincies"]]


def test_search_finds_within_the_area(client, wereld):
    naam = wereld.limburg[0].naam
    pd = wereld.peildatum.code
    noord = client.get("/api/zoeken.json", {"q": naam, "peildatum": pd}).json()
    assert naam not in [t["naam"] for t in noord["treffers"]]
    limburg = client.get("/api/zoeken.json", {"q": naam, "peildatum": pd, "gebied": "limburg"})
    treffers = limburg.json()["treffers"]
    assert treffers[0]["naam"] == naam and treffers[0]["url"].endswith("gebied=limburg")
    # An exact hit goes to its page, keeping the area.
    pagina = client.get("/zoeken/", {"q": naam, "peildatum": pd, "gebied": "limburg"})
    assert pagina.status_code == 302 and pagina["Location"].endswith("&gebied=limburg")


def test_a_profile_outside_the_north_links_its_partners(client, wereld):
    lim = wereld.limburg[0]
    response = client.get(f"/gemeenten/{lim.slug}/", {"peildatum": wereld.peildatum.code})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/gemeenten/{wereld.noord[0].slug}/?peildatum={wereld.peildatum.code}"' in html
    noord = client.get(f"/gemeenten/{wereld.noord[0].slug}/", {"peildatum": wereld.peildatum.code})
    assert (
        f'href="/gemeenten/{lim.slug}/?peildatum={wereld.peildatum.code}"' in noord.content.decode()
    )


# -- carried by every link ----------------------------------------------------------------

INTERNE_LINK = re.compile(r'(?:href|action)="(/[^"]*)"')


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/gemeenten/",
        "/samenwerkingen/?taakveld=97",
        "/kaart/?taakveld=97",
        "/veranderingen/",
        "/zoeken/?q=test",
    ],
)
def test_every_link_carries_the_area_and_the_default_is_omitted(client, wereld, url):
    teken = "&" if "?" in url else "?"
    html = client.get(f"{url}{teken}gebied=limburg").content.decode()
    links = [link.replace("&amp;", "&") for link in INTERNE_LINK.findall(html)]
    met_peildatum = [link for link in links if "peildatum=" in link]
    assert met_peildatum
    assert all("gebied=limburg" in link for link in met_peildatum), [
        link for link in met_peildatum if "gebied=limburg" not in link
    ]
    # The forms keep it.
    assert html.count('<input type="hidden" name="gebied" value="limburg">') >= 1
    standaard = client.get(url).content.decode()
    assert not [link for link in INTERNE_LINK.findall(standaard) if "gebied=" in link]
    assert 'name="gebied" value="noord"' not in standaard.replace(" selected", "")


def test_the_area_is_shown_and_can_be_chosen(client, wereld):
    html = client.get("/samenwerkingen/", {"gebied": "limburg", "taakveld": "97"}).content.decode()
    kop = html[
        html.index('class="gebiedkeuze"') : html.index("</form>", html.index('class="gebiedkeuze"'))
    ]
    assert '<label for="keuze-gebied-kop">Gebied:</label>' in kop
    assert '<option value="limburg" selected>Limburg</option>' in kop
    assert kop.count("<option") == len(GEBIEDEN)
    # The switcher keeps the selection, not what names something of one area.
    assert '<input type="hidden" name="taakveld" value="97">' in kop
    assert 'name="gebied" value="limburg"' not in kop.replace("<option", "")


# -- the query budget ---------------------------------------------------------------------


@pytest.mark.parametrize("gebied", ["nederland", "limburg"])
def test_budget_for_other_areas(client, django_assert_max_num_queries, wereld, gebied):
    """The pages of tests/test_views_budget.py, for the national area and a province."""
    extra = builders.wereld(
        aantal_gemeenten=12, aantal_samenwerkingen=30, deelnemers_per_samenwerking=6
    )
    gemeente = wereld.limburg[0]
    for url in _urls(wereld.peildatum, gemeente, wereld.in_limburg) + _urls(
        extra.peildatum, extra.gemeenten[0], extra.samenwerkingen[1]
    ):
        with django_assert_max_num_queries(BUDGET):
            response = client.get(f"{url}&gebied={gebied}")
        assert response.status_code in (200, 302, 400), (url, response.status_code)
    # The pages measured hold the extra rows (a test province is in the national area).
    lijst = client.get(
        "/samenwerkingen/",
        {
            "peildatum": extra.peildatum.code,
            "gebied": "nederland",
            "gemeente": extra.gemeenten[0].slug,
        },
    )
    assert lijst.context["paginator"].count >= 10


# -- in the browser: the switcher fits 320 px and keeps the map on the first screen ---------


def test_the_area_switcher_fits_320_pixels_and_keeps_the_map_in_view(browser, live_url, settings):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from .test_browser_site import open_pagina, problemen

    settings.MAP_TILE_URL = ""
    browser.set_window_size(320, 800)
    try:
        for pad in ("/?gebied=nederland", "/samenwerkingen/?gebied=drenthe", "/kaart/?taakveld=6"):
            open_pagina(browser, live_url + pad)
            fouten = problemen(browser, pad)
            assert not fouten, "\n".join(fouten)
        for pad in ("/kaart/?taakveld=6", "/kaart/?gebied=nederland&taakveld=6"):
            open_pagina(browser, live_url + pad)
            boven = browser.execute_script(
                "return document.getElementById('kaart').getBoundingClientRect().top;"
            )
            assert boven < browser.execute_script("return window.innerHeight;") - 150, (pad, boven)
        # Choosing an area keeps the page and its selection.
        keuze = Select(browser.find_element(By.ID, "keuze-gebied-kop"))
        keuze.select_by_value("drenthe")
        browser.find_element(By.CSS_SELECTOR, ".gebiedkeuze button").click()
        assert "gebied=drenthe" in browser.current_url
        assert "/kaart/" in browser.current_url and "taakveld=6" in browser.current_url
        gekozen = Select(browser.find_element(By.ID, "keuze-gebied-kop")).first_selected_option
        assert gekozen.text == "Drenthe"
    finally:
        browser.set_window_size(1280, 900)


def test_map_links_of_a_page_outside_the_area_lead_to_an_area_it_is_in(client, wereld):
    pd = wereld.peildatum.code
    lim = wereld.limburg[0]
    profiel = client.get(f"/gemeenten/{lim.slug}/", {"peildatum": pd}).content.decode()
    link = (
        f"/kaart/?peildatum={pd}&amp;gebied=limburg&amp;weergave=partners&amp;gemeente={lim.slug}"
    )
    assert f'href="{link}"' in profiel
    assert client.get(link.replace("&amp;", "&")).status_code == 200
    pagina = client.get(f"/samenwerkingen/{wereld.in_limburg.slug}/", {"peildatum": pd})
    link = f"/kaart/?peildatum={pd}&amp;gebied=nederland&amp;samenwerking={wereld.in_limburg.slug}"
    assert f'href="{link}"' in pagina.content.decode()
    assert client.get(link.replace("&amp;", "&")).status_code == 200
    # Inside the area the page's own area is kept (and the default left out).
    noord = client.get(f"/samenwerkingen/{wereld.over_de_grens.slug}/", {"peildatum": pd})
    assert f'href="/kaart/?peildatum={pd}&amp;samenwerking={wereld.over_de_grens.slug}"' in (
        noord.content.decode()
    )
