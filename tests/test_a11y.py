"""Accessibility audit: axe-core (npm package, pinned in package-lock.json) in real Chromium.

Every HTML page type (discovered from the URLconf) for every snapshot, plus the 404 page,
must have no axe violations of any impact (minor and moderate included). All violations are
written to artifacts/a11y.json for the record. `make test` installs axe-core first (`npm ci`).
"""

import json
import os
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from gemeenten.models import Peildatum

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORT = ROOT / "artifacts" / "a11y.json"

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(result => done({violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200)}))
  }))}))
  .catch(error => done({error: String(error)}));
"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        message = f"{AXE.relative_to(ROOT)} is missing: run `npm ci` (make test does)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def html_pages():
    """Every route that is not a download (CSV, JSON, GeoJSON, SVG, PNG), for every snapshot."""
    from tests.test_security import public_routes

    pages = [
        url
        for _, url in public_routes()
        if not url.rstrip("/").endswith((".csv", ".json", ".geojson", ".svg", ".png", ".yaml"))
    ]
    codes = list(
        Peildatum.objects.exclude(code__startswith="t")
        .order_by("datum")
        .values_list("code", flat=True)
    )
    urls = [f"{url}?peildatum={code}" for url in pages for code in codes] or pages
    # States a bare URL does not show: search results, a filtered list with its chips.
    states = [
        "/zoeken/?q=zorg",
        "/samenwerkingen/?q=zorg&soort=gemeenschappelijke_regeling",
        # The map's views: the patchwork of a theme, the partners of one municipality, one
        # arrangement highlighted, and the count view of a theme.
        "/kaart/?taakveld=6",
        "/kaart/?weergave=partners&gemeente=groningen",
        "/kaart/?weergave=intensiteit&taakveld=7",
        f"/kaart/?samenwerking={_een_samenwerking()}",
        # The change pages: a municipality formed by a merger, a successor link, a refused pair.
        "/gemeenten/midden-groningen/veranderingen/?van=2016&tot=2026",
        "/samenwerkingen/werkplein-drentsche-aa/veranderingen/",
        "/veranderingen/?van=2026&tot=2016",
        "/kaart/?weergave=congruentie",
        # Search: a former name, other participants with their arrangements, a typo.
        "/zoeken/?q=haren",
        "/zoeken/?q=waterschap",
        "/zoeken/?q=tynarlo",
        "/samenwerkingen/?q=tynarlo",
        # The map's patchwork with too many arrangements, its network and compare views.
        "/kaart/?taakveld=6&weergave=netwerk",
        "/kaart/?taakveld=6.92&soort=regio_indeling&weergave=vergelijk&vergelijk=arbeidsmarktregio",
        # Size and reach, and an old link whose `schaal` the form then shows.
        "/samenwerkingen/?grootte=een&reikwijdte=binnen-provincie",
        "/samenwerkingen/?schaal=bilateraal",
        "/kaart/?schaal=subregionaal&grootte=drie-tot-vijf",
        *GEBIED_STATES,
    ]
    return urls + states + ["/test-bestaat-niet/"]


# Another area than the default (gemeenten/gebied.py), and the refusal of an unknown one.
GEBIED_STATES = [
    "/?gebied=nederland",
    "/kaart/?gebied=drenthe&taakveld=6",
    "/samenwerkingen/?gebied=fryslan&taakveld=7",
    "/samenwerkingen/?gebied=friesland",
]


def _een_samenwerking():
    from gemeenten.models import Samenwerking

    return Samenwerking.objects.exclude(slug__startswith="test-").values_list("slug", flat=True)[0]


def audit(browser, url, axe_source):
    browser.get(url)
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )
    # Let the map (if any) draw its polygons before the audit.
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script(
            "const m = document.querySelector('.leaflet-container');"
            "return !m || m.querySelector('path, .leaflet-marker-icon') !== null"
            " || document.querySelector('[data-kaart-fout]') !== null;"
        )
    )
    browser.execute_script(axe_source)
    browser.set_script_timeout(60)
    result = browser.execute_async_script(RUN_AXE)
    assert "error" not in result, (url, result.get("error"))
    return result["violations"]


def test_no_axe_violations(browser, live_url, axe_source):
    report = {}
    blocking = []
    for path in html_pages():
        violations = audit(browser, live_url + path, axe_source)
        report[path] = violations
        for violation in violations:
            for node in violation["nodes"]:
                blocking.append(
                    f"{path}: {violation['id']} ({violation['impact']}: {violation['help']})"
                    f" at {node['target']}: {node['html']}"
                )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        "\naxe: "
        + ", ".join(f"{path} {len(v)}" for path, v in report.items())
        + f" — {len(blocking)} violating nodes"
    )
    assert not blocking, "\n".join(blocking)


def test_area_states_have_no_axe_violations(browser, live_url, axe_source):
    """The area switcher and the pages of another area (also part of html_pages)."""
    assert set(GEBIED_STATES) <= set(html_pages())
    blocking = [
        f"{path}: {violation['id']} at {node['target']}"
        for path in GEBIED_STATES
        for violation in audit(browser, live_url + path, axe_source)
        for node in violation["nodes"]
    ]
    assert not blocking, "\n".join(blocking)


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_standalone_error_pages_have_no_violations(browser, axe_source, template, tmp_path):
    """500 and 503 are rendered without a request; audited as files in the same browser."""
    from django.template import loader

    page = tmp_path / template
    page.write_text(loader.render_to_string(template))
    browser.get(page.as_uri())
    browser.execute_script(axe_source)
    result = browser.execute_async_script(RUN_AXE)
    assert not result["violations"], (template, result["violations"])


def test_the_audit_can_fail(browser, live_url, axe_source):
    """A page with known violations is caught: an image without alt and an unlabelled input
    (critical), and text outside every landmark (moderate: it counts too)."""
    browser.get(live_url + "/test-bestaat-niet/")
    browser.execute_script(
        "document.querySelector('main, body').insertAdjacentHTML('beforeend',"
        ' \'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">\');'
        "document.body.insertAdjacentHTML('afterbegin', '<p>Buiten elk landmark</p>');"
    )
    browser.execute_script(axe_source)
    result = browser.execute_async_script(RUN_AXE)
    found = {v["id"]: v["impact"] for v in result["violations"]}
    assert {"image-alt", "label", "region"} <= set(found), found
    assert found["region"] == "moderate", found
