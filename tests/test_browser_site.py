"""The site in a real Chromium, on the real dataset: the filter form narrows the list, the
CSV download parses and matches the list, the header search, the peildatum switch, and
reflow: every page type, in both snapshots, fits a 320 px screen in DejaVu Sans (the only
font of a fresh machine, tests/fonts.conf), also with larger text.

Screenshots of the last page of each test land in artifacts/ (git-ignored).
"""

import csv
import io
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import Resolver404, resolve
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from gemeenten import models
from gemeenten.gebied import NOORD

pytestmark = pytest.mark.browser

FILTERKNOP = ".filters button[type=submit]"


def nieuwe_pagina(browser, actie):
    """Do `actie` (it navigates) and wait until the next page has replaced this one.

    The old document is marked with a window property: a new page has none. Asking an old
    element whether it went stale instead races the navigation, and Chromium then answers
    with an "unhandled inspector error"; a question asked mid-navigation is simply retried.
    """
    browser.execute_script("window.oudePagina = true;")
    actie()

    def vervangen(driver):
        try:
            return driver.execute_script(
                "return !window.oudePagina && document.readyState === 'complete';"
            )
        except WebDriverException:
            return False

    WebDriverWait(browser, 10).until(vervangen)


def verstuur(browser):
    """Submit the filter form and wait until the next page has replaced this one."""
    nieuwe_pagina(browser, browser.find_element(By.CSS_SELECTOR, FILTERKNOP).click)


def aantal(browser):
    return int(browser.find_element(By.CSS_SELECTOR, "[data-testid=aantal]").text)


