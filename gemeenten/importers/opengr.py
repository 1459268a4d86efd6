"""OpenGR, snapshot 2016 (opengr/opengr_provincies.csv): participants of GRs as the twelve
provinces supplied them to Open State Foundation in 2015–2016.

Known defects handled here, each visible in the report: text that is UTF-8 read as
Windows-1252 and encoded again (`SÃºdwest-FryslÃ¢n`, repaired in code for every value),
pre-merger and misspelt municipality names, German participants marked `(Duitsland)`, one
GR under two names, repeated rows.

Scope and rules, the same for every province (the Gemeente registry decides the reach):
- A GR is in scope when a participant is a municipality of the registry; one of only
  provinces and water boards is out of scope, with its lines.
- Participant: deelnemers.csv; a `(Duitsland)` suffix is a German body; else the municipality
  of that name without CBS's province mark ("Bergen (L.)") that existed on 2016-01-01 — of
  several, the one in the supplying province, else in the province most other participants
  are in — else the only former one of that name (its successor on the date through
  Herindeling); else the one organisation of that name and kind ("Waterschap Aa en Maas");
  else unresolved, and the build stops.
- GR name: aliassen.csv; else the one register arrangement with a title of the same key
  (regeling_sleutel), of several the one in force on the date; else an OpenGR-only
  arrangement of that key, with kind, legal form and theme by rule (THEMA_EIGENNAMEN,
  THEMA_REGELS). Names with one key are one arrangement. A northern GR name must be in
  aliassen.csv: the north stays as curated.
- Provenance: every snapshot keeps file and line numbers; a repeated participant is kept once
  and its line listed in the report.
"""

import datetime
import re
from collections import Counter, defaultdict

import yaml
from django.db.models import Q
from django.utils.text import slugify

from ..models import (
    Gemeente,
    Organisatie,
    Peildatum,
    Provincie,
    Rechtsvorm,
    Samenwerking,
    Soort,
    Taakveld,
    Versie,
)
from .base import MOJIBAKE, BaseImporter
from .curatie import Curatie, curatie_bron, duitse_organisatie
from .gr_register import kale_naam, titel
from .soorten import CENTRUM, WERKORGANISATIE_NAAM, citaat
from .standen import Themas, gemeenten_per_provincie, herindelingsstappen, regels, schrijf_stand
from .themaregels import thema_uit_naam

BESTAND = "opengr/opengr_provincies.csv"
WATERSCHAPPEN = "roo/waterschappen"
REGISTER = "gr-register/gemeenschappelijke-regelingen"
TOOI_URI = "https://identifier.overheid.nl/tooi/id/"
NOORD = ("PV20", "PV21", "PV22")  # Groningen, Fryslân, Drenthe
NOORD_NAMEN = ("Groningen", "Fryslân", "Drenthe")  # as suppliers (leverancier)
DUITSLAND = " (Duitsland)"


def herstel_mojibake(text):
    """Undo one round of UTF-8 → Windows-1252 → UTF-8; text without the marks is returned
    as it is. Bytes Windows-1252 leaves undefined (0x81, 0x8D …) map to themselves."""
    if not any(m in text for m in MOJIBAKE) and "Å" not in text and "Ÿ" not in text:
        return text
    data = bytearray()
    for ch in text:
        try:
            data += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) < 256:
                data.append(ord(ch))
            else:
                return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return text


# An abbreviation the source states in capitals between brackets: "… (ARCG)", "… (PG & Z)".
AFKORTING = re.compile(r"\(([A-Z][A-Z0-9&. ]*[A-Z0-9])\)")


def afkorting_uit_naam(naam):
    match = AFKORTING.search(naam)
    return match.group(1) if match else ""


def afkorting_voor(samenwerking_naam, opengr_naam):
    """The abbreviation an OpenGR name gives, if it belongs to the arrangement's own name:
    it stands in that name, or the rest of the OpenGR name does. An alias to a renamed
    successor (PG & Z → GGD Groningen) keeps no abbreviation of the old name."""
    afkorting = afkorting_uit_naam(opengr_naam)
    if not afkorting:
        return ""
    kaal = slugify(AFKORTING.sub("", opengr_naam)).replace("-", "")
    eigen = slugify(samenwerking_naam).replace("-", "")
    if afkorting in samenwerking_naam or (kaal and kaal in eigen):
        return afkorting
    return ""


