"""One selection in a real Chromium: list → map → list keeps it, and the map paints exactly
what the list lists (issue 10, item 1). On the curated dataset (fixtures/), no basemap."""

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from gemeenten import models
from gemeenten.gebied import NOORD

pytestmark = pytest.mark.browser

WACHT = 15
LIJST = "/samenwerkingen/?taakveld=6&grootte=drie-tot-vijf&provincie=drenthe"


@pytest.fixture
def echt(settings):
    settings.MAP_TILE_URL = ""
    laatste = models.Peildatum.objects.exclude(code__startswith="t").order_by("datum").last()
    assert laatste is not None, "the curated dataset (fixtures/) is not loaded"
    return laatste


def wacht_op(browser, voorwaarde):
    return WebDriverWait(browser, WACHT).until(voorwaarde)


def kaart_geladen(browser):
    wacht_op(browser, lambda b: b.find_element(By.ID, "kaart").get_attribute("data-geladen"))
    assert browser.find_element(By.ID, "kaart").get_attribute("data-geladen") == "ja"


def lijst_slugs(browser):
    """The arrangements on a list page (every row links to its page)."""
    links = browser.find_elements(By.CSS_SELECTOR, "#samenwerkingen-tabel tbody th a")
    return {urlsplit(a.get_attribute("href")).path.rstrip("/").split("/")[-1] for a in links}


def kaart_slugs(browser):
    # Read in one script: the page swaps the table after every change, so elements found
    # first and read one by one can go stale halfway.
    return set(
        browser.execute_script(
            "return Array.from(document.querySelectorAll('#kaart-tabel tr[data-slug]'),"
            " (rij) => rij.dataset.slug);"
        )
    )


def query(url):
    return parse_qs(urlsplit(url).query)


def gekleurd(browser):
    """CBS codes the map painted in a colour (not the grey of 'none')."""
    grijs = browser.execute_script(
        "return getComputedStyle(document.documentElement)"
        ".getPropertyValue('--kaart-grijs').trim();"
    )
    paden = browser.find_elements(By.CSS_SELECTOR, "#kaart path.gemeentevlak")
    return {p.get_attribute("data-code") for p in paden if p.get_attribute("fill") != grijs}


def test_list_to_map_to_list_keeps_the_selection(browser, live_url, echt):
    browser.get_log("browser")  # start with an empty console
    browser.get(f"{live_url}{LIJST}&peildatum={echt.code}")
    lijst = lijst_slugs(browser)
    aantal = int(browser.find_element(By.CSS_SELECTOR, '[data-testid="aantal"]').text)
    assert len(lijst) == aantal > 0

    browser.find_element(By.ID, "kaart-link").click()
    kaart_geladen(browser)
    assert query(browser.current_url) == {
        "peildatum": [echt.code],
        "taakveld": ["6"],
        "grootte": ["drie-tot-vijf"],
        "provincie": ["drenthe"],
    }
    # The map shows what the list lists: its legend table, and its painted municipalities
    # are the participants of exactly those arrangements.
    assert browser.find_element(By.ID, "kaart").get_attribute("data-weergave") == "lapjes"
    assert kaart_slugs(browser) == lijst
    deelnemers = set(
        # The default area's map: its northern participants.
        models.Deelname.objects.filter(
            NOORD.q("gemeente__"),
            stand__peildatum=echt,
            stand__samenwerking__slug__in=lijst,
            gemeente__isnull=False,
        ).values_list("gemeente__cbs_code", flat=True)
    )
    assert gekleurd(browser) == deelnemers
    # The form shows the selection.
    assert (
        Select(browser.find_element(By.ID, "keuze-provincie")).first_selected_option.get_attribute(
            "value"
        )
        == "drenthe"
    )

    # A change on the map: the URL, the list link and the header follow (pushState).
    Select(browser.find_element(By.ID, "keuze-grootte")).select_by_value("zes-of-meer")
    wacht_op(browser, lambda b: "grootte=zes-of-meer" in b.current_url)
    wacht_op(
        browser,
        lambda b: (
            "grootte=zes-of-meer"
            in b.find_element(By.CSS_SELECTOR, ".kaart-naar-lijst").get_attribute("href")
        ),
    )
    for link in browser.find_elements(By.CSS_SELECTOR, ".peildatumkeuze a"):
        doel = query(link.get_attribute("href"))
        assert doel["grootte"] == ["zes-of-meer"] and doel["provincie"] == ["drenthe"]
        assert doel["peildatum"] != [echt.code]
    na_wijziging = kaart_slugs(browser)

    browser.find_element(By.CSS_SELECTOR, ".kaart-naar-lijst").click()
    wacht_op(browser, lambda b: urlsplit(b.current_url).path == "/samenwerkingen/")
    assert query(browser.current_url) == {
        "peildatum": [echt.code],
        "taakveld": ["6"],
        "grootte": ["zes-of-meer"],
        "provincie": ["drenthe"],
    }
    assert lijst_slugs(browser) == na_wijziging

    # Back to the map and back again: the first selection returns.
    browser.back()
    kaart_geladen(browser)
    browser.back()
    wacht_op(browser, lambda b: "grootte=drie-tot-vijf" in b.current_url)
    wacht_op(browser, lambda b: kaart_slugs(b) == lijst)
    assert (
        Select(browser.find_element(By.ID, "keuze-grootte")).first_selected_option.get_attribute(
            "value"
        )
        == "drie-tot-vijf"
    )
    fouten = [
        regel
        for regel in browser.get_log("browser")
        if regel["level"] == "SEVERE" and "/favicon.ico" not in regel["message"]
    ]
    assert not fouten, fouten


def test_an_old_schaal_link_keeps_its_selection_on_the_map(browser, live_url, echt):
    """A permalink from before the split into size and reach: the list shows its old scale
    in the form, and the map it links to paints the same arrangements."""
    browser.get(
        f"{live_url}/samenwerkingen/?peildatum={echt.code}&schaal=subregionaal&provincie=drenthe"
    )
    lijst = lijst_slugs(browser)
    assert lijst
    gekozen = Select(browser.find_element(By.ID, "id_schaal")).first_selected_option
    assert gekozen.get_attribute("value") == "subregionaal"
    browser.find_element(By.ID, "kaart-link").click()
    kaart_geladen(browser)
    assert query(browser.current_url)["schaal"] == ["subregionaal"]
    assert kaart_slugs(browser) == lijst
    assert (
        Select(browser.find_element(By.ID, "keuze-schaal")).first_selected_option.get_attribute(
            "value"
        )
        == "subregionaal"
    )
