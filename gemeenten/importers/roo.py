"""Register van Overheidsorganisaties (roo/gemeenten/*.yaml), retrieved 2026-05-16: the
inhabitants, website and TOOI URI of every municipality of the dataset, current and former.

A record is matched by its code, never by its name: `identifiers.tooi` (…/gemeente/gm0014,
the CBS code), or for a record without one its `identifiers.organisatiecode` (gm0014; where a
record has both they agree in every file). One code may have two records, a TOOI stub and the
full record; their facts are combined and must not contradict each other.

Every municipality that exists on the 2026 reference date must get inhabitants and a website:
the register is the official list of current government bodies, so a gap there is a defect of
the source. A former municipality may lack them (the register keeps only a stub for most
municipalities that ended before 2014); those are listed in the report.

The register states no reference date for its figures: the site says "peildatum onbekend".
The figure describes the municipality's territory as the register knows it; `grondgebied_sinds`
records since when that territory exists (its last change in `Herindeling`), so that a sum on an
earlier reference date does not count Haren twice, once in itself and once inside Groningen.

Provinces and water boards (roo/provincies, roo/waterschappen) are read and reported, not
imported: the atlas has no page for them.
"""

import datetime
import re

import yaml

from ..models import Gemeente, Herindeling, Peildatum
from .base import BaseImporter

MAP = "roo"
GEMEENTEN = f"{MAP}/gemeenten"
OVERIG = {"provincies": "province", "waterschappen": "water board"}
OPGEHAALD = datetime.date(2026, 5, 16)
TOOI = re.compile(r"^https://identifier\.overheid\.nl/tooi/id/gemeente/(gm\d{4})$")
CODE = re.compile(r"^gm\d{4}$")
# Dutch notation: thousands with a dot, decimals with a comma (only ",0" fits a head count).
GETAL = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,0+)?$")
LEEG = {"inwoners": None, "roo_opgehaald": None}
FEITEN = ("tooi", "inwoners", "website", "roo_id", "roo_url", "roo_opgehaald")


def aantal(value):
    """A head count from the register: an int, or a string in Dutch notation ("26.062",
    "26062,0"); ValueError for anything else (a fraction, a negative, text)."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        if value < 0:
            raise ValueError
        return value
    if isinstance(value, float):
        if value < 0 or not value.is_integer():
            raise ValueError
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        m = GETAL.match(text)
        if m:
            return int(m.group(1).replace(".", ""))
    raise ValueError


def website(value):
    """The site's URL; one without a scheme ("www.bedum.nl") gets http://, which every
    server answers (and most redirect). None for an empty value; ValueError if not a host."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not re.match(r"^https?://", text):
        text = f"http://{text}"
    if not re.match(r"^https?://[\w.-]+\.[a-z]{2,}(?:[/?#]\S*)?$", text, flags=re.I):
        raise ValueError
    return text


