"""The public pages. Thin views over named querysets; each answers for one peildatum.

Query budget: every page runs at most eight SQL queries whatever the size of the data
(tests/test_views_budget.py holds them to it).
"""

import re
from collections import Counter, defaultdict
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import kaart
from .filters import MAX_ZOEKTERM, SamenwerkingFilter
from .models import (
    Deelname,
    Gemeente,
    Herindeling,
    Samenwerking,
    Schaal,
    Soort,
    Stand,
    Versie,
    rangschik_partners,
)
from .peildatum import PeildatumMixin

CBS_CODE = re.compile(r"^gm\d{4}$", re.IGNORECASE)


def met_peildatum(url, peildatum, **query):
    """`url` with `?peildatum=…` (and `query`): every link the site makes carries it."""
    params = {"peildatum": peildatum.code} if peildatum else {}
    params.update({k: v for k, v in query.items() if v not in (None, "")})
    return f"{url}?{urlencode(params)}" if params else url


class HomeView(PeildatumMixin, TemplateView):
    template_name = "gemeenten/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        peildatum = self.peildatum
        aantallen = Deelname.objects.zonder_regio_indelingen().aantallen_per_gemeente(peildatum)
        op_peildatum = list(Gemeente.objects.op(peildatum.datum))
        for gemeente in op_peildatum:
            gemeente.aantal = aantallen.get(gemeente.pk, 0)
        ranglijst = sorted(op_peildatum, key=lambda g: (-g.aantal, g.naam))
        gemeenten = len(op_peildatum)
        deelnames = (
            Deelname.objects.zonder_regio_indelingen()
            .filter(stand__peildatum=peildatum, gemeente__isnull=False)
            .count()
        )
        in_stand = Samenwerking.objects.in_stand(peildatum)
        context.update(
            aantal_gemeenten=gemeenten,
            aantal_samenwerkingen=in_stand.zonder_regio_indelingen().count(),
            aantal_regio_indelingen=in_stand.filter(soort=Soort.REGIO_INDELING).count(),
            aantal_deelnames=deelnames,
            gemiddelde=deelnames / gemeenten if gemeenten else 0,
            meeste=ranglijst[:5],
            minste=sorted(ranglijst, key=lambda g: (g.aantal, g.naam))[:5]
            if len(ranglijst) > 10
            else [],
            minikaart=kaart.mini_kaart(peildatum, modus="intensiteit"),
        )
        return context


class GemeentenView(PeildatumMixin, TemplateView):
    """Municipalities of the snapshot per province, then those of other years."""

    template_name = "gemeenten/gemeenten.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(gemeenten_overzicht(self.peildatum))
        return context


def gemeenten_overzicht(peildatum):
    """Municipalities at the peildatum grouped per province (with their number of
    arrangements), and the former and later ones with their predecessors/successors.
    Three queries."""
    datum = peildatum.datum
    aantallen = Deelname.objects.zonder_regio_indelingen().aantallen_per_gemeente(peildatum)
    opvolgers, voorgangers = defaultdict(list), defaultdict(list)
    for stap in Herindeling.objects.select_related("voorganger", "opvolger"):
        opvolgers[stap.voorganger_id].append(stap)
        voorgangers[stap.opvolger_id].append(stap)
    per_provincie = defaultdict(list)
    voormalig, later = [], []
    for gemeente in Gemeente.objects.select_related("provincie"):
        gemeente.aantal = aantallen.get(gemeente.pk, 0)
        gemeente.opvolger_stappen = opvolgers[gemeente.pk]
        gemeente.voorganger_stappen = voorgangers[gemeente.pk]
        if gemeente.bestaat_op(datum):
            per_provincie[gemeente.provincie].append(gemeente)
        elif gemeente.geldig_tot and gemeente.geldig_tot < datum:
            voormalig.append(gemeente)
        else:
            later.append(gemeente)
    provincies = sorted(per_provincie.items(), key=lambda item: item[0].naam)
    return {
        "provincies": provincies,
        "aantal_op_peildatum": sum(len(g) for _, g in provincies),
        "voormalige_gemeenten": sorted(voormalig, key=lambda g: (g.geldig_tot, g.naam)),
        "latere_gemeenten": sorted(later, key=lambda g: (g.geldig_van, g.naam)),
    }


def zoek_gemeente(slug):
    """The municipality with this slug, or None."""
    return Gemeente.objects.select_related("provincie").filter(slug=slug).first()


class GemeenteMixin:
    """Finds the municipality by slug; `/gemeenten/GM1900/` redirects to its slug."""

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        self.object = zoek_gemeente(slug)
        if self.object is None:
            if CBS_CODE.match(slug):
                gemeente = Gemeente.objects.filter(cbs_code__iexact=slug).first()
                if gemeente:
                    return redirect(self.url_voor(gemeente))
            raise Http404("Onbekende gemeente.")
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.object

    def url_voor(self, gemeente):
        return met_peildatum(gemeente.get_absolute_url(), self.peildatum)


