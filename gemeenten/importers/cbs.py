"""CBS municipal registry: every Dutch municipality valid on any day 2009-01-01 … 2026-05-16.

- The north (Groningen, Fryslân, Drenthe): the curated cbs/gemeenten_noord.csv and
  cbs/herindelingen.csv stay the authority (names such as Skarsterlân, every merger, split,
  transfer and rename with its source).
- Elsewhere: the CBS code list cbs/gemeentelijke-indeling.xml (NLExtract, one `<indeling
  jaar>` per year 1990–2025): a municipality is a (code, begindatum) period; `einddatum` is the
  first day of its successor. Its name is the latest the list gives (CBS's current spelling,
  e.g. "Bergen (NH.)"), its province the one it is listed under.
- Who went into whom outside the north (`CbsOpvolgersImporter`, after the boundaries): the
  codes that end on a date, confirmed by the overlay of the national 2016 and 2025 boundaries.
"""

import datetime
import json
import xml.etree.ElementTree as ET

from django.utils.text import slugify

from ..models import Gemeente, GemeenteGrens, Herindeling, Niveau, Provincie
from .base import BaseImporter, Fout, ImportFout

GEMEENTEN = "cbs/gemeenten_noord.csv"
HERINDELINGEN = "cbs/herindelingen.csv"
PROVINCIES = "cbs/boundaries/provincie_2022.geojson"
INDELING = "cbs/gemeentelijke-indeling.xml"
INDELING_URL = (
    "https://github.com/nlextract/NLExtract/blob/2a97e2feb5039f050af1cc09e651e4c2c72724b1/"
    "bag/db/data/gemeentelijke-indeling.xml"
)
NS = "{http://nlextract.nl}"
NOORD = ("PV20", "PV21", "PV22")
# The registry: every municipality valid on any day of this period.
BEGIN = datetime.date(2009, 1, 1)
EIND = datetime.date(2026, 5, 16)
PROVINCIE_CODES = tuple(f"PV{n}" for n in range(20, 32))

SOORT = {
    "merger": Herindeling.Soort.FUSIE,
    "split": Herindeling.Soort.SPLITSING,
    "partial_transfer": Herindeling.Soort.GRENSCORRECTIE,
    "rename": Herindeling.Soort.NAAMSWIJZIGING,
}
DEEL = {"whole": Herindeling.Deel.GEHEEL, "part": Herindeling.Deel.DEEL}


def parse_datum(value):
    """An ISO date, or None for an empty value; ValueError otherwise."""
    value = (value or "").strip()
    return datetime.date.fromisoformat(value) if value else None


