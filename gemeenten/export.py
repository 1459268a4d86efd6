"""CSV twins of the lists and profiles: the same query string gives the same selection.

Default: UTF-8 with a byte order mark and `;` as separator, so Dutch Excel opens it right;
`?sep=comma` gives plain RFC 4180 (comma, no BOM). Both end lines with CRLF. A cell that
starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is prefixed with `'`, so a
spreadsheet shows it as text instead of running it as a formula (CSV injection).
"""

import csv

from django.http import HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views import View

from .filters import SamenwerkingFilter
from .models import Schaal, Soort
from .peildatum import PeildatumMixin
from .views import GemeenteMixin, gemeente_profiel, gemeenten_overzicht, met_peildatum

GEVAARLIJK = ("=", "+", "-", "@", "\t", "\r")
SCHEIDINGSTEKENS = {"puntkomma": ";", "comma": ","}
BOM = "\ufeff"

SAMENWERKING_KOLOMMEN = [
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


def neutraliseer(waarde):
    """A cell value safe to open in a spreadsheet (strings only; numbers stay numbers)."""
    if waarde is None:
        return ""
    if isinstance(waarde, str) and waarde.startswith(GEVAARLIJK):
        return "'" + waarde
    return waarde


def csv_response(request, bestandsnaam, kolommen, rijen, sep):
    scheidingsteken = SCHEIDINGSTEKENS[sep]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bestandsnaam}.csv"'
    if scheidingsteken == ";":
        response.write(BOM)
    writer = csv.writer(response, delimiter=scheidingsteken, lineterminator="\r\n")
    writer.writerow(kolommen)
    for rij in rijen:
        writer.writerow([neutraliseer(rij.get(kolom)) for kolom in kolommen])
    return response


def bestandsnaam(wat, peildatum, *delen):
    """E.g. `samenwerkingen-gemeente-groningen-peildatum-2026-05-16`: what, and which date."""
    naam = "-".join(slugify(str(d)) for d in (wat, *delen) if d)
    return f"{naam[:120]}-peildatum-{peildatum.datum.isoformat()}"


def _naam(gemeente_of_organisatie):
    return gemeente_of_organisatie.naam


def samenwerking_rij(request, samenwerking, stand, deelnames, peildatum, eigen=None):
    """One CSV row for an arrangement at a peildatum; `eigen` is the participation of the
    municipality the export is about (its role and join date), if any."""
    schaal = stand.schaal if stand else ""
    bron = stand.bron if stand else samenwerking.bron
    return {
        "naam": samenwerking.naam,
        "afkorting": samenwerking.afkorting,
        "soort": Soort(samenwerking.soort).label,
        "rechtsvorm": samenwerking.rechtsvorm.naam if samenwerking.rechtsvorm else "onbekend",
        "hoofdtaakveld": str(samenwerking.taakveld.hoofdtaakveld),
        "taakveld": str(samenwerking.taakveld),
        "overige taakvelden": " | ".join(str(t) for t in samenwerking.overige_taakvelden.all()),
        "schaal": Schaal(schaal).label if schaal else "",
        "deelnemende gemeenten": " | ".join(
            sorted(d.gemeente.naam for d in deelnames if d.gemeente_id)
        ),
        "overige deelnemers": " | ".join(
            sorted(d.organisatie.naam for d in deelnames if d.organisatie_id)
        ),
        "aantal deelnemers": stand.aantal_deelnemers if stand else len(deelnames),
        "rol van de gemeente": eigen.get_rol_display() if eigen else "",
        "toegetreden op": eigen.toegetreden_op.isoformat()
        if eigen and eigen.toegetreden_op
        else "",
        "doel": samenwerking.doel,
        "bron": bron.naam,
        "bron-URL": bron.url,
        "peildatum": peildatum.datum.isoformat(),
        "pagina": request.build_absolute_uri(
            met_peildatum(samenwerking.get_absolute_url(), peildatum)
        ),
    }


class CsvMixin(PeildatumMixin):
    def dispatch(self, request, *args, **kwargs):
        self.sep = request.GET.get("sep") or "puntkomma"
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.sep not in SCHEIDINGSTEKENS:
            return self.ongeldig(
                "Onbekend scheidingsteken: gebruik sep=comma (RFC 4180) of laat het weg (;)."
            )
        return self.csv(request, *args, **kwargs)


