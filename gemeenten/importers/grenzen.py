"""CBS boundaries, on two levels of detail (`Niveau`):

- detail: the northern layers cbs/boundaries/{gemeente,provincie}_{2013,2016,2022}.geojson
  (Groningen, Fryslân, Drenthe), as before the national import;
- overzicht: the national generalised layers, cbs/boundaries/gemeente_2016.generalized.geojson
  (all 390 municipalities of 2016) and gemeente_2025.generalized.topojson (all 342 of 2025,
  the map of the 2026 snapshot nationally).

A municipality that existed on a layer's date (on the northern layers: a northern one) and
has no boundary in it stops the build, naming file and municipality.

Each geometry is validated (made valid, Polygon → MultiPolygon, never empty) and gets a
simplified copy for the web map, simplified in metres (EPSG:28992, RD New) so the tolerance
means the same everywhere, and never allowed to collapse.
"""

import datetime
import json

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon

from ..models import Gemeente, GemeenteGrens, Niveau, Provincie, ProvincieGrens
from .base import BaseImporter
from .cbs import NOORD
from .topojson import TopoJsonFout
from .topojson import features as topojson_features

JAREN = (2013, 2016, 2022)

# The national overview: year → file. Each layer is already generalised by its publisher; its
# map copy is simplified further at OVERZICHT_TOLERANTIE_M (measured in docs/dataset.md).
OVERZICHT = {
    2016: "cbs/boundaries/gemeente_2016.generalized.geojson",
    2025: "cbs/boundaries/gemeente_2025.generalized.topojson",
}
OVERZICHT_TOLERANTIE_M = 50

# Chosen by measurement (docs/dataset.md): the source layers are already generalised, so the
# map GeoJSON (precision 5) of a snapshot is small at any tolerance: 2022, 40 municipalities:
# 39 KB gzipped unsimplified, 34 KB at 25 m, 28 KB at 50 m, 20 KB at 100 m. At zoom 11 a
# pixel is about 46 m at 53° N, so 25 m stays below a pixel at zoom 8–11 while removing
# 15 % of the vertices; each municipality is simplified on its own, and 25 m keeps the slivers
# this opens between neighbours below a pixel too.
KAART_TOLERANTIE_M = 25
RD = 28992


class GeometrieFout(ValueError):
    pass


def als_multipolygon(geom):
    """A valid, non-empty MultiPolygon (SRID kept) from any areal geometry, or GeometrieFout."""
    if geom is None or geom.empty:
        raise GeometrieFout("empty geometry")
    if not geom.valid:
        geom = geom.make_valid()
    if isinstance(geom, Polygon):
        parts = [geom]
    elif isinstance(geom, MultiPolygon):
        parts = list(geom)
    elif geom.geom_type == "GeometryCollection":
        parts = []
        for g in geom:
            if isinstance(g, Polygon):
                parts.append(g)
            elif isinstance(g, MultiPolygon):
                parts.extend(g)
    else:
        raise GeometrieFout(f"{geom.geom_type} is not an area")
    parts = [p for p in parts if not p.empty and p.area > 0]
    if not parts:
        raise GeometrieFout("no area left after validation")
    result = MultiPolygon(*parts, srid=geom.srid)
    if not result.valid:
        result = als_multipolygon(result.make_valid())
    return result


def vereenvoudig(geom, tolerantie=KAART_TOLERANTIE_M):
    """The map copy: simplified in metres; halves the tolerance rather than lose a part."""
    rd = geom.transform(RD, clone=True)
    while tolerantie >= 1:
        simple = rd.simplify(tolerantie, preserve_topology=True)
        try:
            simple = als_multipolygon(simple)
        except GeometrieFout:
            simple = None
        if simple is not None and simple.area >= 0.9 * rd.area:
            break
        tolerantie /= 2
    else:
        simple = rd
    simple.transform(geom.srid)
    return als_multipolygon(simple)


