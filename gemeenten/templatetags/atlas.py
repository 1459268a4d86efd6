"""Template helpers of the atlas: links that carry the peildatum and the area, labels of
choices."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe

from ..filters import MAX_ZOEKTERM, meegenomen
from ..models import Grootte, Reikwijdte, Soort
from ..paden import pad
from ..peildatum import met_peildatum

register = template.Library()


@register.simple_tag(takes_context=True)
def pd_url(context, viewname, *args, **query):
    """`{% pd_url "gemeenten:gemeente" gemeente.slug %}` → /gemeenten/x/?peildatum=2026.

    Keyword arguments become query parameters (empty ones are left out)."""
    return met_peildatum(
        pad(viewname, *args), context.get("peildatum"), context.get("gebied"), **query
    )


@register.simple_tag(takes_context=True)
def kaart_url(context, **query):
    """The map page for the current peildatum and area (and `query`, e.g. a theme)."""
    return met_peildatum(
        pad("gemeenten:kaart"), context.get("peildatum"), context.get("gebied"), **query
    )


@register.simple_tag(takes_context=True)
def mee_url(context, viewname, *args, **query):
    """Like `pd_url`, and carrying the selection of the current page's query string (the
    list's filters): list → arrangement → map keeps it. `query` overrides (None drops);
    `gebied` (a Gebied) overrides the page's area."""
    request = context.get("request")
    gebied = query.pop("gebied", None) or context.get("gebied")
    params = dict(meegenomen_van(request)) if request else {}
    params.update(query)
    return met_peildatum(pad(viewname, *args), context.get("peildatum"), gebied, **params)


def meegenomen_van(request):
    """`meegenomen(request.GET)`, worked out once per request: a national map page has
    850 links that carry the selection. Read-only: callers copy before changing it."""
    if not hasattr(request, "_atlas_meegenomen"):
        request._atlas_meegenomen = meegenomen(request.GET)
    return request._atlas_meegenomen


@register.simple_tag(takes_context=True)
def gebied_veld(context):
    """The area as a hidden field of a GET form (nothing for the default area), next to the
    form's hidden peildatum: a search or a filter keeps the area."""
    gebied = context.get("gebied")
    if gebied is None or gebied.standaard:
        return ""
    return format_html('<input type="hidden" name="gebied" value="{}">', gebied.code)


@register.simple_tag(takes_context=True)
def gebied_query(context):
    """`&gebied=…` to append to a link that sets its own `?peildatum=` (nothing for the
    default area)."""
    gebied = context.get("gebied")
    if gebied is None or gebied.standaard:
        return ""
    return f"&gebied={gebied.code}"


# The area switcher keeps the page's other parameters, except those that name something
# of one area (a municipality, a province, an arrangement) and the page number.
NIET_NAAR_ANDER_GEBIED = ("gebied", "page", "gemeente", "provincie", "samenwerking", "deel")


@register.simple_tag(takes_context=True)
def gebied_keuze_velden(context):
    """Hidden fields for the area switcher in the header: the current query string without
    the parameters that would not fit another area."""
    request = context.get("request")
    if request is None:
        return ""
    velden = [
        format_html('<input type="hidden" name="{}" value="{}">', naam, waarde)
        for naam, waarden in request.GET.lists()
        if naam not in NIET_NAAR_ANDER_GEBIED and len(naam) <= 30
        for waarde in waarden[:1]
        if len(waarde) <= MAX_ZOEKTERM
    ]
    return mark_safe("".join(velden))


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


@register.filter
def korte_naam(samenwerking, titel=""):
    """The name an arrangement is shown by where its official name on the page's date is
    `titel`: its short display name (weergavenamen.csv) when that title is its current
    official name, else the date's title itself (a former title has no short form)."""
    if not titel or titel == samenwerking.naam:
        return samenwerking.korte_naam
    return titel


@register.filter
def json_script_kort(waarde, element_id):
    """`json_script`, without the spaces after `,` and `:`: the map's view (kaart-beeld)
    is sent with every state of /kaart/, and those spaces were a tenth of it. The same
    escaping as Django's `json_script` (<, > and & as \\u escapes)."""
    tekst = json.dumps(waarde, cls=DjangoJSONEncoder, separators=(",", ":"))
    tekst = tekst.translate(_json_script_escapes)
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(tekst)
    )
