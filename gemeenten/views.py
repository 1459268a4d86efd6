"""The public pages. Thin views over named querysets; each answers for one peildatum.

Query budget: every page runs at most eight SQL queries whatever the size of the data
(tests/test_views_budget.py holds them to it).
"""

import re

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import congruentie, kaart, queries
from .filters import MAX_ZOEKTERM, SamenwerkingFilter
from .gebied import OP_CODE, gebied_van
from .models import Gemeente, Samenwerking
from .peildatum import PeildatumMixin, met_peildatum

CBS_CODE = re.compile(r"^gm\d{4}$", re.IGNORECASE)


class HomeView(PeildatumMixin, TemplateView):
    template_name = "gemeenten/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cijfers = queries.home_cijfers(self.peildatum, self.gebied)
        context.update(cijfers)
        context["minikaart"] = kaart.mini_kaart(
            self.peildatum, modus="intensiteit", aantallen=cijfers["aantallen"], gebied=self.gebied
        )
        return context


class GemeentenView(PeildatumMixin, TemplateView):
    """Municipalities of the area at the snapshot per province, then those of other years."""

    template_name = "gemeenten/gemeenten.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(queries.gemeenten_overzicht(self.peildatum, self.gebied))
        return context


class GemeenteMixin:
    """Finds the municipality by slug; `/gemeenten/GM1900/` redirects to its slug."""

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        self.object = queries.zoek_gemeente(slug)
        if self.object is None:
            if CBS_CODE.match(slug):
                gemeente = queries.gemeente_op_cbs_code(slug)
                if gemeente:
                    return redirect(self.url_voor(gemeente))
            raise Http404("Onbekende gemeente.")
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.object

    def url_voor(self, gemeente):
        return met_peildatum(gemeente.get_absolute_url(), self.peildatum, self.gebied)


class GemeenteView(PeildatumMixin, GemeenteMixin, DetailView):
    model = Gemeente
    template_name = "gemeenten/gemeente.html"
    context_object_name = "gemeente"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profiel = queries.gemeente_profiel(self.object, self.peildatum)
        context.update(profiel)
        context["max_gedeeld"] = profiel["partners"][0][1] if profiel["partners"] else 0
        context["per_peildatum"] = queries.aantallen_per_peildatum(self.object, self.peildata)
        # The map of its partners needs an area it is in (the profile exists in every area).
        context["kaart_gebied"] = (
            self.gebied if self.gebied.bevat(self.object) else gebied_van(self.object)
        )
        if profiel["bestaat_op_peildatum"]:
            context["congruentie"] = congruentie.profiel(
                self.object, self.peildatum, context["kaart_gebied"]
            )
        context["minikaart"] = kaart.mini_kaart(
            self.peildatum,
            markeer=[p for p, _ in profiel["partners"]],
            focus=self.object,
            gebied=context["kaart_gebied"],
        )
        return context


class PaginaMixin:
    """A page number that is not a number or beyond the last page gives a 400 with a
    message instead of Django's bare 404."""

    paginate_by = 50

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        nummer = self.request.GET.get("page") or 1
        try:
            page = paginator.page(nummer)
        except InvalidPage:
            aantal = paginator.num_pages
            self.ongeldige_pagina = (
                f"Pagina ‘{str(nummer)[:20]}’ bestaat niet; kies een pagina van 1 tot en met "
                f"{aantal}."
            )
            return paginator, None, [], False
        return paginator, page, page.object_list, page.has_other_pages()