def officiele_namen(browser):
    """The list's official names: beneath the short name where they differ, else the link."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#samenwerkingen-tabel tbody th'))"
        ".map((th) => (th.querySelector('.officiele-naam') || th.querySelector('a')).textContent);"
    )


def test_home_page(browser, live_url, peildatum):
    browser.get(live_url + "/")
    assert "Samenwerkingsatlas Noord" in browser.find_element(By.TAG_NAME, "h1").text
    assert peildatum.naam in browser.find_element(By.CSS_SELECTOR, ".peildatumbalk").text
    # The first tab stop is the skip link, and it is visible when focused.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    actief = browser.switch_to.active_element
    assert actief.get_attribute("class") == "skiplink"
    assert actief.is_displayed() and actief.location["y"] >= 0
    cijfers = browser.find_elements(By.CSS_SELECTOR, ".kerncijfers dd")
    assert (
        int(cijfers[0].text) == NOORD.gemeenten(models.Gemeente.objects.op(peildatum.datum)).count()
    )


def test_filter_form_narrows_the_list(browser, live_url, peildatum):
    browser.get(f"{live_url}/samenwerkingen/?peildatum={peildatum.code}")
    alle = aantal(browser)
    assert alle > 0
    # Choose the theme of the first row in the form.
    eerste = browser.find_element(By.CSS_SELECTOR, "#samenwerkingen-tabel tbody td").text
    code = eerste.split()[0]
    Select(browser.find_element(By.NAME, "taakveld")).select_by_value(code)
    verstuur(browser)
    query = parse_qs(urlparse(browser.current_url).query)
    assert query["taakveld"] == [code] and query["peildatum"] == [peildatum.code]
    gefilterd = aantal(browser)
    # Without `gebied`, the list is the north's.
    verwacht = (
        NOORD.samenwerkingen(models.Samenwerking.objects.in_stand(peildatum), peildatum)
        .samenwerkingen()
        .filter(taakveld__code=code)
        .count()
    )
    assert 0 < gefilterd == verwacht <= alle
    for cel in browser.find_elements(
        By.CSS_SELECTOR, "#samenwerkingen-tabel tbody tr td:first-of-type"
    ):
        assert cel.text.split()[0] == code
    # The visible toggle brings the state and statistical divisions into the list.
    browser.get(f"{live_url}/samenwerkingen/?peildatum={peildatum.code}")
    toggle = browser.find_element(By.NAME, "regio")
    assert toggle.is_displayed() and not toggle.is_selected()
    toggle.click()
    verstuur(browser)
    met_regio = aantal(browser)
    regio = (
        NOORD.samenwerkingen(models.Samenwerking.objects.in_stand(peildatum), peildatum)
        .indelingen()
        .count()
    )
    assert met_regio == alle + regio


def wacht_op_download(map_, seconden=10):
    eind = time.monotonic() + seconden
    while time.monotonic() < eind:
        klaar = [p for p in map_.iterdir() if not p.name.endswith(".crdownload")]
        if klaar:
            return klaar[0]
        time.sleep(0.1)
    raise AssertionError(f"no download in {map_} after {seconden} s")


def test_csv_download_parses_and_matches_the_list(browser, live_url, peildatum, tmp_path):
    gemeente = (
        NOORD.gemeenten(models.Gemeente.objects.op(peildatum.datum))
        .filter(deelnames__stand__peildatum=peildatum)
        .order_by("naam")
        .first()
    )
    browser.get(
        f"{live_url}/samenwerkingen/?peildatum={peildatum.code}&gemeente={gemeente.cbs_code}"
    )
    n = aantal(browser)
    assert 0 < n <= 50, "one page, so the table holds the whole selection"
    namen = officiele_namen(browser)
    # Chromium really downloads the file the link points to.
    map_ = tmp_path / "downloads"
    map_.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(map_)}
    )
    browser.find_element(By.ID, "csv-link").click()
    bestand = wacht_op_download(map_)
    assert bestand.name == (
        f"samenwerkingen-gemeente-{gemeente.slug}-peildatum-{peildatum.datum.isoformat()}.csv"
    )
    tekst = bestand.read_bytes().decode("utf-8")
    assert tekst.startswith("\ufeff")
    rijen = list(csv.DictReader(io.StringIO(tekst[1:], newline=""), delimiter=";"))
    assert len(rijen) == n
    assert sorted(r["naam"].lstrip("'") for r in rijen) == sorted(namen)
    assert all(gemeente.naam in r["deelnemende gemeenten"].split(" | ") for r in rijen)


def test_header_search_leads_to_zoeken_and_exact_hit_redirects(browser, live_url, peildatum):
    gemeente = NOORD.gemeenten(models.Gemeente.objects.op(peildatum.datum)).order_by("naam").first()
    browser.get(f"{live_url}/over/?peildatum={peildatum.code}")
    vak = browser.find_element(By.ID, "zoekvak-q")
    vak.send_keys(gemeente.naam[:3])
    nieuwe_pagina(browser, vak.submit)
    assert urlparse(browser.current_url).path in ("/zoeken/", gemeente.get_absolute_url())
    if urlparse(browser.current_url).path == "/zoeken/":
        assert gemeente.naam in browser.find_element(By.ID, "inhoud").text
    vak = browser.find_element(By.ID, "zoekvak-q")
    vak.clear()
    vak.send_keys(gemeente.cbs_code)
    nieuwe_pagina(browser, vak.submit)
    url = urlparse(browser.current_url)
    assert url.path == gemeente.get_absolute_url()
    assert parse_qs(url.query)["peildatum"] == [peildatum.code]
    assert browser.find_element(By.TAG_NAME, "h1").text == gemeente.naam


def test_peildatum_switch_keeps_the_page(browser, live_url, peildatum):
    andere = models.Peildatum.objects.exclude(pk=peildatum.pk).exclude(code__startswith="t")
    andere = andere.first()
    assert andere is not None, "the committed dataset has two snapshots; one is missing"
    browser.get(f"{live_url}/samenwerkingen/?peildatum={peildatum.code}&regio=1")
    nieuwe_pagina(browser, browser.find_element(By.LINK_TEXT, andere.code).click)
    query = parse_qs(urlparse(browser.current_url).query)
    assert query["peildatum"] == [andere.code] and query["regio"] == ["1"]
    assert andere.naam in browser.find_element(By.CSS_SELECTOR, ".peildatumbalk").text
    verwacht = NOORD.samenwerkingen(models.Samenwerking.objects.in_stand(andere), andere).count()
    assert aantal(browser) == verwacht


# What sticks out of the viewport sideways: every element or text whose box ends right of the
# viewport, unless a scrolling or clipping container holds it (then that container is the
# culprit). Only the innermost culprits are reported, so a failure names the element to fix.
UITSTEKERS = """
const doc = document.documentElement, zicht = doc.clientWidth;
// Clipped by a scrolling or clipping ancestor? An absolutely positioned box escapes every
// ancestor up to its containing block (the nearest positioned one); a fixed box never widens
// the page.
const geklemd = knoop => {
  let positie = knoop.nodeType === Node.TEXT_NODE ? 'static' : getComputedStyle(knoop).position;
  for (let p = knoop.parentElement; p && p !== document.body; p = p.parentElement) {
    if (positie === 'fixed') return true;
    const stijl = getComputedStyle(p);
    const houder = stijl.position !== 'static' || stijl.transform !== 'none';
    if (positie === 'absolute' && !houder) continue;
    if (stijl.overflowX !== 'visible') return true;
    positie = stijl.position;
  }
  return false;
};
const naam = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + [...el.classList].map(c => '.' + c).join('');
const gevonden = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || geklemd(el)) continue;
  // A box that lets its content overflow is as wide as that content.
  const open = getComputedStyle(el).overflowX === 'visible';
  const rechts = open ? Math.max(r.right, r.left + el.scrollWidth) : r.right;
  if (rechts > zicht + 0.5) gevonden.push([el, rechts, '']);
}
const teksten = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let t = teksten.nextNode(); t; t = teksten.nextNode()) {
  if (!t.textContent.trim() || geklemd(t)) continue;
  const bereik = document.createRange();
  bereik.selectNodeContents(t);
  const r = bereik.getBoundingClientRect();
  if (r.width > 0 && r.right > zicht + 0.5) {
    gevonden.push([t.parentElement, r.right, t.textContent]);
  }
}
const binnenste = gevonden.filter(
  ([el]) => !gevonden.some(([ander]) => ander !== el && el.contains(ander)));