class CbsRegisterImporter(BaseImporter):
    naam = "CBS gemeenten en herindelingen"

    def run(self):
        bron_gemeenten = self.bron(
            "cbs-gemeenten",
            naam="CBS gemeentelijke indeling 2009–2026 (Groningen, Fryslân, Drenthe)",
            uitgever="CBS (via NLExtract gemeentelijke-indeling.xml)",
            url="https://www.cbs.nl/nl-nl/onze-diensten/methoden/classificaties/overig/gemeentelijke-indelingen-per-jaar",
            bestand=GEMEENTEN,
            licentie="CC BY 4.0",
            peildatum=datetime.date(2026, 5, 16),
            toelichting="Every municipality of the three provinces since 2009-01-01, with CBS "
            "code and validity dates; see cbs/SOURCES.md for the sources per row.",
        )
        bron_herindelingen = self.bron(
            "cbs-herindelingen",
            naam="Herindelingen Groningen, Fryslân, Drenthe 2009–2026",
            uitgever="CBS; laws and pages cited per row",
            url="https://www.cbs.nl/nl-nl/dossier/nederland-regionaal/informatie-voor-gemeenten/herindelingen-en-grenswijzigingen",
            bestand=HERINDELINGEN,
            licentie="CC BY 4.0",
            peildatum=datetime.date(2026, 5, 16),
        )
        bron_indeling = self.bron(
            "cbs-indeling",
            naam="CBS gemeentelijke indeling 1990–2025 (heel Nederland)",
            uitgever="CBS (via NLExtract gemeentelijke-indeling.xml)",
            url=INDELING_URL,
            bestand=INDELING,
            licentie="CC BY 4.0",
            peildatum=datetime.date(2025, 1, 1),
            toelichting="Code, name, province and validity of every municipality per year "
            "1990–2025; the municipalities outside Groningen, Fryslân and Drenthe valid on any "
            "day 2009-01-01 … 2026-05-16 come from here (the north from cbs-gemeenten). No "
            "list for 2026 exists: a code without einddatum in 2025 is taken to exist on "
            "2026-05-16.",
        )
        perioden = self.indeling()
        provincies = self.provincies(bron_gemeenten)
        self.provincies_landelijk()
        self.gemeenten(provincies, bron_gemeenten)
        self.gemeenten_landelijk(perioden, bron_indeling)
        self.herindelingen(bron_herindelingen)

    def provincies(self, bron):
        """Province codes and names, from the CBS province layer's properties."""
        path = self.source / PROVINCIES
        try:
            features = json.loads(self.read_text(path))["features"]
            props = [f["properties"] for f in features]
            result = {p["name"]: (p["code"], p["name"]) for p in props}
        except (ValueError, KeyError, TypeError) as exc:
            raise ImportFout([Fout(PROVINCIES, "-", f"not a CBS province layer ({exc})")]) from exc
        out = {}
        for name, (code, naam) in sorted(result.items()):
            out[name], _ = Provincie.objects.update_or_create(
                code=code, defaults={"naam": naam, "slug": slugify(naam)}
            )
        return out

    # --- the national code list ----------------------------------------------------------
    def indeling(self):
        """{(code, begindatum): {jaar: (provincie code, provincie naam, naam, einddatum)}}
        of every municipality period in the code list; a defect names year and element."""
        path = self.source / INDELING
        rel = self.rel(path)
        text = self.read_text(path)
        try:
            root = ET.fromstring(text)
        except ET.ParseError as exc:
            line, col = exc.position
            raise ImportFout([Fout(rel, f"line {line}", f"not valid XML ({exc})")]) from exc
        if root.tag != f"{NS}gemeentelijke_indeling":
            raise ImportFout([Fout(rel, "-", "not an NLExtract gemeentelijke_indeling")])
        perioden = {}
        jaren = set()
        self.provincie_namen = {}  # {PVnn: {jaar: naam}}
        for i, indeling in enumerate(root.findall(f"{NS}indeling"), start=1):
            jaar = indeling.get("jaar")
            waar = f"indeling {i} (jaar={jaar!r})"
            if not (jaar or "").isdigit() or not 1990 <= int(jaar) <= 2100:
                self.fout(rel, waar, "invalid year: jaar must be a year such as 2016")
                continue
            jaar = int(jaar)
            if jaar in jaren:
                self.fout(rel, waar, f"year {jaar} appears twice")
                continue
            jaren.add(jaar)
            provincies = indeling.findall(f"{NS}provincie")
            if not provincies:
                self.fout(rel, waar, f"year {jaar} has no provinces")
            for provincie in provincies:
                pcode, pnaam = provincie.get("code") or "", provincie.get("naam") or ""
                pwaar = f"indeling jaar={jaar}, provincie code={pcode!r}"
                if not pcode.isdigit() or f"PV{int(pcode)}" not in PROVINCIE_CODES or not pnaam:
                    self.fout(rel, pwaar, "invalid province (code 20–31 and a name)")
                    continue
                self.provincie_namen.setdefault(f"PV{int(pcode)}", {})[jaar] = pnaam
                for gemeente in provincie.findall(f"{NS}gemeente"):
                    code = gemeente.get("code") or ""
                    gwaar = f"indeling jaar={jaar}, gemeente code={code!r}"
                    naam = (gemeente.get("naam") or "").strip()
                    try:
                        if not code.isdigit() or not 0 < int(code) < 10000:
                            raise ValueError("invalid code")
                        begin = datetime.date.fromisoformat(gemeente.get("begindatum") or "")
                        eind = gemeente.get("einddatum")
                        eind = datetime.date.fromisoformat(eind) if eind is not None else None
                    except ValueError:
                        self.fout(rel, gwaar, "invalid code, begindatum or einddatum")
                        continue
                    if not naam:
                        self.fout(rel, gwaar, "empty name")
                        continue
                    if eind is not None and eind <= begin:
                        self.fout(rel, gwaar, "einddatum not after begindatum")
                        continue
                    key = (f"GM{int(code):04d}", begin)
                    perioden.setdefault(key, {})[jaar] = (f"PV{int(pcode)}", pnaam, naam, eind)
        self.stop_bij_fouten()
        if not jaren:
            raise ImportFout([Fout(rel, "-", "no <indeling jaar> elements")])
        self.laatste_jaar = max(jaren)
        return perioden

    def periode(self, rel, code, begin, jaren):
        """(provincie code, naam, geldig_van, geldig_tot) of one period, or None (a defect
        recorded) — validity from begindatum/einddatum and the years it appears in."""
        waar = f"gemeente code={int(code[2:])} begindatum={begin}"
        einden = {v[3] for v in jaren.values() if v[3] is not None}
        if len(einden) > 1:
            self.fout(rel, waar, f"conflicting einddatum {sorted(map(str, einden))}")
            return None
        eind = next(iter(einden), None)
        laatste = max(jaren)
        if eind is None and laatste < self.laatste_jaar:
            self.fout(rel, waar, f"listed until {laatste} without an einddatum")
            return None
        if eind is not None and eind.year > laatste + 1:
            self.fout(rel, waar, f"einddatum {eind} but not listed after {laatste}")
            return None
        provincies = {v[0] for v in jaren.values()}
        if len(provincies) > 1:
            self.fout(rel, waar, f"listed under several provinces {sorted(provincies)}")
            return None
        tot = eind - datetime.timedelta(days=1) if eind else None
        return jaren[laatste][0], jaren[laatste][2], begin, tot

    def provincies_landelijk(self):
        """The provinces outside the north, from the code list (the north keeps the names of
        its province layer: Fryslân, not Friesland)."""
        namen = self.provincie_namen
        ontbreekt = sorted(set(PROVINCIE_CODES) - set(namen))
        if ontbreekt:
            raise ImportFout(
                [Fout(INDELING, "-", f"province(s) {', '.join(ontbreekt)} not in the code list")]
            )
        out = {}
        for pcode in PROVINCIE_CODES:
            if pcode in NOORD:
                continue
            naam = namen[pcode][max(namen[pcode])]
            out[naam], _ = Provincie.objects.update_or_create(
                code=pcode, defaults={"naam": naam, "slug": slugify(naam)}
            )
        return {p.code: p for p in out.values()}

    def gemeenten_landelijk(self, perioden, bron):
        """Every municipality outside the north valid on any day of BEGIN … EIND."""
        path = self.source / INDELING
        rel = self.rel(path)
        provincies = {p.code: p for p in Provincie.objects.all()}
        noord = set(Gemeente.objects.values_list("cbs_code", flat=True))
        slugs = set(Gemeente.objects.values_list("slug", flat=True))
        gekozen = {}
        oud = noord_in_lijst = 0
        for (code, begin), jaren in sorted(perioden.items()):
            self.verslag.gelezen += 1
            periode = self.periode(rel, code, begin, jaren)
            if periode is None:
                continue
            pcode, naam, van, tot = periode
            if (tot is not None and tot < BEGIN) or van > EIND:
                oud += 1
                continue
            if pcode in NOORD:
                noord_in_lijst += 1
                if code not in noord:
                    self.fout(
                        rel,
                        f"gemeente code={int(code[2:])} begindatum={begin}",
                        f"{code} {naam} is a northern municipality of the period that "
                        f"{GEMEENTEN} (the authority for the north) does not have",
                    )
                continue
            if code in gekozen:
                self.fout(
                    rel,
                    f"gemeente code={int(code[2:])}",
                    f"two periods of {code} fall in {BEGIN} … {EIND}",
                )
                continue
            gekozen[code] = (pcode, naam, van, tot)
        self.stop_bij_fouten()
        for code, (pcode, naam, van, tot) in sorted(gekozen.items()):
            provincie = provincies[pcode]
            # The same name in two periods or provinces: the province, then the code decides.
            slug = slugify(naam)
            if slug in slugs:
                slug = f"{slug}-{provincie.slug}"
            if slug in slugs:
                slug = f"{slug}-{code.lower()}"
            slugs.add(slug)
            Gemeente.objects.update_or_create(
                cbs_code=code,
                defaults=dict(
                    naam=naam,
                    slug=slug,
                    provincie=provincie,
                    geldig_van=van if van >= BEGIN else None,  # empty: before 2009
                    geldig_tot=tot,
                    bron=bron,
                ),
            )
            self.verslag.geimporteerd += 1
        self.verslag.buiten_bereik.append(
            (rel, f"municipality periods that ended before {BEGIN}", oud)
        )
        self.verslag.buiten_bereik.append(
            (
                rel,
                f"northern municipalities of the period: imported from {GEMEENTEN}, the "
                "authority for the north",
                noord_in_lijst,
            )
        )
        self.verslag.opmerkingen.append(
            f"{rel}: {len(gekozen)} municipalities outside Groningen, Fryslân and Drenthe valid "
            f"on a day of {BEGIN} … {EIND} imported; the {noord_in_lijst} northern ones of the "
            f"list are all in {GEMEENTEN}, which stays the authority for the north "
            "(names, dates and herindelingen as curated there)."
        )

    def gemeenten(self, provincies, bron):
        path = self.source / GEMEENTEN
        rows = self.read_csv(
            path, ["code", "name", "province", "valid_from", "valid_to"], key=["code"]
        )
        slugs = {}
        for row in rows:
            self.verslag.gelezen += 1
            where = f"line {row['_regel']}"
            code = row["code"]
            if not (len(code) == 6 and code.startswith("GM") and code[2:].isdigit()):
                self.fout(self.rel(path), where, f"invalid CBS code {code!r}")
                continue
            provincie = provincies.get(row["province"])
            if provincie is None:
                self.fout(self.rel(path), where, f"unknown province {row['province']!r}")
                continue
            try:
                van, tot = parse_datum(row["valid_from"]), parse_datum(row["valid_to"])
            except ValueError:
                self.fout(self.rel(path), where, "invalid date in valid_from/valid_to")
                continue
            if van and tot and tot < van:
                self.fout(self.rel(path), where, "valid_to before valid_from")
                continue
            naam = row["name"]
            if not naam:
                self.fout(self.rel(path), where, "empty name")
                continue
            slug = slugify(naam)
            if slug in slugs:
                slug = f"{slug}-{code.lower()}"
            slugs[slug] = code
            Gemeente.objects.update_or_create(
                cbs_code=code,
                defaults=dict(
                    naam=naam,
                    slug=slug,
                    provincie=provincie,
                    geldig_van=van,
                    geldig_tot=tot,
                    bron=bron,
                ),
            )
            self.verslag.geimporteerd += 1

    def herindelingen(self, bron):
        path = self.source / HERINDELINGEN
        rows = self.read_csv(
            path,
            ["date", "predecessor_code", "successor_code", "kind", "share", "source_url"],
            key=["date", "predecessor_code", "successor_code"],
        )
        gemeenten = {g.cbs_code: g for g in Gemeente.objects.all()}
        for row in rows:
            self.verslag.gelezen += 1
            where = f"line {row['_regel']}"
            try:
                datum = parse_datum(row["date"])
            except ValueError:
                datum = None
            if datum is None:
                self.fout(self.rel(path), where, f"invalid date {row['date']!r}")
                continue
            if row["kind"] not in SOORT or row["share"] not in DEEL:
                self.fout(self.rel(path), where, f"unknown kind/share {row['kind']}/{row['share']}")
                continue
            voor = gemeenten.get(row["predecessor_code"])
            na = gemeenten.get(row["successor_code"])
            if na is None:
                self.fout(
                    self.rel(path), where, f"unknown CBS code {row['successor_code']} (successor)"
                )
                continue
            if voor is None:
                if datum <= datetime.date(2009, 1, 1):
                    # The registry starts on 2009-01-01; a code that ended before it is not
                    # a municipality of the dataset (Dantumadeel → Dantumadiel on 2009-01-01).
                    self.verslag.buiten_bereik.append(
                        (
                            f"{self.rel(path)} {where}",
                            f"{row['predecessor_code']} {row.get('predecessor_name', '')} ended "
                            "before 2009-01-01, the start of the registry",
                        )
                    )
                    continue
                self.fout(
                    self.rel(path),
                    where,
                    f"unknown CBS code {row['predecessor_code']} (predecessor)",
                )
                continue
            Herindeling.objects.update_or_create(
                datum=datum,
                voorganger=voor,
                opvolger=na,
                defaults=dict(
                    soort=SOORT[row["kind"]],
                    deel=DEEL[row["share"]],
                    bron=bron,
                    bron_url=row["source_url"],
                ),
            )
            self.verslag.geimporteerd += 1


