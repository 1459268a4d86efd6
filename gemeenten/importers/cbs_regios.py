"""CBS regional divisions 2025 (cbs/regio-indelingen-2025/*.topojson), snapshot 2026.

Each layer is a set of region polygons, not a member list. A municipality belongs to the region
that covers (almost) all of its area: its polygon in cbs/boundaries/gemeente_2025.generalized
.topojson (same publisher, same generalisation and quantisation as the layers) is intersected
with every region, and the region with the largest share wins if that share is at least
`DREMPEL`. A municipality no region covers that well is an import error, never a guess. All
342 municipalities of the file are placed, so the national case needs no other code; only
regions with a northern municipality become records (the others are out of scope).

Each layer must be in fixtures/curation/indelingen.csv (label, slug prefix, taakveld, and
whether it is a collaboration of municipalities). A region that *is* an arrangement already in
the dataset (GGD regions are the GGD GRs, safety regions the veiligheidsregio GRs, a Regioatlas
region of 2016 spelled differently) is named in aliassen.csv (bron `cbs-regio-2025`, key
`<statcode> <statnaam>`): its members are added to that arrangement's 2026 snapshot instead.

The divisions describe 1 January 2025 (no municipality changed on 1 January 2026): that is
the `peildatum` of their `Bron`, shown wherever they appear.
"""

import datetime
import json
import statistics

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.text import slugify

from ..models import Deelname, Gemeente, Organisatie, Peildatum, Samenwerking, Soort, Taakveld
from .base import BaseImporter, Fout, ImportFout
from .cbs import NOORD
from .curatie import INDELINGEN, Curatie
from .grenzen import GeometrieFout, als_multipolygon
from .standen import (
    als_deelnemer,
    gemeenten_per_provincie,
    schrijf_stand,
    zet_grootte_en_reikwijdte,
)
from .topojson import TopoJsonFout, features

MAP = "cbs/regio-indelingen-2025"
GEMEENTEN = "cbs/boundaries/gemeente_2025.generalized.topojson"
PEILDATUM = datetime.date(2025, 1, 1)
TOOI = "https://identifier.overheid.nl/tooi/id/gemeente/gm{:04d}"
ALIASSEN = "fixtures/curation/aliassen.csv"

# Chosen from the data (docs/dataset.md, "CBS regio-indelingen"): over all 9 layers × 342
# municipalities the largest share is never below 0.85 and the second largest never above
# 0.15, so every municipality has one clear region. 0.8 accepts all of them with a margin for
# the generalisation (~100 m) and rejects anything that is not "almost all of its area"; being
# above 0.5 it can never accept two regions.
DREMPEL = 0.8


def is_regeling(alias):
    """Whether an alias row names an arrangement that is not itself a regional division
    (the GGD GR a GGD region is), rather than the same division spelled differently."""
    if alias is None:
        return False
    samenwerking = Samenwerking.objects.filter(slug=alias["samenwerking"]).first()
    return samenwerking is not None and samenwerking.soort != Soort.REGIO_INDELING


