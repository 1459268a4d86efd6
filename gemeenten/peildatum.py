"""The peildatum (snapshot) a request asks about: `?peildatum=2016|2026`, default the latest.

Every page shows the peildatum it answers for and every link it makes carries it (see the
`pd_url` template tag), so a pasted link means the same thing next year. The area
(`?gebied=`, gemeenten/gebied.py) is checked and carried the same way, by the same mixin.
"""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render

from .gebied import GEBIEDEN, NOORD, OngeldigGebied, als_parameter, kies_gebied
from .models import Peildatum


def met_peildatum(url, peildatum, gebied=None, **query):
    """`url` with `?peildatum=…` and `gebied=…` (left out when it is the default) and
    `query`: every link the site makes carries them."""
    params = {"peildatum": peildatum.code} if peildatum else {}
    params.update(als_parameter(gebied))
    params.update({k: v for k, v in query.items() if v not in (None, "")})
    return f"{url}?{urlencode(params)}" if params else url


class OngeldigePeildatum(ValueError):
    pass


class OngeldigeVraag(ValueError):
    """A query parameter the page cannot answer; the message is for the user."""


def kies_peildatum(request, peildata=None):
    """Return the Peildatum the request asks for (the latest when it asks for none).

    Returns None when the database holds no snapshot yet; raises OngeldigePeildatum with a
    message for the user when the parameter names no snapshot. `peildata` (all snapshots,
    oldest first) saves a query when the caller already has them.
    """
    if peildata is None:
        peildata = list(Peildatum.objects.all())
    codes = request.GET.getlist("peildatum")
    if not codes or codes == [""]:
        return max(peildata, key=lambda p: p.datum) if peildata else None
    if len(codes) > 1:
        raise OngeldigePeildatum("Geef één peildatum op, niet meerdere.")
    code = codes[0].strip()
    for peildatum in peildata:
        if peildatum.code == code:
            return peildatum
    bekend = ", ".join(p.code for p in peildata)
    raise OngeldigePeildatum(
        f"Onbekende peildatum. Kies een van de beschikbare peildata: {bekend or 'geen'}."
    )


def controleer_tekens(request):
    """Refuse control characters in the query string (PostgreSQL refuses NUL in text)."""
    for naam, waarden in request.GET.lists():
        for waarde in waarden:
            if any(ord(teken) < 32 and teken not in "\t\r\n" for teken in waarde):
                raise OngeldigeVraag(
                    f"De vraag bevat ongeldige tekens (in ‘{naam[:30]}’)."
                    if naam.isidentifier()
                    else "De vraag bevat ongeldige tekens."
                )


def enkelvoudig(request, namen):
    """Refuse a repeated query parameter (`?gemeente=a&gemeente=b`): which one would count?"""
    for naam in namen:
        if len(request.GET.getlist(naam)) > 1:
            raise OngeldigeVraag(
                f"De parameter ‘{naam}’ komt meer dan eens voor; geef hem één keer op."
            )


class PeildatumMixin:
    """Sets `self.peildatum` (and `self.peildata`, all snapshots) and `self.gebied` (the
    area, gemeenten/gebied.py) for the view.

    An invalid parameter gives a 400 page that says why; a database without any snapshot
    gives a page that says so (503) when `peildatum_verplicht`.
    """

    peildatum_verplicht = True
    # Query parameters that may occur once only (besides peildatum).
    enkelvoudige_parameters = ()

    def dispatch(self, request, *args, **kwargs):
        try:
            controleer_tekens(request)
            self.peildata = list(Peildatum.objects.all())
            self.peildatum = kies_peildatum(request, self.peildata)
            self.gebied = kies_gebied(request)
            enkelvoudig(request, self.enkelvoudige_parameters)
        except (OngeldigePeildatum, OngeldigGebied, OngeldigeVraag) as error:
            return self.ongeldig(str(error))
        if self.peildatum is None and self.peildatum_verplicht:
            return self.geen_gegevens()
        return super().dispatch(request, *args, **kwargs)

    def ongeldig(self, melding, status=400):
        return render(
            self.request,
            "gemeenten/ongeldig.html",
            {
                "melding": melding,
                "peildatum": getattr(self, "peildatum", None),
                "gebied": getattr(self, "gebied", NOORD),
                "gebieden": GEBIEDEN,
            },
            status=status,
        )

    def geen_gegevens(self):
        return render(self.request, "gemeenten/leeg.html", status=503)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["peildatum"] = self.peildatum
        context["peildata"] = self.peildata
        context["gebied"] = self.gebied
        context["gebieden"] = GEBIEDEN
        return context


class JsonPeildatumMixin(PeildatumMixin):
    """The same for the JSON API: errors come back as JSON with a message."""

    def ongeldig(self, melding, status=400):
        return JsonResponse({"fout": melding}, status=status)

    def geen_gegevens(self):
        return JsonResponse({"fout": "Er zijn nog geen gegevens geladen."}, status=503)
