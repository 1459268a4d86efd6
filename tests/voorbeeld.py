"""A saved sample of the site's answers, to prove that a URL without `gebied` keeps its meaning.

`URLS` are the addresses a raadslid or journalist may have pasted into a memo before the site
became national. `opnemen()` reads what each returns now and reduces it to what the address
*means*:

- a download (CSV, JSON, GeoJSON): its whole body;
- an HTML page: its title, its headings, the text of every table cell and list item in the main
  content, and every link into the site (path and query), in page order.

The chrome around that (navigation, the area switcher, the footer, the dataset version) may
change; the answer may not. `tests/test_voorbeeld.py` compares today's answers with the saved
sample `tests/data/voorbeeld.json.gz`, which `python -m tests.voorbeeld` (re)writes. Rewrite it
only when a change of meaning is intended, and say so in the commit.
"""

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

BESTAND = Path(__file__).parent / "data" / "voorbeeld.json.gz"
# The Dutch municipalities outside the north as the sample named them: participants
# (Organisatie) then, municipalities (Gemeente) once the registry is national.
BUITEN = Path(__file__).parent / "data" / "voorbeeld-buiten-noord.json"

_PAGINAS = [
    "/",
    "/gemeenten/",
    "/gemeenten/groningen/",
    "/gemeenten/tynaarlo/",
    "/gemeenten/sudwest-fryslan/",
    "/gemeenten/westerkwartier/",
    "/samenwerkingen/",
    "/samenwerkingen/?taakveld=7",
    "/samenwerkingen/?q=zorg&soort=gemeenschappelijke_regeling",
    "/samenwerkingen/?gemeente=assen",
    "/samenwerkingen/?provincie=drenthe",
    "/samenwerkingen/?regio=1",
    "/samenwerkingen/?page=2",
    "/samenwerkingen/afeer/",
    "/samenwerkingen/recreatieschap-marrekrite/",
    "/samenwerkingen/wmo-regio-friesland/",
    "/kaart/",
    "/kaart/?taakveld=6",
    "/kaart/?samenwerking=recreatieschap-marrekrite",
    "/kaart/?weergave=partners&gemeente=groningen",
    "/kaart/?weergave=netwerk&regio=1",
    "/zoeken/?q=gron",
    "/veranderingen/",
    "/gemeenten/groningen/veranderingen/",
]
_DOWNLOADS = [
    "/gemeenten.csv",
    "/gemeenten/groningen.csv",
    "/gemeenten/tynaarlo.csv",
    "/samenwerkingen.csv",
    "/samenwerkingen.csv?taakveld=7",
    "/api/samenwerkingen.json",
    "/api/samenwerkingen.json?gemeente=emmen",
    "/api/samenwerkingen/recreatieschap-marrekrite.json",
    "/api/gemeenten.geojson",
    "/api/gemeenten.geojson?taakveld=6",
    "/api/zoeken.json?q=sudwest",
    "/kaart/paren.csv",
    "/veranderingen.csv",
    "/gemeenten/groningen/veranderingen.csv",
]


def _met(url, extra):
    return url + ("&" if "?" in url else "?") + extra


URLS = (
    _PAGINAS
    + _DOWNLOADS
    + [_met(u, "peildatum=2016") for u in _PAGINAS + _DOWNLOADS if "veranderingen" not in u]
    + ["/gemeenten/haren/?peildatum=2016", "/gemeenten/haren.csv?peildatum=2016"]
)


