"""DSTA list of GRs, 2016 (opengr/gemeenschappelijke_regelingen_partial_dsta.csv): optional
enrichment with the CBS GR code and, where no register record gives one, a postal address.

Rows are matched by name through the OpenGR aliases (the list uses the same names), else by
the rule OpenGR's import uses (opengr.regeling_sleutel): the key of a name OpenGR gave the
arrangement, or of a register title, when it stands for one arrangement only. Everything
else is out of scope. Which arrangement got what is listed in the report.
"""

import datetime
from collections import defaultdict

from ..models import Deelname, Samenwerking, Stand, Versie
from .base import BaseImporter
from .curatie import Curatie
from .opengr import NOORD, regeling_sleutel

BESTAND = "opengr/gemeenschappelijke_regelingen_partial_dsta.csv"


class DstaImporter(BaseImporter):
    naam = "DSTA-lijst gemeenschappelijke regelingen (2016), verrijking"

    def run(self):
        self.bron(
            "dsta-2016",
            naam="Lijst gemeenschappelijke regelingen met adres en CBS GR-code (DSTA, deels)",
            uitgever="Open State Foundation",
            url="https://github.com/openstate/datasets",
            bestand=BESTAND,
            licentie="Openbare overheidsinformatie, via Open State Foundation",
            peildatum=datetime.date(2016, 1, 1),
        )
        path = self.source / BESTAND
        rel = self.rel(path)
        rows = self.read_csv(
            path,
            ["DSTA_GR_naam", "Adres", "Postcode", "Plaats", "CBS_GR_naam", "CBS_GR_code"],
            key=["DSTA_GR_naam"],
        )
        aliassen = Curatie(self).aliassen("opengr")
        # {key: {slug}}: the names OpenGR gave each arrangement, and the register titles.
        sleutels = defaultdict(set)
        for slug, namen in Stand.objects.filter(bron__code="opengr-2016").values_list(
            "samenwerking__slug", "naam_in_bron"
        ):
            for naam in namen.split(" / "):
                sleutels[regeling_sleutel(naam)].add(slug)
        for slug, titel in Versie.objects.values_list("samenwerking__slug", "titel"):
            sleutels[regeling_sleutel(titel)].add(slug)
        noordelijk = set(
            Deelname.objects.filter(gemeente__provincie__code__in=NOORD).values_list(
                "stand__samenwerking__slug", flat=True
            )
        )
        buiten = 0
        for row in rows:
            self.verslag.gelezen += 1
            alias = aliassen.get(row["DSTA_GR_naam"]) or aliassen.get(row["CBS_GR_naam"])
            slug = alias["samenwerking"] if alias else None
            if slug is None:
                treffers = set()
                for naam in (row["DSTA_GR_naam"], row["CBS_GR_naam"]):
                    if naam.strip():
                        treffers |= sleutels.get(regeling_sleutel(naam), set())
                slug = next(iter(treffers)) if len(treffers) == 1 else None
                if slug in noordelijk:
                    # The north stays as curated: its arrangements match by alias only.
                    self.verslag.buiten_bereik.append(
                        (
                            f"{rel} line {row['_regel']}",
                            f"matches {slug} by name, a northern arrangement: only an alias "
                            "in aliassen.csv links the north",
                        )
                    )
                    continue
            samenwerking = Samenwerking.objects.filter(slug=slug).first() if slug else None
            if samenwerking is None:
                buiten += 1
                continue
            code = row["CBS_GR_code"]
            if code and not (code.startswith("GR") and code[2:].isdigit()):
                self.fout(rel, f"line {row['_regel']}", f"invalid CBS GR code {code!r}")
                continue
            changes = []
            if code and samenwerking.cbs_gr_code not in ("", code):
                self.fout(
                    rel,
                    f"line {row['_regel']}",
                    f"{samenwerking.slug} already has CBS GR code {samenwerking.cbs_gr_code}",
                )
                continue
            if code:
                samenwerking.cbs_gr_code = code
                changes.append(f"CBS GR code {code}")
            if not samenwerking.adres and row["Adres"]:
                adres = ", ".join(
                    p for p in (row["Adres"], f"{row['Postcode']} {row['Plaats']}".strip()) if p
                )
                samenwerking.adres = adres[:300]
                changes.append(f"address {adres!r} (2016)")
            if changes:
                samenwerking.save(update_fields=["cbs_gr_code", "adres"])
                self.verslag.geimporteerd += 1
                self.verslag.opmerkingen.append(
                    f"{samenwerking.slug}: {'; '.join(changes)} (line {row['_regel']})"
                )
            else:
                self.verslag.buiten_bereik.append(
                    (f"{rel} line {row['_regel']}", "matched, but adds nothing the register lacks")
                )
        if buiten:
            self.verslag.buiten_bereik.append(
                (rel, f"{buiten} rows name no arrangement of the dataset", buiten)
            )
