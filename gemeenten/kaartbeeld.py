"""The map as a file: "Download deze kaart" as SVG and PNG, rendered on the server.

Two parts, kept apart on purpose:

1. The renderer (`Kaartbeschrijving` → `svg()` → `png()`): knows nothing of the database or
   of the map page. It takes a plain description of one view (municipalities with geometry
   and concrete fill colours, a legend, title, peildatum, attribution, URL) and draws it in
   EPSG:28992 metres, so the north of the country is not stretched. The PNG is the same SVG
   converted by CairoSVG.
2. The adapter (`KaartbeeldView`, `beschrijving`): the /kaart/ view itself (`KaartView`: the
   list's filterset, the map's own form, the peildatum mixin, so the same 400s) computes a
   `kaart.Kaartbeeld`; the adapter only turns its palette slots into the colour values of
   the single definition, the `--kaart-*` custom properties of static/css/kaart.css.
"""

import functools
import re
import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import LineString, MultiPolygon, Polygon
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page

from . import kaart, netwerk

RD = 28992  # Amersfoort / RD New: metres, the projection Dutch maps are drawn in

# ---- 1. the renderer ---------------------------------------------------------------------


@dataclass(frozen=True)
class Vlak:
    """One municipality: its geometry (MultiPolygon or Polygon, SRID 4326 or 28992) and how it
    is painted. One colour fills it; two or more stripe it (an overlap)."""

    naam: str
    geometrie: object
    kleuren: tuple
    rand: str = "#ffffff"
    randdikte: float = 1.0
    label: str = ""  # drawn in a circle on the largest part, e.g. the number of overlaps
    beschrijving: str = ""  # the path's <title>: what a reader of the SVG hears or hovers


@dataclass(frozen=True)
class Legendaregel:
    """A swatch and its text; no colour: a line of text only; several: a striped swatch."""

    kleuren: tuple
    tekst: str


@dataclass(frozen=True)
class Lijn:
    """A line over the municipalities (the network's pairs, a compare view's outlines):
    points as (lat, lon) in SRID 4326, as the page's JSON has them."""

    punten: tuple
    kleur: str
    breedte: float = 1.0
    dekking: float = 1.0
    streep: str = ""  # an SVG stroke-dasharray, e.g. "6 5"


@dataclass(frozen=True)
class Kaartbeschrijving:
    titel: str
    vlakken: list
    legenda_titel: str
    legenda: list
    peildatum: str
    bronnen: str
    url: str
    # Optional (minx, miny, maxx, maxy) in EPSG:28992 to zoom to; None: every municipality.
    uitsnede: tuple | None = None
    achtergrond: str = "#f5f7fa"
    lijnen: tuple = ()


BREEDTE = 1000
MARGE = 20
KAART_BREEDTE = 620
KAART_HOOGTE_MAX = 600
LEGENDA_X = MARGE + KAART_BREEDTE + 24
LEGENDA_BREEDTE = BREEDTE - MARGE - LEGENDA_X
BINNENMARGE = 10  # between the map frame and the nearest municipality
LETTER = "DejaVu Sans, Verdana, Arial, sans-serif"
# DejaVu Sans is wide: about 0.6 em per character on average (bold 0.7); used to wrap lines.
TEKENBREEDTE = 0.6
TEKENBREEDTE_VET = 0.7


def _getal(waarde):
    tekst = f"{waarde:.1f}"
    return tekst[:-2] if tekst.endswith(".0") else tekst


def _regels(tekst, grootte, breedte, vet=False):
    """The text wrapped to lines that fit `breedte` px at font size `grootte`."""
    tekens = max(10, int(breedte / (grootte * (TEKENBREEDTE_VET if vet else TEKENBREEDTE))))
    return textwrap.wrap(tekst, tekens, break_long_words=True, break_on_hyphens=False) or [""]