def gemeente_profiel(gemeente, peildatum):
    """Everything the profile (and its CSV) shows of one municipality at a peildatum.

    Four queries: its participations, all participants of those arrangements, the secondary
    themes, and the reorganisations it took part in.
    """
    eigen = list(
        Deelname.objects.van_gemeente(gemeente, peildatum)
        .select_related("stand__bron", "stand__samenwerking__bron")
        .prefetch_related("stand__samenwerking__overige_taakvelden")
    )
    alle = Deelname.objects.filter(stand__in=[d.stand_id for d in eigen]).select_related(
        "gemeente", "organisatie"
    )
    per_stand = defaultdict(list)
    for deelname in alle:
        per_stand[deelname.stand_id].append(deelname)

    groepen, regio_indelingen, partners = {}, [], Counter()
    for deelname in eigen:
        samenwerking = deelname.stand.samenwerking
        anderen = samenwerking.deelnames_op_peildatum = per_stand[deelname.stand_id]
        eigen_id = gemeente.pk
        deelname.partners = [d.gemeente for d in anderen if d.gemeente_id not in (None, eigen_id)]
        deelname.overige_deelnemers = [d.organisatie for d in anderen if d.organisatie_id]
        if samenwerking.soort == Soort.REGIO_INDELING:
            regio_indelingen.append(deelname)
            continue
        hoofd = samenwerking.taakveld.hoofdtaakveld
        groepen.setdefault(hoofd, []).append(deelname)
        partners.update(deelname.partners)

    stappen = list(
        Herindeling.objects.filter(Q(voorganger=gemeente) | Q(opvolger=gemeente)).select_related(
            "voorganger", "opvolger"
        )
    )
    aantal = sum(len(d) for d in groepen.values())
    return {
        "deelnames": eigen,
        "groepen": sorted(groepen.items(), key=lambda item: item[0].code),
        "regio_indelingen": regio_indelingen,
        "aantal_samenwerkingen": aantal,
        "partners": rangschik_partners(partners),
        "opgegaan_in": [s for s in stappen if s.voorganger_id == gemeente.pk],
        "voorgangers": [s for s in stappen if s.opvolger_id == gemeente.pk],
        "bestaat_op_peildatum": gemeente.bestaat_op(peildatum.datum),
    }


class GemeenteView(PeildatumMixin, GemeenteMixin, DetailView):
    model = Gemeente
    template_name = "gemeenten/gemeente.html"
    context_object_name = "gemeente"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profiel = gemeente_profiel(self.object, self.peildatum)
        context.update(profiel)
        context["minikaart"] = kaart.mini_kaart(
            self.peildatum, markeer=[p for p, _ in profiel["partners"]], focus=self.object
        )
        context["max_gedeeld"] = profiel["partners"][0][1] if profiel["partners"] else 0
        context["per_peildatum"] = aantallen_per_peildatum(self.object, self.peildata)
        return context


def aantallen_per_peildatum(gemeente, peildata):
    """[(peildatum, number of arrangements)] for one municipality, every snapshot, one query
    (regional divisions not counted): how its collaboration changed."""
    rijen = (
        Deelname.objects.zonder_regio_indelingen()
        .filter(gemeente=gemeente)
        .values("stand__peildatum")
        .annotate(n=Count("stand__samenwerking", distinct=True))
    )
    aantallen = {rij["stand__peildatum"]: rij["n"] for rij in rijen}
    return [(p, aantallen.get(p.pk, 0)) for p in peildata if gemeente.bestaat_op(p.datum)]


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


def verdeling(samenwerkingen):
    """How a selection (annotated by `met_stand`) divides over kind and scale, in one query:
    [(label, count)] per dimension, without the empty ones."""
    tellingen = {f"soort_{v}": Count("pk", filter=Q(soort=v)) for v in Soort.values}
    tellingen |= {f"schaal_{v}": Count("pk", filter=Q(stand_schaal=v)) for v in Schaal.values}
    uitkomst = samenwerkingen.order_by().aggregate(**tellingen)
    return {
        naam: [(label, uitkomst[f"{naam}_{v}"]) for v, label in keuzes if uitkomst[f"{naam}_{v}"]]
        for naam, keuzes in (("soort", Soort.choices), ("schaal", Schaal.choices))
    }


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
            context["verdeling"] = verdeling(self.object_list)
        # The map shows a theme and/or scale selection (its other filters do not apply there).
        if self.filterset.is_valid():
            data = self.filterset.form.cleaned_data
            if data.get("taakveld") or data.get("schaal"):
                context["kaart_selectie"] = {
                    "taakveld": data.get("taakveld"),
                    "schaal": data.get("schaal"),
                    "regio": "1" if data.get("regio") else None,
                }
        # The selection as a query string for the CSV and JSON twins: same filters, no page.
        selectie = self.request.GET.copy()
        selectie.pop("page", None)
        selectie["peildatum"] = self.peildatum.code
        context["selectie"] = selectie.urlencode()
        return context

    def render_to_response(self, context, **kwargs):
        if self.filterset.errors or self.ongeldige_pagina:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


