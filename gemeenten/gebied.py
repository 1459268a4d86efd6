"""The area (gebied) a request asks about: `?gebied=noord|nederland|<provincie>`, default the
north.

Like the peildatum (gemeenten/peildatum.py) the area is part of the state: every page shows
it and every link and export carries it, omitted when it is the default, so every URL of the
northern atlas keeps its bytes and its meaning. The areas are constants, not rows: a URL's
meaning does not depend on what the database holds.

A municipality is in an area when its province is one of the area's provinces; an
arrangement is in an area on a peildatum when its snapshot of that date has a participating
municipality in the area.
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import Deelname


@dataclass(frozen=True)
class Gebied:
    code: str
    naam: str
    # CBS codes of the provinces (Provincie.code).
    provincies: tuple
    # The default area also holds the municipalities of a province that is none of the
    # twelve (there is none in the real data; the test worlds' provinces PV9x are such): the
    # default keeps meaning "what the atlas showed before it became national".
    ook_andere: bool = False

    def __str__(self):
        return self.naam

    @property
    def standaard(self):
        """The default area: omitted from every URL."""
        return self.code == STANDAARD

    @property
    def alles(self):
        """The whole country: every municipality is in one of its provinces, so no filter."""
        return self.code == NEDERLAND

    def q(self, pad=""):
        """A Q for the municipalities in the area; `pad` leads from the queried model to a
        Gemeente along single-valued relations ("gemeente__" from a Deelname)."""
        if self.alles:
            return Q()
        if self.ook_andere:
            # Not in one of the other provinces: one NOT IN, no OR.
            andere = [code for code in ALLE_PROVINCIES if code not in self.provincies]
            return Q(**{f"{pad}provincie__isnull": False}) & ~Q(
                **{f"{pad}provincie__code__in": andere}
            )
        return Q(**{f"{pad}provincie__code__in": self.provincies})

    def gemeenten(self, queryset):
        """The municipalities of `queryset` (a Gemeente queryset) in the area."""
        return queryset if self.alles else queryset.filter(self.q())

    def samenwerkingen(self, queryset, peildatum):
        """The arrangements of `queryset` with a participating municipality in the area at
        `peildatum` (a subquery: an arrangement is never repeated)."""
        if self.alles:
            return queryset
        deelnames = Deelname.objects.filter(self.q("gemeente__"), stand__peildatum=peildatum)
        return queryset.filter(pk__in=deelnames.values("stand__samenwerking_id"))

    def bevat(self, gemeente):
        """Whether `gemeente` (with its province loaded) is in the area."""
        return self.bevat_provincie(gemeente.provincie.code)

    def bevat_provincie(self, code):
        """Whether the municipalities of the province with CBS code `code` are in the area."""
        return (
            self.alles
            or code in self.provincies
            or (self.ook_andere and code not in ALLE_PROVINCIES)
        )


STANDAARD = "noord"
NEDERLAND = "nederland"

# The provinces, keyed by the Provincie slug, with their CBS codes (fixed by CBS).
PROVINCIES = (
    ("groningen", "Groningen", "PV20"),
    ("fryslan", "Fryslân", "PV21"),
    ("drenthe", "Drenthe", "PV22"),
    ("overijssel", "Overijssel", "PV23"),
    ("flevoland", "Flevoland", "PV24"),
    ("gelderland", "Gelderland", "PV25"),
    ("utrecht", "Utrecht", "PV26"),
    ("noord-holland", "Noord-Holland", "PV27"),
    ("zuid-holland", "Zuid-Holland", "PV28"),
    ("zeeland", "Zeeland", "PV29"),
    ("noord-brabant", "Noord-Brabant", "PV30"),
    ("limburg", "Limburg", "PV31"),
)

ALLE_PROVINCIES = tuple(code for _, _, code in PROVINCIES)

NOORD = Gebied(STANDAARD, "Noord-Nederland", ("PV20", "PV21", "PV22"), ook_andere=True)
GEBIEDEN = (
    NOORD,
    Gebied(NEDERLAND, "Nederland", ALLE_PROVINCIES),
    *(Gebied(slug, naam, (code,)) for slug, naam, code in PROVINCIES),
)
OP_CODE = {gebied.code: gebied for gebied in GEBIEDEN}


def gebied_van(gemeente):
    """The area of the municipality's own province (the whole country for a province that
    is none of the twelve)."""
    return OP_CODE.get(gemeente.provincie.slug) or OP_CODE[NEDERLAND]


class OngeldigGebied(ValueError):
    pass


def geldige_gebieden():
    """The valid values, as a message lists them."""
    return ", ".join(f"{g.code} ({g.naam})" for g in GEBIEDEN)


def kies_gebied(request):
    """The Gebied the request asks for (the north when it asks for none).

    Raises OngeldigGebied with a message for the user (listing the valid values) when the
    parameter names no area or occurs more than once. Letter case and surrounding spaces do
    not matter; links carry the canonical code."""
    codes = request.GET.getlist("gebied")
    if not codes or codes == [""]:
        return NOORD
    if len(codes) > 1:
        raise OngeldigGebied("Geef één gebied op, niet meerdere.")
    gebied = OP_CODE.get(codes[0].strip().lower())
    if gebied is None:
        raise OngeldigGebied(f"Onbekend gebied. Kies een van de gebieden: {geldige_gebieden()}.")
    return gebied


def als_parameter(gebied):
    """{"gebied": code} for a link, or {} for the default (and for None)."""
    return {"gebied": gebied.code} if gebied is not None and not gebied.standaard else {}
