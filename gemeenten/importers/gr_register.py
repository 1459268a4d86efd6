"""The GR register (gr-register/gemeenschappelijke-regelingen/*.yaml), snapshot 2026-05-16.

Every register record with `gr_meta` is one version of an arrangement; versions linked through
previous_version/next_version are one `Samenwerking` with a history of `Versie` rows. An
arrangement is in scope when any version has a Dutch municipality of the registry among its
participants (CBS code from the TOOI URI, …/gemeente/gm1966, or, for a participant the record
names without one, its name through fixtures/curation/deelnemers.csv); one of only
provinces, water boards and other bodies is out of scope, with its files. The version in
force on a reference date gives that snapshot's title, purpose, legal form, seat and
participants: 2026-05-16 always, and 2016-01-01 where the register has a version in force
then (OpenGR's rows for that arrangement are then superseded, see opengr.py).

Theme: fixtures/curation/themas.csv, else the register's policy areas through
beleidsterreinen.csv (importers/standen.py Themas), else the first rule of
importers/themaregels.py that fits the name, the register's other names, the purpose or the
register's description (GrRegisterImporter.thema); each with its basis.
"""

import datetime
import re

import yaml
from django.utils.text import slugify

from ..models import (
    Deelname,
    Gemeente,
    Organisatie,
    Peildatum,
    Rechtsvorm,
    Samenwerking,
    Soort,
    Versie,
)
from .base import BaseImporter
from .cbs import NOORD
from .curatie import Curatie, curatie_bron, duitse_organisatie, maak_organisaties
from .soorten import SOORTEN, bepaal_soort, is_centrumregeling
from .standen import Themas, gemeenten_per_provincie, herindelingsstappen, schrijf_stand
from .themaregels import thema_uit_naam

MAP = "gr-register/gemeenschappelijke-regelingen"
PEILDATUM = datetime.date(2026, 5, 16)
BRON_CODE = "gr-register"  # the `bron` of its rows in deelnemers.csv
# A German postcode has five digits; the register writes some split like a Dutch one ("4859 9").
DUITSE_POSTCODE = re.compile(r"^(\d{4}) ?(\d)$")
TOOI_GEMEENTE = re.compile(r"/tooi/id/gemeente/(gm\d{4})$")
TOOI = re.compile(r"/tooi/id/(provincie|waterschap|ministerie|so|gemeente)/([a-z]+\d+)$")
TOOI_SOORT = {
    "provincie": Organisatie.Soort.PROVINCIE,
    "waterschap": Organisatie.Soort.WATERSCHAP,
    "ministerie": Organisatie.Soort.RIJK,
    "so": Organisatie.Soort.GEMEENSCHAPPELIJKE_REGELING,
}
# Participants without a TOOI URI whose name says they are German public bodies.
DUITS = ("Gemeinde ", "Stadt ", "Samtgemeinde ", "Kreis ", "Landkreis ")
RECHTSVORM = {
    "OL": "openbaar_lichaam",
    "GO": "gemeenschappelijk_orgaan",
    "BVO": "bedrijfsvoeringsorganisatie",
    "RZM": "regeling_zonder_meer",
}