def norm(naam):
    return " ".join(naam.replace("-", " ").split()).casefold()


# CBS tells apart municipalities of one name by their province: "Bergen (NH.)", "Bergen (L.)",
# "Hengelo (O.)". OpenGR writes the bare name; the supplying province, else the province of
# the other participants, decides between them (see OpenGrImporter.gemeente).
CBS_PROVINCIE = re.compile(r"\s*\((?:[A-Z][A-Za-z]*\.)+\)$")
# A participant name that says which kind of organisation it is.
SOORT_WOORD = {
    "provincie": Organisatie.Soort.PROVINCIE,
    "waterschap": Organisatie.Soort.WATERSCHAP,
    "hoogheemraadschap": Organisatie.Soort.WATERSCHAP,
    "wetterskip": Organisatie.Soort.WATERSCHAP,
}
# The supplying province as OpenGR writes it, where that is not the CBS name.
LEVERANCIER_SPELLING = {"Overrijssel": "Overijssel"}
GEEN_NAAM = "Gemeenschappelijke regeling"
OPENGR_ORGANISATIES = "opengr_organisaties.csv"
OPENGR_SOORT_BASIS = (
    "OpenGR: de provincies leverden deze lijst als gemeenschappelijke regelingen (Wob-verzoek)"
)

# The legal form an OpenGR-only name states (OpenGR itself states none).
RECHTSVORM_IN_NAAM = [
    (re.compile(r"^openbaar lichaam\b", re.I), "openbaar_lichaam"),
    (re.compile(r"^gemeenschappelijk orgaan\b", re.I), "gemeenschappelijk_orgaan"),
    (re.compile(r"^bedrijfsvoeringsorganisatie\b", re.I), "bedrijfsvoeringsorganisatie"),
]


def regeling_sleutel(naam):
    """The key two names of one arrangement share: without an abbreviation in brackets,
    'Gemeenschappelijke regeling', 'voor de', a trailing year or '(in liquidatie)', as a
    slug ("Openbaar Lichaam Crematoria Twente (OLCT)" = "… Twente"). Register titles and
    OpenGR names are compared by it."""
    naam = re.sub(r"\((?:in liquidatie)\)", "", naam, flags=re.I)
    return slugify(kale_naam(naam))


def gemeente_sleutel(naam):
    return norm(CBS_PROVINCIE.sub("", naam))


def leverancier(provincie):
    """The supplying province's name as CBS writes it ("Provincie Overrijssel" → Overijssel);
    a German supplier keeps its label."""
    naam = provincie.removeprefix("Provincie ").strip()
    return LEVERANCIER_SPELLING.get(naam, naam)


