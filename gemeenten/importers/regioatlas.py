"""Regioatlas, snapshot 2016 (regioatlas/*/*.csv): for each regional division, the region
every municipality of 2016 belongs to. `;`-separated, UTF-8 with BOM.

Each division × region with a northern municipality becomes an arrangement of kind
regio-indeling, unless aliassen.csv says the region *is* an arrangement already known (GGD
Drenthe, Veiligheidsregio Fryslân …): then its members are added to that arrangement's 2016
snapshot, each membership keeping the Regioatlas as its source. Members of such a region from
outside the north are kept as organisations, so the region is not shown smaller than it is.
"""

import datetime
from collections import defaultdict

from django.utils.text import slugify

from ..models import (
    Aard,
    Deelname,
    Gemeente,
    Organisatie,
    Peildatum,
    Samenwerking,
    Soort,
    Taakveld,
)
from .base import BaseImporter
from .cbs import NOORD
from .cbs_regios import is_regeling
from .curatie import INDELINGEN, Curatie
from .standen import (
    als_deelnemer,
    gemeenten_per_provincie,
    regels,
    schrijf_stand,
    zet_grootte_en_reikwijdte,
)

MAP = "regioatlas"
PEILDATUM = datetime.date(2016, 1, 1)
TOOI = "https://identifier.overheid.nl/tooi/id/gemeente/gm{:04d}"