# --- successors outside the north ------------------------------------------------------------

OPVOLGERS = "opvolgers.csv"
VAN_JAAR, NAAR_JAAR = 2016, 2025  # the national overview layers the overlay compares
# A municipality that ended went wholly into the one 2025 municipality holding at least
# DREMPEL of its 2016 area, when no other one holds RUIS or more. Below RUIS a share is the
# difference between two generalisations (measured: at most 3.4 % — Korendijk → Nissewaard, sea
# and water at the edge — against 95.5 % or more for every clear merger; docs/dataset.md).
DREMPEL = 0.90
RUIS = 0.05
RD = 28992


class CbsOpvolgersImporter(BaseImporter):
    """Herindelingen outside the north between the two reference dates (2016-01-01 and
    2026-05-16): each code of the list that ends, with the successor the overlay of its 2016
    boundary with the 2025 boundaries confirms; every ambiguous case resolved in
    fixtures/curation/opvolgers.csv (with its evidence), else the build stops."""

    naam = "CBS opvolgers buiten het noorden (codelijst + overlay 2016/2025)"

    def run(self):
        bron = self.bron(
            "cbs-opvolgers",
            naam="Herindelingen buiten Groningen, Fryslân en Drenthe 2016–2026",
            uitgever="CBS (code list and generalised boundaries); curation with evidence",
            url=INDELING_URL,
            bestand=f"{INDELING}; cbs/boundaries/gemeente_2016.generalized.geojson; "
            "cbs/boundaries/gemeente_2025.generalized.topojson; curation/opvolgers.csv",
            licentie="CC BY 4.0",
            peildatum=EIND,
            toelichting=f"A code that ends is succeeded by the 2025 municipality holding at "
            f"least {DREMPEL:.0%} of its 2016 area (no other one {RUIS:.0%} or more); other "
            "cases come from the curation table opvolgers.csv with their evidence. Boundary "
            "corrections between continuing municipalities are not derived.",
        )
        curatie = self.curatie()
        gemeenten = {g.cbs_code: g for g in Gemeente.objects.select_related("provincie")}
        grenzen = {
            (g.jaar, g.gemeente.cbs_code): g.geometrie
            for g in GemeenteGrens.alle.filter(
                niveau=Niveau.OVERZICHT, jaar__in=(VAN_JAAR, NAAR_JAAR)
            ).select_related("gemeente")
        }
        naar = {
            code: geom.transform(RD, clone=True)
            for (jaar, code), geom in sorted(grenzen.items())
            if jaar == NAAR_JAAR
        }
        begin = datetime.date(VAN_JAAR, 1, 1)
        einde = [
            g
            for g in gemeenten.values()
            if g.provincie.code not in NOORD
            and g.geldig_tot is not None
            and begin <= g.geldig_tot < EIND
        ]
        rijen = []
        # Rows read: one per predecessor → successor step (the overlay's or a curated row).
        for g in sorted(einde, key=lambda g: (g.geldig_tot, g.cbs_code)):
            datum = g.geldig_tot + datetime.timedelta(days=1)
            aandelen = self.overlay(g, grenzen, naar, gemeenten)
            tekst = ", ".join(f"{gemeenten[c].naam} {a:.1%}" for a, c in aandelen if a >= 0.001)
            if (datum, g.cbs_code) in curatie:
                regels = curatie.pop((datum, g.cbs_code))
                for r in regels:
                    self.verslag.gelezen += 1
                    rijen.append((datum, g, r["opvolger"], r["soort"], r["deel"], "curated"))
                self.verslag.opmerkingen.append(
                    f"{g.cbs_code} {g.naam} (last day {g.geldig_tot}): overlay {tekst or 'none'}"
                    f" → curated in {OPVOLGERS}: "
                    + ", ".join(f"{r['opvolger'].naam} ({r['soort']})" for r in regels)
                )
                continue
            if aandelen is None:
                self.fout(
                    f"curation/{OPVOLGERS}",
                    f"{g.cbs_code} {g.naam}",
                    f"ended on {g.geldig_tot} and has no {VAN_JAAR} overview boundary to "
                    "overlay: add its successor(s) with evidence",
                )
                continue
            opvolgers = [(a, c) for a, c in aandelen if a >= RUIS]
            reden = None
            if not opvolgers:
                reden = "no successor: no 2025 municipality holds 5 % of its area"
            elif len(opvolgers) > 1:
                reden = "several successors"
            elif opvolgers[0][0] < DREMPEL:
                reden = f"share {opvolgers[0][0]:.1%} below the threshold {DREMPEL:.0%}"
            elif not gemeenten[opvolgers[0][1]].bestaat_op(datum):
                reden = f"{opvolgers[0][1]} did not exist on {datum} (a later change)"
            if reden:
                self.fout(
                    f"curation/{OPVOLGERS}",
                    f"{g.cbs_code} {g.naam}",
                    f"ended on {g.geldig_tot}; overlay {VAN_JAAR}→{NAAR_JAAR}: "
                    f"{tekst or 'nothing'}: {reden}. Resolve it with a row and its evidence",
                )
                continue
            opvolger = gemeenten[opvolgers[0][1]]
            self.verslag.gelezen += 1
            rijen.append((datum, g, opvolger, Herindeling.Soort.FUSIE, Herindeling.Deel.GEHEEL, ""))
            self.verslag.opmerkingen.append(
                f"{g.cbs_code} {g.naam} (last day {g.geldig_tot}): overlay {tekst}"
                f" → went wholly into {opvolger.cbs_code} {opvolger.naam}"
            )
        for (datum, code), regels in sorted(curatie.items()):
            self.fout(
                f"curation/{OPVOLGERS}",
                f"line {regels[0]['_regel']}",
                f"{code} did not end on the day before {datum} outside the north: the row is "
                "not used",
            )
        self.stop_bij_fouten()
        # A successor with a new code and a single predecessor that went wholly into it: a
        # rename (same territory, new code), as in herindelingen.csv.
        voorgangers = {}
        for datum, g, opvolger, *_ in rijen:
            voorgangers.setdefault((datum, opvolger.cbs_code), []).append(g)
        for datum, g, opvolger, soort, deel, basis in rijen:
            if (
                not basis
                and soort == Herindeling.Soort.FUSIE
                and opvolger.geldig_van == datum
                and len(voorgangers[(datum, opvolger.cbs_code)]) == 1
            ):
                soort = Herindeling.Soort.NAAMSWIJZIGING
            Herindeling.objects.update_or_create(
                datum=datum,
                voorganger=g,
                opvolger=opvolger,
                defaults=dict(soort=soort, deel=deel, bron=bron, bron_url=INDELING_URL),
            )
            self.verslag.geimporteerd += 1
        # Every new code outside the north must have a predecessor.
        nieuw = [
            g
            for g in gemeenten.values()
            if g.provincie.code not in NOORD and g.geldig_van is not None and g.geldig_van > begin
        ]
        for g in sorted(nieuw, key=lambda g: g.cbs_code):
            if (g.geldig_van, g.cbs_code) not in voorgangers:
                self.fout(
                    INDELING,
                    f"gemeente code={int(g.cbs_code[2:])}",
                    f"{g.cbs_code} {g.naam} began on {g.geldig_van}, but no code ended "
                    f"then went into it: add its predecessors to curation/{OPVOLGERS}",
                )
        self.verslag.opmerkingen.append(
            f"threshold: a whole merger needs ≥ {DREMPEL:.0%} of the 2016 area in one 2025 "
            f"municipality and no other share ≥ {RUIS:.0%}; {len(einde)} codes outside the "
            f"north ended between {begin} and {EIND}."
        )

    def overlay(self, g, grenzen, naar, gemeenten):
        """[(share of its 2016 area, 2025 code)], largest first; None without a 2016 boundary."""
        geom = grenzen.get((VAN_JAAR, g.cbs_code))
        if geom is None:
            return None
        rd = geom.transform(RD, clone=True)
        oppervlak = rd.area
        out = []
        for code, doel in naar.items():
            if not rd.intersects(doel):
                continue
            deel = rd.intersection(doel)
            out.append((round(deel.area / oppervlak, 4), code))
        return sorted(out, key=lambda x: (-x[0], x[1]))

    def curatie(self):
        """{(datum, voorganger code): [rows]} from opvolgers.csv, each checked."""
        path = self.curation / OPVOLGERS
        rows = self.read_csv(
            path,
            [
                "datum",
                "voorganger",
                "voorganger_naam",
                "opvolger",
                "opvolger_naam",
                "kind",
                "share",
                "bewijs",
            ],
            key=["datum", "voorganger", "opvolger"],
        )
        gemeenten = {g.cbs_code: g for g in Gemeente.objects.all()}
        out = {}
        for row in rows:
            where = f"line {row['_regel']}"
            try:
                datum = parse_datum(row["datum"])
            except ValueError:
                datum = None
            voor, na = gemeenten.get(row["voorganger"]), gemeenten.get(row["opvolger"])
            if datum is None:
                self.fout(self.rel(path), where, f"invalid date {row['datum']!r}")
            elif voor is None or na is None:
                self.fout(self.rel(path), where, "unknown CBS code in voorganger/opvolger")
            elif row["kind"] not in SOORT or row["share"] not in DEEL:
                self.fout(self.rel(path), where, f"unknown kind/share {row['kind']}/{row['share']}")
            elif not row["bewijs"]:
                self.fout(self.rel(path), where, "no evidence (bewijs)")
            elif not na.bestaat_op(datum):
                self.fout(self.rel(path), where, f"{na.cbs_code} did not exist on {datum}")
            else:
                out.setdefault((datum, voor.cbs_code), []).append(
                    dict(
                        opvolger=na,
                        soort=SOORT[row["kind"]],
                        deel=DEEL[row["share"]],
                        _regel=row["_regel"],
                    )
                )
        self.stop_bij_fouten()
        return out