class OpenGrImporter(BaseImporter):
    naam = "OpenGR (Open State Foundation), stand 2016"
    bron_code = "opengr"
    bestand = BESTAND

    def run(self):
        bron = self.bron(
            "opengr-2016",
            naam="OpenGR: deelnemers van gemeenschappelijke regelingen",
            uitgever="Open State Foundation (gegevens van de twaalf provincies, Wob-verzoek)",
            url="https://github.com/openstate/datasets",
            bestand=BESTAND,
            licentie="Openbare overheidsinformatie (Wob), via Open State Foundation",
            peildatum=datetime.date(2016, 1, 1),
            toelichting="Received 2015–2016; the 2016 snapshot uses it as of 1 January 2016.",
        )
        self.bron_opengr = bron
        peildatum = Peildatum.objects.get(code="2016")
        self.peildatum = peildatum
        curatie = Curatie(self)
        self.bron_curatie = curatie_bron(self)
        path = self.source / self.bestand
        rel = self.rel(path)
        rows = self.read_csv(
            path, ["Deelnemer", "Gemeenschappelijke regeling", "Provincie"], encoding="utf-8"
        )
        aliassen = curatie.aliassen(self.bron_code)
        deelnemer_alias = curatie.deelnemers(self.bron_code)
        self.organisatie_alias = {}
        self.register_yaml = None
        self.register_buiten_import = 0
        self.opengr_orgs = self.lees_opengr_organisaties()
        self.opengr_orgs.update(self.overheden())
        self.gemeenten = list(Gemeente.objects.select_related("provincie"))
        self.per_sleutel = defaultdict(list)
        for g in self.gemeenten:
            self.per_sleutel[gemeente_sleutel(g.naam)].append(g)
        self.provincie_namen = {norm(p.naam): p.code for p in Provincie.objects.all() if p.naam}
        self.organisaties = {o.slug: o for o in Organisatie.objects.all()}
        self.organisatie_index = defaultdict(set)
        for org in self.organisaties.values():
            for sleutel in self.organisatie_sleutels(org.naam, org.soort):
                self.organisatie_index[sleutel].add(org.slug)
        for slug, row in self.opengr_orgs.items():
            for sleutel in self.organisatie_sleutels(row["naam"], row["soort"]):
                self.organisatie_index[sleutel].add(slug)
        for slug, namen in self.organisatie_alias.items():
            for naam in namen:
                for sleutel in self.organisatie_sleutels(naam, self.organisaties[slug].soort):
                    self.organisatie_index[sleutel].add(slug)
        hersteld = 0
        per_naam = defaultdict(list)
        self.per_provincie_telling = defaultdict(Counter)
        for row in rows:
            self.verslag.gelezen += 1
            for key in ("Deelnemer", "Gemeenschappelijke regeling", "Provincie"):
                fixed = herstel_mojibake(row[key])
                if fixed != row[key]:
                    hersteld += 1
                # Spaces around a name and a trailing comma ("Overbetuwe,") are no part of
                # it; the name itself stays as the source spells it.
                row[key] = fixed.strip().rstrip(",").strip()
                if any(m in row[key] for m in MOJIBAKE):
                    self.fout(rel, f"line {row['_regel']}", f"unrepairable encoding in {key}")
                if not row[key]:
                    self.fout(rel, f"line {row['_regel']}", f"empty {key}")
            row["_leverancier"] = leverancier(row["Provincie"])
            self.per_provincie_telling[row["_leverancier"]]["gelezen"] += 1
            per_naam[row["Gemeenschappelijke regeling"]].append(row)
        noord_rijen = [
            r for groep in per_naam.values() for r in groep if r["_leverancier"] in NOORD_NAMEN
        ]
        self.verslag.opmerkingen.append(
            f"{hersteld} values repaired from double-encoded UTF-8; "
            f"{len(per_naam)} GR names in {self.verslag.gelezen} rows; "
            f"{len(noord_rijen)} rows supplied by the three northern provinces, "
            f"{len({r['Gemeenschappelijke regeling'] for r in noord_rijen})} GR names"
        )
        self.stop_bij_fouten()

        # In scope: every GR with a Dutch municipality of the registry among its participants
        # (the registry decides the reach: the north, or the whole country).
        self.themas = Themas(curatie)
        curated = {r["slug"]: r for r in curatie.samenwerkingen()}
        register = self.register_titels()
        per_slug = defaultdict(list)
        self.basis_regeling = Counter()
        self.automatisch = {}
        for naam in sorted(per_naam):
            groep = per_naam[naam]
            if not any(
                self.gemeente(r["Deelnemer"], deelnemer_alias, r["_leverancier"]) for r in groep
            ):
                self.verslag.buiten_bereik.append(
                    (
                        f"{rel} {regels(row['_regel'] for row in groep)}",
                        f"{naam}: no municipality of the registry among its participants "
                        f"(supplied by {', '.join(sorted({r['_leverancier'] for r in groep}))})",
                        len(groep),
                    )
                )
                continue
            # Provinces of the participants that resolve without doubt: they decide a name
            # CBS gives to two municipalities (Bergen in Euregio Rijn-Waal is Bergen (L.)).
            context = Counter()
            for row in groep:
                g = self.gemeente(row["Deelnemer"], deelnemer_alias, None)
                if isinstance(g, Gemeente):
                    context[g.provincie.code] += 1
            resolved = []
            for row in groep:
                obj = self.deelnemer(
                    row["Deelnemer"],
                    deelnemer_alias,
                    rel,
                    row["_regel"],
                    row["_leverancier"],
                    context,
                )
                resolved.append((row, obj))
            if any(obj is None for _, obj in resolved):
                continue
            noordelijk = any(
                isinstance(obj, Gemeente) and obj.provincie.code in NOORD for _, obj in resolved
            )
            if noordelijk:
                for provincie, n in sorted(
                    Counter(
                        r["Provincie"] for r in groep if r["_leverancier"] not in NOORD_NAMEN
                    ).items()
                ):
                    self.verslag.opmerkingen.append(
                        f"{naam}: {n} rows supplied by {provincie}, in scope for its "
                        "northern participant(s)"
                    )
            if noordelijk and naam not in aliassen:
                # The north stays as curated: each of its GR names is decided in
                # aliassen.csv, never by rule (a new northern name must be reviewed).
                reason = (
                    f"unknown arrangement name {naam!r}: add it to fixtures/curation/aliassen.csv"
                )
                self.verslag.onopgelost.append((f"{rel} line {groep[0]['_regel']}", reason))
                self.fout(rel, f"line {groep[0]['_regel']}", reason)
                continue
            slug = self.regeling(naam, aliassen, register, curated)
            per_slug[slug].append((naam, resolved))
        self.stop_bij_fouten()

        per_provincie = gemeenten_per_provincie(peildatum)
        stappen = herindelingsstappen()
        telling = Counter()
        for slug in sorted(per_slug):
            samenwerking = self.samenwerking(slug, curated, rel)
            if samenwerking is None:
                continue
            versie = (
                samenwerking.standen.filter(peildatum=peildatum, bron__code="gr-register-2026")
                .values_list("versie__titel", flat=True)
                .first()
            )
            if versie is not None:
                # The register version in force on 2016-01-01 gives the snapshot.
                telling["register in force"] += 1
                for naam, resolved in per_slug[slug]:
                    self.verslag.buiten_bereik.append(
                        (
                            f"{rel} lines {', '.join(str(row['_regel']) for row, _ in resolved)}",
                            f"{naam}: participants from the register version in force on "
                            f"{peildatum.datum} ({versie}), not from OpenGR",
                            len(resolved),
                        )
                    )
                continue
            namen = sorted({naam for naam, _ in per_slug[slug]})
            afkorting = next(
                filter(None, (afkorting_voor(samenwerking.naam, naam) for naam in namen)), ""
            )
            if afkorting and not samenwerking.afkorting:
                samenwerking.afkorting = afkorting
                samenwerking.save(update_fields=["afkorting"])
            deelnames = []
            gezien = {}
            rijen = Counter()
            plaatsen = set()
            leveranciers = set()
            for naam, resolved in per_slug[slug]:
                rijen[naam] += len(resolved)
                plaatsen |= {row["Plaats"] for row, _ in resolved if row.get("Plaats")}
                for row, obj in resolved:
                    leveranciers.add(row["_leverancier"])
                    key = (type(obj).__name__, obj.pk)
                    if key in gezien:
                        self.verslag.buiten_bereik.append(
                            (
                                f"{rel} line {row['_regel']}",
                                f"{naam}: repeats participant {row['Deelnemer']!r} "
                                f"of {gezien[key]} (kept once)",
                            )
                        )
                        continue
                    gezien[key] = f"line {row['_regel']}"
                    deelnames.append(
                        dict(
                            deelnemer=obj,
                            naam_in_bron=row["Deelnemer"],
                            waar=f"{rel} line {row['_regel']}",
                        )
                    )
                    self.verslag.geimporteerd += 1
                    self.per_provincie_telling[row["_leverancier"]]["geimporteerd"] += 1
            for lev in leveranciers:
                self.per_provincie_telling[lev]["regelingen"] += 1
            register = samenwerking.versies.exists()
            telling["register, OpenGR participants" if register else "OpenGR only"] += 1
            schrijf_stand(
                samenwerking,
                peildatum,
                " / ".join(namen)[:300],
                bron,
                deelnames,
                per_provincie,
                stappen,
                # A register arrangement without a version in force on the date: OpenGR's
                # own name (the one most rows give), no purpose or legal form (OpenGR states
                # none); others keep their curated name and the legal form their name states.
                titel=min(rijen, key=lambda n: (-rijen[n], n))[:300]
                if register
                else samenwerking.naam,
                doel="" if register else samenwerking.doel,
                rechtsvorm=None if register else samenwerking.rechtsvorm,
                zetel=next(iter(plaatsen)) if len(plaatsen) == 1 else "",
                bron_bestand=rel,
                bron_regels=regels(
                    row["_regel"] for _, resolved in per_slug[slug] for row, _ in resolved
                ),
            )
            telling["participations"] += len(deelnames)
        self.stop_bij_fouten()
        self.verslag.opmerkingen.append(
            f"{len(per_slug)} arrangements from OpenGR names: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.basis_regeling.items()))
            + "; snapshots: "
            + ", ".join(f"{k} {v}" for k, v in sorted(telling.items()))
        )
        for lev, t in sorted(self.per_provincie_telling.items()):
            self.verslag.opmerkingen.append(
                f"supplied by {lev}: {t['gelezen']} rows read, {t['geimporteerd']} imported "
                f"as participations, in {t['regelingen']} OpenGR snapshots"
            )

    # --- arrangements ------------------------------------------------------------------------
    def register_titels(self):
        """{key: {slug}} of every register arrangement, by its name and each version's title."""
        out = defaultdict(set)
        for slug, naam in Samenwerking.objects.exclude(register_id="").values_list("slug", "naam"):
            out[regeling_sleutel(naam)].add(slug)
        for slug, versie_titel in Versie.objects.values_list("samenwerking__slug", "titel"):
            out[regeling_sleutel(versie_titel)].add(slug)
        return out

    def regeling(self, naam, aliassen, register, curated):
        """The slug of the arrangement an OpenGR GR name stands for, by rule in this order:
        aliassen.csv; one register arrangement whose name or a version's title has the
        same key (regeling_sleutel), of several the one in force on the date; else an
        OpenGR-only arrangement of that key (names with one key are one arrangement)."""
        alias = aliassen.get(naam)
        if alias is not None:
            self.basis_regeling["alias (aliassen.csv)"] += 1
            return alias["samenwerking"]
        sleutel = regeling_sleutel(naam)
        treffers = register.get(sleutel, set())
        if len(treffers) > 1:
            # One title for several register arrangements (a GR re-enacted under its old
            # name): the one with a version in force on the date.
            d = self.peildatum.datum
            treffers = (
                set(
                    Versie.objects.filter(samenwerking__slug__in=treffers, in_werking__lte=d)
                    .filter(Q(buiten_werking__isnull=True) | Q(buiten_werking__gt=d))
                    .values_list("samenwerking__slug", flat=True)
                )
                or treffers
            )
        if len(treffers) == 1:
            self.basis_regeling["register title"] += 1
            slug = next(iter(treffers))
            self.verslag.opmerkingen.append(f"{naam!r} → register {slug} (same title)")
            return slug
        if len(treffers) > 1:
            self.fout(
                "fixtures/curation/aliassen.csv",
                naam,
                f"OpenGR name matches several register arrangements ({', '.join(sorted(treffers))})"
                ": add an alias",
            )
        self.basis_regeling["OpenGR only"] += 1
        slug = sleutel[:140]
        if slug in curated:
            return slug
        bestaand = Samenwerking.objects.filter(slug=slug).exclude(bron=self.bron_opengr)
        if bestaand.exists():
            slug = f"{slug[:130]}-opengr"
        self.automatisch.setdefault(slug, naam)
        return slug

    # --- participants ------------------------------------------------------------------------
    def lees_opengr_organisaties(self):
        """{slug: row} of the organisations only OpenGR names
        (fixtures/curation/opengr_organisaties.csv) that no other source created; each is
        created when a participant stands for it (self.org), so the table adds no unused
        records."""
        path = self.curation / OPENGR_ORGANISATIES
        if not path.exists():
            return {}
        soorten = set(Organisatie.Soort.values)
        rows = self.read_csv(
            path,
            ["slug", "naam", "soort", "land", "provincie_code", "toelichting"],
            key=["slug"],
        )
        bestaand = set(Organisatie.objects.values_list("slug", flat=True))
        out = {}
        for row in rows:
            if row["soort"] not in soorten or not row["toelichting"]:
                self.fout(
                    self.rel(path),
                    f"line {row['_regel']}",
                    f"unknown soort {row['soort']!r}"
                    if row["soort"] not in soorten
                    else "no reason (toelichting)",
                )
            elif row["slug"] not in bestaand:  # the register or organisaties.csv has it
                out[row["slug"]] = row
        self.stop_bij_fouten()
        return out

    def overheden(self):
        """{slug: row} of the provinces (the registry's Provincie) and water boards
        (roo/waterschappen, current and former) no source created yet: a participant of that
        name is that body, by rule. One an earlier source created (same TOOI URI) is found
        by its own name and by these names too."""
        bestaand = {o.identificatie: o.slug for o in Organisatie.objects.exclude(identificatie="")}
        rows = []
        for p in Provincie.objects.all():
            rows.append(
                dict(
                    naam=f"Provincie {p.naam}",
                    soort=Organisatie.Soort.PROVINCIE,
                    provincie_code=p.code,
                    identificatie=f"{TOOI_URI}provincie/{p.code.lower()}",
                    basis="Provincie (CBS-registry)",
                )
            )
        for path in sorted((self.source / WATERSCHAPPEN).glob("*.yaml")):
            try:
                record = yaml.load(self.read_text(path), Loader=yaml.CSafeLoader) or {}
                tooi = record["identifiers"]["tooi"]
                naam = record["names"][-1]["value"]
            except (yaml.YAMLError, KeyError, IndexError, TypeError):
                self.fout(self.rel(path), "-", "not a water board record (identifiers.tooi, names)")
                continue
            rows.append(
                dict(
                    naam=naam,
                    soort=Organisatie.Soort.WATERSCHAP,
                    provincie_code="",
                    identificatie=tooi,
                    basis=self.rel(path),
                )
            )
        self.stop_bij_fouten()
        out = {}
        for row in rows:
            slug = bestaand.get(row["identificatie"])
            if slug is not None:
                # Known already: its names find it (see run: the index).
                self.organisatie_alias.setdefault(slug, []).append(row["naam"])
                continue
            slug = slugify(row["naam"])[:120]
            if Organisatie.objects.filter(slug=slug).exists():
                self.organisatie_alias.setdefault(slug, []).append(row["naam"])
                continue
            out[slug] = dict(row, land="NL", toelichting=row["basis"])
        return out

    def org(self, slug):
        """The organisation of `slug`, created from opengr_organisaties.csv on first use."""
        if slug not in self.organisaties and slug in self.opengr_orgs:
            row = self.opengr_orgs[slug]
            self.organisaties[slug], _ = Organisatie.objects.update_or_create(
                slug=slug,
                defaults=dict(
                    naam=row["naam"],
                    soort=row["soort"],
                    land=row["land"] or "NL",
                    provincie_code=row["provincie_code"],
                    identificatie=row.get("identificatie", ""),
                    bron=self.bron_opengr if "identificatie" in row else self.bron_curatie,
                ),
            )
        return self.organisaties.get(slug)

    @staticmethod
    def organisatie_sleutels(naam, soort=None):
        """Keys an organisation's name is found by: the name, and without the word that
        says its kind ("Waterschap Aa en Maas" = "Aa en Maas")."""
        n = norm(naam.replace("’", "'"))
        out = {(None, n)}
        eerste, _, rest = n.partition(" ")
        if eerste in SOORT_WOORD and rest:
            out.add((SOORT_WOORD[eerste], rest))
            out.add((None, rest))
        if soort:
            out |= {(soort, k) for _, k in list(out)}
        return out

    def organisatie(self, naam):
        """The one existing organisation (not a municipality) whose name is `naam`, with
        or without its kind word, of that kind; else None."""
        n = norm(naam.replace("’", "'"))
        eerste, _, rest = n.partition(" ")
        sleutel = (SOORT_WOORD[eerste], rest) if eerste in SOORT_WOORD and rest else (None, n)
        slugs = {
            s
            for s in self.organisatie_index.get(sleutel, ())
            if s in self.opengr_orgs or self.organisaties[s].soort != Organisatie.Soort.GEMEENTE
        }
        if len(slugs) == 1:
            return self.org(next(iter(slugs)))
        return None

    def gemeente(self, naam, aliassen, provincie=None, context=None):
        """The municipality of the registry a participant name stands for, or None.

        By alias; else by name (without CBS's province mark, "Bergen (L.)"): the one that
        existed on 2016-01-01; of several, the one in the supplying province, else the one
        in the province most other participants are in; else the only former one of that
        name (pre-merger names stay those former municipalities)."""
        alias = aliassen.get(naam)
        if alias:
            return next((g for g in self.gemeenten if g.cbs_code == alias["gemeente"]), None)
        matches = self.per_sleutel.get(gemeente_sleutel(naam), [])
        current = [g for g in matches if g.bestaat_op(datetime.date(2016, 1, 1))]
        if len(current) == 1:
            return current[0]
        if len(current) > 1:
            code = self.provincie_namen.get(norm(provincie or ""))
            daar = [g for g in current if g.provincie.code == code]
            if len(daar) == 1:
                return daar[0]
            if context:
                beste = max(current, key=lambda g: context.get(g.provincie.code, 0))
                if sum(
                    context.get(g.provincie.code, 0) == context.get(beste.provincie.code, 0)
                    for g in current
                ) == 1 and context.get(beste.provincie.code, 0):
                    return beste
            return None
        if len(matches) == 1:
            return matches[0]
        return None

    def deelnemer(self, naam, aliassen, rel, regel, provincie=None, context=None):
        """The Gemeente or Organisatie a participant name stands for, or None (error)."""
        alias = aliassen.get(naam)
        if alias:
            if alias["gemeente"]:
                for g in self.gemeenten:
                    if g.cbs_code == alias["gemeente"]:
                        return g
            elif self.org(alias["organisatie"]) is not None:
                return self.org(alias["organisatie"])
            self.fout(
                rel,
                f"line {regel}",
                f"deelnemers.csv line {alias['_regel']} names an unknown municipality "
                "or organisation",
            )
            return None
        if naam.endswith(DUITSLAND):
            org = duitse_organisatie(naam[: -len(DUITSLAND)].strip(), self.bron_opengr)
            self.organisaties[org.slug] = org
            return org
        gemeente = self.gemeente(naam, aliassen, provincie, context)
        if gemeente is not None:
            return gemeente
        org = self.organisatie(naam)
        if org is not None:
            return org
        for org in self.organisaties.values():
            if org.soort == Organisatie.Soort.GEMEENTE and norm(org.naam) == norm(
                f"Gemeente {naam}"
            ):
                return org
        reason = f"unresolved participant {naam!r}: add it to fixtures/curation/deelnemers.csv"
        self.verslag.onopgelost.append((f"{rel} line {regel}", reason))
        self.fout(rel, f"line {regel}", reason)
        return None

    def samenwerking(self, slug, curated, rel):
        """The canonical arrangement: from the register import, or defined in
        samenwerkingen.csv (created here with its theme)."""
        bestaand = Samenwerking.objects.filter(slug=slug).first()
        if bestaand is not None:
            return bestaand
        row = curated.get(slug)
        if row is None and slug in self.automatisch:
            return self.opengr_samenwerking(slug, self.automatisch[slug])
        if row is None:
            self.fout(
                "fixtures/curation/aliassen.csv",
                slug,
                "alias points to an arrangement that is neither in the register nor in "
                "samenwerkingen.csv",
            )
            return None
        try:
            taakveld, overige, basis = self.themas.bepaal(slug)
        except LookupError as exc:
            self.verslag.onopgelost.append((slug, str(exc)))
            self.fout("fixtures/curation/themas.csv", slug, str(exc))
            return None
        if not row["soort_basis"].strip():
            self.fout(
                "fixtures/curation/samenwerkingen.csv",
                f"line {row['_regel']}",
                "no basis (soort_basis) for the kind",
            )
            return None
        rechtsvorm = None
        if row["rechtsvorm"]:
            rechtsvorm = Rechtsvorm.objects.filter(code=row["rechtsvorm"]).first()
            if rechtsvorm is None:
                self.fout(
                    "fixtures/curation/samenwerkingen.csv",
                    f"line {row['_regel']}",
                    f"unknown rechtsvorm {row['rechtsvorm']!r}",
                )
                return None
        samenwerking, _ = Samenwerking.objects.update_or_create(
            slug=slug,
            defaults=dict(
                naam=row["naam"],
                soort=row["soort"],
                soort_basis=f"curatie (samenwerkingen.csv regel {row['_regel']}): "
                f"{row['soort_basis']}"[:300],
                rechtsvorm=rechtsvorm,
                taakveld=taakveld,
                taakveld_basis=basis[:200],
                eind=datetime.date.fromisoformat(row["eind"]) if row.get("eind") else None,
                bron=self.bron_opengr,
            ),
        )
        samenwerking.overige_taakvelden.set(overige)
        return samenwerking

    def register_beleid(self, naam):
        """The policy areas of the register records (gr-register YAML, any version, also
        those the register import leaves out of scope) whose title has the key of `naam`:
        an OpenGR-only arrangement the register describes takes its theme from them."""
        if self.register_yaml is None:
            self.register_yaml = defaultdict(list)
            for path in sorted((self.source / REGISTER).glob("*.yaml")):
                try:
                    record = yaml.load(self.read_text(path), Loader=yaml.CSafeLoader)
                except yaml.YAMLError:
                    continue  # the register import reports it
                if isinstance(record, dict) and "gr_meta" in record:
                    self.register_yaml[regeling_sleutel(titel(record))].append(record)
        records = self.register_yaml.get(regeling_sleutel(naam), [])
        if records:
            self.register_buiten_import += 1
        records.sort(key=lambda r: str(r["gr_meta"].get("datum_inwerkingtreding") or ""))
        return next((r["policy_areas"] for r in reversed(records) if r.get("policy_areas")), ())

    def opengr_samenwerking(self, slug, naam):
        """An arrangement only OpenGR names and no curation row defines, by rule: its name
        is the OpenGR name; the kind is a centrumregeling or werkorganisatie where the name
        says so, else a gemeenschappelijke regeling (the provinces supplied the list as GRs);
        the legal form only where the name states it; the theme from themas.csv, else the
        first name rule (THEMA_REGELS). No rule that fits is unresolved."""
        try:
            taakveld, overige, basis = self.themas.bepaal(slug, self.register_beleid(naam))
        except LookupError:
            regel = thema_uit_naam(naam)
            taakveld = Taakveld.objects.filter(code=regel[0]).first() if regel else None
            overige, basis = [], regel[1] if regel else ""
            if taakveld is None:
                reason = (
                    f"no taakveld for OpenGR-only {naam!r}: "
                    + (
                        f"the name rule gives {regel[0]}, not in the taxonomy"
                        if regel
                        else "no name rule fits"
                    )
                    + "; add a row to fixtures/curation/themas.csv or a rule to THEMA_REGELS"
                    + " (importers/themaregels.py)"
                )
                self.verslag.onopgelost.append((slug, reason))
                self.fout("fixtures/curation/themas.csv", slug, reason)
                return None
        if m := CENTRUM.search(naam):
            soort, grond, vorm = (
                Soort.CENTRUMREGELING,
                f"naam: {citaat(naam, m)}",
                "centrumregeling",
            )
        elif m := WERKORGANISATIE_NAAM.search(naam):
            soort, grond, vorm = Soort.WERKORGANISATIE, f"naam: {citaat(naam, m)}", None
        else:
            soort, grond, vorm = (
                Soort.GEMEENSCHAPPELIJKE_REGELING,
                "naam noch bron zegt centrumregeling of werkorganisatie",
                None,
            )
        for patroon, code in RECHTSVORM_IN_NAAM:
            if vorm is None and patroon.search(naam):
                vorm = code
        # The abbreviation in brackets becomes the record's abbreviation (see run), not
        # part of its name: "Afvalverwijdering Utrecht (AVU)" is shown once with "(AVU)".
        naam = " ".join(AFKORTING.sub("", naam).split()) or naam
        samenwerking, _ = Samenwerking.objects.update_or_create(
            slug=slug,
            defaults=dict(
                naam=naam[:300],
                soort=soort,
                soort_basis=f"regel (opengr.py): {OPENGR_SOORT_BASIS}; {grond}"[:300],
                rechtsvorm=Rechtsvorm.objects.filter(code=vorm).first() if vorm else None,
                taakveld=taakveld,
                taakveld_basis=basis[:200],
                bron=self.bron_opengr,
            ),
        )
        samenwerking.overige_taakvelden.set(overige)
        return samenwerking
