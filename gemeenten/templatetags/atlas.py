"""Template helpers of the atlas: links that carry the peildatum, labels of choices."""

from django import template
from django.urls import reverse

from ..filters import meegenomen
from ..models import Grootte, Reikwijdte, Soort
from ..peildatum import met_peildatum

register = template.Library()


@register.simple_tag(takes_context=True)
def pd_url(context, viewname, *args, **query):
    """`{% pd_url "gemeenten:gemeente" gemeente.slug %}` → /gemeenten/x/?peildatum=2026.

    Keyword arguments become query parameters (empty ones are left out)."""
    return met_peildatum(reverse(viewname, args=args), context.get("peildatum"), **query)


@register.simple_tag(takes_context=True)
def kaart_url(context, **query):
    """The map page for the current peildatum (and `query`, e.g. a theme)."""
    return met_peildatum(reverse("gemeenten:kaart"), context.get("peildatum"), **query)


@register.simple_tag(takes_context=True)
def mee_url(context, viewname, *args, **query):
    """Like `pd_url`, and carrying the selection of the current page's query string (the
    list's filters): list → arrangement → map keeps it. `query` overrides (None drops)."""
    request = context.get("request")
    params = meegenomen(request.GET) if request else {}
    params.update(query)
    return met_peildatum(reverse(viewname, args=args), context.get("peildatum"), **params)


@register.filter
def grootte_label(waarde):
    return Grootte(waarde).label if waarde in Grootte.values else "onbekend"


@register.filter
def reikwijdte_label(waarde):
    return Reikwijdte(waarde).label if waarde in Reikwijdte.values else "onbekend"


@register.filter
def soort_label(waarde):
    return Soort(waarde).label if waarde in Soort.values else waarde


@register.filter
def opheffing(stappen):
    """The steps with which a municipality ceased to exist (not an earlier grenscorrectie)."""
    return [s for s in stappen if s.heft_voorganger_op]


@register.filter
def eerdere_grenscorrecties(stappen):
    """Transfers of part of the territory that the municipality outlived (Meerstad, 2017)."""
    return [s for s in stappen if not s.heft_voorganger_op]
