"""The map in a real Chromium: polygons per snapshot, theme colouring, popups, search.

The real snapshots (fixtures/) are checked when they are loaded; a small committed test world
(peildatum t2026, boundary year 1999, municipalities that existed only around 2001, so no real
page sees them) gives known squares to click on. The map runs without basemap tiles.
"""

import datetime
import json
import os

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from gemeenten import models
from tests import kaartdata

pytestmark = pytest.mark.browser

# Municipalities with a boundary per snapshot in the curated dataset (CBS).
ECHTE_AANTALLEN = {"2016": 59, "2026": 40}
WACHT = 15


@pytest.fixture(scope="module")
def wereld(django_db_setup, django_db_blocker):
    """A committed test world, removed again after this module."""
    with django_db_blocker.unblock():
        eerste_bron = models.Bron.objects.order_by("-pk").values_list("pk", flat=True).first()
        w = kaartdata.wereld(aantal_gemeenten=0, provincie_code="PV98")
        for i in range(6):
            w.gemeenten.append(
                kaartdata.gemeente_met_grens(
                    w.provincie,
                    6.0 + i * 0.3,
                    53.0,
                    naam=f"Testkaartgemeente {chr(65 + i)}",
                    geldig_van=datetime.date(2000, 1, 1),
                    geldig_tot=datetime.date(2002, 12, 31),
                )
            )
        a, b, c, d, e, f = w.gemeenten
        t1, t2 = kaartdata.taakveld("91.1"), kaartdata.taakveld("92.1")
        pd = w.peildatum
        w.sw = {
            "ab": kaartdata.samenwerking(t1, [a, b], pd, naam="Test Kaart AB"),
            "abc": kaartdata.samenwerking(
                t1, [a, b, c], pd, naam="Test Kaart ABC", afkorting="TKABC"
            ),
            "def": kaartdata.samenwerking(t2, [d, e, f], pd, naam="Test Kaart DEF"),
        }
    yield w
    with django_db_blocker.unblock():
        models.Samenwerking.objects.filter(pk__in=[s.pk for s in w.sw.values()]).delete()
        models.Taakveld.objects.filter(code__in=["91.1", "92.1"]).delete()
        models.Hoofdtaakveld.objects.filter(code__in=["91", "92"]).delete()
        models.Gemeente.objects.filter(pk__in=[g.pk for g in w.gemeenten]).delete()
        w.provincie.delete()
        w.peildatum.delete()
        models.Bron.objects.filter(pk__gt=eerste_bron or 0).delete()


def css_kleur(browser, slot):
    """The value of a colour slot (--kaart-<slot>) in kaart.css, as the page reads it."""
    return browser.execute_script(
        "return getComputedStyle(document.documentElement).getPropertyValue(arguments[0]).trim();",
        f"--kaart-{slot}",
    )


@pytest.fixture
def zonder_tegels(settings):
    settings.MAP_TILE_URL = ""


@pytest.fixture
def kaart(browser, live_url, zonder_tegels):
    """Open the map page with a query string; waits until the map has drawn."""
    browser.get_log("browser")  # start each test with an empty console

    def open_(query):
        browser.get(f"{live_url}/kaart/?{query}")
        wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-geladen") in ("ja", "fout"))
        assert kaartelement(browser).get_attribute("data-geladen") == "ja"
        return browser

    yield open_
    fouten = js_fouten(browser)
    assert not fouten, fouten


def wacht_op(browser, voorwaarde, seconden=WACHT):
    return WebDriverWait(browser, seconden).until(voorwaarde)


def kaartelement(browser):
    return browser.find_element(By.ID, "kaart")


def vlakken(browser):
    return browser.find_elements(By.CSS_SELECTOR, "#kaart .leaflet-overlay-pane path.gemeentevlak")


def vlak(browser, gemeente):
    return browser.find_element(By.CSS_SELECTOR, f'#kaart path[data-code="{gemeente.cbs_code}"]')


def vullingen(browser):
    return {p.get_attribute("data-code"): p.get_attribute("fill") for p in vlakken(browser)}


def js_fouten(browser):
    """Console errors, except the browser asking for a favicon the site does not have."""
    return [
        regel
        for regel in browser.get_log("browser")
        if regel["level"] == "SEVERE" and "/favicon.ico" not in regel["message"]
    ]