class _Inhoud(HTMLParser):
    """Collects the meaning of an HTML page (see the module docstring)."""

    BLOKKEN = {"h1", "h2", "h3", "td", "th", "li", "title", "caption", "dt", "dd"}
    OVERSLAAN = {"script", "style", "nav", "footer", "header", "form", "select"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.regels = []
        self.open = []
        self.overslaan = 0
        self.in_main = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag in self.OVERSLAAN:
            self.overslaan += 1
        if self.overslaan or not (self.in_main or tag == "title"):
            return
        if tag in self.BLOKKEN:
            self.open.append([tag, ""])
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("/static/"):
            self.regels.append(f"a {href}")

    def handle_endtag(self, tag):
        if tag in self.OVERSLAAN and self.overslaan:
            self.overslaan -= 1
        if tag == "main":
            self.in_main = False
        if self.open and self.open[-1][0] == tag:
            naam, tekst = self.open.pop()
            tekst = " ".join(tekst.split())
            if tekst:
                self.regels.append(f"{naam} {tekst}")

    def handle_data(self, data):
        if self.open and not self.overslaan:
            self.open[-1][1] += data


def _punten(coordinaten):
    if coordinaten and isinstance(coordinaten[0], (int, float)):
        yield coordinaten
        return
    for deel in coordinaten:
        yield from _punten(deel)


def _zonder_coordinaten(data):
    """A geometry by its parts and its box to 0.0001°: the shape is compared and the sample
    stays small. SpatiaLite and PostGIS simplify a little differently: `zelfde_vorm` allows
    0.002° (about 200 m)."""
    if isinstance(data, dict):
        return {
            k: (_omvang(v) if k == "coordinates" else _zonder_coordinaten(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_zonder_coordinaten(v) for v in data]
    return data


def _omvang(coordinaten):
    punten = list(_punten(coordinaten))
    xs, ys = [p[0] for p in punten], [p[1] for p in punten]
    box = [round(v, 4) for v in (min(xs), min(ys), max(xs), max(ys))]
    return f"{len(coordinaten)} delen, {box}"


VORM = re.compile(r'"coordinates": "(\d+) delen, \[([^\]]*)\]"')


def zelfde_vorm(a, b):
    """Two lines that give the same geometry within 0.002° (or are equal)."""
    if a == b:
        return True
    ma, mb = VORM.search(a), VORM.search(b)
    if not (ma and mb) or ma.group(1) != mb.group(1) or a[: ma.start()] != b[: mb.start()]:
        return False
    pa = [float(v) for v in ma.group(2).split(",")]
    pb = [float(v) for v in mb.group(2).split(",")]
    return all(abs(x - y) <= 0.002 for x, y in zip(pa, pb, strict=True))


def betekenis(response):
    """What one response means: [status, content type, lines]."""
    soort = response.get("Content-Type", "").split(";")[0]
    body = response.content.decode("utf-8")
    if soort == "text/html":
        parser = _Inhoud()
        parser.feed(body)
        regels = parser.regels
    elif soort.endswith("json"):
        regels = json.dumps(_zonder_coordinaten(json.loads(body)), indent=1, ensure_ascii=False)
        regels = regels.splitlines()
    else:
        regels = body.splitlines()
    return [response.status_code, soort, regels]


HOST = "127.0.0.1"


def vraag(client, url):
    """What `url` means now (absolute links in the CSV name the host)."""
    return betekenis(client.get(url, HTTP_HOST=HOST))


def opnemen(client):
    return {url: vraag(client, url) for url in URLS}


def opgeslagen():
    with gzip.open(BESTAND, "rt", encoding="utf-8") as f:
        return json.load(f)


def _schrijf(voorbeeld):
    BESTAND.parent.mkdir(exist_ok=True)
    tekst = json.dumps(voorbeeld, ensure_ascii=False, indent=0, sort_keys=True)
    with gzip.GzipFile(BESTAND, "wb", mtime=0) as f:
        f.write(tekst.encode("utf-8"))


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenwerking.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    django.setup()
    from django.test import Client

    from gemeenten.models import Organisatie

    _schrijf(opnemen(Client()))
    buiten = Organisatie.objects.filter(soort="gemeente", land="NL")
    BUITEN.write_text(
        json.dumps(
            {o.naam: o.identificatie.rsplit("/", 1)[1].upper() for o in buiten},
            ensure_ascii=False,
            indent=0,
            sort_keys=True,
        )
        + "\n"
    )
    print(f"{len(URLS)} answers saved in {BESTAND}")