class GrenzenImporter(BaseImporter):
    naam = "CBS gebiedsindelingen (grenzen)"

    def run(self):
        for jaar in JAREN:
            bron = self.bron(
                f"cbs-grenzen-{jaar}",
                naam=f"CBS gebiedsindelingen {jaar} (gegeneraliseerd)",
                uitgever="CBS / Kadaster, via PDOK",
                url="https://www.pdok.nl/introductie/-/article/cbs-gebiedsindelingen",
                bestand=f"cbs/boundaries/gemeente_{jaar}.geojson",
                licentie="CC BY 4.0",
                peildatum=datetime.date(jaar, 1, 1),
                toelichting="Bron: CBS / Kadaster, via PDOK. Land-based: large inland waters "
                "(Lauwersmeer) and sea are not part of any municipality."
                + (
                    " Stands in for the current division (unchanged since 2021)."
                    if jaar == 2022
                    else ""
                ),
            )
            self.laag(jaar, "gemeente", bron)
            self.laag(jaar, "provincie", bron)
        for jaar, bestand in OVERZICHT.items():
            bron = self.bron(
                f"cbs-grenzen-{jaar}-nl",
                naam=f"CBS gebiedsindelingen {jaar}, heel Nederland (gegeneraliseerd, overzicht)",
                uitgever="CBS / Kadaster, via PDOK",
                url="https://www.pdok.nl/introductie/-/article/cbs-gebiedsindelingen",
                bestand=bestand,
                licentie="CC BY 4.0",
                peildatum=datetime.date(jaar, 1, 1),
                toelichting="Bron: CBS / Kadaster, via PDOK. A national overview, simplified by "
                "its publisher (see cbs/SOURCES.md): the north keeps its detailed layers."
                + (" The map of the 2026 snapshot nationally." if jaar == 2025 else ""),
            )
            self.overzicht(jaar, bestand, bron)

    def overzicht(self, jaar, bestand, bron):
        """One national overview layer: every municipality existing on 1 January."""
        path = self.source / bestand
        rel = self.rel(path)
        datum = datetime.date(jaar, 1, 1)
        if bestand.endswith(".topojson"):
            try:
                records = topojson_features(self.read_text(path))
            except TopoJsonFout as exc:
                self.fout(rel, exc.waar, exc.reden)
                self.stop_bij_fouten()
        else:
            records = []
            for i, feature in enumerate(self.features(path), start=1):
                props = (feature or {}).get("properties") or {}
                waar = f"feature {i} ({props.get('statcode') or 'no statcode'})"
                records.append((waar, props, (feature or {}).get("geometry"), None))
        bekend = {g.cbs_code: g for g in Gemeente.objects.all()}
        verwacht = {g.cbs_code for g in Gemeente.objects.op(datum)}
        self.grenzen(
            rel,
            datum,
            [
                (waar, props.get("statcode"), geometry, defect)
                for waar, props, geometry, defect in records
            ],
            bekend,
            verwacht,
            Niveau.OVERZICHT,
            bron,
            OVERZICHT_TOLERANTIE_M,
        )

    def features(self, path):
        text = self.read_text(path)
        try:
            data = json.loads(text)
        except ValueError as exc:
            self.fout(
                self.rel(path),
                f"line {getattr(exc, 'lineno', '?')}",
                f"not valid JSON ({exc.msg if hasattr(exc, 'msg') else exc})",
            )
            self.stop_bij_fouten()
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            self.fout(self.rel(path), "-", "not a GeoJSON FeatureCollection")
            self.stop_bij_fouten()
        return data.get("features") or []

    def laag(self, jaar, soort, bron):
        """One northern detailed layer (municipalities or provinces of the north)."""
        path = self.source / f"cbs/boundaries/{soort}_{jaar}.geojson"
        rel = self.rel(path)
        datum = datetime.date(jaar, 1, 1)
        if soort == "gemeente":
            bekend = {g.cbs_code: g for g in Gemeente.objects.all()}
            verwacht = {
                g.cbs_code for g in Gemeente.objects.op(datum).filter(provincie__code__in=NOORD)
            }
        else:
            bekend = {p.code: p for p in Provincie.objects.all()}
            verwacht = {code for code in bekend if code in NOORD}
        records = []
        for i, feature in enumerate(self.features(path), start=1):
            props = (feature or {}).get("properties") or {}
            code = props.get("code")
            records.append(
                (f"feature {i} ({code or 'no code'})", code, (feature or {}).get("geometry"), None)
            )
        self.grenzen(rel, datum, records, bekend, verwacht, Niveau.DETAIL, bron)

    def grenzen(self, rel, datum, records, bekend, verwacht, niveau, bron, tolerantie=None):
        """Validate and write [(where, code, GeoJSON geometry, defect)] of one layer."""
        jaar = datum.year
        gezien = {}
        for i, (where, code, geometry, defect) in enumerate(records, start=1):
            self.verslag.gelezen += 1
            if defect:
                self.fout(rel, where, defect)
                continue
            if code not in bekend:
                self.fout(rel, where, f"unknown CBS code {code!r}")
                continue
            if code not in verwacht:
                self.fout(rel, where, f"{code} did not exist on {datum}")
                continue
            if code in gezien:
                self.fout(rel, where, f"duplicate feature for {code} (also feature {gezien[code]})")
                continue
            gezien[code] = i
            geometry = geometry or {}
            if not geometry.get("coordinates"):
                self.fout(rel, where, "empty geometry")
                continue
            try:
                geom = GEOSGeometry(json.dumps(geometry), srid=4326)
                geometrie = als_multipolygon(geom)
                kaart = vereenvoudig(geometrie, *([tolerantie] if tolerantie else []))
            except (
                GeometrieFout,
                GEOSException,
                GDALException,
                ValueError,
                TypeError,
                KeyError,
            ) as exc:
                self.fout(rel, where, f"invalid geometry ({exc or type(exc).__name__})")
                continue
            if not geom.valid:
                self.verslag.opmerkingen.append(f"{rel} {where}: invalid geometry repaired")
            defaults = dict(geometrie=geometrie, kaartgeometrie=kaart, bron=bron)
            obj = bekend[code]
            if isinstance(obj, Gemeente):
                GemeenteGrens.alle.update_or_create(
                    gemeente=obj, jaar=jaar, niveau=niveau, defaults=defaults
                )
            else:
                ProvincieGrens.alle.update_or_create(
                    provincie=obj, jaar=jaar, niveau=niveau, defaults=defaults
                )
            self.verslag.geimporteerd += 1
        for code in sorted(verwacht - set(gezien)):
            naam = getattr(bekend[code], "naam", "")
            self.fout(rel, f"{code} {naam}", f"no boundary for {code}, which existed on {datum}")
