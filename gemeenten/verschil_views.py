"""The change pages ("Wat is er veranderd") and their CSV twins: thin views over
gemeenten.verschil. `?van=2016&tot=2026` picks the two snapshots (default: oldest and
newest); a bad pair gives the page with the form's error and status 400 (CSV: the 400 page).
"""

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView, TemplateView

from . import queries
from .export import CsvMixin, csv_response
from .gebied import als_parameter
from .models import Gemeente, Samenwerking
from .peildatum import PeildatumMixin
from .verschil import Bewijs, Soort, Vergelijking, Vergelijkingsvraag, herkomst
from .views import GemeenteMixin


class VergelijkingMixin(PeildatumMixin):
    """Reads and checks `van` and `tot` with `Vergelijkingsvraag`."""

    enkelvoudige_parameters = ("van", "tot")

    def vraag(self):
        if not hasattr(self, "_vraag"):
            self._vraag = Vergelijkingsvraag(self.request.GET, self.peildata)
        return self._vraag

    def vraag_query(self, **extra):
        """The comparison's query string (van, tot, peildatum, gebied unless the default) for
        links and the CSV."""
        vraag = self.vraag()
        params = {
            "van": vraag.cleaned_data["van_peildatum"].code,
            "tot": vraag.cleaned_data["tot_peildatum"].code,
            "peildatum": self.peildatum.code,
            **als_parameter(self.gebied),
            **{k: v for k, v in extra.items() if v},
        }
        return urlencode(params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vraag = self.vraag()
        context["vraag"] = vraag
        if vraag.is_valid():
            context["van"] = vraag.cleaned_data["van_peildatum"]
            context["tot"] = vraag.cleaned_data["tot_peildatum"]
            context["vraag_query"] = self.vraag_query()
        return context

    def render_to_response(self, context, **kwargs):
        if not self.vraag().is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


def tel_bewijs(verschillen):
    bevestigd = sum(1 for v in verschillen if v.bewijs == Bewijs.REGISTER)
    return {"bevestigd": bevestigd, "bronnen": len(verschillen) - bevestigd}


class VeranderingenView(VergelijkingMixin, TemplateView):
    """/veranderingen/: the whole area (default the north)."""

    template_name = "gemeenten/verschil.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "van" not in context:
            return context
        vergelijking = Vergelijking(context["van"], context["tot"], gebied=self.gebied)
        arrangementen = vergelijking.samenwerkingen_met_verschillen()
        gemeenten = list(self.gebied.gemeenten(Gemeente.objects.op(context["tot"].datum)))
        context.update(
            bronnen_van=vergelijking.bronnen[context["van"].pk],
            bronnen_tot=vergelijking.bronnen[context["tot"].pk],
            arrangementen=arrangementen,
            per_gemeente=vergelijking.per_gemeente(gemeenten),
            herindelingen=vergelijking.herindelingen,
            telling=tel_bewijs(vergelijking.alle_verschillen()),
            nieuw=[a for a in arrangementen if a.tel(Soort.NIEUW, Soort.OPGEVOLGD)],
            verdwenen=[a for a in arrangementen if a.tel(Soort.VERDWENEN)],
        )
        return context


class GemeenteVeranderingenView(VergelijkingMixin, GemeenteMixin, DetailView):
    """/gemeenten/<slug>/veranderingen/: one municipality."""

    model = Gemeente
    template_name = "gemeenten/verschil_gemeente.html"
    context_object_name = "gemeente"

    def url_voor(self, gemeente):
        url = reverse("gemeenten:gemeente_veranderingen", args=[gemeente.slug])
        return f"{url}?{self.request.GET.urlencode()}" if self.request.GET else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "van" not in context:
            return context
        gemeente = self.object
        vergelijking = Vergelijking(context["van"], context["tot"], gemeente=gemeente)
        context["erfgenamen"] = [g for g, _ in vergelijking.erfgenamen(gemeente)]
        context["bronnen_van"] = vergelijking.bronnen[context["van"].pk]
        context["bronnen_tot"] = vergelijking.bronnen[context["tot"].pk]
        if gemeente.bestaat_op(context["tot"].datum):
            resultaat = vergelijking.voor_gemeente(gemeente)
            context.update(
                resultaat=resultaat,
                opgevolgd=resultaat.overgegaan + resultaat.hernoemd,
                voorgangers=resultaat.voorgangers,
                telling=tel_bewijs(resultaat.verschillen),
                bestond_op_van=gemeente.bestaat_op(context["van"].datum),
            )
        return context


class SamenwerkingVeranderingenView(VergelijkingMixin, DetailView):
    """/samenwerkingen/<slug>/veranderingen/: one arrangement's participants and versions."""

    model = Samenwerking
    template_name = "gemeenten/verschil_samenwerking.html"
    context_object_name = "samenwerking"

    def get_queryset(self):
        return Samenwerking.objects.select_related("taakveld__hoofdtaakveld")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "van" not in context:
            return context
        vergelijking = Vergelijking(context["van"], context["tot"], samenwerking=self.object)
        arrangement = vergelijking.arrangement(self.object)
        context["arrangement"] = arrangement
        context["bronnen_van"] = vergelijking.bronnen[context["van"].pk]
        context["bronnen_tot"] = vergelijking.bronnen[context["tot"].pk]
        if arrangement:
            verschillen = arrangement.verschillen
            context.update(
                erbij_alle=[
                    v for v in verschillen if v.soort in (Soort.OVERGEGAAN, Soort.TOEGETREDEN)
                ],
                weg=[v for v in verschillen if v.soort == Soort.UITGETREDEN],
                zelf=[
                    v
                    for v in verschillen
                    if v.soort in (Soort.NIEUW, Soort.VERDWENEN, Soort.OPGEVOLGD, Soort.HERNOEMD)
                ],
                versies=[v for v in verschillen if v.soort == Soort.NIEUWE_VERSIE],
                telling=tel_bewijs(verschillen),
            )
        return context


# -- CSV twins -----------------------------------------------------------------------------

VERSCHIL_KOLOMMEN = [
    "van",
    "tot",
    "gemeente",
    "CBS-code",
    "samenwerking",
    "verandering",
    "deelnemer of partner",
    "in de bron als",
    "bewijs",
    "toelichting",
    "bron van",
    "bron-record van",
    "bron tot",
    "bron-record tot",
    "overige bronnen",
    "pagina",
]


def csv_rij(verschil, van, tot, request, gemeenten=None, gebied=None):
    gemeenten = gemeenten if gemeenten is not None else verschil.gemeenten
    samenwerking = verschil.samenwerking
    if samenwerking is not None:
        pagina = reverse("gemeenten:samenwerking_veranderingen", args=[samenwerking.slug])
    else:
        pagina = reverse("gemeenten:gemeente_veranderingen", args=[gemeenten[0].slug])
    query = urlencode({"van": van.code, "tot": tot.code, **als_parameter(gebied)})
    stand_van, stand_tot = verschil.stand_van, verschil.stand_tot
    eigen = {stand_van, stand_tot} - {None}
    overige = [
        f"{label}: {link}"
        for label, link in verschil.bronnen
        if not any(label.startswith(s.bron.naam) for s in eigen)
    ]
    namen = [verschil.deelnemer.naam] if verschil.via else []
    return {
        "van": van.datum.isoformat(),
        "tot": tot.datum.isoformat(),
        "gemeente": " | ".join(g.naam for g in gemeenten),
        "CBS-code": " | ".join(g.cbs_code for g in gemeenten),
        "samenwerking": samenwerking.naam if samenwerking else "",
        "verandering": verschil.soort_label,
        "deelnemer of partner": verschil.deelnemer.naam if verschil.deelnemer else "",
        "in de bron als": " | ".join(namen + list(verschil.ook_als)),
        "bewijs": verschil.bewijs_label,
        "toelichting": verschil.toelichting,
        "bron van": stand_van.bron.naam if stand_van else "",
        "bron-record van": herkomst(stand_van),
        "bron tot": stand_tot.bron.naam if stand_tot else "",
        "bron-record tot": herkomst(stand_tot),
        "overige bronnen": " | ".join(overige),
        "pagina": request.build_absolute_uri(f"{pagina}?{query}"),
    }


def csv_naam(*delen, van, tot):
    naam = "-".join(slugify(str(d)) for d in delen if d)
    return f"{naam[:120]}-{van.datum.isoformat()}-tot-{tot.datum.isoformat()}"


class VergelijkingCsvMixin(CsvMixin):
    enkelvoudige_parameters = ("van", "tot", "sep")

    def get(self, request, *args, **kwargs):
        self.vraag = Vergelijkingsvraag(request.GET, self.peildata)
        if not self.vraag.is_valid():
            return self.ongeldig(self.vraag.foutmelding())
        self.van = self.vraag.cleaned_data["van_peildatum"]
        self.tot = self.vraag.cleaned_data["tot_peildatum"]
        return super().get(request, *args, **kwargs)


class VeranderingenCsvView(VergelijkingCsvMixin, View):
    """/veranderingen.csv: every difference of the area's collaborations."""

    def csv(self, request):
        vergelijking = Vergelijking(self.van, self.tot, gebied=self.gebied)
        rijen = [
            csv_rij(v, self.van, self.tot, request, gebied=self.gebied)
            for v in vergelijking.alle_verschillen()
        ]
        gebied = None if self.gebied.standaard else f"gebied-{self.gebied.code}"
        naam = csv_naam("veranderingen", gebied, van=self.van, tot=self.tot)
        return csv_response(request, naam, VERSCHIL_KOLOMMEN, rijen, self.sep)


class GemeenteVeranderingenCsvView(VergelijkingCsvMixin, View):
    """/gemeenten/<slug>/veranderingen.csv: one municipality's differences."""

    def get(self, request, *args, **kwargs):
        self.object = queries.zoek_gemeente(kwargs["slug"])
        if self.object is None:
            raise Http404("Onbekende gemeente.")
        return super().get(request, *args, **kwargs)

    def csv(self, request, slug):
        gemeente = self.object
        rijen = []
        if gemeente.bestaat_op(self.tot.datum):
            vergelijking = Vergelijking(self.van, self.tot, gemeente=gemeente)
            rijen = [
                csv_rij(v, self.van, self.tot, request, gemeenten=[gemeente], gebied=self.gebied)
                for v in vergelijking.voor_gemeente(gemeente).verschillen
            ]
        naam = csv_naam("veranderingen", gemeente.slug, van=self.van, tot=self.tot)
        return csv_response(request, naam, VERSCHIL_KOLOMMEN, rijen, self.sep)
