"""The peildatum (snapshot) a request asks about: `?peildatum=2016|2026`, default the latest."""

from django.shortcuts import render

from .models import Peildatum


class OngeldigePeildatum(ValueError):
    pass


def kies_peildatum(request):
    """Return the Peildatum the request asks for (the latest when it asks for none).

    Returns None when the database holds no snapshot yet; raises OngeldigePeildatum with a
    message for the user when the parameter names no snapshot.
    """
    codes = request.GET.getlist("peildatum")
    if not codes or codes == [""]:
        return Peildatum.objects.laatste()
    if len(codes) > 1:
        raise OngeldigePeildatum("Geef één peildatum op, niet meerdere.")
    peildatum = Peildatum.objects.filter(code=codes[0].strip()).first()
    if peildatum is None:
        bekend = ", ".join(Peildatum.objects.values_list("code", flat=True))
        raise OngeldigePeildatum(
            f"Onbekende peildatum. Kies een van de beschikbare peildata: {bekend or 'geen'}."
        )
    return peildatum


class PeildatumMixin:
    """Sets `self.peildatum` for the view; an invalid parameter gives a 400 page that says why."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.peildatum = kies_peildatum(request)
        except OngeldigePeildatum as error:
            return render(request, "gemeenten/ongeldig.html", {"melding": str(error)}, status=400)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["peildatum"] = self.peildatum
        context["peildata"] = Peildatum.objects.all()
        return context