def _tekst(x, y, regels, grootte, regelhoogte, **attributen):
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attributen.items())
    spans = "".join(
        f'<tspan x="{_getal(x)}" y="{_getal(y + i * regelhoogte)}">{escape(regel)}</tspan>'
        for i, regel in enumerate(regels)
    )
    return f'<text font-size="{grootte}"{extra}>{spans}</text>'


class _Patronen:
    """The stripe patterns of a drawing, one per combination of colours, numbered."""

    def __init__(self):
        self.ids = {}

    def vulling(self, kleuren):
        if len(kleuren) == 1:
            return kleuren[0]
        if kleuren not in self.ids:
            self.ids[kleuren] = f"streep-{len(self.ids) + 1}"
        return f"url(#{self.ids[kleuren]})"

    def defs(self):
        delen = []
        for kleuren, ident in self.ids.items():
            streep = maten()["streep"]  # stripe width of an overlap, in px, as on the page
            zijde = streep * len(kleuren)
            strepen = "".join(
                f'<rect x="{_getal(i * streep)}" y="0" width="{_getal(streep)}"'
                f' height="{_getal(zijde)}"'
                f" fill={quoteattr(kleur)}/>"
                for i, kleur in enumerate(kleuren)
            )
            delen.append(
                f'<pattern id="{ident}" patternUnits="userSpaceOnUse" width="{_getal(zijde)}"'
                f' height="{_getal(zijde)}" patternTransform="rotate(45)">{strepen}</pattern>'
            )
        return "".join(delen)


@functools.cache
def _naar_rd(srid):
    # Building the transformation costs about 40 ms; per geometry that was 2.6 s a map.
    return CoordTransform(SpatialReference(srid), SpatialReference(RD))


def _in_rd(geometrie):
    if geometrie.srid in (None, RD):
        return geometrie
    return geometrie.transform(_naar_rd(geometrie.srid), clone=True)


def _veelhoeken(geometrie):
    if isinstance(geometrie, Polygon):
        return [geometrie]
    if isinstance(geometrie, MultiPolygon):
        return list(geometrie)
    raise ValueError(f"Een gemeentevlak moet een (Multi)Polygon zijn, niet {geometrie.geom_type}.")


class _Projectie:
    """EPSG:28992 metres to px in the map frame (y downwards), fitted to an extent."""

    def __init__(self, extent, x0, y0):
        minx, miny, maxx, maxy = extent
        breedte = max(maxx - minx, 1.0)
        hoogte = max(maxy - miny, 1.0)
        binnen = KAART_BREEDTE - 2 * BINNENMARGE
        self.schaal = min(binnen / breedte, (KAART_HOOGTE_MAX - 2 * BINNENMARGE) / hoogte)
        self.hoogte = hoogte * self.schaal + 2 * BINNENMARGE
        # Centre the extent horizontally when its height limits the scale.
        self.x0 = x0 + BINNENMARGE + (binnen - breedte * self.schaal) / 2
        self.y0 = y0 + BINNENMARGE
        self.minx, self.maxy = minx, maxy

    def punt(self, x, y):
        return (self.x0 + (x - self.minx) * self.schaal, self.y0 + (self.maxy - y) * self.schaal)

    def pad(self, geometrie):
        """SVG path data: simplified to half a pixel, rounded to 0.1 px, repeats dropped."""
        vereenvoudigd = geometrie.simplify(0.5 / self.schaal, preserve_topology=True)
        stukken = []
        for veelhoek in _veelhoeken(vereenvoudigd) if not vereenvoudigd.empty else []:
            for ring in veelhoek:
                punten = []
                for x, y in ring.coords:
                    punt = tuple(_getal(v) for v in self.punt(x, y))
                    if not punten or punten[-1] != punt:
                        punten.append(punt)
                if len(punten) > 1 and punten[0] == punten[-1]:
                    punten.pop()
                if len(punten) >= 3:
                    (x, y), *rest = punten
                    stukken.append(f"M{x} {y}L" + " ".join(f"{a} {b}" for a, b in rest) + "Z")
        return "".join(stukken)


