"""One arrangement at one peildatum, written out for the JSON API, the CSV and the map.

`Rij` gathers what every format reads (the arrangement, its snapshot, its participants);
`als_json`, `als_csv` and `als_kaart` only choose names and formats. The JSON and CSV
formats are a public contract (docs/api.md, docs/openapi.yaml): change them there first.
"""

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse

from .models import Schaal, Soort
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

    @classmethod
    def uit_export(cls, samenwerking, peildatum):
        """A row of `Samenwerking.objects.voor_export(peildatum)`."""
        stand = samenwerking.standen_op_peildatum[0]
        return cls(samenwerking, stand, list(stand.deelnames.all()), peildatum)

    @classmethod
    def uit_kaart(cls, samenwerking, peildatum):
        """A row of `Samenwerking.objects.voor_kaart(peildatum)`."""
        (stand,) = samenwerking.kaart_standen
        return cls(samenwerking, stand, list(stand.deelnames.all()), peildatum)

    @property
    def schaal(self):
        return (self.stand.schaal or "") if self.stand else ""

    @property
    def schaal_label(self):
        return Schaal(self.schaal).label if self.schaal else ""

    @property
    def bron(self):
        return self.stand.bron if self.stand else self.samenwerking.bron

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
        return met_peildatum(self.samenwerking.get_absolute_url(), self.peildatum)


def _taakveld_json(taakveld):
    return {"code": taakveld.code, "naam": taakveld.naam}


def als_json(rij, request):
    """The arrangement in the JSON API (`samenwerkingen[]` of docs/openapi.yaml)."""
    samenwerking, stand, bron = rij.samenwerking, rij.stand, rij.bron
    hoofd = samenwerking.taakveld.hoofdtaakveld
    rechtsvorm = samenwerking.rechtsvorm
    api = met_peildatum(
        reverse("gemeenten:api_samenwerking", args=[samenwerking.slug]), rij.peildatum
    )
    return {
        "slug": samenwerking.slug,
        "naam": samenwerking.naam,
        "afkorting": samenwerking.afkorting,
        "soort": samenwerking.soort,
        "soort_label": Soort(samenwerking.soort).label,
        "rechtsvorm": {"code": rechtsvorm.code, "naam": rechtsvorm.naam} if rechtsvorm else None,
        "hoofdtaakveld": {"code": hoofd.code, "naam": hoofd.naam},
        "taakveld": _taakveld_json(samenwerking.taakveld),
        "overige_taakvelden": [_taakveld_json(t) for t in samenwerking.overige_taakvelden.all()],
        "schaal": rij.schaal or None,
        "schaal_label": rij.schaal_label or None,
        "aantal_deelnemers": stand.aantal_deelnemers if stand else None,
        "gemeenten": [
            {
                "cbs_code": d.gemeente.cbs_code,
                "naam": d.gemeente.naam,
                "slug": d.gemeente.slug,
                "rol": d.rol,
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
                "toegetreden_op": datum(d.toegetreden_op),
                "uitgetreden_op": datum(d.uitgetreden_op),
            }
            for d in rij.organisatie_deelnames
        ],
        "doel": samenwerking.doel,
        "zetel": samenwerking.zetel,
        "website": samenwerking.website,
        "bron": {"naam": bron.naam, "url": bron.url, "licentie": bron.licentie},
        "url": request.build_absolute_uri(rij.pagina),
        "api_url": request.build_absolute_uri(api),
    }


CSV_KOLOMMEN = [
    "naam",
    "afkorting",
    "soort",
    "rechtsvorm",
    "hoofdtaakveld",
    "taakveld",
    "overige taakvelden",
    "schaal",
    "deelnemende gemeenten",
    "overige deelnemers",
    "aantal deelnemers",
    "rol van de gemeente",
    "toegetreden op",
    "doel",
    "bron",
    "bron-URL",
    "peildatum",
    "pagina",
]


def als_csv(rij, request, eigen=None):
    """One CSV row (columns `CSV_KOLOMMEN`); `eigen` is the participation of the
    municipality the export is about (its role and join date), if any."""
    samenwerking, stand = rij.samenwerking, rij.stand
    return {
        "naam": samenwerking.naam,
        "afkorting": samenwerking.afkorting,
        "soort": Soort(samenwerking.soort).label,
        "rechtsvorm": samenwerking.rechtsvorm.naam if samenwerking.rechtsvorm else "onbekend",
        "hoofdtaakveld": str(samenwerking.taakveld.hoofdtaakveld),
        "taakveld": str(samenwerking.taakveld),
        "overige taakvelden": " | ".join(str(t) for t in samenwerking.overige_taakvelden.all()),
        "schaal": rij.schaal_label,
        "deelnemende gemeenten": " | ".join(
            sorted(d.gemeente.naam for d in rij.gemeente_deelnames)
        ),
        "overige deelnemers": " | ".join(
            sorted(d.organisatie.naam for d in rij.organisatie_deelnames)
        ),
        "aantal deelnemers": stand.aantal_deelnemers if stand else len(rij.deelnames),
        "rol van de gemeente": eigen.get_rol_display() if eigen else "",
        "toegetreden op": eigen.toegetreden_op.isoformat()
        if eigen and eigen.toegetreden_op
        else "",
        "doel": samenwerking.doel,
        "bron": rij.bron.naam,
        "bron-URL": rij.bron.url,
        "peildatum": rij.peildatum.datum.isoformat(),
        "pagina": request.build_absolute_uri(rij.pagina),
    }


def als_kaart(rij):
    """The arrangement in a map view (its table, legend and popups)."""
    samenwerking = rij.samenwerking
    return {
        "slug": samenwerking.slug,
        "naam": samenwerking.naam,
        "afkorting": samenwerking.afkorting,
        "soort": samenwerking.soort,
        "schaal": rij.schaal,
        "schaal_label": rij.schaal_label,
        "taakveld": samenwerking.taakveld.code,
        "hoofdtaakveld": samenwerking.taakveld.hoofdtaakveld.code,
        "gemeenten": [gemeente.cbs_code for gemeente in rij.gemeenten],
        "gemeentenamen": [gemeente.naam for gemeente in rij.gemeenten],
        "url": rij.pagina,
    }
