from django.views.generic import DetailView, TemplateView

from .models import Gemeente, Peildatum, Samenwerking


class HomeView(TemplateView):
    template_name = "gemeenten/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        peildatum = Peildatum.objects.laatste()
        context["peildatum"] = peildatum
        context["aantal_gemeenten"] = peildatum.gemeenten().count() if peildatum else 0
        context["aantal_samenwerkingen"] = (
            Samenwerking.objects.op(peildatum).count() if peildatum else 0
        )
        return context


class GemeenteView(DetailView):
    model = Gemeente
    template_name = "gemeenten/gemeente.html"


class SamenwerkingView(DetailView):
    model = Samenwerking
    template_name = "gemeenten/samenwerking.html"