def _labelpunt(geometrie):
    """A point inside the largest part (not in the sea between a municipality's islands)."""
    grootste = max(_veelhoeken(geometrie), key=lambda veelhoek: veelhoek.area)
    punt = grootste.point_on_surface
    return punt.x, punt.y


def _legenda(beschrijving, patronen, y):
    """The legend beside the map (never on it), from height `y`; returns (parts, bottom)."""
    delen = []
    y += 14
    titel = _regels(beschrijving.legenda_titel, 14, LEGENDA_BREEDTE, vet=True)
    delen.append(_tekst(LEGENDA_X, y, titel, 14, 18, font_weight="bold"))
    y += 18 * len(titel) + 6
    for regel in beschrijving.legenda:
        tekstregels = _regels(regel.tekst, 13, LEGENDA_BREEDTE - 22)
        if regel.kleuren:
            delen.append(
                f'<rect x="{LEGENDA_X}" y="{_getal(y - 11)}" width="14" height="14"'
                f" fill={quoteattr(patronen.vulling(tuple(regel.kleuren)))}"
                ' stroke="#595959" stroke-width="1"/>'
            )
            delen.append(_tekst(LEGENDA_X + 22, y, tekstregels, 13, 16))
        else:
            delen.append(_tekst(LEGENDA_X, y, tekstregels, 13, 16, font_style="italic"))
        y += len(tekstregels) * 16 + 5
    return delen, y


def _voet(beschrijving, y):
    """Peildatum, sources and the page's URL (a link) under map and legend; (parts, height)."""
    delen = []
    for tekst in (f"Peildatum: {beschrijving.peildatum}", beschrijving.bronnen):
        regels = _regels(tekst, 12, BREEDTE - 2 * MARGE)
        delen.append(_tekst(MARGE, y, regels, 12, 15))
        y += len(regels) * 15 + 3
    regels = _regels(beschrijving.url, 12, BREEDTE - 2 * MARGE)
    delen.append(
        f"<a href={quoteattr(beschrijving.url)}>"
        + _tekst(MARGE, y, regels, 12, 15, fill="#0b3d6e")
        + "</a>"
    )
    return delen, y + (len(regels) - 1) * 15 + MARGE


