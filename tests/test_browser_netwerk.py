"""The network and compare views and the too-many notice in a real Chromium (issue 10,
items 4, 6 and 7), on the real dataset: the lines and outlines are drawn (as many as the
server sent), their tables are there, and switching the view in the form draws them too."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WACHT = 15
VERGELIJK = "taakveld=6.92&soort=regio_indeling&weergave=vergelijk&vergelijk=arbeidsmarktregio"

# Everything read in one script: the server's view, what was drawn, the tables.
STAAT = """
const bron = document.getElementById('kaart-beeld');
const beeld = bron ? JSON.parse(bron.textContent) : null;
const kaart = document.getElementById('kaart');
return {
  geladen: kaart.dataset.geladen || '',
  weergave: kaart.dataset.weergave || '',
  staat: document.getElementById('kaart-tabel').dataset.staat || '',
  lijnen: beeld && beeld.lijnen ? beeld.lijnen.lijnen.length : null,
  omtrekken_a: beeld && beeld.omtrekken ? beeld.omtrekken.filter(o => o.kant === 'a').length : null,
  omtrekken_b: beeld && beeld.omtrekken ? beeld.omtrekken.filter(o => o.kant === 'b').length : null,
  getekend: kaart.querySelectorAll('path.kaart-lijn').length,
  getekend_a: kaart.querySelectorAll('path.kaart-omtrek-a').length,
  getekend_b: kaart.querySelectorAll('path.kaart-omtrek-b').length,
  dash_b: (kaart.querySelector('path.kaart-omtrek-b') || {getAttribute: () => null})
    .getAttribute('stroke-dasharray'),
  zwaarste_breedte: (kaart.querySelector('path.lijn-4') || {getAttribute: () => null})
    .getAttribute('stroke-width'),
  css_breedte: getComputedStyle(document.documentElement)
    .getPropertyValue('--kaart-lijnbreedte-4').trim(),
  paren: document.querySelectorAll('#kaart-tabel table.kaart-paren tbody tr').length,
  vergelijk: document.querySelectorAll('#kaart-tabel table.kaart-vergelijk tbody tr').length,
  te_veel: (document.getElementById('kaart-te-veel') || {innerText: ''}).innerText,
  smaller: document.querySelectorAll('#kaart-te-veel .kaart-smaller a').length,
  dichtheid: document.querySelectorAll('#kaart-tabel table.kaart-dichtheid tbody tr').length,
  tabstops: kaart.querySelectorAll('path.kaart-lijn[tabindex], path.kaart-omtrek[tabindex]').length,
};
"""


@pytest.fixture
def open_kaart(browser, live_url, settings):
    settings.MAP_TILE_URL = ""
    browser.get_log("browser")

    def open_(query):
        browser.get(f"{live_url}/kaart/?{query}")
        WebDriverWait(browser, WACHT).until(
            lambda b: b.execute_script(STAAT)["geladen"] in ("ja", "fout")
        )
        staat = browser.execute_script(STAAT)
        assert staat["geladen"] == "ja"
        return staat

    yield open_
    fouten = [
        regel
        for regel in browser.get_log("browser")
        if regel["level"] == "SEVERE" and "/favicon.ico" not in regel["message"]
    ]
    assert not fouten, fouten


def test_the_network_view_draws_every_line_and_has_its_pair_table(open_kaart):
    staat = open_kaart("taakveld=6&weergave=netwerk")
    assert staat["weergave"] == "netwerk"
    assert staat["lijnen"] > 0 and staat["getekend"] == staat["lijnen"]
    assert staat["paren"] == min(staat["lijnen"], 50)
    # Width from the one definition in kaart.css; lines are no tab stops.
    assert staat["zwaarste_breedte"] == staat["css_breedte"]
    assert staat["tabstops"] == 0


def test_the_compare_view_draws_both_outlines_and_has_its_table(open_kaart):
    staat = open_kaart(VERGELIJK)
    assert staat["weergave"] == "vergelijk"
    assert staat["omtrekken_a"] > 0 and staat["omtrekken_b"] > 0
    # One path per region (a region's outline may have several rings: one path each).
    assert staat["getekend_a"] == staat["omtrekken_a"]
    assert staat["getekend_b"] == staat["omtrekken_b"]
    assert staat["dash_b"]  # B is dashed (--kaart-omtrekstreep-b)
    assert staat["vergelijk"] == staat["omtrekken_a"]


def test_too_many_arrangements_say_so_with_narrower_links(open_kaart):
    staat = open_kaart("taakveld=6")
    assert "Te veel samenwerkingen" in staat["te_veel"]
    assert staat["smaller"] > 0
    assert staat["dichtheid"] > 0
    assert staat["getekend"] == 0  # no network lines in the patchwork


def test_switching_to_the_network_in_the_form_draws_it_and_back_removes_it(open_kaart, browser):
    open_kaart("taakveld=6&weergave=lapjes")
    Select(browser.find_element(By.ID, "keuze-weergave")).select_by_value("netwerk")
    WebDriverWait(browser, WACHT).until(lambda b: b.execute_script(STAAT)["weergave"] == "netwerk")
    staat = browser.execute_script(STAAT)
    assert staat["getekend"] == staat["lijnen"] > 0 and staat["paren"] > 0
    assert "weergave=netwerk" in browser.current_url
    Select(browser.find_element(By.ID, "keuze-weergave")).select_by_value("lapjes")
    WebDriverWait(browser, WACHT).until(lambda b: b.execute_script(STAAT)["weergave"] == "lapjes")
    assert browser.execute_script(STAAT)["getekend"] == 0
