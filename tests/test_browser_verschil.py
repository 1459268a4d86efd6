"""The change pages ("Wat is er veranderd") in a real Chromium, on the real dataset: the
three views render, the CSV link carries the comparison's query string (and downloads what
the page shows), and changing the date pair through the form works."""

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from gemeenten import models
from gemeenten.gebied import NOORD
from gemeenten.verschil import Vergelijking

from .test_browser_site import verstuur, wacht_op_download

pytestmark = pytest.mark.browser


@pytest.fixture
def peildata(live_url):
    peildata = list(models.Peildatum.objects.exclude(code__startswith="t").order_by("datum"))
    assert len(peildata) >= 2, "the real dataset (fixtures/) is not loaded"
    return peildata[0], peildata[-1]


def lees(browser, selector):
    """Text of every element matching `selector`, in one call."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());",
        selector,
    )


def test_the_three_change_views_render(browser, live_url, peildata):
    van, tot = peildata
    vergelijking = Vergelijking(van, tot)
    query = f"?van={van.code}&tot={tot.code}"

    browser.get(f"{live_url}/veranderingen/{query}")
    assert van.naam in browser.find_element(By.TAG_NAME, "h1").text
    rijen = lees(browser, "table:has(#per-samenwerking-kop) tbody th")
    assert len(rijen) == len(vergelijking.samenwerkingen_met_verschillen())
    gemeenten = lees(browser, "table:has(#per-gemeente-kop) tbody th")
    assert len(gemeenten) == NOORD.gemeenten(models.Gemeente.objects.op(tot.datum)).count()

    gemeente = models.Gemeente.objects.get(slug="groningen")
    resultaat = vergelijking.voor_gemeente(gemeente)
    browser.get(f"{live_url}/gemeenten/{gemeente.slug}/veranderingen/{query}")
    assert gemeente.naam in browser.find_element(By.TAG_NAME, "h1").text
    koppen = lees(browser, "h2")
    assert f"Toegetreden ({len(resultaat.toegetreden)})" in koppen
    assert f"Uitgetreden of niet meer in de gegevens ({len(resultaat.uitgetreden)})" in koppen

    # The arrangement page links to its comparison, which explains the GKB Drenthe case.
    gkb = models.Samenwerking.objects.get(slug="gemeentelijke-kredietbank-drenthe")
    browser.get(f"{live_url}/samenwerkingen/{gkb.slug}/")
    assert "Wat is er veranderd" in lees(browser, "h2")
    oud = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=veranderd] a").click()
    WebDriverWait(browser, 10).until(staleness_of(oud))
    assert urlparse(browser.current_url).path == f"/samenwerkingen/{gkb.slug}/veranderingen/"
    samenvatting = lees(browser, ".samenvatting")
    assert samenvatting == [vergelijking.arrangement(gkb).samenvatting]
    assert "geen datum van uittreding" in samenvatting[0]


def test_the_csv_link_carries_the_query_string(browser, live_url, peildata, tmp_path):
    van, tot = peildata
    gemeente = models.Gemeente.objects.get(slug="assen")
    browser.get(
        f"{live_url}/gemeenten/{gemeente.slug}/veranderingen/"
        f"?van={van.code}&tot={tot.code}&peildatum={van.code}"
    )
    link = browser.find_element(By.CSS_SELECTOR, "[data-csv]")
    href = urlparse(link.get_attribute("href"))
    assert href.path == f"/gemeenten/{gemeente.slug}/veranderingen.csv"
    assert parse_qs(href.query) == {
        "van": [van.code],
        "tot": [tot.code],
        "peildatum": [van.code],
    }
    map_ = tmp_path / "downloads"
    map_.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(map_)}
    )
    link.click()
    bestand = wacht_op_download(map_)
    assert bestand.name == (
        f"veranderingen-{gemeente.slug}-{van.datum.isoformat()}-tot-{tot.datum.isoformat()}.csv"
    )
    tekst = bestand.read_bytes().decode("utf-8")
    rijen = list(csv.DictReader(io.StringIO(tekst[1:], newline=""), delimiter=";"))
    verwacht = Vergelijking(van, tot, gemeente=gemeente).voor_gemeente(gemeente).verschillen
    assert len(rijen) == len(verwacht) > 0
    assert all(r["gemeente"] == gemeente.naam and r["bewijs"] for r in rijen)


def test_a_date_pair_change_through_the_form(browser, live_url, peildata):
    van, tot = peildata
    browser.get(f"{live_url}/veranderingen/")
    # Reversed: the page says why, and shows no comparison.
    Select(browser.find_element(By.ID, "id_van")).select_by_value(tot.code)
    Select(browser.find_element(By.ID, "id_tot")).select_by_value(van.code)
    verstuur(browser)
    assert parse_qs(urlparse(browser.current_url).query)["van"] == [tot.code]
    melding = lees(browser, "[role=alert]")
    assert melding and "vóór de tweede" in melding[0]
    assert not lees(browser, "#per-gemeente")
    # Back in order: the comparison is there, for the pair chosen.
    Select(browser.find_element(By.ID, "id_van")).select_by_value(van.code)
    Select(browser.find_element(By.ID, "id_tot")).select_by_value(tot.code)
    verstuur(browser)
    query = parse_qs(urlparse(browser.current_url).query)
    assert (query["van"], query["tot"]) == ([van.code], [tot.code])
    assert not lees(browser, "[role=alert]")
    assert f"tussen {van.naam} en {tot.naam}" in browser.find_element(By.TAG_NAME, "h1").text
    assert lees(browser, "#per-gemeente")