def rgb(hex_kleur):
    r, g, b = (int(hex_kleur[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def zoom(browser):
    return browser.execute_script("return window.Atlaskaart.pagina.kaart.getZoom();")


def test_the_map_draws_one_polygon_per_municipality_of_each_snapshot(kaart, wereld):
    for peildatum in models.Peildatum.objects.all():
        browser = kaart(f"peildatum={peildatum.code}")
        verwacht = models.GemeenteGrens.objects.voor_kaart(peildatum).count()
        assert len(vlakken(browser)) == verwacht, peildatum.code
        if peildatum.code in ECHTE_AANTALLEN:
            assert verwacht == ECHTE_AANTALLEN[peildatum.code]
        if peildatum == wereld.peildatum:
            assert verwacht == 6
            codes = {p.get_attribute("data-code") for p in vlakken(browser)}
            assert codes == {g.cbs_code for g in wereld.gemeenten}


def test_choosing_a_theme_recolours_the_map_and_updates_table_and_url(kaart, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    abc = wereld.sw["abc"].slug
    browser = kaart(f"peildatum={wereld.peildatum.code}")
    assert kaartelement(browser).get_attribute("data-weergave") == "intensiteit"
    voor = vullingen(browser)

    Select(browser.find_element(By.ID, "keuze-taakveld")).select_by_value("91")
    wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-weergave") == "lapjes")
    na = vullingen(browser)

    assert na != voor
    # A and B are in two arrangements of theme 91: striped, not one colour hiding the other.
    assert na[a.cbs_code].startswith("url(#streep-")
    assert na[b.cbs_code] == na[a.cbs_code]
    # C only in "ABC" (the second arrangement of the selection: palette colour 1, a custom
    # property of kaart.css).
    assert na[c.cbs_code] == browser.execute_script(
        "return getComputedStyle(document.documentElement)"
        ".getPropertyValue('--kaart-kleur-1').trim();"
    )
    # D, E, F have nothing in theme 91.
    assert len({na[d.cbs_code], na[e.cbs_code], na[f.cbs_code]}) == 1
    assert na[d.cbs_code] != na[c.cbs_code]
    # The legend in the table (server, CSS class) shows the colour the map (JS) uses.
    wacht_op(browser, lambda b: b.find_elements(By.CSS_SELECTOR, f'tr[data-slug="{abc}"]'))
    legenda_kleur = browser.execute_script(
        "const vlak = document.querySelector(arguments[0]);"
        "return getComputedStyle(vlak).backgroundColor;",
        f'tr[data-slug="{abc}"] .kleurvlak',
    )
    assert legenda_kleur == rgb(na[c.cbs_code])
    # ... and counted: a label "2" on A and on B, none elsewhere.
    labels = browser.find_elements(By.CSS_SELECTOR, "#kaart .leaflet-tooltip.kaart-aantal")
    assert sorted(label.text for label in labels) == ["2", "2"]
    assert "taakveld=91" in browser.current_url
    wacht_op(browser, lambda b: "thema 91" in b.find_element(By.ID, "kaart-tabel-titel").text)
    tabel = browser.find_element(By.ID, "kaart-tabel").text
    assert "Test Kaart ABC" in tabel and "Test Kaart DEF" not in tabel

    # The URL is the state: opening it again gives the same picture.
    browser = kaart(browser.current_url.split("?", 1)[1])
    assert vullingen(browser) == na


def test_clicking_a_municipality_opens_its_popup(kaart, wereld):
    a = wereld.gemeenten[0]
    browser = kaart(f"peildatum={wereld.peildatum.code}&taakveld=91")
    ActionChains(browser).move_to_element(vlak(browser, a)).click().perform()
    popup = wacht_op(browser, lambda b: b.find_element(By.CSS_SELECTOR, ".leaflet-popup-content"))
    wacht_op(browser, lambda b: a.naam in popup.text)
    links = {
        link.text: link.get_attribute("href") for link in popup.find_elements(By.TAG_NAME, "a")
    }
    # The profile link carries the selection (the profile's own links keep it).
    assert links[f"Profiel van {a.naam}"].endswith(
        f"/gemeenten/{a.slug}/?peildatum={wereld.peildatum.code}&taakveld=91"
    )
    lijst = links[f"Deze samenwerkingen van {a.naam} als lijst"]
    assert f"gemeente={a.slug}" in lijst and "taakveld=91" in lijst
    assert "Test Kaart AB" in popup.text and "Test Kaart ABC" in popup.text
    assert "2 in thema" in popup.text


def test_map_search_zooms_to_a_municipality_and_highlights_an_arrangement(kaart, wereld):
    c = wereld.gemeenten[2]
    browser = kaart(f"peildatum={wereld.peildatum.code}")
    voor = zoom(browser)
    veld = browser.find_element(By.ID, "kaart-zoekterm")
    veld.send_keys(c.naam.lower())
    veld.submit()
    wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-gezocht") == c.cbs_code)
    wacht_op(browser, lambda b: zoom(b) > voor)
    binnen = browser.execute_script(
        "const p = window.Atlaskaart.pagina;"
        "return p.kaart.getBounds().contains(p.lagen.get(arguments[0]).getBounds().getCenter());",
        c.cbs_code,
    )
    assert binnen
    assert c.naam in browser.find_element(By.ID, "kaart-zoekmelding").text
    assert c.naam in browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").text

    veld.clear()
    veld.send_keys("tkabc")
    veld.submit()
    wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-weergave") == "samenwerking")
    assert f"samenwerking={wereld.sw['abc'].slug}" in browser.current_url
    vulling = vullingen(browser)
    a, b, c, d, e, f = wereld.gemeenten
    assert vulling[a.cbs_code] == vulling[b.cbs_code] == vulling[c.cbs_code]
    assert vulling[d.cbs_code] != vulling[a.cbs_code]

    veld.clear()
    veld.send_keys("bestaat nergens")
    veld.submit()
    wacht_op(browser, lambda b: "Geen gemeente" in b.find_element(By.ID, "kaart-zoekmelding").text)


def test_mini_map_on_the_home_page(browser, live_url, zonder_tegels):
    browser.get_log("browser")
    browser.get(f"{live_url}/")
    minikaarten = browser.find_elements(By.CSS_SELECTOR, ".minikaart")
    assert models.Peildatum.objects.exists(), "the test database holds no snapshot"
    assert minikaarten, "the home page has no mini-map"
    wacht_op(browser, lambda b: minikaarten[0].get_attribute("data-geladen") == "ja")
    laatste = models.Peildatum.objects.laatste()
    paden = minikaarten[0].find_elements(By.CSS_SELECTOR, "path.gemeentevlak")
    assert len(paden) == models.GemeenteGrens.objects.voor_kaart(laatste).count()
    assert not js_fouten(browser)


def test_bad_parameters_still_show_a_working_map(kaart, wereld):
    browser = kaart(f"peildatum={wereld.peildatum.code}&taakveld=bestaat-niet")
    assert "Onbekend thema" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert len(vlakken(browser)) == 6
    # The page itself answered 400, which Chromium logs as a failed resource; nothing else.
    overig = js_fouten(browser)
    assert all(r["source"] == "network" and "400" in r["message"] for r in overig), overig


def test_the_map_page_fits_a_320_pixel_screen(kaart, wereld):
    browser = kaart("")  # set the size first, then load again at that width
    try:
        browser.set_window_size(320, 800)
        browser = kaart(f"peildatum={wereld.peildatum.code}&taakveld=91")
        breedte = browser.execute_script("return document.documentElement.scrollWidth;")
        scherm = browser.execute_script("return window.innerWidth;")
        assert breedte <= scherm, (breedte, scherm)
        assert scherm <= 400, scherm
        assert len(vlakken(browser)) == 6
        kaartbreedte = browser.execute_script(
            "return document.getElementById('kaart').getBoundingClientRect().width;"
        )
        assert 0 < kaartbreedte <= scherm
    finally:
        browser.set_window_size(1280, 900)


def test_profile_mini_map_marks_the_municipality_and_its_partners(browser, live_url, zonder_tegels):
    peildatum = models.Peildatum.objects.filter(code="2026").first()
    assert peildatum is not None, "the curated dataset (fixtures/) is not loaded"
    gemeente = (
        models.Gemeente.objects.op(peildatum.datum)
        .filter(grenzen__jaar=peildatum.grensjaar, deelnames__stand__peildatum=peildatum)
        .distinct()
        .first()
    )
    browser.get_log("browser")
    browser.get(f"{live_url}/gemeenten/{gemeente.slug}/?peildatum=2026")
    minikaart = browser.find_element(By.CSS_SELECTOR, ".minikaart")
    wacht_op(browser, lambda b: minikaart.get_attribute("data-geladen") == "ja")
    paden = minikaart.find_elements(By.CSS_SELECTOR, "path.gemeentevlak")
    assert len(paden) == ECHTE_AANTALLEN["2026"]
    config = json.loads(
        browser.find_element(By.ID, minikaart.get_attribute("data-config")).get_attribute(
            "textContent"
        )
    )
    assert config["focus"] == gemeente.cbs_code
    vulling = {p.get_attribute("data-code"): p.get_attribute("fill") for p in paden}
    assert vulling[gemeente.cbs_code] == css_kleur(browser, "focus")
    for partner in config["markeer"]:
        if partner in vulling and partner != gemeente.cbs_code:
            assert vulling[partner] == css_kleur(browser, "markeer")
    anderen = set(vulling) - set(config["markeer"]) - {gemeente.cbs_code}
    assert all(vulling[code] == css_kleur(browser, "grijs") for code in anderen)
    assert not js_fouten(browser)


def test_a_configured_tile_layer_is_drawn_with_its_attribution(browser, live_url, wereld, settings):
    # A local image stands in for the tile server, so the test needs no network.
    settings.MAP_TILE_URL = live_url + "/static/vendor/leaflet/images/layers.png?{z}/{x}/{y}"
    settings.MAP_TILE_ATTRIBUTION = "Testtegels van de atlas"
    browser.get_log("browser")
    browser.get(f"{live_url}/kaart/?peildatum={wereld.peildatum.code}")
    wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-geladen") == "ja")
    wacht_op(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#kaart .leaflet-tile-loaded"))
    attributie = browser.find_element(By.CSS_SELECTOR, "#kaart .leaflet-control-attribution")
    assert "Testtegels van de atlas" in attributie.text
    assert not js_fouten(browser)


def test_map_views_have_no_accessibility_violations(kaart, wereld):
    """axe-core (see test_a11y.py) on the patchwork, one arrangement, intensity and partners:
    no violation of any impact."""
    from tests.test_a11y import AXE, RUN_AXE

    if not AXE.exists():
        message = "axe-core is not installed: run `npm ci` (make test does)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    bron = AXE.read_text()
    abc = wereld.sw["abc"].slug
    partners = f"weergave=partners&gemeente={wereld.gemeenten[0].slug}"
    for query in (
        "taakveld=91",
        f"samenwerking={abc}",
        "taakveld=91&weergave=intensiteit",
        partners,
    ):
        browser = kaart(f"peildatum={wereld.peildatum.code}&{query}")
        browser.execute_script(bron)
        browser.set_script_timeout(60)
        resultaat = browser.execute_async_script(RUN_AXE)
        gevonden = [(v["id"], v["impact"], v["nodes"][0]["html"]) for v in resultaat["violations"]]
        assert not gevonden, (query, gevonden)


def test_back_button_restores_the_previous_view(kaart, wereld):
    browser = kaart(f"peildatum={wereld.peildatum.code}")
    Select(browser.find_element(By.ID, "keuze-grootte")).select_by_value("drie-tot-vijf")
    wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-weergave") == "lapjes")
    assert "grootte=drie-tot-vijf" in browser.current_url
    wacht_op(browser, lambda b: "3–5 gemeenten" in b.find_element(By.ID, "kaart-tabel").text)
    browser.back()
    wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-weergave") == "intensiteit")
    assert "grootte" not in browser.current_url
    assert Select(browser.find_element(By.ID, "keuze-grootte")).first_selected_option.text == (
        "Elke grootte"
    )
    wacht_op(browser, lambda b: "3–5 gemeenten" not in b.find_element(By.ID, "kaart-tabel").text)


def test_partners_view_colours_by_shared_arrangements_and_lists_the_partners(kaart, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    browser = kaart(f"peildatum={wereld.peildatum.code}")
    veld = browser.find_element(By.ID, "keuze-gemeente-veld")
    assert veld.is_displayed()  # a filter of the selection in every view, as on the list

    Select(browser.find_element(By.ID, "keuze-weergave")).select_by_value("partners")
    # A municipality is asked for first: its field gets the focus, the view waits.
    wacht_op(browser, lambda b: b.switch_to.active_element.get_attribute("id") == "keuze-gemeente")
    assert "weergave=partners" not in browser.current_url
    Select(browser.find_element(By.ID, "keuze-gemeente")).select_by_value(a.slug)
    wacht_op(browser, lambda b: kaartelement(b).get_attribute("data-weergave") == "partners")
    assert (
        "weergave=partners" in browser.current_url and f"gemeente={a.slug}" in browser.current_url
    )

    vulling = vullingen(browser)
    # A itself in the focus colour; B (AB, ABC) darker than C (ABC); D, E, F share nothing.
    assert vulling[a.cbs_code] == css_kleur(browser, "focus")
    assert len({vulling[a.cbs_code], vulling[b.cbs_code], vulling[c.cbs_code]}) == 3
    grijs = css_kleur(browser, "grijs")
    assert vulling[d.cbs_code] == vulling[e.cbs_code] == vulling[f.cbs_code] == grijs
    legenda = browser.find_element(By.CSS_SELECTOR, "#kaart-legenda").text
    assert f"Gedeelde samenwerkingen met {a.naam}" in legenda

    wacht_op(browser, lambda b: a.naam in b.find_element(By.ID, "kaart-tabel-titel").text)
    rijen = browser.find_elements(By.CSS_SELECTOR, "#kaart-tabel tbody tr")
    assert [r.get_attribute("data-code") for r in rijen] == [b.cbs_code, c.cbs_code]
    assert (
        rijen[0]
        .find_element(By.TAG_NAME, "a")
        .get_attribute("href")
        .endswith(f"/gemeenten/{b.slug}/?peildatum={wereld.peildatum.code}")
    )

    ActionChains(browser).move_to_element(vlak(browser, b)).click().perform()
    popup = wacht_op(browser, lambda b: b.find_element(By.CSS_SELECTOR, ".leaflet-popup-content"))
    wacht_op(browser, lambda _: f"2 gedeelde samenwerkingen met {a.naam}" in popup.text)
