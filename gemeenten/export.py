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

from . import queries
from .filters import SamenwerkingFilter
from .kaart import Kaartbeeld
from .models import Samenwerking
from .netwerk import paren
from .peildatum import PeildatumMixin, met_peildatum
from .serialisers import CSV_KOLOMMEN, Rij, als_csv
from .views import GemeenteMixin

GEVAARLIJK = ("=", "+", "-", "@", "\t", "\r")
SCHEIDINGSTEKENS = {"puntkomma": ";", "comma": ","}
BOM = "\ufeff"


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
        filterset = SamenwerkingFilter.voor_export(request, self.peildatum, self.gebied)
        if not filterset.is_valid():
            return self.ongeldig(foutmelding(filterset))
        gemeente = filterset.gekozen_gemeente
        rijen = []
        for samenwerking in filterset.qs:
            rij = Rij.uit_export(samenwerking, self.peildatum, self.gebied)
            eigen = next(
                (d for d in rij.deelnames if gemeente and d.gemeente_id == gemeente.pk), None
            )
            rijen.append(als_csv(rij, request, eigen))
        naam = bestandsnaam("samenwerkingen", self.peildatum, *selectiedelen(filterset))
        return csv_response(request, naam, CSV_KOLOMMEN, rijen, self.sep)


def selectiedelen(filterset):
    """The valid selection as parts of a file name, e.g. `gebied-limburg` (not for the
    default area), `taakveld-6`, `met-regio-indelingen`."""
    data = filterset.form.cleaned_data
    delen = selectiedelen_gebied(filterset.gebied)
    delen += [
        f"{naam}-{waarde}"
        for naam, waarde in data.items()
        if waarde and naam not in ("regio", "sorteer")
    ]
    if data.get("regio"):
        delen.append("met-regio-indelingen")
    return delen


def selectiedelen_gebied(gebied):
    return [] if gebied.standaard else [f"gebied-{gebied.code}"]


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
        return met_peildatum(url, self.peildatum, self.gebied, sep=self.request.GET.get("sep"))

    def csv(self, request, slug):
        gemeente = self.object
        profiel = queries.gemeente_profiel(gemeente, self.peildatum)
        rijen = [
            als_csv(
                Rij(
                    d.stand.samenwerking,
                    d.stand,
                    d.stand.samenwerking.deelnames_op_peildatum,
                    self.peildatum,
                    self.gebied,
                ),
                request,
                eigen=d,
            )
            for d in profiel["deelnames"]
        ]
        naam = bestandsnaam("samenwerkingen", self.peildatum, gemeente.slug)
        return csv_response(request, naam, CSV_KOLOMMEN, rijen, self.sep)


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
    "bron-record",
    "bron-opgehaald",
    "peildatum",
    "pagina",
]


class GemeentenCsvView(CsvMixin, View):
    """/gemeenten.csv: every municipality of the area with its number of arrangements at the
    peildatum."""

    enkelvoudige_parameters = ("sep",)

    def csv(self, request):
        overzicht = queries.gemeenten_overzicht(self.peildatum, self.gebied)
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
                # The municipality's own record in the Register van Overheidsorganisaties.
                "bron-record": g.roo_url,
                "bron-opgehaald": g.roo_opgehaald.isoformat() if g.roo_opgehaald else "",
                "peildatum": self.peildatum.datum.isoformat(),
                "pagina": request.build_absolute_uri(
                    met_peildatum(g.get_absolute_url(), self.peildatum, self.gebied)
                ),
            }
            for g in gemeenten
        ]
        naam = bestandsnaam("gemeenten", self.peildatum, *selectiedelen_gebied(self.gebied))
        return csv_response(request, naam, GEMEENTE_KOLOMMEN, rijen, self.sep)


PAREN_KOLOMMEN = [
    "gemeente A",
    "CBS-code A",
    "gemeente B",
    "CBS-code B",
    "gedeelde samenwerkingen",
    "samenwerkingen",
    "peildatum",
]


class KaartParenCsvView(CsvMixin, View):
    """/kaart/paren.csv: the pairs of the map's network view (`weergave=netwerk`) for the
    same selection, every pair (the page's table shows the strongest)."""

    enkelvoudige_parameters = SamenwerkingFilter.parameters + ("sep",)

    def csv(self, request):
        filterset = SamenwerkingFilter(
            request.GET,
            queryset=Samenwerking.objects.met_stand(self.peildatum),
            peildatum=self.peildatum,
            gebied=self.gebied,
        )
        if not filterset.is_valid():
            return self.ongeldig(foutmelding(filterset))
        beeld = Kaartbeeld(self.peildatum, filterset, {})
        rijen = [
            {
                "gemeente A": rij["a"].naam,
                "CBS-code A": rij["a"].cbs_code,
                "gemeente B": rij["b"].naam,
                "CBS-code B": rij["b"].cbs_code,
                "gedeelde samenwerkingen": rij["aantal"],
                "samenwerkingen": " | ".join(s["naam"] for s in rij["samenwerkingen"]),
                "peildatum": self.peildatum.datum.isoformat(),
            }
            for rij in paren(beeld.selectie(), beeld.gemeenten)
        ]
        naam = bestandsnaam("samenwerkingsparen", self.peildatum, *selectiedelen(filterset))
        return csv_response(request, naam, PAREN_KOLOMMEN, rijen, self.sep)