class SamenwerkingenView(PeildatumMixin, PaginaMixin, FilterView):
    """All arrangements at the peildatum, filtered; the CSV and JSON twins reuse the filterset."""

    filterset_class = SamenwerkingFilter
    template_name = "gemeenten/samenwerkingen.html"
    context_object_name = "samenwerkingen"
    enkelvoudige_parameters = SamenwerkingFilter.parameters + ("page",)
    ongeldige_pagina = None

    def get_queryset(self):
        return Samenwerking.objects.met_stand(self.peildatum).voor_lijst()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET
        kwargs["peildatum"] = self.peildatum
        kwargs["gebied"] = self.gebied
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        gemeente = self.filterset.gekozen_gemeente
        if gemeente and not gemeente.bestaat_op(self.peildatum.datum):
            context["gemeente_melding"] = (
                f"{gemeente.naam} bestond niet op {self.peildatum.naam}: "
                "kies een andere peildatum of de gemeente van dat moment."
            )
        context["ongeldige_pagina"] = self.ongeldige_pagina
        if not self.filterset.errors and not self.ongeldige_pagina:
            context["verdeling"] = queries.verdeling(self.object_list)
            q = self.filterset.form.cleaned_data.get("q")
            if q and not context["paginator"].count:
                context["bedoeld"] = queries.bedoelde_namen(q)  # a typo? ("Tynarlo")
        # The same selection on the map: every filter of the list applies there too.
        if self.filterset.is_valid():
            context["kaart_link"] = self.filterset.url(reverse("gemeenten:kaart"))
        # The selection as a query string for the CSV and JSON twins: same filters, no page.
        selectie = self.request.GET.copy()
        selectie.pop("page", None)
        selectie["peildatum"] = self.peildatum.code
        selectie.pop("gebied", None)
        if not self.gebied.standaard:
            selectie["gebied"] = self.gebied.code
        context["selectie"] = selectie.urlencode()
        return context

    def render_to_response(self, context, **kwargs):
        if self.filterset.errors or self.ongeldige_pagina:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class SamenwerkingView(PeildatumMixin, DetailView):
    model = Samenwerking
    template_name = "gemeenten/samenwerking.html"
    context_object_name = "samenwerking"

    def get_queryset(self):
        return queries.samenwerking_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        samenwerking = self.object
        standen = queries.standen_van(samenwerking)
        stand = next((s for s in standen if s.peildatum_id == self.peildatum.pk), None)
        deelnames = (
            list(stand.deelnames.select_related("gemeente__provincie", "organisatie", "bron"))
            if stand
            else []
        )
        voorgangers, opvolgers = queries.voorgangers_en_opvolgers(samenwerking)
        context.update(
            stand=stand,
            standen=standen,
            gemeente_deelnames=[d for d in deelnames if d.gemeente_id],
            overige_deelnames=[d for d in deelnames if d.organisatie_id],
            versies=queries.versies_van(samenwerking),
            voorgangers=voorgangers,
            opvolgers=opvolgers,
            # The map can highlight it in an area where it has a participating municipality.
            kaart_gebied=self.gebied
            if any(self.gebied.bevat(d.gemeente) for d in deelnames if d.gemeente_id)
            else OP_CODE["nederland"],
        )
        context["minikaart"] = kaart.mini_kaart(
            self.peildatum,
            markeer=[d.gemeente for d in deelnames if d.gemeente_id],
            gebied=context["kaart_gebied"],
        )
        return context


class ZoekenView(PeildatumMixin, TemplateView):
    """One search over municipalities (former ones, CBS codes), arrangements and the other
    participants, forgiving case, accents, punctuation and small typos (queries.zoek).

    A single exact hit (a municipality's or an arrangement's name, CBS code, abbreviation)
    goes straight to its page."""

    template_name = "gemeenten/zoeken.html"
    enkelvoudige_parameters = ("q",)

    def get(self, request, *args, **kwargs):
        self.q = (request.GET.get("q") or "").strip()
        if len(self.q) > MAX_ZOEKTERM:
            return self.ongeldig(f"De zoekterm is te lang (meer dan {MAX_ZOEKTERM} tekens).")
        self.resultaat = queries.zoek(self.q, self.peildatum, self.gebied)
        exact = self.resultaat.enige_exacte
        if exact is not None:
            return redirect(met_peildatum(exact.get_absolute_url(), self.peildatum, self.gebied))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        datum = self.peildatum.datum
        gemeenten = self.resultaat.gemeenten
        context.update(
            q=self.q,
            resultaat=self.resultaat,
            gemeenten=gemeenten,
            samenwerkingen=self.resultaat.samenwerkingen,
            organisaties=self.resultaat.organisaties,
            gemeenten_op_peildatum=[g for g in gemeenten if g.bestaat_op(datum)],
            gemeenten_andere_jaren=[g for g in gemeenten if not g.bestaat_op(datum)],
        )
        return context


class OverView(PeildatumMixin, TemplateView):
    template_name = "gemeenten/over.html"
    peildatum_verplicht = False


class ApiView(PeildatumMixin, TemplateView):
    """The open-data documentation (docs/api.md, in Dutch, with working example links)."""

    template_name = "gemeenten/api.html"
    peildatum_verplicht = False


class OpenApiView(PeildatumMixin, View):
    """docs/openapi.yaml, the machine-readable description of the API, as a download. The
    file is the same for every snapshot; the peildatum is checked like on every route."""

    peildatum_verplicht = False
    bestand = settings.BASE_DIR / "docs" / "openapi.yaml"

    def get(self, request):
        return HttpResponse(
            self.bestand.read_bytes(), content_type="application/yaml; charset=utf-8"
        )
