"""One arrangement at one peildatum, written out for the JSON API, the CSV and the map.

`Rij` gathers what every format reads (the arrangement, its snapshot, its participants);
`als_json`, `als_csv` and `als_kaart` only choose names and formats. The JSON and CSV
formats are a public contract (docs/api.md, docs/openapi.yaml): change them there first.
"""

from dataclasses import dataclass
from functools import cached_property

from .gebied import NOORD
from .models import Grootte, Reikwijdte, Soort
from .paden import pad
from .peildatum import met_peildatum


def datum(waarde):
    return waarde.isoformat() if waarde else None


def peildatum_json(peildatum):
    return {"code": peildatum.code, "datum": datum(peildatum.datum), "naam": peildatum.naam}


@dataclass
class Rij:
    """An arrangement as the snapshot `stand` (None: not in this snapshot) describes it."""

    samenwerking: object
    stand: object
    deelnames: list
    peildatum: object
    # The area of the request: the row's links carry it (gemeenten/gebied.py).
    gebied: object = NOORD

    @classmethod
    def uit_export(cls, samenwerking, peildatum, gebied=NOORD):
        """A row of `Samenwerking.objects.voor_export(peildatum)`."""
        stand = samenwerking.standen_op_peildatum[0]
        return cls(samenwerking, stand, stand.export_deelnames, peildatum, gebied)

    @classmethod
    def uit_kaart(cls, samenwerking, peildatum, gebied=NOORD):
        """A row of `Samenwerking.objects.voor_kaart(peildatum)`."""
        (stand,) = samenwerking.kaart_standen
        return cls(samenwerking, stand, stand.kaart_deelnames, peildatum, gebied)

    @property
    def grootte(self):
        return (self.stand.grootte or "") if self.stand else ""

    @property
    def grootte_label(self):
        return Grootte(self.grootte).label if self.grootte else ""

    @property
    def reikwijdte(self):
        return (self.stand.reikwijdte or "") if self.stand else ""

    @property
    def reikwijdte_label(self):
        return Reikwijdte(self.reikwijdte).label if self.reikwijdte else ""

    # Title, purpose, legal form and seat as on the peildatum: the snapshot's (the register
    # version in force, or the snapshot source's own name), never a later version's.
    @property
    def naam(self):
        return (self.stand.titel if self.stand else "") or self.samenwerking.naam

    @property
    def doel(self):
        return self.stand.doel if self.stand else self.samenwerking.doel

    @property
    def rechtsvorm(self):
        return self.stand.rechtsvorm if self.stand else self.samenwerking.rechtsvorm

    @property
    def zetel(self):
        return self.stand.zetel if self.stand else self.samenwerking.zetel

    @property
    def bron(self):
        return self.stand.bron if self.stand else self.samenwerking.bron

    @cached_property
    def herkomst(self):
        """Where this row comes from: the register record of the version in force (with its
        id and founding documents), and/or the file and lines (or CBS layer and region) of
        the snapshot's source; with the source's reference and retrieval date."""
        stand, bron = self.stand, self.bron
        versie = stand.versie if stand else None
        return {
            "bron": bron.naam,
            "record": (versie.url or None) if versie else None,
            "register_id": versie.register_id if versie else None,
            "documenten": list(versie.documenten) if versie else [],
            "bestand": (stand.bron_bestand or None) if stand else None,
            "plaats": (stand.bron_regels or None) if stand else None,
            "peildatum": datum(bron.peildatum),
            "opgehaald": datum(bron.opgehaald),
        }

    @property
    def herkomst_verwijzing(self):
        """The record's own link as one text: the register record URL, else file and place."""
        h = self.herkomst
        if h["record"]:
            return h["record"]
        return " ".join(filter(None, (h["bestand"], h["plaats"])))

    @cached_property
    def gemeente_deelnames(self):
        return [d for d in self.deelnames if d.gemeente_id]

    @cached_property
    def organisatie_deelnames(self):
        return [d for d in self.deelnames if d.organisatie_id]

    @cached_property
    def gemeenten(self):
        """The participating municipalities, by name."""
        return sorted((d.gemeente for d in self.gemeente_deelnames), key=lambda g: g.naam)

    @property
    def pagina(self):
        return met_peildatum(self.samenwerking.get_absolute_url(), self.peildatum, self.gebied)


def _taakveld_json(taakveld):
    return {"code": taakveld.code, "naam": taakveld.naam}