def svg(beschrijving):
    """The view as a standalone SVG document (a str)."""
    vlakken = [(vlak, _in_rd(vlak.geometrie)) for vlak in beschrijving.vlakken]
    patronen = _Patronen()

    titelregels = _regels(beschrijving.titel, 20, BREEDTE - 2 * MARGE, vet=True)
    kaart_y = MARGE + 20 + (len(titelregels) - 1) * 26 + 16
    if beschrijving.uitsnede:
        extent = beschrijving.uitsnede
    elif vlakken:
        extents = [geometrie.extent for _, geometrie in vlakken]
        extent = (
            min(e[0] for e in extents),
            min(e[1] for e in extents),
            max(e[2] for e in extents),
            max(e[3] for e in extents),
        )
    else:
        extent = (0.0, 0.0, 1.0, 1.0)
    projectie = _Projectie(extent, MARGE, kaart_y)
    kaart_hoogte = projectie.hoogte

    paden, labels = [], []
    for vlak, geometrie in vlakken:
        data = projectie.pad(geometrie)
        if not data:
            continue
        titel = f"<title>{escape(vlak.beschrijving or vlak.naam)}</title>"
        paden.append(
            f'<path d="{data}" fill={quoteattr(patronen.vulling(tuple(vlak.kleuren)))}'
            f' stroke={quoteattr(vlak.rand)} stroke-width="{_getal(vlak.randdikte)}"'
            f' stroke-linejoin="round" fill-rule="evenodd" data-naam={quoteattr(vlak.naam)}>'
            f"{titel}</path>"
        )
        if vlak.label:
            x, y = projectie.punt(*_labelpunt(geometrie))
            labels.append(
                f'<g aria-hidden="true"><circle cx="{_getal(x)}" cy="{_getal(y)}" r="9"'
                ' fill="#ffffff" stroke="#1a1a1a" stroke-width="1"/>'
                f'<text x="{_getal(x)}" y="{_getal(y + 4)}" font-size="11" font-weight="bold"'
                f' text-anchor="middle">{escape(vlak.label)}</text></g>'
            )

    lijnen = []
    for lijn in beschrijving.lijnen:
        rd = _in_rd(LineString([(lon, lat) for lat, lon in lijn.punten], srid=4326))
        punten = " ".join(
            f"{_getal(x)},{_getal(y)}" for x, y in (projectie.punt(*p) for p in rd.coords)
        )
        streep = f" stroke-dasharray={quoteattr(lijn.streep)}" if lijn.streep else ""
        lijnen.append(
            f'<polyline points="{punten}" fill="none" stroke={quoteattr(lijn.kleur)}'
            f' stroke-width="{_getal(lijn.breedte)}" stroke-opacity="{lijn.dekking:g}"'
            f' stroke-linecap="round" stroke-linejoin="round"{streep}/>'
        )

    legenda, legenda_onder = _legenda(beschrijving, patronen, kaart_y)
    voet, hoogte = _voet(beschrijving, max(kaart_y + kaart_hoogte, legenda_onder) + 22)

    beschrijving_tekst = (
        f"{beschrijving.titel}. Peildatum {beschrijving.peildatum}. "
        f"{len(paden)} gemeenten. Legenda: {beschrijving.legenda_titel}: "
        + "; ".join(regel.tekst for regel in beschrijving.legenda)
        + f". {beschrijving.bronnen} {beschrijving.url}"
    )
    kaart_rand = (
        f'x="{MARGE}" y="{_getal(kaart_y)}" width="{KAART_BREEDTE}" height="{_getal(kaart_hoogte)}"'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BREEDTE}" height="{_getal(hoogte)}"'
        f' viewBox="0 0 {BREEDTE} {_getal(hoogte)}" role="img"'
        ' aria-labelledby="kaartbeeld-titel kaartbeeld-beschrijving"'
        f' font-family={quoteattr(LETTER)} fill="#1a1a1a">'
        f'<title id="kaartbeeld-titel">{escape(beschrijving.titel)}</title>'
        f'<desc id="kaartbeeld-beschrijving">{escape(beschrijving_tekst)}</desc>'
        f'<defs><clipPath id="kaartvak"><rect {kaart_rand}/></clipPath>{patronen.defs()}</defs>'
        f'<rect x="0" y="0" width="{BREEDTE}" height="{_getal(hoogte)}" fill="#ffffff"/>'
        + _tekst(MARGE, MARGE + 20, titelregels, 20, 26, font_weight="bold")
        + f"<rect {kaart_rand} fill={quoteattr(beschrijving.achtergrond)}/>"
        + '<g clip-path="url(#kaartvak)">'
        + '<g class="gemeenten">'
        + "".join(paden)
        + "</g>"
        + ('<g class="lijnen" aria-hidden="true">' + "".join(lijnen) + "</g>" if lijnen else "")
        + "".join(labels)
        + "</g>"
        + f'<rect {kaart_rand} fill="none" stroke="#8c8c8c" stroke-width="1"/>'
        + '<g class="legenda">'
        + "".join(legenda)
        + "</g>"
        + '<g class="voet">'
        + "".join(voet)
        + "</g></svg>\n"
    )


class GeenPng(RuntimeError):
    """CairoSVG or the libcairo2 it loads is missing on this machine (see the Makefile)."""


def png(svg_tekst, schaal=2):
    """The SVG as PNG bytes (CairoSVG, which draws with Debian's libcairo2), `schaal` × size."""
    try:
        import cairosvg  # imported here: only the PNG download needs libcairo2
    except (ImportError, OSError) as error:  # cairocffi raises OSError without libcairo2
        raise GeenPng(str(error)) from error
    return cairosvg.svg2png(bytestring=svg_tekst.encode("utf-8"), scale=schaal)