class SamenwerkingenCsvView(CsvMixin, View):
    """/samenwerkingen.csv: exactly the selection of /samenwerkingen/ with the same query."""

    enkelvoudige_parameters = SamenwerkingFilter.parameters + ("sep",)

    def csv(self, request):
        filterset = SamenwerkingFilter.voor_export(request, self.peildatum)
        if not filterset.is_valid():
            return self.ongeldig(foutmelding(filterset))
        gemeente = filterset.gekozen_gemeente
        rijen = []
        for samenwerking in filterset.qs:
            stand = samenwerking.standen_op_peildatum[0]
            deelnames = list(stand.deelnames.all())
            eigen = next((d for d in deelnames if gemeente and d.gemeente_id == gemeente.pk), None)
            rijen.append(
                samenwerking_rij(request, samenwerking, stand, deelnames, self.peildatum, eigen)
            )
        delen = [
            f"{naam}-{waarde}"
            for naam, waarde in filterset.form.cleaned_data.items()
            if waarde and naam not in ("regio", "sorteer")
        ]
        if filterset.form.cleaned_data.get("regio"):
            delen.append("met-regio-indelingen")
        naam = bestandsnaam("samenwerkingen", self.peildatum, *delen)
        return csv_response(request, naam, SAMENWERKING_KOLOMMEN, rijen, self.sep)


def foutmelding(filterset):
    """The filterset's errors as one sentence for the user."""
    delen = []
    for veld, fouten in filterset.errors.items():
        label = filterset.form.fields[veld].label if veld in filterset.form.fields else veld
        delen.append(f"{label}: {' '.join(fouten)}")
    return "Deze selectie kan niet: " + "; ".join(delen)


class GemeenteCsvView(GemeenteMixin, CsvMixin, View):
    """/gemeenten/<slug>.csv: every arrangement the municipality takes part in."""

    enkelvoudige_parameters = ("sep",)

    def url_voor(self, gemeente):
        url = reverse("gemeenten:gemeente_csv", args=[gemeente.slug])
        return met_peildatum(url, self.peildatum, sep=self.request.GET.get("sep"))

    def csv(self, request, slug):
        gemeente = self.object
        profiel = gemeente_profiel(gemeente, self.peildatum)
        rijen = [
            samenwerking_rij(
                request,
                d.stand.samenwerking,
                d.stand,
                d.stand.samenwerking.deelnames_op_peildatum,
                self.peildatum,
                eigen=d,
            )
            for d in profiel["deelnames"]
        ]
        naam = bestandsnaam("samenwerkingen", self.peildatum, gemeente.slug)
        return csv_response(request, naam, SAMENWERKING_KOLOMMEN, rijen, self.sep)


GEMEENTE_KOLOMMEN = [
    "naam",
    "CBS-code",
    "provincie",
    "bestaat op peildatum",
    "aantal samenwerkingen",
    "geldig van",
    "geldig tot",
    "opgegaan in",
    "voorgangers",
    "peildatum",
    "pagina",
]


class GemeentenCsvView(CsvMixin, View):
    """/gemeenten.csv: every municipality with its number of arrangements at the peildatum."""

    enkelvoudige_parameters = ("sep",)

    def csv(self, request):
        overzicht = gemeenten_overzicht(self.peildatum)
        gemeenten = [g for _, groep in overzicht["provincies"] for g in groep]
        gemeenten += overzicht["voormalige_gemeenten"] + overzicht["latere_gemeenten"]
        rijen = [
            {
                "naam": g.naam,
                "CBS-code": g.cbs_code,
                "provincie": g.provincie.naam,
                "bestaat op peildatum": "ja" if g.bestaat_op(self.peildatum.datum) else "nee",
                "aantal samenwerkingen": g.aantal,
                "geldig van": g.geldig_van.isoformat() if g.geldig_van else "",
                "geldig tot": g.geldig_tot.isoformat() if g.geldig_tot else "",
                "opgegaan in": " | ".join(s.opvolger.naam for s in g.opvolger_stappen),
                "voorgangers": " | ".join(s.voorganger.naam for s in g.voorganger_stappen),
                "peildatum": self.peildatum.datum.isoformat(),
                "pagina": request.build_absolute_uri(
                    met_peildatum(g.get_absolute_url(), self.peildatum)
                ),
            }
            for g in gemeenten
        ]
        naam = bestandsnaam("gemeenten", self.peildatum)
        return csv_response(request, naam, GEMEENTE_KOLOMMEN, rijen, self.sep)
