"""The site in a real Chromium, on the real dataset: the filter form narrows the list, the
CSV download parses and matches the list, the header search, the peildatum switch, 320 px.

Screenshots of the last page of each test land in artifacts/ (git-ignored).
"""

import csv
import io
import time
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from gemeenten import models

pytestmark = pytest.mark.browser

FILTERKNOP = ".filters button[type=submit]"


@pytest.fixture
def peildatum(live_url):
    peildatum = models.Peildatum.objects.exclude(code__startswith="t").order_by("-datum").first()
    assert peildatum is not None, "the real dataset (fixtures/) is not loaded"
    return peildatum


def verstuur(browser):
    """Submit the filter form and wait until the next page has replaced this one."""
    oud = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, FILTERKNOP).click()
    WebDriverWait(browser, 10).until(staleness_of(oud))


def aantal(browser):
    return int(browser.find_element(By.CSS_SELECTOR, "[data-testid=aantal]").text)


def tabelnamen(browser):
    return [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, "#samenwerkingen-tabel tbody th a")
    ]


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
    assert int(cijfers[0].text) == models.Gemeente.objects.op(peildatum.datum).count()


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
    verwacht = (
        models.Samenwerking.objects.in_stand(peildatum)
        .zonder_regio_indelingen()
        .filter(taakveld__code=code)
        .count()
    )
    assert 0 < gefilterd == verwacht <= alle
    for cel in browser.find_elements(
        By.CSS_SELECTOR, "#samenwerkingen-tabel tbody tr td:first-of-type"
    ):
        assert cel.text.split()[0] == code
    # The visible toggle brings the regional divisions into the list.
    browser.get(f"{live_url}/samenwerkingen/?peildatum={peildatum.code}")
    toggle = browser.find_element(By.NAME, "regio")
    assert toggle.is_displayed() and not toggle.is_selected()
    toggle.click()
    verstuur(browser)
    met_regio = aantal(browser)
    regio = models.Samenwerking.objects.in_stand(peildatum).filter(soort="regio_indeling").count()
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
        models.Gemeente.objects.op(peildatum.datum)
        .filter(deelnames__stand__peildatum=peildatum)
        .order_by("naam")
        .first()
    )
    browser.get(
        f"{live_url}/samenwerkingen/?peildatum={peildatum.code}&gemeente={gemeente.cbs_code}"
    )
    n = aantal(browser)
    assert 0 < n <= 50, "one page, so the table holds the whole selection"
    namen = tabelnamen(browser)
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
    gemeente = models.Gemeente.objects.op(peildatum.datum).order_by("naam").first()
    browser.get(f"{live_url}/over/?peildatum={peildatum.code}")
    vak = browser.find_element(By.ID, "zoekvak-q")
    vak.send_keys(gemeente.naam[:3])
    oud = browser.find_element(By.TAG_NAME, "html")
    vak.submit()
    WebDriverWait(browser, 10).until(staleness_of(oud))
    assert urlparse(browser.current_url).path in ("/zoeken/", gemeente.get_absolute_url())
    if urlparse(browser.current_url).path == "/zoeken/":
        assert gemeente.naam in browser.find_element(By.ID, "inhoud").text
    vak = browser.find_element(By.ID, "zoekvak-q")
    vak.clear()
    vak.send_keys(gemeente.cbs_code)
    oud = browser.find_element(By.TAG_NAME, "html")
    vak.submit()
    WebDriverWait(browser, 10).until(staleness_of(oud))
    url = urlparse(browser.current_url)
    assert url.path == gemeente.get_absolute_url()
    assert parse_qs(url.query)["peildatum"] == [peildatum.code]
    assert browser.find_element(By.TAG_NAME, "h1").text == gemeente.naam


def test_peildatum_switch_keeps_the_page(browser, live_url, peildatum):
    andere = models.Peildatum.objects.exclude(pk=peildatum.pk).exclude(code__startswith="t")
    andere = andere.first()
    if andere is None:
        pytest.skip("only one snapshot in the dataset")
    browser.get(f"{live_url}/samenwerkingen/?peildatum={peildatum.code}&regio=1")
    oud = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.LINK_TEXT, andere.code).click()
    WebDriverWait(browser, 10).until(staleness_of(oud))
    query = parse_qs(urlparse(browser.current_url).query)
    assert query["peildatum"] == [andere.code] and query["regio"] == ["1"]
    assert andere.naam in browser.find_element(By.CSS_SELECTOR, ".peildatumbalk").text
    verwacht = models.Samenwerking.objects.in_stand(andere).count()
    assert aantal(browser) == verwacht


def test_pages_fit_320_pixels(browser, live_url, peildatum):
    gemeente = models.Gemeente.objects.op(peildatum.datum).order_by("naam").first()
    browser.set_window_size(320, 800)
    try:
        for pad in ("/", "/samenwerkingen/", gemeente.get_absolute_url(), "/gemeenten/"):
            browser.get(f"{live_url}{pad}?peildatum={peildatum.code}")
            breed, zichtbaar = browser.execute_script(
                "return [document.documentElement.scrollWidth,"
                " document.documentElement.clientWidth]"
            )
            assert breed <= zichtbaar, pad
    finally:
        browser.set_window_size(1280, 900)
