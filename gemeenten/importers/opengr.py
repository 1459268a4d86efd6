"""OpenGR, snapshot 2016 (opengr/opengr_provincies.csv): participants of GRs as the provinces
supplied them to Open State Foundation in 2015–2016.

Known defects handled here, each visible in the report: text that is UTF-8 read as
Windows-1252 and encoded again (`SÃºdwest-FryslÃ¢n`), pre-merger and misspelt municipality
names, German participants marked `(Duitsland)`, one GR under two names, repeated rows.
"""

import datetime
import re
from collections import Counter, defaultdict

from django.utils.text import slugify

from ..models import Gemeente, Organisatie, Peildatum, Rechtsvorm, Samenwerking
from .base import MOJIBAKE, BaseImporter
from .curatie import Curatie, curatie_bron, duitse_organisatie
from .standen import Themas, gemeenten_per_provincie, herindelingsstappen, regels, schrijf_stand

BESTAND = "opengr/opengr_provincies.csv"
PROVINCIES = ("Provincie Groningen", "Provincie Fryslân", "Provincie Drenthe")
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
        curatie = Curatie(self)
        self.bron_curatie = curatie_bron(self)
        path = self.source / self.bestand
        rel = self.rel(path)
        rows = self.read_csv(
            path, ["Deelnemer", "Gemeenschappelijke regeling", "Provincie"], encoding="utf-8"
        )
        aliassen = curatie.aliassen(self.bron_code)
        deelnemer_alias = curatie.deelnemers(self.bron_code)
        self.gemeenten = list(Gemeente.objects.select_related("provincie"))
        self.organisaties = {o.slug: o for o in Organisatie.objects.all()}
        hersteld = 0
        noordelijk = []
        elders = defaultdict(list)
        buiten = defaultdict(int)
        for row in rows:
            self.verslag.gelezen += 1
            for key in ("Deelnemer", "Gemeenschappelijke regeling", "Provincie"):
                fixed = herstel_mojibake(row[key])
                if fixed != row[key]:
                    hersteld += 1
                    row[key] = fixed
                if any(m in row[key] for m in MOJIBAKE):
                    self.fout(rel, f"line {row['_regel']}", f"unrepairable encoding in {key}")
            if row["Provincie"] in PROVINCIES:
                noordelijk.append(row)
            else:
                elders[(row["Gemeenschappelijke regeling"], row["Provincie"])].append(row)
        uit_noord = len(noordelijk)
        namen_noord = len({r["Gemeenschappelijke regeling"] for r in noordelijk})
        # Another province's GR with a northern municipality among its participants is in
        # scope too (Hoogeveen in Coöperatie ParkeerService, supplied by Utrecht).
        for (naam, provincie), groep in sorted(elders.items()):
            if any(self.gemeente(r["Deelnemer"], deelnemer_alias) for r in groep):
                noordelijk.extend(groep)
                self.verslag.opmerkingen.append(
                    f"{naam}: {len(groep)} rows supplied by {provincie}, in scope for its "
                    "northern participant(s)"
                )
            else:
                buiten[provincie] += len(groep)
        for provincie, n in sorted(buiten.items()):
            self.verslag.buiten_bereik.append(
                (
                    rel,
                    f"{n} rows supplied by {provincie} (not Groningen, Fryslân or Drenthe), "
                    "none naming a northern municipality",
                    n,
                )
            )
        self.verslag.opmerkingen.append(
            f"{hersteld} values repaired from double-encoded UTF-8; "
            f"{uit_noord} rows supplied by the three northern provinces, {namen_noord} GR names"
        )
        self.stop_bij_fouten()

        # Group by arrangement; resolve names; skip repeated rows with a listed reason.
        per_naam = defaultdict(list)
        for row in noordelijk:
            per_naam[row["Gemeenschappelijke regeling"]].append(row)
        self.themas = Themas(curatie)
        curated = {r["slug"]: r for r in curatie.samenwerkingen()}
        per_slug = defaultdict(list)
        for naam in sorted(per_naam):
            groep = per_naam[naam]
            if not any(self.gemeente(r["Deelnemer"], deelnemer_alias) for r in groep):
                for row in groep:
                    self.verslag.buiten_bereik.append(
                        (
                            f"{rel} line {row['_regel']}",
                            f"{naam}: no northern municipality among its participants",
                        )
                    )
                continue
            resolved = []
            for row in groep:
                obj = self.deelnemer(row["Deelnemer"], deelnemer_alias, rel, row["_regel"])
                resolved.append((row, obj))
            if any(obj is None for _, obj in resolved):
                continue
            alias = aliassen.get(naam)
            if alias is None:
                reason = (
                    f"unknown arrangement name {naam!r}: add it to fixtures/curation/aliassen.csv"
                )
                self.verslag.onopgelost.append((f"{rel} line {groep[0]['_regel']}", reason))
                self.fout(rel, f"line {groep[0]['_regel']}", reason)
                continue
            per_slug[alias["samenwerking"]].append((naam, resolved))
        self.stop_bij_fouten()

        per_provincie = gemeenten_per_provincie(peildatum)
        stappen = herindelingsstappen()
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
            for naam, resolved in per_slug[slug]:
                rijen[naam] += len(resolved)
                plaatsen |= {row["Plaats"] for row, _ in resolved if row.get("Plaats")}
                for row, obj in resolved:
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
            register = samenwerking.versies.exists()
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
        self.stop_bij_fouten()

    def gemeente(self, naam, aliassen):
        """The northern municipality a participant name stands for, or None.

        By alias; else by name: the one that existed on 2016-01-01, else the only former
        one of that name (pre-merger names stay those former municipalities)."""
        alias = aliassen.get(naam)
        if alias:
            return next((g for g in self.gemeenten if g.cbs_code == alias["gemeente"]), None)
        matches = [g for g in self.gemeenten if norm(g.naam) == norm(naam)]
        current = [g for g in matches if g.bestaat_op(datetime.date(2016, 1, 1))]
        if len(current) == 1:
            return current[0]
        if len(matches) == 1:
            return matches[0]
        return None

    def deelnemer(self, naam, aliassen, rel, regel):
        """The Gemeente or Organisatie a participant name stands for, or None (error)."""
        alias = aliassen.get(naam)
        if alias:
            if alias["gemeente"]:
                for g in self.gemeenten:
                    if g.cbs_code == alias["gemeente"]:
                        return g
            elif alias["organisatie"] in self.organisaties:
                return self.organisaties[alias["organisatie"]]
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
        gemeente = self.gemeente(naam, aliassen)
        if gemeente is not None:
            return gemeente
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
