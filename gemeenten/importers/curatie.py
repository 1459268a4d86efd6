"""The curation tables in fixtures/curation/: reviewable decisions, kept as data.

- organisaties.csv: participants that are not northern municipalities and need a decision
  (the province of a municipality outside the north, organisations named only in OpenGR).
- deelnemers.csv: source names of participants → CBS code or organisation slug.
- samenwerkingen.csv: arrangements that no register record describes (OpenGR-only,
  Regioatlas divisions), with their kind and, only when the name states it, legal form.
- aliassen.csv: source names of arrangements (OpenGR, Regioatlas) → the canonical arrangement.
- beleidsterreinen.csv: TOOI policy area → BBV taakveld.
- indelingen.csv: every regional division of a source (Regioatlas 2016, CBS 2025): the label,
  slug prefix and taakveld of its regions, and whether it is a collaboration of municipalities
  or a state/statistical division, with the basis of that choice.
- soorten.csv: the kind (werkorganisatie, centrumregeling, gemeenschappelijke regeling) of a
  register arrangement where the legal form and the texts do not decide it, with evidence.
- themas.csv: primary (and secondary) taakveld per arrangement where the register's policy
  areas do not decide it, with the basis of the choice.
- koppelingen.csv: predecessor → successor between two arrangements no register version chain
  links, each with its evidence (KoppelingenImporter, run after every source).
"""

import datetime

from django.utils.text import slugify

from ..models import Organisatie, Samenwerking
from .base import BaseImporter

CURATIE_PEILDATUM = datetime.date(2026, 5, 16)
INDELINGEN = "fixtures/curation/indelingen.csv"


def curatie_bron(importer):
    return importer.bron(
        "curatie",
        naam="Curatie Samenwerkingsatlas Noord",
        uitgever="Samenwerkingsatlas Noord",
        url="",
        bestand="fixtures/curation/",
        licentie="CC0",
        peildatum=CURATIE_PEILDATUM,
        toelichting="Reviewable curation tables in the repository: aliases, themes, "
        "organisations. Each row carries its own note.",
    )


class Curatie:
    """Reads the curation tables once, through an importer (so errors name file and row)."""

    def __init__(self, importer):
        self.importer = importer
        self._cache = {}

    def tabel(self, naam, columns, key):
        if naam not in self._cache:
            self._cache[naam] = self.importer.read_csv(
                self.importer.curation / naam, columns, key=key
            )
        return self._cache[naam]

    def organisaties(self):
        return self.tabel(
            "organisaties.csv",
            ["slug", "naam", "soort", "land", "provincie_code", "identificatie", "toelichting"],
            key=["slug"],
        )

    def deelnemers(self, bron):
        rows = self.tabel(
            "deelnemers.csv",
            ["bron", "naam_in_bron", "gemeente", "organisatie", "toelichting"],
            key=["bron", "naam_in_bron"],
        )
        return {r["naam_in_bron"]: r for r in rows if r["bron"] == bron}

    def samenwerkingen(self):
        return self.tabel(
            "samenwerkingen.csv",
            ["slug", "naam", "soort", "rechtsvorm", "eind", "toelichting", "soort_basis"],
            key=["slug"],
        )

    def aliassen(self, bron):
        rows = self.tabel(
            "aliassen.csv",
            ["bron", "naam_in_bron", "samenwerking", "toelichting"],
            key=["bron", "naam_in_bron"],
        )
        return {r["naam_in_bron"]: r for r in rows if r["bron"] == bron}

    def beleidsterreinen(self):
        rows = self.tabel("beleidsterreinen.csv", ["tooi", "naam", "taakveld"], key=["tooi"])
        return {r["tooi"]: r for r in rows}

    def indelingen(self, bron):
        """{bestand: row} of the divisions of `bron`; a row with an unknown `aard` or taakveld
        is an error naming its line."""
        from ..models import Aard, Taakveld

        rows = self.tabel(
            "indelingen.csv",
            ["bron", "bestand", "label", "slug", "taakveld", "aard", "toelichting", "aard_basis"],
            key=["bestand"],
        )
        taakvelden = set(Taakveld.objects.values_list("code", flat=True))
        out = {}
        for row in rows:
            if row["bron"] != bron:
                continue
            where = f"line {row['_regel']}"
            if row["aard"] not in Aard.values:
                self.importer.fout(
                    INDELINGEN,
                    where,
                    f"aard {row['aard']!r} is not one of {', '.join(Aard.values)}",
                )
            elif not row["aard_basis"]:
                self.importer.fout(INDELINGEN, where, "no basis (aard_basis) for the choice")
            elif row["taakveld"] not in taakvelden:
                self.importer.fout(INDELINGEN, where, f"unknown taakveld {row['taakveld']!r}")
            else:
                out[row["bestand"]] = row
        self.importer.stop_bij_fouten()
        return out

    def koppelingen(self):
        return self.tabel(
            "koppelingen.csv",
            ["voorganger", "opvolger", "toelichting"],
            key=["voorganger", "opvolger"],
        )

    def soorten(self):
        """{slug: row}: the kind of a register arrangement where the rules do not decide it
        (every bedrijfsvoeringsorganisatie), with its evidence; see importers/soorten.py."""
        rows = self.tabel("soorten.csv", ["samenwerking", "soort", "bewijs"], key=["samenwerking"])
        return {r["samenwerking"]: r for r in rows}

    def themas(self):
        rows = self.tabel(
            "themas.csv", ["samenwerking", "taakveld", "overige", "basis"], key=["samenwerking"]
        )
        return {r["samenwerking"]: r for r in rows}