# ---- 2. the adapter: the /kaart/ view object → a description ------------------------------

# The site footer's source line (templates/base.html), with the boundaries first.
BRONNEN = (
    "Grenzen: CBS / Kadaster, via PDOK (CC BY 4.0). Samenwerkingen: Register "
    "gemeenschappelijke regelingen (CC0), Open State Foundation, Regioatlas (BZK). "
    "Samenwerkingsatlas Noord."
)
KAART_CSS = "css/kaart.css"
LEGENDA_MAX_SAMENWERKINGEN = 24


class GeenKleuren(RuntimeError):
    """static/css/kaart.css is missing or defines no `--kaart-*` colours."""


@functools.cache
def kleuren():
    """{slot: value} of the `--kaart-<slot>: value;` custom properties in kaart.css, the one
    place the map colours are defined (read once a process)."""
    pad, css = _kaart_css()
    gevonden = dict(re.findall(r"--kaart-([a-z0-9-]+)\s*:\s*([^;}]+?)\s*[;}]", css))
    if not gevonden:
        raise GeenKleuren(f"{pad} defines no --kaart-* colours.")
    return gevonden


def _kaart_css():
    pad = finders.find(KAART_CSS)
    if not pad:
        raise GeenKleuren(f"{KAART_CSS} is not found by the static files finders.")
    with open(pad, encoding="utf-8") as bestand:
        return pad, re.sub(r"/\*.*?\*/", "", bestand.read(), flags=re.S)


@functools.cache
def maten():
    """{naam: number} of the `--kaartmaat-<naam>: number;` custom properties in kaart.css:
    outline and stripe widths in px, as the page draws them (read once a process)."""
    pad, css = _kaart_css()
    gevonden = {
        naam: float(waarde)
        for naam, waarde in re.findall(r"--kaartmaat-([a-z0-9-]+)\s*:\s*([0-9.]+)\s*[;}]", css)
    }
    if not {"rand", "rand-overlap", "rand-focus", "streep"} <= set(gevonden):
        raise GeenKleuren(f"{pad} lacks the --kaartmaat-* outline and stripe widths.")
    return gevonden


def kleur(slot):
    """The colour value of a slot of the map (`kleur-3`, `grijs`, `intensiteit-2`, …)."""
    waarden = kleuren()
    if slot not in waarden:
        raise GeenKleuren(f"{KAART_CSS} defines no --kaart-{slot}.")
    return waarden[slot]


def _meervoud(aantal, enkel, meer):
    return f"{aantal} {enkel if aantal == 1 else meer}"


def _vlaktekst(gemeente, vlak, hier, beeld):
    """What a reader of the SVG hears on a municipality: the page's tooltip in words."""
    weergave = beeld["weergave"]
    if weergave == kaart.SAMENWERKING:
        return f"{gemeente.naam}: {'doet niet mee' if vlak.get('dof') else 'doet mee'}"
    if weergave == kaart.CONGRUENTIE:
        return f"{gemeente.naam}: {vlak['tekst']}"
    if weergave == kaart.PARTNERS:
        if vlak.get("rand") == "focus":
            return f"{gemeente.naam} (gekozen gemeente)"
        return f"{gemeente.naam}: {vlak.get('gedeeld', 0)} gedeeld met {beeld['gemeente'].naam}"
    tekst = f"{gemeente.naam}: {_meervoud(vlak['n'], 'samenwerking', 'samenwerkingen')}"
    if weergave == kaart.LAPJES and hier:
        tekst += ": " + "; ".join(s["naam"] for s in hier)
    return tekst