def voorgangers_en_opvolgers(samenwerking):
    """The arrangement's predecessors and successors, in one query."""
    koppelingen = Samenwerking.voorgangers.through.objects.filter(
        Q(from_samenwerking=samenwerking) | Q(to_samenwerking=samenwerking)
    ).select_related("from_samenwerking", "to_samenwerking")
    voorgangers, opvolgers = [], []
    for koppeling in koppelingen:
        if koppeling.from_samenwerking_id == samenwerking.pk:
            voorgangers.append(koppeling.to_samenwerking)
        else:
            opvolgers.append(koppeling.from_samenwerking)
    return sorted(voorgangers, key=str), sorted(opvolgers, key=str)


class SamenwerkingView(PeildatumMixin, DetailView):
    model = Samenwerking
    template_name = "gemeenten/samenwerking.html"
    context_object_name = "samenwerking"

    def get_queryset(self):
        return Samenwerking.objects.select_related(
            "rechtsvorm", "taakveld__hoofdtaakveld", "bron"
        ).prefetch_related("overige_taakvelden")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        samenwerking = self.object
        standen = list(
            Stand.objects.filter(samenwerking=samenwerking).select_related(
                "peildatum", "bron", "versie", "rechtsvorm"
            )
        )
        stand = next((s for s in standen if s.peildatum_id == self.peildatum.pk), None)
        deelnames = (
            list(stand.deelnames.select_related("gemeente__provincie", "organisatie", "bron"))
            if stand
            else []
        )
        voorgangers, opvolgers = voorgangers_en_opvolgers(samenwerking)
        context.update(
            stand=stand,
            standen=standen,
            gemeente_deelnames=[d for d in deelnames if d.gemeente_id],
            overige_deelnames=[d for d in deelnames if d.organisatie_id],
            versies=list(Versie.objects.filter(samenwerking=samenwerking).select_related("bron")),
            voorgangers=voorgangers,
            opvolgers=opvolgers,
            minikaart=kaart.mini_kaart(
                self.peildatum, markeer=[d.gemeente for d in deelnames if d.gemeente_id]
            ),
        )
        return context


class ZoekenView(PeildatumMixin, TemplateView):
    """One search over municipalities (former ones, CBS codes) and arrangements.

    A single exact hit (name, CBS code, abbreviation) goes straight to its page."""

    template_name = "gemeenten/zoeken.html"
    enkelvoudige_parameters = ("q",)

    def get(self, request, *args, **kwargs):
        self.q = (request.GET.get("q") or "").strip()
        if len(self.q) > MAX_ZOEKTERM:
            return self.ongeldig(f"De zoekterm is te lang (meer dan {MAX_ZOEKTERM} tekens).")
        self.gemeenten, self.samenwerkingen = [], []
        if self.q:
            self.gemeenten = list(
                Gemeente.objects.filter(Q(naam__icontains=self.q) | Q(cbs_code__iexact=self.q))
                .select_related("provincie")
                .prefetch_related(
                    Prefetch("naar", queryset=Herindeling.objects.select_related("opvolger"))
                )
            )
            in_stand = Stand.objects.filter(samenwerking=OuterRef("pk"), peildatum=self.peildatum)
            self.samenwerkingen = list(
                Samenwerking.objects.filter(
                    Q(naam__icontains=self.q) | Q(afkorting__icontains=self.q)
                ).annotate(op_peildatum=Exists(in_stand))
            )
            exact = [
                g for g in self.gemeenten if self.q.lower() in (g.naam.lower(), g.cbs_code.lower())
            ] + [
                s
                for s in self.samenwerkingen
                if self.q.lower() in (s.naam.lower(), s.afkorting.lower())
            ]
            if len(exact) == 1:
                return redirect(met_peildatum(exact[0].get_absolute_url(), self.peildatum))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        datum = self.peildatum.datum
        context.update(
            q=self.q,
            gemeenten=self.gemeenten,
            samenwerkingen=self.samenwerkingen,
            gemeenten_op_peildatum=[g for g in self.gemeenten if g.bestaat_op(datum)],
            gemeenten_andere_jaren=[g for g in self.gemeenten if not g.bestaat_op(datum)],
        )
        return context


class OverView(PeildatumMixin, TemplateView):
    template_name = "gemeenten/over.html"
    peildatum_verplicht = False
