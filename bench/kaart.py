"""The map's measurements for issue 11: payload per level and first map paint per area.

For bench/run.py (nat-stack) to call against the stack it starts:

    from bench import kaart
    kaart.payloads(base_url)            # {(peildatum, gebied): (raw bytes, gzip bytes)}
    kaart.map_paint(base_url, loads=5)  # {"/kaart/?…": {"map_paint_ms", "map_paint_max_ms"}}

Standalone, against a running server:

    .venv/bin/python bench/kaart.py http://127.0.0.1:8000

The first map paint is the frame after the first polygon path is in the DOM (the same mark
as bench/run.py), with the browser cache disabled, median of `loads` loads.
"""

import gzip
import json
import shutil
import statistics
import sys
import tempfile
import urllib.request

SNAPSHOTS = ("2016", "2026")
# The levels: the north's detailed layer (no gebied, the bytes of before), the national
# overview, and one province's overview.
GEBIEDEN = (None, "nederland", "utrecht")
PAINT_PAGES = (
    "/kaart/?peildatum=2026",
    "/kaart/?peildatum=2026&gebied=nederland",
    "/kaart/?peildatum=2016&gebied=nederland",
    "/kaart/?peildatum=2026&gebied=limburg",
)

MARK_MAP_PAINT = """
(() => {
  const mark = () => {
    if (window.__mapPaint) return true;
    if (document.querySelector('.leaflet-overlay-pane path')) {
      requestAnimationFrame(() => { window.__mapPaint = window.__mapPaint || performance.now(); });
      return true;
    }
    return false;
  };
  new MutationObserver((records, observer) => { if (mark()) observer.disconnect(); })
    .observe(document, {childList: true, subtree: true});
})();
"""


def geojson_path(peildatum, gebied):
    path = f"/api/gemeenten.geojson?peildatum={peildatum}"
    return path + (f"&gebied={gebied}" if gebied else "")


def payloads(base_url, snapshots=SNAPSHOTS, gebieden=GEBIEDEN):
    """Raw and gzip bytes as served (Accept-Encoding: gzip) per snapshot and area."""
    results = {}
    for peildatum in snapshots:
        for gebied in gebieden:
            request = urllib.request.Request(
                base_url + geojson_path(peildatum, gebied), headers={"Accept-Encoding": "gzip"}
            )
            with urllib.request.urlopen(request) as response:
                body = response.read()
                encoded = response.headers.get("Content-Encoding") == "gzip"
            raw = gzip.decompress(body) if encoded else body
            features = len(json.loads(raw)["features"])
            results[(peildatum, gebied or "noord")] = {
                "features": features,
                "raw": len(raw),
                "gzip": len(body) if encoded else len(gzip.compress(raw)),
            }
    return results


def map_paint(base_url, pages=PAINT_PAGES, loads=5):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--window-size=1280,900",
        f"--user-data-dir={tempfile.mkdtemp(prefix='bench-kaart-chromium-')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    results = {}
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MARK_MAP_PAINT})
        for page in pages:
            paints = []
            for _ in range(loads):
                driver.get(base_url + page)
                WebDriverWait(driver, 30).until(
                    lambda d: d.execute_script("return window.__mapPaint")
                )
                paints.append(driver.execute_script("return window.__mapPaint"))
            results[page] = {
                "map_paint_ms": round(statistics.median(paints)),
                "map_paint_max_ms": round(max(paints)),
            }
    finally:
        driver.quit()
    return results


if __name__ == "__main__":
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    for (peildatum, gebied), maat in payloads(base).items():
        print(
            f"{peildatum} {gebied}: {maat['features']} features, {maat['raw']} raw, "
            f"{maat['gzip']} gzip"
        )
    for page, maat in map_paint(base).items():
        print(f"{page}: {maat['map_paint_ms']} ms median, {maat['map_paint_max_ms']} ms max")
