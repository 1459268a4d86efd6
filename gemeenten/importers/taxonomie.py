"""BBV taakvelden and the legal forms of the Wgr (taxonomy/taakvelden.csv, rechtsvormen.csv)."""

import datetime

from ..models import Hoofdtaakveld, Rechtsvorm, Taakveld
from .base import BaseImporter

TAAKVELDEN = "taxonomy/taakvelden.csv"
RECHTSVORMEN = "taxonomy/rechtsvormen.csv"


def controleer_code(code):
    """ValueError unless `code` looks like a taakveld code (7.1, 0.10, 6.711)."""
    major, _, minor = code.partition(".")
    if not (major.isdigit() and minor.isdigit()):
        raise ValueError(code)


class TaxonomieImporter(BaseImporter):
    naam = "Taxonomie (BBV-taakvelden, Wgr-rechtsvormen)"

    def run(self):
        bron_tv = self.bron(
            "bbv-taakvelden",
            naam="BBV/Iv3 taakvelden 2025",
            uitgever="Ministerie van BZK / CBS (BBV)",
            url="https://www.cbs.nl/nl-nl/deelnemers-enquetes/decentrale-overheden/kredo-overheden/gemeenten-en-gemeenschappelijke-regelingen",
            bestand=TAAKVELDEN,
            licentie="Publieke informatie (BBV, wettelijke indeling)",
            peildatum=datetime.date(2025, 1, 1),
        )
        bron_rv = self.bron(
            "wgr-rechtsvormen",
            naam="Rechtsvormen van gemeenschappelijke regelingen (art. 8 Wgr)",
            uitgever="Samenwerkingsatlas Noord (eigen samenvatting van de Wgr)",
            url="https://wetten.overheid.nl/BWBR0003740",
            bestand=RECHTSVORMEN,
            licentie="CC0",
            peildatum=datetime.date(2022, 7, 1),
        )
        path = self.source / TAAKVELDEN
        rows = self.read_csv(
            path, ["code", "name", "hoofdtaakveld_code", "hoofdtaakveld_name"], key=["code"]
        )
        # The file lists the taakvelden in the BBV's own order (0.9 before 0.10, 6.3 before
        # 6.4): that order is kept as `volgorde`.
        for order, row in enumerate(rows, start=1):
            self.verslag.gelezen += 1
            where = f"line {row['_regel']}"
            try:
                controleer_code(row["code"])
            except ValueError:
                self.fout(self.rel(path), where, f"invalid taakveld code {row['code']!r}")
                continue
            if not row["code"].startswith(row["hoofdtaakveld_code"] + "."):
                self.fout(
                    self.rel(path), where, "taakveld code does not belong to its hoofdtaakveld"
                )
                continue
            hoofd, _ = Hoofdtaakveld.objects.update_or_create(
                code=row["hoofdtaakveld_code"], defaults={"naam": row["hoofdtaakveld_name"]}
            )
            Taakveld.objects.update_or_create(
                code=row["code"],
                defaults=dict(naam=row["name"], hoofdtaakveld=hoofd, volgorde=order, bron=bron_tv),
            )
            self.verslag.geimporteerd += 1
        path = self.source / RECHTSVORMEN
        rows = self.read_csv(path, ["code", "name", "definition"], key=["code"])
        for row in rows:
            self.verslag.gelezen += 1
            Rechtsvorm.objects.update_or_create(
                code=row["code"],
                defaults=dict(naam=row["name"], definitie=row["definition"], bron=bron_rv),
            )
            self.verslag.geimporteerd += 1