class CbsRegiosImporter(BaseImporter):
    naam = "CBS regio-indelingen 2025, stand 2026"

    def run(self):
        self.bron_cbs = self.bron(
            "cbs-regio-indelingen-2025",
            naam="CBS gebiedsindelingen 2025: regionale indelingen",
            uitgever="CBS / Kadaster, via PDOK",
            url="https://www.pdok.nl/introductie/-/article/cbs-gebiedsindelingen",
            bestand=f"{MAP}/",
            licentie="CC BY 4.0",
            peildatum=PEILDATUM,
            toelichting="Bron: CBS / Kadaster, via PDOK. Indeling per 1 januari 2025; op 1 "
            "januari 2026 veranderde geen gemeente, dus zij geldt ook voor 2026. Een gemeente "
            f"hoort bij de regio die ten minste {DREMPEL:.0%} van haar oppervlak bedekt "
            "(overlay met de CBS-gemeentegrenzen 2025).".replace("%", " %"),
        )
        self.peildatum = Peildatum.objects.get(code="2026")
        curatie = Curatie(self)
        indelingen = curatie.indelingen("cbs-regio-2025")
        self.aliassen = curatie.aliassen("cbs-regio-2025")
        self.taakvelden = {t.code: t for t in Taakveld.objects.all()}
        # Every Dutch municipality (issue 11): a region of the whole country is imported.
        self.gemeenten = {g.cbs_code: g for g in Gemeente.objects.select_related("provincie")}
        self.organisaties = {
            o.identificatie: o for o in Organisatie.objects.exclude(identificatie="")
        }
        self.per_provincie = gemeenten_per_provincie(self.peildatum)
        self.kaart = self.gemeente_vlakken()
        self.stop_bij_fouten()

        files = sorted((self.source / MAP).glob("*.topojson"))
        if not files:
            self.fout(MAP, "-", "no division files (*.topojson)")
        bekend = {self.rel(p) for p in files}
        for bestand, row in sorted(indelingen.items()):
            if bestand not in bekend:
                self.fout(INDELINGEN, f"line {row['_regel']}", f"no such file {bestand}")
        self.aandelen = []  # (best share, layer, code, name) of every placement
        self.tweede = 0.0  # the largest second-best share: how far from ambiguous
        for path in files:
            rel = self.rel(path)
            indeling = indelingen.get(rel)
            if indeling is None:
                self.fout(rel, "-", f"unknown division: add it to {INDELINGEN}")
                continue
            self.laag(path, rel, indeling)
        self.stop_bij_fouten()
        self.verslag_verdeling(len(files))

    # --- reading -------------------------------------------------------------------------
    def vlakken(self, path):
        """[(waar, properties, MultiPolygon)] of one TopoJSON file; defects become errors."""
        rel = self.rel(path)
        try:
            records = features(self.read_text(path))
        except TopoJsonFout as exc:
            raise ImportFout([Fout(rel, exc.waar, exc.reden)]) from exc
        out, gezien = [], {}
        for waar, props, geometry, defect in records:
            code = props.get("statcode")
            if defect:
                self.fout(rel, waar, defect)
                continue
            if not code or not props.get("statnaam"):
                self.fout(rel, waar, "no statcode or statnaam")
                continue
            if code in gezien:
                self.fout(rel, waar, f"duplicate statcode {code} (also {gezien[code]})")
                continue
            gezien[code] = waar
            try:
                geom = als_multipolygon(GEOSGeometry(json.dumps(geometry), srid=4326))
            except (GeometrieFout, GEOSException, GDALException, ValueError) as exc:
                self.fout(rel, waar, f"invalid geometry ({exc or type(exc).__name__})")
                continue
            out.append((waar, props, geom))
        return out

    def gemeente_vlakken(self):
        """{cbs code: (waar, name, MultiPolygon)} of the 2025 municipalities. Every northern
        municipality of the 2026 snapshot must be there, and nothing that did not exist."""
        path = self.source / GEMEENTEN
        rel = self.rel(path)
        out = {}
        for waar, props, geom in self.vlakken(path):
            code = props["statcode"]
            gemeente = self.gemeenten.get(code)
            if gemeente is not None and not gemeente.bestaat_op(self.peildatum.datum):
                self.fout(rel, waar, f"{code} {gemeente.naam} did not exist on {self.peildatum}")
                continue
            out[code] = (waar, props["statnaam"], geom)
        for gemeente in sorted(self.per_provincie_gemeenten(), key=lambda g: g.cbs_code):
            if gemeente.cbs_code not in out:
                self.fout(rel, "-", f"no polygon for {gemeente.cbs_code} {gemeente.naam}")
        return out

    def per_provincie_gemeenten(self):
        codes = set().union(*self.per_provincie.values()) if self.per_provincie else set()
        return [self.gemeenten[c] for c in codes if c in self.gemeenten]

    # --- one layer ---------------------------------------------------------------------------
    def laag(self, path, rel, indeling):
        regios = self.vlakken(path)
        if not regios:
            return
        leden = {props["statcode"]: [] for _, props, _ in regios}
        for code in sorted(self.kaart):
            waar, naam, geom = self.kaart[code]
            self.verslag.gelezen += 1
            beste, tweede = (0.0, None), 0.0
            for _, props, vlak in regios:
                if not vlak.envelope.intersects(geom.envelope):
                    continue
                try:
                    aandeel = geom.intersection(vlak).area / geom.area
                except GEOSException as exc:
                    self.fout(rel, f"{props['statcode']} × {code}", f"overlay failed ({exc})")
                    continue
                if aandeel > beste[0]:
                    beste, tweede = (aandeel, props), beste[0]
                elif aandeel > tweede:
                    tweede = aandeel
            if beste[1] is None:
                self.fout(rel, f"{code} {naam}", f"no region covers the municipality ({GEMEENTEN})")
                continue
            if beste[0] < DREMPEL:
                self.fout(
                    rel,
                    f"{code} {naam}",
                    f"no region covers (almost) all of the municipality: the best, "
                    f"{beste[1]['statcode']} {beste[1]['statnaam']}, covers {beste[0]:.0%} "
                    f"(at least {DREMPEL:.0%} needed)",
                )
                continue
            self.aandelen.append((beste[0], rel, code, naam))
            self.tweede = max(self.tweede, tweede)
            leden[beste[1]["statcode"]].append(code)
        buiten = 0

        # As in the Regioatlas: a division whose every northern region is an arrangement
        # (aliassen.csv) leaves its regions elsewhere to the national GR sources.
        def noordelijk(codes):
            return any(
                c in self.gemeenten and self.gemeenten[c].provincie.code in NOORD for c in codes
            )

        noord = [p for _, p, _ in regios if noordelijk(leden[p["statcode"]])]
        gr_indeling = bool(noord) and all(
            is_regeling(self.aliassen.get(f"{p['statcode']} {p['statnaam']}")) for p in noord
        )
        for waar, props, _ in regios:
            codes = leden[props["statcode"]]
            if not codes:
                self.fout(rel, waar, f"{props['statnaam']}: the region covers no municipality")
                continue
            if not any(c in self.gemeenten for c in codes):
                buiten += len(codes)
                continue
            if gr_indeling and not noordelijk(codes):
                self.verslag.buiten_bereik.append(
                    (
                        f"{rel} {props['statcode']} {props['statnaam']}",
                        "a region of a division whose northern regions are arrangements "
                        "(aliassen.csv): left to the national GR sources, not a division",
                        len(codes),
                    )
                )
                continue
            self.regio(rel, indeling, props, codes)
        if buiten:
            self.verslag.buiten_bereik.append(
                (rel, f"{buiten} memberships of regions without a northern municipality", buiten)
            )

    def regio(self, rel, indeling, props, codes):
        code, naam = props["statcode"], props["statnaam"]
        naam_in_bron = f"{indeling['label']} {naam} (CBS {code})"
        deelnames = []
        for c in codes:
            gemeente = self.gemeenten.get(c)
            deelnemer = gemeente or self.buitengemeente(c, self.kaart[c][1])
            deelnames.append(dict(deelnemer=deelnemer, naam_in_bron=self.kaart[c][1]))
            self.verslag.geimporteerd += 1
        alias = self.aliassen.get(f"{code} {naam}")
        if alias is not None:
            samenwerking = Samenwerking.objects.filter(slug=alias["samenwerking"]).first()
            if samenwerking is None:
                self.fout(
                    ALIASSEN,
                    f"line {alias['_regel']}",
                    f"unknown arrangement {alias['samenwerking']!r}",
                )
                return
        else:
            samenwerking, _ = Samenwerking.objects.get_or_create(
                slug=f"{indeling['slug']}-{slugify(naam)}"[:150],
                defaults=dict(
                    naam=f"{indeling['label']} {naam}",
                    soort=Soort.REGIO_INDELING,
                    soort_basis=f"regio-indeling: CBS-indeling {indeling['label']} "
                    "(indelingen.csv)",
                    taakveld=self.taakvelden[indeling["taakveld"]],
                    taakveld_basis=f"CBS-indeling: {indeling['label']}",
                    aard=indeling["aard"],
                    aard_basis=indeling["aard_basis"],
                    bron=self.bron_cbs,
                ),
            )
        if samenwerking.aard != indeling["aard"]:
            waar = f"line {alias['_regel']}" if alias else f"{rel} {code}"
            self.fout(
                ALIASSEN if alias else INDELINGEN,
                waar,
                f"{naam_in_bron} is {indeling['aard']} (indelingen.csv line "
                f"{indeling['_regel']}) but {samenwerking.slug} is {samenwerking.aard}",
            )
            return
        self.schrijf(samenwerking, naam_in_bron, deelnames, herkomst=(rel, f"regio {code}"))

    def buitengemeente(self, code, naam):
        """A member municipality outside the north, as an organisation (curated if known)."""
        tooi = TOOI.format(int(code[2:]))
        org = self.organisaties.get(tooi)
        if org is None:
            org, _ = Organisatie.objects.get_or_create(
                slug=f"gemeente-{slugify(naam)}"[:120],
                defaults=dict(
                    naam=f"Gemeente {naam}",
                    soort=Organisatie.Soort.GEMEENTE,
                    land="NL",
                    identificatie=tooi,
                    bron=self.bron_cbs,
                ),
            )
            self.organisaties[tooi] = org
        return org

    def schrijf(self, samenwerking, naam_in_bron, deelnames, herkomst):
        """A new 2026 snapshot; or, for an arrangement the register already describes on that
        date, the region's members it lacks (with the CBS as their source), and a note of the
        members the register has and the region does not."""
        stand = samenwerking.standen.filter(peildatum=self.peildatum).first()
        if stand is None:
            schrijf_stand(
                samenwerking,
                self.peildatum,
                naam_in_bron,
                self.bron_cbs,
                deelnames,
                self.per_provincie,
                bron_bestand=herkomst[0],
                bron_regels=herkomst[1],
            )
            return
        bestaand = {
            d.gemeente_id: d
            for d in stand.deelnames.select_related("gemeente").filter(gemeente__isnull=False)
        }
        regio = {d["deelnemer"].pk for d in deelnames if isinstance(d["deelnemer"], Gemeente)}
        nieuw = []
        for d in deelnames:
            obj = d["deelnemer"]
            if not isinstance(obj, Gemeente) or obj.pk in bestaand:
                continue  # members elsewhere: the register's own list of them stands
            nieuw.append(obj.naam)
            Deelname.objects.create(
                stand=stand, gemeente=obj, naam_in_bron=d["naam_in_bron"], bron=self.bron_cbs
            )
        if nieuw:
            self.verslag.opmerkingen.append(
                f"{samenwerking.slug}: the CBS region ({naam_in_bron}) adds "
                f"{', '.join(sorted(nieuw))}, which the register does not list"
            )
        alleen_register = sorted(d.gemeente.naam for k, d in bestaand.items() if k not in regio)
        if alleen_register:
            self.verslag.opmerkingen.append(
                f"{samenwerking.slug}: the register lists {', '.join(alleen_register)}, "
                f"outside the CBS region ({naam_in_bron})"
            )
        if naam_in_bron not in stand.naam_in_bron:
            stand.naam_in_bron = f"{stand.naam_in_bron} / {naam_in_bron}"[:300]
        if nieuw:
            # The members the region added: where in the CBS layer they come from.
            stand.bron_regels = f"{stand.bron_regels}; {herkomst[0]} {herkomst[1]}".lstrip("; ")
        deelnames_db = stand.deelnames.select_related("gemeente__provincie", "organisatie")
        deelnemers = [als_deelnemer(d.gemeente or d.organisatie) for d in deelnames_db]
        zet_grootte_en_reikwijdte(stand, deelnemers, self.per_provincie)
        stand.save()

    # --- the report ----------------------------------------------------------------------
    def verslag_verdeling(self, lagen):
        """The distribution of the best share per municipality, which the threshold rests on."""
        if not self.aandelen:
            return
        waarden = sorted(a for a, *_ in self.aandelen)
        laagste = min(self.aandelen)
        noord = [
            a
            for a in self.aandelen
            if a[2] in self.gemeenten and self.gemeenten[a[2]].provincie.code in NOORD
        ]
        banden = [(0.8, 0.9), (0.9, 0.95), (0.95, 0.99), (0.99, 1.01)]
        telling = ", ".join(
            f"{lo:.2f}–{min(hi, 1):.2f}: {sum(1 for w in waarden if lo <= w < hi)}"
            for lo, hi in banden
        )
        tekst = (
            f"{lagen} divisions; membership by overlay with {GEMEENTEN}: each municipality "
            f"goes to the region covering the largest share of its area, if at least "
            f"{DREMPEL:.2f}. Best share over {len(waarden)} placements: min {waarden[0]:.3f} "
            f"({laagste[3]}, {laagste[1].rsplit('/', 1)[-1]}), median "
            f"{statistics.median(waarden):.3f}; {telling}; the second-largest share is at "
            f"most {self.tweede:.3f}"
        )
        if noord:
            n = min(noord)
            tekst += (
                f". Smallest share accepted for a northern municipality: {n[0]:.3f} "
                f"({n[3]}, {n[1].rsplit('/', 1)[-1]})"
            )
        self.verslag.opmerkingen.append(tekst)
        self.log(tekst, level=1)