def als_json(rij, request):
    """The arrangement in the JSON API (`samenwerkingen[]` of docs/openapi.yaml)."""
    samenwerking, stand, bron = rij.samenwerking, rij.stand, rij.bron
    hoofd = samenwerking.taakveld.hoofdtaakveld
    rechtsvorm = rij.rechtsvorm
    api = met_peildatum(
        pad("gemeenten:api_samenwerking", samenwerking.slug),
        rij.peildatum,
        rij.gebied,
    )
    return {
        "slug": samenwerking.slug,
        "naam": rij.naam,
        "afkorting": samenwerking.afkorting,
        "soort": samenwerking.soort,
        "soort_label": Soort(samenwerking.soort).label,
        "soort_basis": samenwerking.soort_basis,
        "rechtsvorm": {"code": rechtsvorm.code, "naam": rechtsvorm.naam} if rechtsvorm else None,
        "hoofdtaakveld": {"code": hoofd.code, "naam": hoofd.naam},
        "taakveld": _taakveld_json(samenwerking.taakveld),
        "overige_taakvelden": [_taakveld_json(t) for t in samenwerking.overige_taakvelden.all()],
        "grootte": rij.grootte or None,
        "grootte_label": rij.grootte_label or None,
        "reikwijdte": rij.reikwijdte or None,
        "reikwijdte_label": rij.reikwijdte_label or None,
        "aantal_deelnemers": stand.aantal_deelnemers if stand else None,
        "aantal_gemeenten": stand.aantal_gemeenten if stand else None,
        "gemeenten": [
            {
                "cbs_code": d.gemeente.cbs_code,
                "naam": d.gemeente.naam,
                "slug": d.gemeente.slug,
                "rol": d.rol,
                "rol_in_bron": d.rol_in_bron or None,
                "toegetreden_op": datum(d.toegetreden_op),
                "uitgetreden_op": datum(d.uitgetreden_op),
            }
            for d in rij.gemeente_deelnames
        ],
        "overige_deelnemers": [
            {
                "slug": d.organisatie.slug,
                "naam": d.organisatie.naam,
                "soort": d.organisatie.soort,
                "land": d.organisatie.land,
                "rol": d.rol,
                "rol_in_bron": d.rol_in_bron or None,
                "toegetreden_op": datum(d.toegetreden_op),
                "uitgetreden_op": datum(d.uitgetreden_op),
            }
            for d in rij.organisatie_deelnames
        ],
        "doel": rij.doel,
        "zetel": rij.zetel,
        "website": samenwerking.website,
        "bron": {"naam": bron.naam, "url": bron.url, "licentie": bron.licentie},
        "herkomst": rij.herkomst,
        "url": request.build_absolute_uri(rij.pagina),
        "api_url": request.build_absolute_uri(api),
    }


CSV_KOLOMMEN = [
    "naam",
    "afkorting",
    "soort",
    "grond van de soort",
    "rechtsvorm",
    "hoofdtaakveld",
    "taakveld",
    "overige taakvelden",
    "grootte",
    "reikwijdte",
    "deelnemende gemeenten",
    "overige deelnemers",
    "aantal deelnemers",
    "rol van de gemeente",
    "toegetreden op",
    "doel",
    "bron",
    "bron-URL",
    "bron-record",
    "bron-document",
    "bron-peildatum",
    "bron-opgehaald",
    "peildatum",
    "pagina",
]


def als_csv(rij, request, eigen=None):
    """One CSV row (columns `CSV_KOLOMMEN`); `eigen` is the participation of the
    municipality the export is about (its role and join date), if any."""
    samenwerking, stand = rij.samenwerking, rij.stand
    return {
        "naam": rij.naam,
        "afkorting": samenwerking.afkorting,
        "soort": Soort(samenwerking.soort).label,
        "grond van de soort": samenwerking.soort_basis,
        "rechtsvorm": rij.rechtsvorm.naam if rij.rechtsvorm else "onbekend",
        "hoofdtaakveld": str(samenwerking.taakveld.hoofdtaakveld),
        "taakveld": str(samenwerking.taakveld),
        "overige taakvelden": " | ".join(str(t) for t in samenwerking.overige_taakvelden.all()),
        "grootte": rij.grootte_label,
        "reikwijdte": rij.reikwijdte_label,
        "deelnemende gemeenten": " | ".join(
            sorted(d.gemeente.naam for d in rij.gemeente_deelnames)
        ),
        "overige deelnemers": " | ".join(
            sorted(d.organisatie.naam for d in rij.organisatie_deelnames)
        ),
        "aantal deelnemers": stand.aantal_deelnemers if stand else len(rij.deelnames),
        "rol van de gemeente": eigen.rol_weergave if eigen else "",
        "toegetreden op": eigen.toegetreden_op.isoformat()
        if eigen and eigen.toegetreden_op
        else "",
        "doel": rij.doel,
        "bron": rij.bron.naam,
        "bron-URL": rij.bron.url,
        "bron-record": rij.herkomst_verwijzing,
        "bron-document": " | ".join(rij.herkomst["documenten"]),
        "bron-peildatum": rij.herkomst["peildatum"] or "",
        "bron-opgehaald": rij.herkomst["opgehaald"] or "",
        "peildatum": rij.peildatum.datum.isoformat(),
        "pagina": request.build_absolute_uri(rij.pagina),
    }


def als_kaart(rij):
    """The arrangement in a map view (its table, legend and popups)."""
    samenwerking = rij.samenwerking
    return {
        "slug": samenwerking.slug,
        "naam": rij.naam,
        "afkorting": samenwerking.afkorting,
        "soort": samenwerking.soort,
        "grootte": rij.grootte,
        "grootte_label": rij.grootte_label,
        "reikwijdte": rij.reikwijdte,
        "reikwijdte_label": rij.reikwijdte_label,
        "taakveld": samenwerking.taakveld.code,
        "hoofdtaakveld": samenwerking.taakveld.hoofdtaakveld.code,
        "gemeenten": [gemeente.cbs_code for gemeente in rij.gemeenten],
        "gemeentenamen": [gemeente.naam for gemeente in rij.gemeenten],
        "url": rij.pagina,
    }
