"""The national map in a real Chromium (real dataset): the overview level of the whole
country (390 polygons in 2016, 342 in 2026) and of a province, and the detailed north
swapped in when zoomed in there (gemeenten/kaartlagen.py, static/js/kaartpagina.js)."""

import pytest

from gemeenten import kaartlagen
from gemeenten.models import Gemeente, Peildatum
from tests.test_browser_kaart import (  # noqa: F401 (fixtures)
    WACHT,
    kaart,
    kaartelement,
    vlakken,
    zonder_tegels,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("code", "aantal"), [("2016", 390), ("2026", 342)])
def test_the_country_draws_every_municipality(kaart, code, aantal):  # noqa: F811
    browser = kaart(f"peildatum={code}&gebied=nederland")
    assert len(vlakken(browser)) == aantal
    codes = {p.get_attribute("data-code") for p in vlakken(browser)}
    assert len(codes) == aantal
    # The whole country in view: the detailed north is not loaded.
    assert kaartelement(browser).get_attribute("data-detail") == "0"


def test_a_province_draws_its_municipalities_only(kaart):  # noqa: F811
    peildatum = Peildatum.objects.get(code="2026")
    verwacht = set(
        Gemeente.objects.op(peildatum.datum)
        .filter(provincie__code="PV26", grenzen__niveau="overzicht")
        .values_list("cbs_code", flat=True)
    )
    browser = kaart("peildatum=2026&gebied=utrecht")
    assert {p.get_attribute("data-code") for p in vlakken(browser)} == verwacht


def test_zooming_in_on_the_north_swaps_in_the_detailed_boundaries(kaart):  # noqa: F811
    from selenium.webdriver.support.ui import WebDriverWait

    browser = kaart("peildatum=2026&gebied=nederland")
    voor = browser.execute_script(
        "return Atlaskaart.pagina.lagen.get('GM0014').getLatLngs().flat(3).length"
    )
    browser.execute_script(
        f"Atlaskaart.pagina.kaart.setView([53.22, 6.57], {kaartlagen.DETAIL_ZOOM})"
    )
    WebDriverWait(browser, WACHT).until(
        lambda b: kaartelement(b).get_attribute("data-detail") not in (None, "0")
    )
    # Every northern municipality of the snapshot (40 in 2026) got its detailed geometry.
    assert kaartelement(browser).get_attribute("data-detail") == "40"
    na = browser.execute_script(
        "return Atlaskaart.pagina.lagen.get('GM0014').getLatLngs().flat(3).length"
    )
    assert na != voor
    assert len(vlakken(browser)) == 342