def _legenda_regels(beeld):
    """The page's legend (`Kaartbeeld.legenda`) with concrete colours; in the patchwork the
    line "one arrangement: its colour (see the table)" becomes the arrangements themselves,
    as a file has no table beside it."""
    regels = []
    for regel in beeld["tekenen"]["legenda"]["regels"]:
        if beeld["weergave"] == kaart.LAPJES and regel["kleur"].startswith("kleur-"):
            # The coloured ones first; those without a colour of their own (more than the
            # palette) follow in the grey of "ongekleurd".
            selectie = sorted(beeld["selectie"], key=lambda s: s["kleur"] is None)
            for s in selectie[:LEGENDA_MAX_SAMENWERKINGEN]:
                naam = f"{s['naam']} ({s['afkorting']})" if s["afkorting"] else s["naam"]
                slot = "ongekleurd" if s["kleur"] is None else f"kleur-{s['kleur']}"
                regels.append(Legendaregel((kleur(slot),), naam))
            if len(selectie) > LEGENDA_MAX_SAMENWERKINGEN:
                rest = len(selectie) - LEGENDA_MAX_SAMENWERKINGEN
                regels.append(Legendaregel((), f"… en nog {rest}: zie de tabel op de kaartpagina"))
        else:
            regels.append(Legendaregel((kleur(regel["kleur"]),), regel["tekst"]))
    return regels


def beschrijving(beeld, peildatum, grenzen, url):
    """The description of one /kaart/ view: `beeld` is `Kaartbeeld.context()`, `grenzen`
    the snapshot's GemeenteGrens rows with `kaartgeometrie` and `gemeente`."""
    tekenen = beeld["tekenen"]
    per_gemeente = {rij["gemeente"].cbs_code: rij["samenwerkingen"] for rij in beeld["gemeenten"]}
    vlakken = []
    for grens in grenzen:
        code = grens.gemeente.cbs_code
        vlak = tekenen["vlakken"].get(code, {"v": ["grijs"], "n": 0})
        rand = vlak.get("rand")
        vlakken.append(
            Vlak(
                naam=grens.gemeente.naam,
                geometrie=grens.kaartgeometrie,
                kleuren=tuple(kleur(slot) for slot in vlak["v"]),
                rand=kleur("rand") if rand else kleur("grens"),
                randdikte=maten()[f"rand-{rand}" if rand else "rand"],
                label=str(vlak.get("label", "")),
                beschrijving=_vlaktekst(grens.gemeente, vlak, per_gemeente.get(code, []), beeld),
            )
        )
    # The highlighted ones on top, as the page brings them to the front.
    vlakken.sort(key=lambda vlak: vlak.randdikte)
    uitsnede = None
    if tekenen["uitgelicht"]:
        deelnemers = set(tekenen["uitgelicht"]["gemeenten"])
        uitsnede = _uitsnede(
            [grens.kaartgeometrie for grens in grenzen if grens.gemeente.cbs_code in deelnemers]
        )
    return Kaartbeschrijving(
        lijnen=_lijnen(tekenen),
        titel=beeld["titel"],
        vlakken=vlakken,
        legenda_titel=tekenen["legenda"]["titel"],
        legenda=_legenda_regels(beeld),
        peildatum=peildatum.naam,
        bronnen=BRONNEN,
        url=url,
        uitsnede=uitsnede,
    )


def _getal_uit_css(slot):
    return float(kleur(slot))


def _lijnen(tekenen):
    """The network's lines and the compare view's outlines, styled by the same custom
    properties of kaart.css as the page (kaartlagen.js)."""
    lijnen = []
    if tekenen.get("lijnen"):
        punten = tekenen["lijnen"]["punten"]
        for a, b, klasse, _ in tekenen["lijnen"]["lijnen"]:
            nummer = klasse.split("-")[1]
            lijnen.append(
                Lijn(
                    (tuple(punten[a]), tuple(punten[b])),
                    kleur(klasse),
                    _getal_uit_css(f"lijnbreedte-{nummer}"),
                    _getal_uit_css(f"lijndekking-{nummer}"),
                )
            )
    omtrekken = tekenen.get("omtrekken") or []
    for kant in ("b", "a"):
        for omtrek in (o for o in omtrekken if o["kant"] == kant):
            streep = kleuren().get(f"omtrekstreep-{kant}", "")
            for punten in omtrek["lijnen"]:
                lijnen.append(
                    Lijn(
                        tuple(tuple(p) for p in punten),
                        kleur(f"omtrek-{kant}"),
                        _getal_uit_css(f"omtrekbreedte-{kant}"),
                        1.0,
                        streep,
                    )
                )
    return tuple(lijnen)