def datum(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def titel(record):
    meta = record.get("gr_meta") or {}
    names = record.get("names") or [{}]
    return (meta.get("citeertitel") or names[-1].get("value") or "").strip()


def kale_naam(naam):
    """The name without the leading 'Gemeenschappelijke regeling' and a trailing year."""
    naam = re.sub(r"\([^)]*\)", "", naam)
    naam = re.sub(r"^(gemeenschappelijke\s+regeling\s+|regeling\s+)", "", naam, flags=re.I).strip()
    naam = re.sub(
        r"^(voor\s+het\s+|voor\s+de\s+|voor\s+|van\s+het\s+|van\s+de\s+)", "", naam, flags=re.I
    )
    naam = re.sub(r"\s*-?\s*(19|20)\d\d$", "", naam).strip()
    return naam or "regeling"


def postcode(waarde, land):
    """A postcode as the country writes it: Dutch "9700 AS", German five digits ("48599")."""
    waarde = " ".join((waarde or "").split())
    m = DUITSE_POSTCODE.match(waarde)
    if m and land == "Duitsland":
        return m.group(1) + m.group(2)
    return waarde


def noordelijke_gemeente(gemeente):
    return gemeente.provincie is not None and gemeente.provincie.code in NOORD


def in_werking(record, op=PEILDATUM):
    meta = record["gr_meta"]
    start, eind = (
        datum(meta.get("datum_inwerkingtreding")),
        datum(meta.get("datum_uitwerkingtreding")),
    )
    return start is not None and start <= op and (eind is None or eind > op)


class GrRegisterImporter(BaseImporter):
    naam = "GR-register (organisaties.overheid.nl), stand 2026"

    def run(self):
        self.bron_register = self.bron(
            "gr-register-2026",
            naam="Register gemeenschappelijke regelingen (organisaties.overheid.nl)",
            uitgever="KOOP / Ministerie van BZK; YAML-conversie anneschuth/polder",
            url="https://organisaties.overheid.nl/Gemeenschappelijke_regelingen",
            bestand=MAP,
            licentie="CC0",
            peildatum=PEILDATUM,
            opgehaald=datetime.date(2026, 5, 16),  # SOURCES.md: "retrieved 2026-05-16"
            toelichting="Export exportOO.xml, retrieved 2026-05-16; polder commit 82b2d3b.",
        )
        self.peildatum = Peildatum.objects.get(code="2026")
        self.curatie = Curatie(self)
        self.bron_curatie = curatie_bron(self)
        self.curated = maak_organisaties(self, self.curatie, self.bron_curatie)
        # Every municipality of the registry (the whole country); the north has no rule of
        # its own here, its curated former municipalities are rows of deelnemers.csv.
        self.alle = {g.cbs_code.lower(): g for g in Gemeente.objects.select_related("provincie")}
        self.aliassen = self.curatie.deelnemers(BRON_CODE)
        self.alias_organisaties = {
            o.slug: o
            for o in Organisatie.objects.filter(
                slug__in=[a["organisatie"] for a in self.aliassen.values() if a["organisatie"]]
            )
        }
        for alias in self.aliassen.values():
            where = f"line {alias['_regel']}"
            if bool(alias["gemeente"]) == bool(alias["organisatie"]):
                self.fout(
                    "fixtures/curation/deelnemers.csv",
                    where,
                    "a gr-register row names either a CBS code or an organisation",
                )
            elif alias["gemeente"] and alias["gemeente"].lower() not in self.alle:
                self.fout(
                    "fixtures/curation/deelnemers.csv",
                    where,
                    f"unknown CBS code {alias['gemeente']!r}",
                )
            elif alias["organisatie"] and alias["organisatie"] not in self.alias_organisaties:
                self.fout(
                    "fixtures/curation/deelnemers.csv",
                    where,
                    f"organisation {alias['organisatie']!r} is not in organisaties.csv",
                )
        self.stappen = herindelingsstappen()
        self.opengr_slugs = {a["samenwerking"] for a in self.curatie.aliassen("opengr").values()}
        self.peildata = list(Peildatum.objects.order_by("datum"))
        records = self.lees()
        self.stop_bij_fouten()
        ketens = self.ketens(records)
        self.stop_bij_fouten()
        self.themas = Themas(self.curatie)
        self.per_provincie = {p.code: gemeenten_per_provincie(p) for p in self.peildata}
        self.soorten = dict(self.curatie.soorten())
        slugs = {}
        for keten in ketens:
            self.schrijf(keten, slugs, records)
        for slug, rij in self.soorten.items():
            # A row no register arrangement used: a renamed slug or a stale decision.
            self.fout(SOORTEN, f"line {rij['_regel']}", f"unknown arrangement {slug!r}")
        self.stop_bij_fouten()

    # --- reading ---------------------------------------------------------------------------
    def lees(self):
        """{roo_id: (file name, record)} for every record; YAML errors name file and line."""
        folder = self.source / MAP
        files = sorted(folder.glob("*.yaml"))
        if not files:
            self.fout(MAP, "-", "no *.yaml files")
        records = {}
        for path in files:
            rel = self.rel(path)
            text = self.read_text(path)
            try:
                record = yaml.load(text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"line {mark.line + 1}" if mark else "-"
                self.fout(rel, where, f"YAML syntax error ({getattr(exc, 'problem', exc)})")
                continue
            if not isinstance(record, dict):
                self.fout(rel, "-", "not a register record (no mapping at top level)")
                continue
            roo_id = str((record.get("identifiers") or {}).get("roo_id") or "")
            if not roo_id:
                self.fout(rel, "record", "no identifiers.roo_id")
                continue
            if roo_id in records:
                self.fout(rel, f"roo_id {roo_id}", f"duplicate record (also {records[roo_id][0]})")
                continue
            records[roo_id] = (rel, record)
            if "gr_meta" in record:
                self.verslag.gelezen += 1
        return records

    def gemeenten_van(self, record):
        """The municipalities of the registry taking part in this version: by the CBS code
        in the TOOI URI, or, without a URI, through deelnemers.csv."""
        for p in record["gr_meta"].get("deelnemende_organisaties") or []:
            if p.get("tooi"):
                m = TOOI_GEMEENTE.search(p["tooi"])
                gemeente = self.alle.get(m.group(1)) if m else None
            else:
                gemeente = self.alias_gemeente(p)
            if gemeente is not None:
                yield gemeente

    def gemeentelijk(self, record):
        """Whether a municipality of the registry takes part in this version."""
        return any(True for _ in self.gemeenten_van(record))

    def noordelijk(self, record):
        """Whether a northern municipality takes part in this version (the north stays as
        curated: its bedrijfsvoeringsorganisaties need a row in soorten.csv)."""
        return any(noordelijke_gemeente(g) for g in self.gemeenten_van(record))

    def alias_gemeente(self, p):
        """The municipality deelnemers.csv names for a participant without TOOI URI."""
        alias = self.aliassen.get((p.get("naam") or "").strip())
        if alias and alias["gemeente"]:
            return self.alle.get(alias["gemeente"].lower())
        return None

    def alias_organisatie(self, p):
        """The organisation (organisaties.csv) deelnemers.csv names for a participant
        without TOOI URI: a Belgian municipality, a German city without 'Stadt' …"""
        alias = self.aliassen.get((p.get("naam") or "").strip())
        if alias and alias["organisatie"]:
            return self.alias_organisaties.get(alias["organisatie"])
        return None

    def ketens(self, records):
        """The version chains with a municipal participant in any version, oldest first."""
        versies = {r: rec for r, (_, rec) in records.items() if "gr_meta" in rec}
        parent = {r: r for r in versies}

        def root(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for roo_id, rec in versies.items():
            for key in ("previous_version", "next_version"):
                link = rec["gr_meta"].get(key)
                if not link:
                    continue
                other = str(link.get("roo_id") or "")
                if other not in versies:
                    self.fout(
                        records[roo_id][0], f"roo_id {roo_id}", f"{key} {other} not in the register"
                    )
                    continue
                parent[root(roo_id)] = root(other)
        groups = {}
        for roo_id in versies:
            groups.setdefault(root(roo_id), []).append(roo_id)
        out = []
        for members in groups.values():
            recs = [versies[r] for r in members]
            if not any(self.gemeentelijk(r) for r in recs):
                self.verslag.buiten_bereik.append(
                    (
                        ", ".join(sorted(records[r][0] for r in members)),
                        "no municipality among the participants of any version",
                        len(members),
                    )
                )
                continue
            for r in recs:
                try:
                    datum(r["gr_meta"].get("datum_inwerkingtreding"))
                    datum(r["gr_meta"].get("datum_uitwerkingtreding"))
                except ValueError:
                    self.fout(
                        records[str(r["identifiers"]["roo_id"])][0], "gr_meta", "invalid date"
                    )
            recs.sort(
                key=lambda r: (
                    str(r["gr_meta"].get("datum_inwerkingtreding") or ""),
                    str(r["identifiers"]["roo_id"]),
                )
            )
            out.append(recs)
        # Bodies a GR set up (hoort_bij_gemeenschappelijke_regeling) give contact details.
        self.organen = {}
        for _, rec in records.values():
            link = rec.get("hoort_bij_gemeenschappelijke_regeling")
            if link and link.get("roo_id"):
                self.organen.setdefault(str(link["roo_id"]), rec)
        out.sort(key=lambda recs: str(recs[0]["identifiers"]["roo_id"]))
        return out

    # --- writing ---------------------------------------------------------------------------
    def thema(self, slug, naam, doel, leidend, keten):
        """(taakveld, [overige], basis): themas.csv or the leading version's policy areas
        (Themas), else the first rule (importers/themaregels.py) that fits the name, the
        purpose, or the register's description of the arrangement or of the body it set up
        (newest version first); else LookupError."""
        try:
            return self.themas.bepaal(slug, leidend.get("policy_areas"))
        except LookupError as exc:
            teksten = [(kale_naam(naam), "register-naam")]
            for rec in reversed(keten):
                teksten += [(n.get("value") or "", "register-naam") for n in rec.get("names") or []]
            teksten.append((doel, "register-doel"))
            for rec in reversed(keten):
                for bron in (rec, self.organen.get(str(rec["identifiers"]["roo_id"]))):
                    tekst = ((bron or {}).get("description") or {}).get("text") or ""
                    teksten.append((tekst, "register-omschrijving"))
            for tekst, soort in teksten:
                regel = thema_uit_naam(" ".join(tekst.split()), soort) if tekst else None
                if regel is not None and regel[0] in self.themas.taakvelden:
                    return self.themas.taakvelden[regel[0]], [], regel[1][:200]
            raise LookupError(f"{exc}, or a rule to importers/themaregels.py") from None

    def vorm(self, rec):
        """(rechtsvorm code, samenwerkingsvorm) of one register version; a regeling zonder
        meer that is a centrumregeling (see importers/soorten.py) has that legal form."""
        vorm = ((rec["gr_meta"].get("samenwerkingsvorm") or {}).get("afkorting")) or None
        code = RECHTSVORM.get(vorm)
        if is_centrumregeling(titel(rec), rec["gr_meta"].get("doel") or "", vorm):
            code = "centrumregeling"
        return code, vorm

    def schrijf(self, keten, slugs, records):
        in_kracht = {}
        for peildatum in self.peildata:
            versies = [r for r in keten if in_werking(r, peildatum.datum)]
            if len(versies) > 1:
                rel = records[str(versies[0]["identifiers"]["roo_id"])][0]
                self.fout(
                    rel, "gr_meta", f"two versions of one chain in force on {peildatum.datum}"
                )
                return
            if versies:
                in_kracht[peildatum.code] = versies[0]
        huidig = in_kracht.get(self.peildatum.code)
        leidend = huidig or keten[-1]
        roo_id = str(leidend["identifiers"]["roo_id"])
        rel = records[roo_id][0]
        meta = leidend["gr_meta"]
        naam = titel(leidend)
        slug = slugify(kale_naam(naam))[:140]
        if slug in slugs:
            slug = f"{slug}-{roo_id}"
        slugs[slug] = roo_id
        try:
            doel = meta.get("doel") or ""
            taakveld, overige, basis = self.thema(slug, naam, doel, leidend, keten)
        except LookupError as exc:
            self.verslag.onopgelost.append((rel, str(exc)))
            self.fout(rel, f"roo_id {roo_id}", str(exc))
            return
        rechtsvormen = {r.code: r for r in Rechtsvorm.objects.all()}
        for rec in keten:
            code, vorm = self.vorm(rec)
            if vorm and code not in rechtsvormen:
                rid = str(rec["identifiers"]["roo_id"])
                self.fout(records[rid][0], f"roo_id {rid}", f"unknown samenwerkingsvorm {vorm!r}")
                return
        code, vorm = self.vorm(leidend)
        noordelijk = any(self.noordelijk(r) for r in keten)
        try:
            soort, soort_basis = bepaal_soort(
                naam,
                doel,
                vorm,
                self.soorten.pop(slug, None),
                bvo_regel=not noordelijk,
            )
        except LookupError as exc:
            self.verslag.onopgelost.append((rel, str(exc)))
            self.fout(rel, f"roo_id {roo_id}", str(exc))
            return
        contact = self.contact(keten)
        eind = None if huidig else datum(keten[-1]["gr_meta"].get("datum_uitwerkingtreding"))
        samenwerking, _ = Samenwerking.objects.update_or_create(
            slug=slug,
            defaults=dict(
                naam=naam,
                afkorting="",
                soort=soort,
                soort_basis=soort_basis[:300],
                rechtsvorm=rechtsvormen.get(code),
                doel=(meta.get("doel") or "").strip(),
                taakveld=taakveld,
                taakveld_basis=basis[:200],
                bevoegdheden=sorted(meta.get("bevoegdheidsverkrijgingen") or []),
                start=datum(keten[0]["gr_meta"].get("datum_inwerkingtreding")),
                eind=eind,
                zetel=contact.get("zetel", ""),
                adres=contact.get("adres", ""),
                website=contact.get("website", ""),
                register_id=roo_id,
                documenten=list(meta.get("instellingsbesluiten") or []),
                bron=self.bron_register,
            ),
        )
        samenwerking.overige_taakvelden.set(overige)
        vorige = None
        per_record = {}
        for rec in keten:
            rid = str(rec["identifiers"]["roo_id"])
            url = ((rec.get("sources") or [{}])[0] or {}).get("url") or ""
            code, _ = self.vorm(rec)
            versie, _ = Versie.objects.update_or_create(
                register_id=rid,
                defaults=dict(
                    samenwerking=samenwerking,
                    titel=titel(rec)[:300],
                    in_werking=datum(rec["gr_meta"].get("datum_inwerkingtreding")),
                    buiten_werking=datum(rec["gr_meta"].get("datum_uitwerkingtreding")),
                    url=url,
                    documenten=list(rec["gr_meta"].get("instellingsbesluiten") or []),
                    doel=(rec["gr_meta"].get("doel") or "").strip(),
                    rechtsvorm=rechtsvormen.get(code),
                    zetel=self.contact([rec]).get("zetel", ""),
                    vorige=vorige,
                    bron=self.bron_register,
                ),
            )
            per_record[rid] = versie
            vorige = versie
        self.verslag.geimporteerd += len(keten)
        if not huidig:
            self.verslag.opmerkingen.append(
                f"{slug}: no version in force on {PEILDATUM} (ended {eind}); history only"
            )
        for peildatum in self.peildata:
            rec = in_kracht.get(peildatum.code)
            if rec is None:
                continue
            if peildatum != self.peildatum and not noordelijk:
                # An earlier snapshot outside the north comes from that date's own national
                # sources (OpenGR, Regioatlas): the register's lists describe later states,
                # and herindelingen.csv, which maps them back, covers the north only.
                self.verslag.opmerkingen.append(
                    f"{slug}: version in force on {peildatum.datum} outside the north; "
                    f"the {peildatum.code} snapshot is OpenGR's"
                )
                continue
            versie = per_record[str(rec["identifiers"]["roo_id"])]
            self.schrijf_stand(samenwerking, peildatum, rec, versie, records)

    def schrijf_stand(self, samenwerking, peildatum, rec, versie, records):
        """The snapshot at `peildatum` from the version in force then: its title, purpose,
        legal form, seat and the participants that had joined by that date."""
        roo_id = str(rec["identifiers"]["roo_id"])
        rel = records[roo_id][0]
        meta = rec["gr_meta"]
        deelnames, later = [], []
        bronhouder = (meta.get("bronhouder") or {}).get("roo_id")
        # This version's own kind: an earlier version may have had another legal form.
        code, vorm = self.vorm(rec)
        centrum = code == "centrumregeling" or (
            samenwerking.soort == Soort.CENTRUMREGELING and vorm == "RZM"
        )
        for i, p in enumerate(meta.get("deelnemende_organisaties") or [], start=1):
            where = f"roo_id {roo_id}, participant {i}"
            obj = self.deelnemer(p, rel, where)
            if obj is None:
                continue
            if (
                isinstance(obj, Gemeente)
                and obj.geldig_van is not None
                and obj.geldig_van > peildatum.datum
            ):
                later.append(f"{obj} (since {obj.geldig_van})")
            toegetreden = datum(p.get("toetredings_datum"))
            if toegetreden and toegetreden > peildatum.datum:
                self.verslag.opmerkingen.append(
                    f"{rel} {where}: {p.get('naam', '')} joined on {toegetreden}, after "
                    f"{peildatum.datum}: not a participant in the {peildatum.code} snapshot"
                )
                continue
            is_bronhouder = bool(bronhouder) and str(p.get("roo_id")) == str(bronhouder)
            deelnames.append(
                dict(
                    deelnemer=obj,
                    naam_in_bron=p.get("naam", ""),
                    rol=self.rol(centrum, obj) if is_bronhouder else Deelname.Rol.DEELNEMER,
                    rol_in_bron="bronhouder" if is_bronhouder else "",
                    toegetreden_op=toegetreden,
                    waar=f"{rel} {where}",
                )
            )
        if centrum and not any(d["rol"] == Deelname.Rol.CENTRUMGEMEENTE for d in deelnames):
            self.verslag.onopgelost.append((rel, "centrumregeling without a centrumgemeente"))
            self.fout(
                rel,
                f"roo_id {roo_id}",
                "a centrumregeling whose bronhouder is no participating municipality: "
                "the register names no centrumgemeente",
            )
            return
        if later:
            # The record's list describes a later state than the date (a version in force
            # since before it, kept up to date). Where OpenGR names the arrangement, it
            # gives the participants; else those of the record that existed on the date.
            # The version still gives title, purpose, legal form and seat.
            if samenwerking.slug in self.opengr_slugs:
                self.verslag.opmerkingen.append(
                    f"{rel}: version in force on {peildatum.datum}, but its participants "
                    f"include municipalities founded later ({', '.join(later)}): "
                    f"participants for {peildatum.code} from OpenGR"
                )
                return
            self.verslag.opmerkingen.append(
                f"{rel}: version in force on {peildatum.datum}; left out of the "
                f"{peildatum.code} participants, founded later: {', '.join(later)}"
            )
            deelnames = [
                d
                for d in deelnames
                if not (
                    isinstance(d["deelnemer"], Gemeente)
                    and d["deelnemer"].geldig_van
                    and d["deelnemer"].geldig_van > peildatum.datum
                )
            ]
        schrijf_stand(
            samenwerking,
            peildatum,
            versie.titel,
            self.bron_register,
            deelnames,
            self.per_provincie[peildatum.code],
            self.stappen,
            titel=versie.titel,
            doel=versie.doel,
            rechtsvorm=versie.rechtsvorm,
            zetel=versie.zetel,
            versie=versie,
            bron_bestand=rel,
            bron_regels=f"roo_id {versie.register_id}",
        )

    @staticmethod
    def rol(centrumregeling, obj):
        """The role of the participant the register calls bronhouder: in a centrumregeling
        the municipality whose bodies carry out the tasks for the others, the
        centrumgemeente; elsewhere only the keeper of the register record."""
        gemeente = isinstance(obj, Gemeente) or obj.soort == Organisatie.Soort.GEMEENTE
        if centrumregeling and gemeente:
            return Deelname.Rol.CENTRUMGEMEENTE
        return Deelname.Rol.BRONHOUDER

    def deelnemer(self, p, rel, where):
        """A Dutch Gemeente or an Organisatie for a register participant, or an error."""
        tooi = p.get("tooi") or ""
        naam = (p.get("naam") or "").strip()
        m = TOOI_GEMEENTE.search(tooi)
        if m and m.group(1) in self.alle:
            return self.alle[m.group(1)]
        if not tooi and (gemeente := self.alias_gemeente(p)) is not None:
            return gemeente
        if not tooi and (organisatie := self.alias_organisatie(p)) is not None:
            return organisatie
        if tooi in self.curated:
            return self.curated[tooi]
        m = TOOI.search(tooi)
        if m and m.group(1) in TOOI_SOORT:
            soort = TOOI_SOORT[m.group(1)]
            provincie_code = m.group(2).upper() if soort == Organisatie.Soort.PROVINCIE else ""
            org, _ = Organisatie.objects.update_or_create(
                slug=slugify(naam)[:120],
                defaults=dict(
                    naam=naam,
                    soort=soort,
                    land="NL",
                    provincie_code=provincie_code,
                    identificatie=tooi,
                    bron=self.bron_register,
                ),
            )
            return org
        if not tooi and naam.startswith(DUITS):
            return duitse_organisatie(
                naam, self.bron_register, identificatie=f"roo:{p.get('roo_id')}"
            )
        reason = (
            f"unresolved participant {naam!r} ({tooi or 'no TOOI URI'}): "
            "add it to fixtures/curation/organisaties.csv and deelnemers.csv"
        )
        self.verslag.onopgelost.append((f"{rel} {where}", reason))
        self.fout(rel, where, reason)
        return None

    def contact(self, keten):
        """Seat, address and website: from the newest version that has them, else from the
        body the GR set up."""
        for rec in reversed(keten):
            for source in (rec, self.organen.get(str(rec["identifiers"]["roo_id"]))):
                c = (source or {}).get("contact") or {}
                if not c:
                    continue
                adres_regel = c.get("bezoekadres") or c.get("postadres") or ""
                zetel = ""
                for a in c.get("addresses") or []:
                    # The one-line address splits a German postcode like a Dutch one
                    # ("4859 9 Gronau"): write it as its country does.
                    raw = " ".join(str(a.get("postcode") or "").split())
                    fixed = postcode(raw, a.get("land"))
                    if raw and fixed != raw:
                        adres_regel = adres_regel.replace(raw, fixed)
                for a in c.get("addresses") or []:
                    if a.get("type") == "Bezoekadres" and a.get("woonplaats"):
                        zetel = a["woonplaats"]
                        break
                website = c.get("website") or ""
                if not website:
                    for i in c.get("internet_addresses") or []:
                        if i.get("url"):
                            website = i["url"]
                            break
                if adres_regel or website:
                    return {
                        "adres": adres_regel[:300],
                        "zetel": zetel[:200],
                        "website": website[:500],
                    }
        return {}
