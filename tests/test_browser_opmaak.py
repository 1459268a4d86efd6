"""The layout in a real Chromium, at a laptop (1366×768) and a phone (375×667) size, on the real
dataset: the map on the first screen, the filters beside it or folded behind "Filters", the
list's results before its form on a phone, a legend that covers no municipality, Esc closing a
popup, polygons that are no tab stops (the table is the keyboard route), a short status instead
of a live table, and tables that fit at 1366 px.
"""

import pytest
from django.db.models import Count
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from gemeenten import models

pytestmark = pytest.mark.browser

SCHERMEN = {"laptop": (1366, 768), "telefoon": (375, 667)}
# At least this share of the first screen shows the map.
ZICHTBAAR_DEEL = 0.4
WACHT = 15


@pytest.fixture
def scherm(browser, settings):
    """scherm("laptop") sets the viewport (not the window) to that size; maps without tiles."""
    settings.MAP_TILE_URL = ""

    def zet(naam):
        breedte, hoogte = SCHERMEN[naam]
        browser.set_window_size(breedte, hoogte)
        binnen_b, binnen_h = browser.execute_script("return [innerWidth, innerHeight];")
        browser.set_window_size(2 * breedte - binnen_b, 2 * hoogte - binnen_h)
        assert browser.execute_script("return [innerWidth, innerHeight];") == [breedte, hoogte]
        return browser

    yield zet
    browser.set_window_size(1280, 900)


def wacht(browser, voorwaarde):
    return WebDriverWait(browser, WACHT).until(voorwaarde)


def open_kaart(browser, url):
    browser.get(url)
    wacht(
        browser,
        lambda b: b.execute_script("return document.getElementById('kaart').dataset.geladen"),
    )
    assert browser.execute_script("return document.getElementById('kaart').dataset.geladen") == "ja"


def eerste_scherm(browser, selector):
    """{top, zichtbaar (px of the viewport the element fills), vh} of an element."""
    return browser.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {top: r.top, zichtbaar: Math.min(r.bottom, innerHeight) - Math.max(r.top, 0),"
        " vh: innerHeight, breed: r.width};",
        selector,
    )


def aantal_gemeenten(peildatum):
    return models.GemeenteGrens.objects.filter(jaar=peildatum.grensjaar).count()


@pytest.mark.parametrize("grootte", SCHERMEN)
@pytest.mark.parametrize("query", ["", "&taakveld=6", "&weergave=partners&gemeente=groningen"])
def test_the_map_is_on_the_first_screen(scherm, live_url, peildatum, grootte, query):
    browser = scherm(grootte)
    open_kaart(browser, f"{live_url}/kaart/?peildatum={peildatum.code}{query}")
    kaart = eerste_scherm(browser, "#kaart")
    assert kaart["top"] < kaart["vh"], kaart
    assert kaart["zichtbaar"] >= ZICHTBAAR_DEEL * kaart["vh"], kaart
    filters = browser.execute_script(
        "const f = document.getElementById('kaart-filters');"
        "const k = document.getElementById('kaart').getBoundingClientRect();"
        "const s = f.querySelector('summary').getBoundingClientRect();"
        "return {open: f.open, rechts: f.getBoundingClientRect().right, kaartLinks: k.left,"
        " summaryZichtbaar: s.height > 0 && s.bottom <= innerHeight};"
    )
    if grootte == "laptop":
        # The controls beside the map, open.
        assert filters["open"] and filters["rechts"] <= filters["kaartLinks"], filters
    else:
        # Folded behind "Filters", whose button is on the first screen.
        assert not filters["open"] and filters["summaryZichtbaar"], filters


@pytest.mark.parametrize("grootte", SCHERMEN)
def test_the_home_map_is_on_the_first_screen(scherm, live_url, peildatum, grootte):
    browser = scherm(grootte)
    browser.get(f"{live_url}/?peildatum={peildatum.code}")
    wacht(
        browser,
        lambda b: b.execute_script("return document.querySelector('.minikaart').dataset.geladen"),
    )
    kaart = eerste_scherm(browser, ".minikaart")
    assert kaart["top"] < kaart["vh"], kaart
    assert kaart["zichtbaar"] >= ZICHTBAAR_DEEL * kaart["vh"] or kaart[
        "zichtbaar"
    ] >= 0.9 * browser.execute_script(
        "return document.querySelector('.minikaart').getBoundingClientRect().height;"
    ), kaart