const gezien = new Set();
return {
  breed: doc.scrollWidth, zicht: zicht,
  daders: binnenste.filter(([el, , tekst]) => !gezien.has(el) && gezien.add(el))
    .slice(0, 8).map(([el, rechts, tekst]) => `${naam(el)} ends at ${Math.round(rechts)}px`
      + ` "${(tekst || el.textContent).trim().replace(/\\s+/g, ' ').slice(0, 50)}"`),
};
"""


# Boxes that scroll sideways (a wide table in its own box) must be reachable by keyboard and
# named: a focusable region (tabindex="0") with a label (WCAG 2.1.1, axe
# scrollable-region-focusable).
SCHUIFVAKKEN = """
const fouten = [];
for (const el of document.body.querySelectorAll('*')) {
  const schuift = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  if (!schuift || el.scrollWidth <= el.clientWidth + 1) continue;
  const labels = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent.trim());
  const naam = (el.getAttribute('aria-label') || '').trim() || labels.join(' ');
  const regio = el.getAttribute('role') === 'region' || el.tagName === 'SECTION';
  if (el.tabIndex < 0 || !regio || !naam) {
    fouten.push(el.outerHTML.slice(0, 120) + ` (tabIndex ${el.tabIndex}, name "${naam}")`);
  }
}
return fouten;
"""


def uitstekers(browser):
    """{breed: document scrollWidth, zicht: viewport width, daders: what sticks out}."""
    return browser.execute_script(UITSTEKERS)


def langste(queryset, veld="naam"):
    """The row with the longest name: the hardest one to fit on a small screen."""
    return max(queryset, key=lambda rij: (len(getattr(rij, veld)), getattr(rij, veld)))


def paginas_voor(peildatum):
    """{page type: URL} for every HTML page type of gemeenten/urls.py in one snapshot, plus
    the 400 and 404 pages, each with the content hardest to fit (the longest names)."""
    gemeenten = models.Gemeente.objects.op(peildatum.datum).filter(
        deelnames__stand__peildatum=peildatum
    )
    gemeente = langste(gemeenten.distinct())
    samenwerking = langste(models.Samenwerking.objects.in_stand(peildatum))
    pd = f"peildatum={peildatum.code}"
    return {
        "home": f"/?{pd}",
        "gemeenten": f"/gemeenten/?{pd}",
        "gemeente": f"{gemeente.get_absolute_url()}?{pd}",
        "samenwerkingen": f"/samenwerkingen/?{pd}&regio=1",
        "samenwerkingen-gefilterd": (
            f"/samenwerkingen/?{pd}&q=zorg&soort=gemeenschappelijke_regeling"
        ),
        "samenwerking": f"{samenwerking.get_absolute_url()}?{pd}",
        "kaart": f"/kaart/?{pd}",
        "kaart-samenwerking": f"/kaart/?{pd}&samenwerking={samenwerking.slug}",
        "kaart-partners": f"/kaart/?{pd}&weergave=partners&gemeente={gemeente.slug}",
        "kaart-netwerk": f"/kaart/?{pd}&weergave=netwerk&regio=1",
        "kaart-vergelijk": f"/kaart/?{pd}&weergave=vergelijk&vergelijk=rmc-regio&taakveld=7",
        "zoeken": f"/zoeken/?{pd}&q=gemeente",
        "over": f"/over/?{pd}",
        "veranderingen": f"/veranderingen/?{pd}",
        "gemeente-veranderingen": f"/gemeenten/{gemeente.slug}/veranderingen/?{pd}",
        "samenwerking-veranderingen": f"/samenwerkingen/{samenwerking.slug}/veranderingen/?{pd}",
        "api": f"/api/?{pd}",
        "ongeldig": f"/samenwerkingen/?{pd}&page=x",
        "404": "/test-bestaat-niet/",
    }


SNAPSHOTS = ("2016", "2026")
PAGINASOORTEN = (
    "home",
    "gemeenten",
    "gemeente",
    "samenwerkingen",
    "samenwerkingen-gefilterd",
    "samenwerking",
    "kaart",
    "kaart-samenwerking",
    "kaart-partners",
    "kaart-netwerk",
    "kaart-vergelijk",
    "zoeken",
    "over",
    "veranderingen",
    "gemeente-veranderingen",
    "samenwerking-veranderingen",
    "api",
    "ongeldig",
    "404",
)


def peildatum_met_code(code):
    peildatum = models.Peildatum.objects.filter(code=code).first()
    assert peildatum is not None, f"snapshot {code} is not in the real dataset (fixtures/)"
    return peildatum


def test_every_page_type_is_measured_at_320_pixels(live_url):
    """A new page in gemeenten/urls.py must join test_pages_fit_320_pixels."""
    from tests.test_security import public_routes

    paginas = {
        naam
        for naam, url in public_routes()
        if not url.rstrip("/").endswith((".csv", ".json", ".geojson", ".svg", ".png", ".yaml"))
    }
    urls = paginas_voor(peildatum_met_code("2026"))
    assert tuple(urls) == PAGINASOORTEN
    gemeten = set()
    for url in urls.values():
        try:
            gemeten.add(resolve(urlparse(url).path).url_name)
        except Resolver404:
            gemeten.add("404")
    assert gemeten == paginas | {"404"}, "not measured at 320 px: " + ", ".join(
        sorted(paginas - gemeten)
    )


def open_pagina(browser, url):
    """Open url and wait until its map, if it has one, has drawn (or given up)."""
    browser.get(url)
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script(
            "const k = document.getElementById('kaart');"
            "return !k || ['ja', 'fout'].includes(k.dataset.geladen);"
        )
    )


def problemen(browser, pad):
    """What is wrong with the open page at 320 px, as sentences; [] when it fits."""
    gemeten = uitstekers(browser)
    assert gemeten["zicht"] <= 320, gemeten
    fouten = []
    if gemeten["breed"] > gemeten["zicht"]:
        fouten.append(
            f"{pad} is {gemeten['breed']} px wide in a {gemeten['zicht']} px viewport: "
            + "; ".join(gemeten["daders"])
        )
    naamloos = browser.execute_script(SCHUIFVAKKEN)
    if naamloos:
        fouten.append(f"{pad}: scrolling boxes without focus or name: {naamloos}")
    return fouten


@pytest.fixture
def smal(browser, settings):
    """The browser in a 320 px wide window (WCAG 1.4.10), maps without basemap tiles."""
    settings.MAP_TILE_URL = ""
    browser.set_window_size(320, 800)
    yield browser
    browser.set_window_size(1280, 900)


@pytest.mark.parametrize("code", SNAPSHOTS)
@pytest.mark.parametrize("soort", PAGINASOORTEN)
def test_pages_fit_320_pixels(smal, live_url, soort, code):
    """WCAG 1.4.10 Reflow: no page scrolls sideways at 320 CSS px, with DejaVu Sans (the wide
    font of a fresh machine, see tests/fonts.conf); a table scrolls in its own named box."""
    pad = paginas_voor(peildatum_met_code(code))[soort]
    open_pagina(smal, live_url + pad)
    fouten = problemen(smal, pad)
    assert not fouten, "\n".join(fouten)


def test_pages_fit_320_pixels_with_larger_text(smal, live_url):
    """Whatever the font: with text at 150 % (a reader's larger default font), still no page
    scrolls sideways."""
    fouten = []
    for pad in paginas_voor(peildatum_met_code(SNAPSHOTS[-1])).values():
        open_pagina(smal, live_url + pad)
        smal.execute_script("document.documentElement.style.fontSize = '150%';")
        assert smal.execute_script("return getComputedStyle(document.body).fontSize") == "24px", (
            "the larger text did not apply"
        )
        fouten += problemen(smal, pad)
    assert not fouten, "\n".join(fouten)


def test_the_browser_sees_only_dejavu(browser, live_url):
    """The fonts of a fresh machine (tests/fonts.conf): body text and headings are drawn in
    DejaVu Sans, not in a narrower font this machine may have."""
    browser.get(live_url + "/over/")
    browser.execute_cdp_cmd("DOM.enable", {})
    browser.execute_cdp_cmd("CSS.enable", {})
    document = browser.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
    for selector in ("h1", "main p"):
        node = browser.execute_cdp_cmd(
            "DOM.querySelector", {"nodeId": document, "selector": selector}
        )["nodeId"]
        fonts = browser.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert {font["familyName"] for font in fonts} == {"DejaVu Sans"}, (selector, fonts)