class RooImporter(BaseImporter):
    naam = "Register van Overheidsorganisaties (gemeenten), opgehaald 2026"

    def run(self):
        self.bron_roo = self.bron(
            "roo-2026",
            naam="Register van Overheidsorganisaties (organisaties.overheid.nl)",
            uitgever="KOOP / Ministerie van BZK; YAML-conversie anneschuth/polder",
            url="https://organisaties.overheid.nl/",
            bestand=GEMEENTEN,
            licentie="CC0",
            peildatum=OPGEHAALD,
            opgehaald=OPGEHAALD,  # SOURCES.md: "retrieved 2026-05-16"
            toelichting="Opgehaald 16 mei 2026 (polder commit 82b2d3b). Het register noemt "
            "geen peildatum bij het aantal inwoners.",
        )
        gemeenten = {g.cbs_code.lower(): g for g in Gemeente.objects.all()}
        self.zonder_schema, self.stubs = [], []
        feiten = self.lees(gemeenten)
        self.stop_bij_fouten()
        self.schrijf(gemeenten, feiten)
        self.stop_bij_fouten()
        for folder, soort in OVERIG.items():
            self.overig(folder, soort)
        self.stop_bij_fouten()

    # --- reading ---------------------------------------------------------------------------
    def records(self, folder):
        """[(file name, record)] of every *.yaml in `folder`; YAML errors name file and line."""
        files = sorted((self.source / folder).glob("*.yaml"))
        if not files:
            self.fout(folder, "-", "no *.yaml files")
        out = []
        for path in files:
            rel = self.rel(path)
            self.verslag.gelezen += 1
            try:
                record = yaml.load(self.read_text(path), Loader=yaml.CSafeLoader)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"line {mark.line + 1}" if mark else "-"
                self.fout(rel, where, f"YAML syntax error ({getattr(exc, 'problem', exc)})")
                continue
            if not isinstance(record, dict):
                self.fout(rel, "-", "not a register record (no mapping at top level)")
                continue
            out.append((rel, record))
        return out

    def code(self, rel, record):
        """The CBS code (gm0014) the record names, or None; a malformed one is an error."""
        ids = record.get("identifiers") or {}
        tooi = str(ids.get("tooi") or "").strip()
        if tooi:
            m = TOOI.match(tooi)
            if not m:
                self.fout(rel, "identifiers.tooi", f"not a TOOI URI of a municipality: {tooi!r}")
                return None
            return m.group(1)
        code = str(ids.get("organisatiecode") or "").strip().lower()
        if code and not CODE.match(code):
            self.fout(rel, "identifiers.organisatiecode", f"not a municipality code: {code!r}")
            return None
        return code or None

    def lees(self, gemeenten):
        """{cbs code: {fact: (value, file)}} for the dataset's municipalities."""
        feiten = {}
        buiten = 0
        for rel, record in self.records(GEMEENTEN):
            code = self.code(rel, record)
            if code is None:
                if any(f.bestand == rel for f in self.fouten):
                    continue
                self.zonder_code(rel, record)
                continue
            if code not in gemeenten:
                if self.noordelijk_adres(record):
                    self.fout(
                        rel,
                        f"identifiers {code}",
                        "unknown CBS code for a municipality with an address in Groningen, "
                        "Fryslân or Drenthe",
                    )
                buiten += 1
                continue
            record_feiten = self.feiten(rel, record)
            if record_feiten is None:
                continue
            mine = feiten.setdefault(code, {})
            for name, value in record_feiten.items():
                if name in mine and mine[name][0] != value:
                    self.fout(
                        rel,
                        code,
                        f"{name} {value!r} contradicts {mine[name][0]!r} in {mine[name][1]}",
                    )
                    continue
                mine.setdefault(name, (value, rel))
            if "inwoners" not in record_feiten and "website" not in record_feiten:
                self.stubs.append(rel)
            self.verslag.geimporteerd += 1
        if buiten:
            self.verslag.buiten_bereik.append(
                (
                    GEMEENTEN,
                    f"{buiten} records of municipalities outside Groningen, Fryslân and Drenthe "
                    "(their CBS code is not in the dataset)",
                    buiten,
                )
            )
        return feiten

    def zonder_code(self, rel, record):
        """A record without a code is not matched (names are not matched). One with a
        northern address would be a municipality of the dataset: allowed only when it ended
        before the first snapshot, so that no snapshot misses its figure."""
        naam = ((record.get("names") or [{}])[-1] or {}).get("value") or rel
        if not self.noordelijk_adres(record):
            self.verslag.buiten_bereik.append(
                (rel, f"{naam}: no TOOI URI or organisatiecode, so no CBS code to match by")
            )
            return
        eerste = Peildatum.objects.order_by("datum").first()
        try:
            einde = datetime.date.fromisoformat(str(record.get("valid_until") or ""))
        except ValueError:
            einde = None
        if eerste is None or einde is None or einde > eerste.datum:
            self.fout(
                rel,
                "identifiers",
                f"{naam} has an address in Groningen, Fryslân or Drenthe but no TOOI URI or "
                "organisatiecode to match it by",
            )
            return
        self.verslag.buiten_bereik.append(
            (
                rel,
                f"{naam}: a northern municipality without TOOI URI or organisatiecode (not "
                f"matched by name); it ended on {einde}, before the first snapshot",
            )
        )

    @staticmethod
    def noordelijk_adres(record):
        for adres in (record.get("contact") or {}).get("addresses") or []:
            if str(adres.get("provincie") or "").rsplit("/", 1)[-1] in ("pv20", "pv21", "pv22"):
                return True
        return False

    def feiten(self, rel, record):
        """{fact: value} of one record; None (and an error) when a value is malformed."""
        out = {}
        ids = record.get("identifiers") or {}
        geography = record.get("geography") or {}
        if geography.get("aantal_inwoners") not in (None, ""):
            raw = geography["aantal_inwoners"]
            try:
                out["inwoners"] = aantal(raw)
            except ValueError:
                self.fout(rel, "geography.aantal_inwoners", f"not a whole number: {raw!r}")
                return None
        raw = (record.get("contact") or {}).get("website")
        try:
            url = website(raw)
        except ValueError:
            self.fout(rel, "contact.website", f"not a web address: {raw!r}")
            return None
        if url:
            out["website"] = url
            if not re.match(r"^https?://", str(raw).strip()):
                self.zonder_schema.append(rel)
        if ids.get("tooi"):
            out["tooi"] = str(ids["tooi"]).strip()
        if out.keys() - {"tooi"}:
            if ids.get("roo_id"):
                out["roo_id"] = str(ids["roo_id"]).strip()
            for source in record.get("sources") or []:
                if isinstance(source, dict) and source.get("id") == "roo" and source.get("url"):
                    out["roo_url"] = str(source["url"]).strip()
                    try:
                        out["roo_opgehaald"] = datetime.date.fromisoformat(
                            str(source.get("retrieved") or "")
                        )
                    except ValueError:
                        self.fout(rel, "sources.roo", "no valid retrieval date")
                        return None
        return out

    # --- writing ---------------------------------------------------------------------------
    def schrijf(self, gemeenten, feiten):
        peildatum = Peildatum.objects.order_by("-datum").first()
        sinds = self.grondgebied_sinds(gemeenten)
        zonder = []
        for code, gemeente in sorted(gemeenten.items()):
            mine = {name: value for name, (value, _) in feiten.get(code, {}).items()}
            ontbreekt = [n for n in ("inwoners", "website") if n not in mine]
            if ontbreekt:
                if peildatum is not None and gemeente.bestaat_op(peildatum.datum):
                    self.fout(
                        GEMEENTEN,
                        f"{gemeente.cbs_code} {gemeente.naam}",
                        f"no record gives its {' or '.join(ontbreekt)} "
                        f"(it exists on {peildatum.datum})",
                    )
                    continue
                zonder.append(f"{gemeente.naam} ({', '.join(ontbreekt)})")
            for name in FEITEN:
                setattr(gemeente, name, mine.get(name, LEEG.get(name, "")))
            gemeente.grondgebied_sinds = sinds.get(gemeente.pk)
            gemeente.roo_bron = self.bron_roo if mine else None
            gemeente.save(update_fields=[*FEITEN, "grondgebied_sinds", "roo_bron"])
        met = sum(1 for g in gemeenten.values() if g.inwoners is not None)
        self.verslag.opmerkingen.append(
            f"{met} of the {len(gemeenten)} municipalities of the dataset have inhabitants "
            f"from the register, {sum(1 for g in gemeenten.values() if g.website)} a website; "
            f"every municipality of {peildatum.datum if peildatum else 'the last snapshot'} has "
            "both."
        )
        if self.stubs:
            self.verslag.opmerkingen.append(
                f"{len(self.stubs)} matched records are stubs that give only the TOOI URI, no "
                "inhabitants or website: " + ", ".join(self.stubs) + "."
            )
        if zonder:
            self.verslag.opmerkingen.append(
                "Former municipalities without a figure or website in the register (shown as "
                "'onbekend'): " + ", ".join(zonder) + "."
            )
        if self.zonder_schema:
            self.verslag.opmerkingen.append(
                f"{len(self.zonder_schema)} websites are given without a scheme (e.g. "
                "www.bedum.nl) and completed with http://: " + ", ".join(self.zonder_schema) + "."
            )
        verschoven = sorted(
            f"{g.naam} ({g.grondgebied_sinds})"
            for g in gemeenten.values()
            if g.grondgebied_sinds and g.inwoners is not None
        )
        self.verslag.opmerkingen.append(
            "The register gives no reference date for inhabitants (the site says 'peildatum "
            "onbekend; opgehaald 16 mei 2026'). A figure describes the territory since its last "
            "boundary change and counts in a sum on a reference date only from then: "
            + ", ".join(verschoven)
            + "."
        )

    @staticmethod
    def grondgebied_sinds(gemeenten):
        """{gemeente pk: date of the last boundary change it went through and survived}: a
        merger or transfer into it, or a part transferred out while it went on existing."""
        per_pk = {g.pk: g for g in gemeenten.values()}
        sinds = {}
        # A rename gives a new code, whose own start date (geldig_van) covers it.
        for stap in Herindeling.objects.exclude(soort=Herindeling.Soort.NAAMSWIJZIGING):
            geraakt = [stap.opvolger_id]
            voor = per_pk.get(stap.voorganger_id)
            if voor is not None and (voor.geldig_tot is None or voor.geldig_tot >= stap.datum):
                geraakt.append(stap.voorganger_id)
            for pk in geraakt:
                if pk in per_pk and (pk not in sinds or sinds[pk] < stap.datum):
                    sinds[pk] = stap.datum
        for g in gemeenten.values():
            if g.geldig_van and (g.pk not in sinds or sinds[g.pk] < g.geldig_van):
                sinds[g.pk] = g.geldig_van
        return sinds

    def overig(self, folder, soort):
        records = self.records(f"{MAP}/{folder}")
        if records:
            self.verslag.buiten_bereik.append(
                (
                    f"{MAP}/{folder}",
                    f"{len(records)} {soort} records: the atlas has no page for them (their "
                    "participations come from the GR register)",
                    len(records),
                )
            )