def test_the_filters_button_on_a_phone_opens_the_form_and_it_works(scherm, live_url, peildatum):
    browser = scherm("telefoon")
    open_kaart(browser, f"{live_url}/kaart/?peildatum={peildatum.code}")
    thema = browser.find_element(By.ID, "keuze-taakveld")
    assert not thema.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "#kaart-filters > summary").click()
    wacht(browser, lambda b: thema.is_displayed())
    taakveld = (
        models.Samenwerking.objects.in_stand(peildatum)
        .values_list("taakveld__code", flat=True)
        .first()
    )
    browser.execute_script(
        "const s = document.getElementById('keuze-taakveld'); s.value = arguments[0];", taakveld
    )
    browser.find_element(By.CSS_SELECTOR, "#kaart-keuze button[type=submit]").click()
    wacht(browser, lambda b: f"taakveld={taakveld}" in b.current_url)
    wacht(
        browser,
        lambda b: (
            f"taakveld={taakveld}"
            in b.find_element(By.ID, "kaart-tabel").get_attribute("data-staat")
        ),
    )


def test_the_filters_work_without_javascript(client, peildatum):
    """The <details> is open in the HTML and holds an ordinary GET form with a submit button;
    the server answers that form with the table of the chosen view."""
    html = client.get("/kaart/", {"peildatum": peildatum.code}).content.decode()
    details = html.split('<details class="kaart-filters" id="kaart-filters" open>', 1)
    assert len(details) == 2, "the filters are not an open <details>"
    formulier = details[1].split("</details>", 1)[0]
    assert 'method="get"' in formulier and 'type="submit"' in formulier
    thema = models.Taakveld.objects.filter(samenwerkingen__isnull=False).first()
    antwoord = client.get("/kaart/", {"peildatum": peildatum.code, "taakveld": thema.code})
    assert antwoord.status_code == 200
    assert thema.code in antwoord.context["beeld"]["tekenen"]["query"]


@pytest.mark.parametrize("grootte", SCHERMEN)
def test_the_list_shows_results_before_the_form_on_a_phone(scherm, live_url, peildatum, grootte):
    browser = scherm(grootte)
    browser.get(f"{live_url}/samenwerkingen/?peildatum={peildatum.code}")
    plek = browser.execute_script(
        "const r = document.getElementById('resultaten').getBoundingClientRect();"
        "const f = document.querySelector('form.filters').getBoundingClientRect();"
        "return {resultaten: r.top, filters: f.top, filtersRechts: f.right,"
        " resultatenLinks: r.left, vh: innerHeight};"
    )
    assert plek["resultaten"] < plek["vh"], plek
    if grootte == "telefoon":
        assert plek["resultaten"] < plek["filters"], plek
    else:
        assert plek["filtersRechts"] <= plek["resultatenLinks"], plek


ONDER_LEGENDA = """
const p = window.Atlaskaart.pagina;
const legenda = document.getElementById('kaart-legenda').getBoundingClientRect();
const kaart = p.kaart.getContainer().getBoundingClientRect();
const binnen = (x, y) => x >= legenda.left && x <= legenda.right
  && y >= legenda.top && y <= legenda.bottom;
const onder = [];
p.lagen.forEach((pad, code) => {
  const punt = p.kaart.latLngToContainerPoint(pad.getCenter());
  if (binnen(kaart.left + punt.x, kaart.top + punt.y)) onder.push(pad.feature.properties.naam);
});
for (const label of document.querySelectorAll('#kaart .kaart-aantal')) {
  const r = label.getBoundingClientRect();
  if (binnen(r.left + r.width / 2, r.top + r.height / 2)) onder.push('label ' + label.textContent);
}
return {onder: onder, vlakken: p.lagen.size, legenda: [legenda.width, legenda.height],
  overlapt: !(legenda.right <= kaart.left || legenda.left >= kaart.right
              || legenda.bottom <= kaart.top || legenda.top >= kaart.bottom)};
"""