def maak_organisaties(importer, curatie, bron):
    """Create the curated organisations; returns {identificatie: Organisatie} for lookups."""
    path = importer.curation / "organisaties.csv"
    soorten = set(Organisatie.Soort.values)
    out = {}
    for row in curatie.organisaties():
        if row["soort"] not in soorten:
            importer.fout(
                importer.rel(path), f"line {row['_regel']}", f"unknown soort {row['soort']!r}"
            )
            continue
        org, _ = Organisatie.objects.update_or_create(
            slug=row["slug"],
            defaults=dict(
                naam=row["naam"],
                soort=row["soort"],
                land=row["land"] or "NL",
                provincie_code=row["provincie_code"],
                identificatie=row["identificatie"],
                bron=bron,
            ),
        )
        if row["identificatie"]:
            out[row["identificatie"]] = org
    importer.stop_bij_fouten()
    return out


def duitse_organisatie(naam, bron, **velden):
    """The German public body `naam` as an Organisatie (country DE), one record per name
    whichever source names it; `velden` adds what that source knows (e.g. identificatie)."""
    org, _ = Organisatie.objects.update_or_create(
        slug=f"de-{slugify(naam)}"[:120],
        defaults=dict(
            naam=naam, soort=Organisatie.Soort.BUITENLANDS, land="DE", bron=bron, **velden
        ),
    )
    return org


class KoppelingenImporter(BaseImporter):
    """Predecessor → successor links from koppelingen.csv, once every arrangement exists.
    A row naming an unknown arrangement, or without evidence, stops the build."""

    naam = "Curatie: voorgangers en opvolgers (koppelingen.csv)"

    def run(self):
        rel = "fixtures/curation/koppelingen.csv"
        bestaand = {s.slug: s for s in Samenwerking.objects.all()}
        for row in Curatie(self).koppelingen():
            self.verslag.gelezen += 1
            where = f"line {row['_regel']}"
            paar = [bestaand.get(row[k]) for k in ("voorganger", "opvolger")]
            if None in paar:
                onbekend = [
                    row[k]
                    for k, s in zip(("voorganger", "opvolger"), paar, strict=True)
                    if s is None
                ]
                self.fout(rel, where, f"unknown arrangement {', '.join(onbekend)}")
                continue
            if not row["toelichting"]:
                self.fout(rel, where, "no evidence (toelichting) for the link")
                continue
            if paar[0] == paar[1]:
                self.fout(rel, where, "an arrangement cannot be its own predecessor")
                continue
            paar[1].voorgangers.add(paar[0])
            self.verslag.geimporteerd += 1
            self.verslag.opmerkingen.append(f"{paar[0].slug} → {paar[1].slug}")