class RegioatlasImporter(BaseImporter):
    naam = "Regioatlas (BZK), stand 2016"

    def run(self):
        self.bron_ra = self.bron(
            "regioatlas-2016",
            naam="Regioatlas: regionale indelingen van gemeenten",
            uitgever="Ministerie van BZK (regioatlas.nl), via Open State Foundation",
            url="https://www.regioatlas.nl",
            bestand=f"{MAP}/",
            licentie="Openbare overheidsinformatie (BZK), via Open State Foundation",
            peildatum=PEILDATUM,
        )
        self.peildatum = Peildatum.objects.get(code="2016")
        curatie = Curatie(self)
        indelingen = curatie.indelingen("regioatlas")
        aliassen = curatie.aliassen("regioatlas")
        taakvelden = {t.code: t for t in Taakveld.objects.all()}
        # Every Dutch municipality (issue 11): a region of the whole country is imported.
        self.gemeenten = {g.cbs_code: g for g in Gemeente.objects.select_related("provincie")}
        self.organisaties = {
            o.identificatie: o for o in Organisatie.objects.exclude(identificatie="")
        }
        self.per_provincie = gemeenten_per_provincie(self.peildatum)
        self.buiten_noord = 0
        self.gr_elders = 0
        files = sorted((self.source / MAP).glob("*/*.csv"))
        if not files:
            self.fout(MAP, "-", "no division files (*/*.csv)")
        for path in files:
            rel = self.rel(path)
            indeling = indelingen.get(rel)
            if indeling is None:
                self.fout(rel, "-", f"unknown division: add it to {INDELINGEN}")
                continue
            self.bestand(path, rel, indeling, taakvelden[indeling["taakveld"]], aliassen)
        self.stop_bij_fouten()
        self.verslag.opmerkingen.append(
            f"{len(files)} divisions; {self.verslag.geimporteerd - self.buiten_noord} rows of "
            f"the {len(self.per_provincie and set().union(*self.per_provincie.values()))} "
            "municipalities of 2016 imported (the whole country; "
            f"{self.gr_elders} rows of regions elsewhere that are arrangements left out)"
            + (
                f", plus {self.buiten_noord} rows of municipalities not in the registry "
                "(kept as organisations)"
                if self.buiten_noord
                else ""
            )
        )

    def bestand(self, path, rel, indeling, taakveld, aliassen):
        rows = self.read_csv(path, ["Gemeente", "CBS"], delimiter=";", encoding="utf-8")
        if rows and len(rows[0]) < 4:  # Gemeente, CBS, the division, _regel
            self.fout(rel, "line 1", "missing the division column")
            return
        kolom = list(rows[0])[2] if rows else ""
        naam_indeling = kolom.strip()
        regio_leden = defaultdict(list)
        gezien = {}
        for row in rows:
            self.verslag.gelezen += 1
            where = f"line {row['_regel']}"
            cbs = row["CBS"]
            if not (cbs.isdigit() and len(cbs) <= 4):
                self.fout(rel, where, f"invalid CBS code {cbs!r}")
                continue
            code = f"GM{int(cbs):04d}"
            regio = row[kolom].strip()
            if not regio:
                self.fout(rel, where, f"empty region for {row['Gemeente']}")
                continue
            key = (code, regio)
            if key in gezien:
                first = gezien[key]
                if first[1] != tuple(v for k, v in row.items() if k != "_regel"):
                    self.fout(
                        rel,
                        where,
                        f"duplicate row for {code} in {regio!r} (line {first[0]}) "
                        "with different values",
                    )
                else:
                    self.verslag.buiten_bereik.append(
                        (f"{rel} {where}", f"repeats line {first[0]}")
                    )
                continue
            gezien[key] = (row["_regel"], tuple(v for k, v in row.items() if k != "_regel"))
            gemeente = self.gemeenten.get(code)
            if gemeente is not None and not gemeente.bestaat_op(PEILDATUM):
                self.fout(rel, where, f"{code} {gemeente.naam} did not exist on {PEILDATUM}")
                continue
            regio_leden[regio].append((row, code, gemeente))
        buiten = 0
        # A division whose every northern region is an arrangement (aliassen.csv: GGD regions
        # are the GGD GRs …) holds arrangements elsewhere too: those regions are left to the
        # national GR sources rather than written as divisions of their own (a duplicate).
        noordelijk = [
            r
            for r, leden in regio_leden.items()
            if any(g is not None and g.provincie.code in NOORD for _, _, g in leden)
        ]
        gr_indeling = bool(noordelijk) and all(
            is_regeling(aliassen.get(f"{naam_indeling}: {r}")) for r in noordelijk
        )
        for regio in sorted(regio_leden):
            leden = regio_leden[regio]
            if not any(g is not None for _, _, g in leden):
                buiten += len(leden)
                continue
            if gr_indeling and regio not in noordelijk:
                self.gr_elders += len(leden)
                self.verslag.buiten_bereik.append(
                    (
                        f"{rel} {regio}",
                        "a region of a division whose northern regions are arrangements "
                        "(aliassen.csv): left to the national GR sources, not a division",
                        len(leden),
                    )
                )
                continue
            samenwerking = self.samenwerking(
                indeling, naam_indeling, regio, taakveld, aliassen, rel
            )
            if samenwerking is None:
                continue
            deelnames = []
            for row, code, gemeente in leden:
                if gemeente is None:
                    self.buiten_noord += 1
                deelnemer = gemeente or self.buitengemeente(code, row["Gemeente"])
                deelnames.append(
                    dict(deelnemer=deelnemer, naam_in_bron=row["Gemeente"], regel=row["_regel"])
                )
                self.verslag.geimporteerd += 1
            self.schrijf(samenwerking, f"{naam_indeling}: {regio}", deelnames, rel)
        if buiten:
            self.verslag.buiten_bereik.append(
                (rel, f"{buiten} rows of regions without a northern municipality", buiten)
            )

    def samenwerking(self, indeling, naam_indeling, regio, taakveld, aliassen, rel):
        alias = aliassen.get(f"{naam_indeling}: {regio}")
        if alias is not None:
            samenwerking = Samenwerking.objects.filter(slug=alias["samenwerking"]).first()
            if samenwerking is None:
                self.fout(
                    "fixtures/curation/aliassen.csv",
                    f"line {alias['_regel']}",
                    f"unknown arrangement {alias['samenwerking']!r}",
                )
            elif indeling["aard"] != Aard.SAMENWERKING:
                self.fout(
                    "fixtures/curation/aliassen.csv",
                    f"line {alias['_regel']}",
                    f"{naam_indeling} is a state/statistical division (indelingen.csv line "
                    f"{indeling['_regel']}), not the arrangement {alias['samenwerking']!r}",
                )
                return None
            return samenwerking
        naam = f"{indeling['label']} {regio}".strip() if indeling["label"] else regio
        samenwerking, _ = Samenwerking.objects.update_or_create(
            slug=f"{indeling['slug']}-{slugify(regio)}"[:150],
            defaults=dict(
                naam=naam,
                soort=Soort.REGIO_INDELING,
                soort_basis=f"regio-indeling: Regioatlas-indeling {naam_indeling} (indelingen.csv)",
                rechtsvorm=None,
                taakveld=taakveld,
                taakveld_basis=f"Regioatlas-indeling: {naam_indeling}",
                aard=indeling["aard"],
                aard_basis=indeling["aard_basis"],
                bron=self.bron_ra,
            ),
        )
        return samenwerking

    def buitengemeente(self, code, naam):
        """A member municipality outside the north, as an organisation (curated if known)."""
        tooi = TOOI.format(int(code[2:]))
        org = self.organisaties.get(tooi)
        if org is None:
            org, _ = Organisatie.objects.update_or_create(
                slug=f"gemeente-{slugify(naam)}"[:120],
                defaults=dict(
                    naam=f"Gemeente {naam}",
                    soort=Organisatie.Soort.GEMEENTE,
                    land="NL",
                    identificatie=tooi,
                    bron=self.bron_ra,
                ),
            )
            self.organisaties[tooi] = org
        return org

    def schrijf(self, samenwerking, naam_in_bron, deelnames, rel):
        """A new 2016 snapshot, or the Regioatlas members added to the one OpenGR gave."""
        stand = samenwerking.standen.filter(peildatum=self.peildatum).first()
        if stand is None:
            schrijf_stand(
                samenwerking,
                self.peildatum,
                naam_in_bron,
                self.bron_ra,
                deelnames,
                self.per_provincie,
                bron_bestand=rel,
                bron_regels=regels(d["regel"] for d in deelnames),
            )
            return
        if stand.bron.code == "gr-register-2026":
            # The register version in force on the date gives the participants.
            self.verslag.opmerkingen.append(
                f"{samenwerking.slug}: Regioatlas ({naam_in_bron}) not used for the members: "
                f"the register version in force on {PEILDATUM} gives them"
            )
            return
        bestaand = {(d.gemeente_id, d.organisatie_id) for d in stand.deelnames.all()}
        nieuw = 0
        toegevoegd = []
        for d in deelnames:
            obj = d["deelnemer"]
            key = (obj.pk, None) if isinstance(obj, Gemeente) else (None, obj.pk)
            if key in bestaand:
                continue
            bestaand.add(key)
            nieuw += 1
            toegevoegd.append(d["regel"])
            Deelname.objects.create(
                stand=stand,
                gemeente=obj if isinstance(obj, Gemeente) else None,
                organisatie=obj if isinstance(obj, Organisatie) else None,
                naam_in_bron=d["naam_in_bron"],
                bron=self.bron_ra,
            )
        if nieuw:
            self.verslag.opmerkingen.append(
                f"{samenwerking.slug}: Regioatlas ({naam_in_bron}) adds {nieuw} member(s) "
                "OpenGR does not list"
            )
        stand.naam_in_bron = f"{stand.naam_in_bron} / {naam_in_bron}"[:300]
        if toegevoegd:
            # The members Regioatlas added: its file and lines, after OpenGR's.
            stand.bron_regels = f"{stand.bron_regels}; {rel} {regels(toegevoegd)}".lstrip("; ")
        deelnames_db = stand.deelnames.select_related("gemeente__provincie", "organisatie")
        deelnemers = [als_deelnemer(d.gemeente or d.organisatie) for d in deelnames_db]
        zet_grootte_en_reikwijdte(stand, deelnemers, self.per_provincie)
        stand.save()