@pytest.mark.parametrize("grootte", SCHERMEN)
@pytest.mark.parametrize("query", ["", "&taakveld=6", "&weergave=partners&gemeente=groningen"])
def test_no_label_point_is_under_the_legend(scherm, live_url, peildatum, grootte, query):
    browser = scherm(grootte)
    open_kaart(browser, f"{live_url}/kaart/?peildatum={peildatum.code}{query}")
    gemeten = browser.execute_script(ONDER_LEGENDA)
    assert gemeten["vlakken"] == aantal_gemeenten(peildatum)
    assert min(gemeten["legenda"]) > 0, "the legend is not shown"
    assert gemeten["onder"] == [], gemeten
    assert not gemeten["overlapt"], gemeten


def test_the_mini_map_legend_is_outside_the_map(scherm, live_url, peildatum):
    browser = scherm("laptop")
    browser.get(f"{live_url}/?peildatum={peildatum.code}")
    wacht(
        browser,
        lambda b: b.execute_script("return document.querySelector('.minikaart').dataset.geladen"),
    )
    plek = browser.execute_script(
        "const k = document.querySelector('.minikaart');"
        "const l = document.querySelector('.kaart-legenda');"
        "return {binnen: k.contains(l), kaartOnder: k.getBoundingClientRect().bottom,"
        " legendaBoven: l.getBoundingClientRect().top, tekst: l.textContent};"
    )
    assert not plek["binnen"] and plek["legendaBoven"] >= plek["kaartOnder"], plek
    assert "Aantal samenwerkingen" in plek["tekst"]


def open_popup(browser):
    vlak = browser.find_element(By.CSS_SELECTOR, "#kaart path.gemeentevlak")
    ActionChains(browser).move_to_element(vlak).click().perform()
    return wacht(
        browser, lambda b: b.find_element(By.CSS_SELECTOR, "#kaart .leaflet-popup-content")
    )


def popups(browser):
    return len(browser.find_elements(By.CSS_SELECTOR, "#kaart .leaflet-popup"))


def test_escape_closes_a_popup(scherm, live_url, peildatum):
    browser = scherm("laptop")
    open_kaart(browser, f"{live_url}/kaart/?peildatum={peildatum.code}")
    # Focus outside the map (the search box): Esc still closes it.
    open_popup(browser)
    browser.find_element(By.ID, "kaart-zoekterm").click()
    assert popups(browser) == 1
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wacht(browser, lambda b: popups(b) == 0)
    # Focus on a link in the popup: Esc closes it and the focus goes back to the map.
    open_popup(browser)
    browser.execute_script("document.querySelector('#kaart .leaflet-popup-content a').focus();")
    assert browser.switch_to.active_element.tag_name == "a"
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wacht(browser, lambda b: popups(b) == 0)
    assert browser.switch_to.active_element.get_attribute("id") == "kaart"


def test_polygons_are_no_tab_stops(scherm, live_url, peildatum):
    """The choice of docs/kaart.md: the table is the keyboard route, not 40 unnamed polygons."""
    browser = scherm("laptop")
    open_kaart(browser, f"{live_url}/kaart/?peildatum={peildatum.code}")
    gemeten = browser.execute_script(
        "const paden = [...document.querySelectorAll('#kaart path.gemeentevlak')];"
        "const tabstops = [...document.querySelectorAll('#kaart *')].filter(e => e.tabIndex >= 0);"
        "return {paden: paden.length, tabbaar: paden.filter(p => p.tabIndex >= 0).length,"
        " tabstops: tabstops.map(e => e.tagName.toLowerCase())};"
    )
    assert gemeten["paden"] == aantal_gemeenten(peildatum)
    assert gemeten["tabbaar"] == 0, gemeten
    assert "path" not in gemeten["tabstops"], gemeten
    # Tabbing from the map goes on to the legend/search, never into a polygon.
    browser.execute_script("document.getElementById('kaart').focus();")
    for _ in range(6):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        assert browser.switch_to.active_element.tag_name != "path"