def _uitsnede(geometrieen, minimum=40_000):
    """The extent (EPSG:28992) of the geometries, at least `minimum` metres wide and high."""
    if not geometrieen:
        return None
    extents = [_in_rd(geometrie).extent for geometrie in geometrieen]
    minx, miny = min(e[0] for e in extents), min(e[1] for e in extents)
    maxx, maxy = max(e[2] for e in extents), max(e[3] for e in extents)
    marge_x = max(0.0, (minimum - (maxx - minx)) / 2) + (maxx - minx) * 0.05
    marge_y = max(0.0, (minimum - (maxy - miny)) / 2) + (maxy - miny) * 0.05
    return (minx - marge_x, miny - marge_y, maxx + marge_x, maxy + marge_y)


def grenzen_voor_beeld(peildatum):
    """The snapshot's boundaries (the simplified map geometry) with their municipality."""
    return netwerk.grenzen(peildatum)


# The selection's parameters in a file name, in this order; these are prefixed with their name.
NAAMDELEN = (
    *("weergave", "gemeente", "taakveld", "grootte", "reikwijdte", "schaal", "soort"),
    *("rechtsvorm", "provincie"),
)
MET_NAAM = {"taakveld": "taakveld", "q": "zoek"}


def bestandsnaam(peildatum, staat, extensie):
    """From the cleaned selection (`Kaartbeeld.staat`), e.g.
    samenwerkingsatlas-kaart-2026-taakveld-6-subregionaal-drenthe.png"""
    delen = ["samenwerkingsatlas-kaart", peildatum.code]
    for naam in (*NAAMDELEN, "q", "samenwerking"):
        if staat.get(naam):
            delen += [MET_NAAM[naam], staat[naam]] if naam in MET_NAAM else [staat[naam]]
    if staat.get("regio"):
        delen.append("met-regio-indelingen")
    naam = re.sub(r"[^a-z0-9.]+", "-", "-".join(delen).lower()).strip("-")
    return f"{naam[:150]}.{extensie}"


class KaartbeeldView(kaart.KaartView):
    """/kaart.svg and /kaart.png: the /kaart/ view of the same query string, as a file.

    `KaartView.get` parses and computes the view (peildatum mixin, filterset, map form,
    `Kaartbeeld`); only the answer differs. Eight queries: the /kaart/ page's seven and the
    boundaries.
    """

    formaat = "svg"
    TYPES = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}

    @method_decorator(gzip_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, status=200, **kwargs):
        if not self.beeld.geldig:
            return self.ongeldig(
                "Deze kaart kunnen we niet tekenen: " + " ".join(self.beeld.fouten)
            )
        peildatum = self.peildatum
        url = self.request.build_absolute_uri(
            reverse("gemeenten:kaart") + "?" + context["beeld"]["tekenen"]["query"]
        )
        # The boundaries once: the network and compare views have read them already.
        tekst = svg(beschrijving(context["beeld"], peildatum, self.beeld.grenzen, url))
        try:
            inhoud = png(tekst) if self.formaat == "png" else tekst
        except GeenPng:
            return self.ongeldig(
                "Een PNG kunnen we op deze server nu niet maken; de SVG-versie van deze kaart "
                "werkt wel.",
                503,
            )
        response = HttpResponse(inhoud, content_type=self.TYPES[self.formaat])
        naam = bestandsnaam(peildatum, self.beeld.staat, self.formaat)
        response["Content-Disposition"] = f'attachment; filename="{naam}"'
        return response
