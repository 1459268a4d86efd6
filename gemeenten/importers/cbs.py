"""CBS municipal registry: provinces, the 80 northern municipalities 2009–today and every
merger, split, transfer and rename between them (cbs/gemeenten_noord.csv, cbs/herindelingen.csv).
"""

import datetime
import json

from django.utils.text import slugify

from ..models import Gemeente, Herindeling, Provincie
from .base import BaseImporter, Fout, ImportFout

GEMEENTEN = "cbs/gemeenten_noord.csv"
HERINDELINGEN = "cbs/herindelingen.csv"
PROVINCIES = "cbs/boundaries/provincie_2022.geojson"

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
        provincies = self.provincies(bron_gemeenten)
        self.gemeenten(provincies, bron_gemeenten)
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