def test_the_table_is_no_live_region_and_a_short_status_says_what_changed(
    scherm, live_url, peildatum
):
    browser = scherm("laptop")
    open_kaart(browser, f"{live_url}/kaart/?peildatum={peildatum.code}")
    assert browser.find_element(By.ID, "kaart-tabel").get_attribute("aria-live") is None
    assert not browser.find_elements(By.CSS_SELECTOR, "#kaart-tabel [aria-live]")
    taakveld = (
        models.Samenwerking.objects.in_stand(peildatum)
        .values_list("taakveld__code", flat=True)
        .first()
    )
    browser.execute_script(
        "const s = document.getElementById('keuze-taakveld'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('change', {bubbles: true}));",
        taakveld,
    )
    status = browser.find_element(By.ID, "kaart-status")
    wacht(browser, lambda b: status.get_attribute("textContent"))
    titel = browser.find_element(By.ID, "kaart-tabel-titel").text
    tekst = status.get_attribute("textContent")
    assert status.get_attribute("role") == "status"
    assert titel in tekst and len(tekst) < len(titel) + 60, tekst


PASSEN = """
const buiten = [], schuivend = [];
let cellen = 0;
for (const vak of document.querySelectorAll(arguments[0])) {
  const rechts = Math.min(vak.getBoundingClientRect().right, innerWidth) + 1;
  if (vak.scrollWidth > vak.clientWidth + 1) {
    schuivend.push(vak.scrollWidth + ' > ' + vak.clientWidth);
  }
  for (const cel of vak.querySelectorAll(arguments[1])) {
    const r = cel.getBoundingClientRect();
    if (!r.width) continue;
    cellen += 1;
    if (r.right > rechts) buiten.push(cel.textContent.trim().slice(0, 40));
  }
}
return {cellen: cellen, buiten: buiten, schuivend: schuivend,
  pagina: document.documentElement.scrollWidth > innerWidth};
"""


def meest_deelnemende_gemeente(peildatum):
    return (
        models.Gemeente.objects.filter(deelnames__stand__peildatum=peildatum)
        .annotate(n=Count("deelnames"))
        .order_by("-n")
        .first()
    )


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_tables_fit_at_1366_pixels(scherm, live_url, code):
    peildatum = models.Peildatum.objects.get(code=code)
    gemeente = meest_deelnemende_gemeente(peildatum)
    browser = scherm("laptop")
    gevallen = [
        # The list (with the divisions: the longest names), its names and participant counts.
        (
            f"/samenwerkingen/?peildatum={code}&regio=1",
            ".resultaten .tabel-schuif",
            "tbody th a, td.getal",
        ),
        (
            f"/samenwerkingen/?peildatum={code}&sorteer=-deelnemers",
            ".resultaten .tabel-schuif",
            "tbody th a, td.getal",
        ),
        # The map's table: the patchwork's names and numbers of municipalities, the partners.
        (f"/kaart/?peildatum={code}&taakveld=6&regio=1", "#kaart-tabel", "tbody th, tbody td"),
        (
            f"/kaart/?peildatum={code}&weergave=partners&gemeente={gemeente.slug}",
            "#kaart-tabel",
            "tbody th, tbody td",
        ),
        # The profile: the arrangements and their partners.
        (
            f"/gemeenten/{gemeente.slug}/?peildatum={code}",
            ".groep .tabel-schuif",
            "tbody th a, td:nth-child(5)",
        ),
    ]
    fouten = []
    for pad, vak, cellen in gevallen:
        if pad.startswith("/kaart/"):
            open_kaart(browser, live_url + pad)
        else:
            browser.get(live_url + pad)
        gemeten = browser.execute_script(PASSEN, vak, cellen)
        assert gemeten["cellen"] > 0, (pad, cellen)
        if gemeten["buiten"] or gemeten["schuivend"] or gemeten["pagina"]:
            fouten.append(f"{pad}: {gemeten}")
    assert not fouten, "\n".join(fouten)
