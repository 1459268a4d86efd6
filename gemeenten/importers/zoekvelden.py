"""The search and display fields, filled once every source is in (gemeenten.zoeken).

Runs last: a record's names come from several sources (its register version titles, the names
OpenGR and Regioatlas give it, the curated aliases, the municipalities merged into it).

- Samenwerking: `weergavenaam` by the rule in fixtures/curation/weergavenamen.csv (a prefix to
  strip, or an explicit name, each with its reason), `sorteernaam` from it, and `zoektekst`.
- Gemeente and Organisatie: `zoektekst`, with the names the sources give them as participants.
"""

from collections import defaultdict

from .. import zoeken
from ..models import Deelname, Gemeente, Herindeling, Organisatie, Samenwerking, Stand, Versie
from .base import BaseImporter
from .curatie import Curatie

WEERGAVENAMEN = "weergavenamen.csv"
REGELS = ("voorvoegsel", "naam")


class ZoekveldenImporter(BaseImporter):
    naam = "Zoek- en weergavenamen (curatie: weergavenamen.csv)"

    def run(self):
        regel = self.weergaveregel()
        self.samenwerkingen(regel)
        self.gemeenten()
        self.organisaties()

    def weergaveregel(self):
        bestand = self.rel(self.curation / WEERGAVENAMEN)
        rows = self.read_csv(
            self.curation / WEERGAVENAMEN,
            ["regel", "waarde", "weergavenaam", "toelichting"],
            key=["regel", "waarde"],
        )
        self.verslag.gelezen += len(rows)
        namen = set(Samenwerking.objects.values_list("naam", flat=True))
        voorvoegsels, vast = [], {}
        for row in rows:
            waar = f"line {row['_regel']}"
            if row["regel"] not in REGELS:
                self.fout(bestand, waar, f"regel must be one of {', '.join(REGELS)}")
            elif not row["toelichting"]:
                self.fout(bestand, waar, "every rule needs its reason (toelichting)")
            elif row["regel"] == "voorvoegsel":
                if row["weergavenaam"]:
                    self.fout(bestand, waar, "a prefix rule has no weergavenaam")
                elif all(zoeken.Weergaveregel([row["waarde"]])(n) == n for n in namen):
                    self.fout(bestand, waar, f"no arrangement's name starts with {row['waarde']!r}")
                voorvoegsels.append(row["waarde"])
            elif row["waarde"] not in namen:
                self.fout(bestand, waar, f"no arrangement is named {row['waarde']!r}")
            elif not row["weergavenaam"]:
                self.fout(bestand, waar, "a name rule needs its weergavenaam")
            else:
                vast[row["waarde"]] = row["weergavenaam"]
        self.stop_bij_fouten()
        self.verslag.geimporteerd += len(rows)  # every rule fits an arrangement (checked above)
        return zoeken.Weergaveregel(voorvoegsels, vast)

    def samenwerkingen(self, regel):
        namen = defaultdict(list)
        for slug, naam, titel in Stand.objects.values_list(
            "samenwerking__slug", "naam_in_bron", "titel"
        ):
            # Two sources' names of one snapshot are joined by " / " (regioatlas, cbs_regios).
            namen[slug].extend([*naam.split(" / "), titel])
        for slug, titel in Versie.objects.values_list("samenwerking__slug", "titel"):
            namen[slug].append(titel)
        aliassen = Curatie(self).tabel(
            "aliassen.csv",
            ["bron", "naam_in_bron", "samenwerking", "toelichting"],
            key=["bron", "naam_in_bron"],
        )
        for row in aliassen:
            namen[row["samenwerking"]].append(row["naam_in_bron"])
        rijen = list(Samenwerking.objects.order_by("slug"))
        for s in rijen:
            kort = regel(s.naam)
            s.weergavenaam = kort if kort != s.naam else ""
            s.sorteernaam = zoeken.sorteernaam(s.korte_naam)
            s.zoektekst = zoeken.zoektekst(s.naam, s.weergavenaam, s.afkorting, *namen[s.slug])
        Samenwerking.objects.bulk_update(rijen, ["weergavenaam", "sorteernaam", "zoektekst"])
        korter = sum(1 for s in rijen if s.weergavenaam)
        self.verslag.opmerkingen.append(
            f"{korter} of {len(rijen)} arrangements shown by a shorter name ({WEERGAVENAMEN})"
        )

    def gemeenten(self):
        rijen = list(Gemeente.objects.order_by("cbs_code"))
        namen = {g.pk: [g.naam] for g in rijen}
        for gemeente_id, voormalig_id, naam in Deelname.objects.filter(
            gemeente__isnull=False
        ).values_list("gemeente_id", "voormalige_gemeente_id", "naam_in_bron"):
            # A name a source gives a former municipality is that one's, not its successor's.
            namen[voormalig_id or gemeente_id].append(naam)
        # The names of a municipality that went wholly into another (a merger or a rename)
        # find its successor too, over every step: "Haren" → Groningen.
        voorgangers = defaultdict(list)
        for stap in Herindeling.objects.select_related("voorganger"):
            if stap.heft_voorganger_op and stap.deel == Herindeling.Deel.GEHEEL:
                voorgangers[stap.opvolger_id].append(stap.voorganger_id)

        def alle_namen(pk, gezien):
            gezien.add(pk)
            uit = list(namen[pk])
            for voorganger in voorgangers[pk]:
                if voorganger not in gezien:
                    uit.extend(alle_namen(voorganger, gezien))
            return uit

        for g in rijen:
            g.zoektekst = zoeken.zoektekst(g.cbs_code, *alle_namen(g.pk, set()))
        Gemeente.objects.bulk_update(rijen, ["zoektekst"])
        self.verslag.opmerkingen.append(f"search names of {len(rijen)} municipalities")

    def organisaties(self):
        namen = defaultdict(list)
        for organisatie_id, naam in Deelname.objects.filter(organisatie__isnull=False).values_list(
            "organisatie_id", "naam_in_bron"
        ):
            namen[organisatie_id].append(naam)
        rijen = list(Organisatie.objects.order_by("slug"))
        for o in rijen:
            o.zoektekst = zoeken.zoektekst(o.naam, *namen[o.pk])
        Organisatie.objects.bulk_update(rijen, ["zoektekst"])
        self.verslag.opmerkingen.append(f"search names of {len(rijen)} other participants")
