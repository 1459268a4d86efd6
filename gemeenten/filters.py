"""The filters of /samenwerkingen/, shared by its CSV and JSON twins.

Every filter answers for one peildatum and one area (the filterset gets both from the view):
size, reach and participants belong to an arrangement's snapshot, not to the arrangement. The
area narrows everything: the arrangements (a participating municipality in the area on the
peildatum), and the municipalities and provinces to choose from. Filters on the
snapshot use subqueries, so an arrangement is never listed twice.

Choice lists come from the database once per request, and only when a value has to be
checked or the form is drawn.
"""

from functools import cached_property
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Q
from django_filters.fields import ChoiceField

from . import zoeken
from .gebied import NOORD, als_parameter
from .models import (
    Gemeente,
    Grootte,
    Rechtsvorm,
    Reikwijdte,
    Samenwerking,
    Schaal,
    Soort,
    Stand,
    Taakveld,
)
from .schaal import oude_schaal

ONBEKEND = "onbekend"
MAX_ZOEKTERM = 100


def taakveld_keuzes(taakvelden):
    """Choices for a theme: each hoofdtaakveld ("7", all of it) followed by its taakvelden.

    `taakvelden` in their order, with `hoofdtaakveld` selected."""
    keuzes, hoofd = [], None
    for taakveld in taakvelden:
        if taakveld.hoofdtaakveld != hoofd:
            hoofd = taakveld.hoofdtaakveld
            keuzes.append((hoofd.code, f"{hoofd.code} {hoofd.naam} (alle)"))
        keuzes.append((taakveld.code, f"\u2003{taakveld.code} {taakveld.naam}"))
    return keuzes


def meegenomen(query):
    """The selection parameters of a query string (a QueryDict), to carry along in links from
    a page that does not filter itself (an arrangement, a profile) back to the list and the
    map. Unchecked and without queries: the page they lead to validates them."""
    return {
        naam: waarde
        for naam in SamenwerkingFilter.parameters
        if (waarde := query.get(naam, "").strip()) and len(waarde) <= MAX_ZOEKTERM
    }


class AliasChoiceField(ChoiceField):
    """A choice field that also accepts other spellings of a value (a CBS code for a slug,
    any letter case); `aliases` is a callable returning {alias: value}."""

    def __init__(self, *, aliases=dict, **kwargs):
        self.aliases = aliases
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        return self.aliases().get(value.lower(), value)


class AliasChoiceFilter(django_filters.ChoiceFilter):
    field_class = AliasChoiceField


class Vinkje(forms.CheckboxInput):
    """A checkbox that reads `1`, `ja`, `on` and `true` as ticked and anything else as not."""

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).strip().lower() in {"1", "ja", "on", "true"}


class VinkjeFilter(django_filters.BooleanFilter):
    field_class = forms.BooleanField


class Sortering(django_filters.OrderingFilter):
    """Ordering with the name (then the id) as tie-breaker, so pages stay stable. The name is
    the sort key `sorteernaam`: the display name without case, accents or the prefix
    "Gemeenschappelijke regeling" (fixtures/curation/weergavenamen.csv)."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "sorteernaam", "naam", "pk") if value else qs


class SamenwerkingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Zoek",
        method="filter_q",
        max_length=MAX_ZOEKTERM,
        help_text="Naam, afkorting of deelnemer",
    )
    taakveld = django_filters.ChoiceFilter(
        label="Thema (taakveld)",
        method="filter_taakveld",
        empty_label="Alle thema's",
        help_text="Het hoofdthema van de samenwerking",
        error_messages={
            "invalid_choice": "Onbekend thema: kies een taakveld (bijvoorbeeld 7.1) of een "
            "hoofdtaakveld (bijvoorbeeld 7)."
        },
    )
    rechtsvorm = django_filters.ChoiceFilter(
        label="Rechtsvorm", method="filter_rechtsvorm", empty_label="Alle rechtsvormen"
    )
    soort = django_filters.ChoiceFilter(
        label="Soort", field_name="soort", choices=Soort.choices, empty_label="Alle soorten"
    )
    grootte = django_filters.ChoiceFilter(
        label="Grootte",
        method="filter_grootte",
        choices=Grootte.choices,
        empty_label="Elke grootte",
        help_text="Het aantal deelnemende gemeenten",
        error_messages={"invalid_choice": "Onbekende grootte: kies er een uit de lijst."},
    )
    reikwijdte = django_filters.ChoiceFilter(
        label="Reikwijdte",
        method="filter_reikwijdte",
        choices=Reikwijdte.choices,
        empty_label="Elke reikwijdte",
        help_text="Binnen één provincie, de hele provincie, meer provincies of over de grens",
        error_messages={"invalid_choice": "Onbekende reikwijdte: kies er een uit de lijst."},
    )
    # The scale before the split into size and reach: old permalinks keep their selection.
    schaal = django_filters.ChoiceFilter(
        label="Schaal (oude indeling)",
        method="filter_schaal",
        choices=Schaal.choices,
        empty_label="Alle schalen",
        error_messages={"invalid_choice": "Onbekende schaal: kies er een uit de lijst."},
    )
    provincie = AliasChoiceFilter(
        label="Provincie", method="filter_provincie", empty_label="Alle provincies"
    )
    gemeente = AliasChoiceFilter(
        label="Gemeente",
        method="filter_gemeente",
        empty_label="Alle gemeenten",
        error_messages={"invalid_choice": "Die gemeente bestaat niet; kies er een uit de lijst."},
    )
    regio = VinkjeFilter(
        label="Ook indelingen van Rijk en statistiek tonen", method="filter_regio", widget=Vinkje
    )
    sorteer = Sortering(
        label="Sorteer op",
        fields=(
            ("sorteernaam", "naam"),
            ("stand_aantal", "deelnemers"),
            ("taakveld__volgorde", "thema"),
        ),
        field_labels={
            "sorteernaam": "naam",
            "stand_aantal": "deelnemers",
            "taakveld__volgorde": "thema",
        },
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Samenwerking
        fields = []

    # The parameters of this filterset, each allowed once in a query string.
    parameters = (
        *("q", "taakveld", "rechtsvorm", "soort", "grootte", "reikwijdte", "schaal"),
        *("provincie", "gemeente", "regio", "sorteer"),
    )

    @classmethod
    def voor_export(cls, request, peildatum, gebied=NOORD):
        """The list's filterset over the export queryset: the CSV and JSON twins of a list
        hold exactly what the list shows."""
        return cls(
            request.GET,
            queryset=Samenwerking.objects.voor_export(peildatum),
            peildatum=peildatum,
            gebied=gebied,
            request=request,
        )

    def query(self, **extra):
        """The valid part of the selection as query parameters, in canonical spelling (a
        slug for a CBS code, `1` for a ticked box), with the peildatum and the area (left out
        when it is the default): every link between the list, its twins and the map carries
        them. `extra` adds parameters (None drops)."""
        self.is_valid()  # validates once; an invalid selection keeps its valid rest
        data = getattr(self.form, "cleaned_data", {})
        params = {"peildatum": self.peildatum.code, **als_parameter(self.gebied)}
        for naam in self.parameters:
            waarde = data.get(naam)
            if naam == "regio":
                waarde = "1" if waarde else None
            elif naam == "sorteer":
                waarde = ",".join(waarde) if waarde else None
            if waarde:
                params[naam] = waarde
        params.update(extra)
        return {k: v for k, v in params.items() if v not in (None, "")}

    def url(self, pad, **extra):
        """`pad` with this selection (see `query`)."""
        return f"{pad}?{urlencode(self.query(**extra))}"

    def __init__(
        self, data=None, queryset=None, *, peildatum, gebied=NOORD, request=None, prefix=None
    ):
        self.peildatum = peildatum
        self.gebied = gebied
        # Always bound: without parameters the defaults (no regional divisions) still apply.
        data = {} if data is None else data
        if queryset is None:
            queryset = Samenwerking.objects.met_stand(peildatum).voor_lijst()
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        # Lambdas, not bound methods: form fields are deep-copied, and a bound method would
        # drag the filterset (and the request) along.
        self.filters["taakveld"].extra["choices"] = lambda: self._taakveld_keuzes()
        self.filters["rechtsvorm"].extra["choices"] = lambda: self._rechtsvorm_keuzes()
        self.filters["provincie"].extra.update(
            choices=lambda: self._provincie_keuzes(), aliases=lambda: self._provincie_aliases()
        )
        self.filters["gemeente"].extra.update(
            choices=lambda: self._gemeente_keuzes(), aliases=lambda: self._gemeente_aliases()
        )

    # Choice lists (each one query, at most once per request).

    @cached_property
    def _taakvelden(self):
        return list(Taakveld.objects.select_related("hoofdtaakveld"))

    def _taakveld_keuzes(self):
        return taakveld_keuzes(self._taakvelden)

    @cached_property
    def _rechtsvormen(self):
        return list(Rechtsvorm.objects.all())

    def _rechtsvorm_keuzes(self):
        return [(r.code, r.naam) for r in self._rechtsvormen] + [
            (ONBEKEND, "onbekend (geen bron noemt hem)")
        ]

    @cached_property
    def _gemeenten(self):
        """The municipalities of the area (of every year): the choices, and the map's."""
        return list(self.gebied.gemeenten(Gemeente.objects.select_related("provincie")))

    @cached_property
    def gemeenten_op_slug(self):
        return {g.slug: g for g in self._gemeenten}

    @cached_property
    def _provincies(self):
        return sorted({g.provincie for g in self._gemeenten}, key=lambda p: p.naam)

    def _provincie_keuzes(self):
        return [(p.slug, p.naam) for p in self._provincies]

    def _provincie_aliases(self):
        aliases = {p.code.lower(): p.slug for p in self._provincies}
        aliases.update({p.slug.lower(): p.slug for p in self._provincies})
        return aliases

    def _gemeente_keuzes(self):
        datum = self.peildatum.datum
        op_peildatum = [(g.slug, g.naam) for g in self._gemeenten if g.bestaat_op(datum)]
        overige = [(g.slug, g.naam) for g in self._gemeenten if not g.bestaat_op(datum)]
        keuzes = [(f"Gemeenten op {self.peildatum.naam}", op_peildatum)]
        if overige:
            keuzes.append(("Andere jaren (voormalig of later ontstaan)", overige))
        return keuzes

    def _gemeente_aliases(self):
        aliases = {g.cbs_code.lower(): g.slug for g in self._gemeenten}
        aliases.update({g.slug.lower(): g.slug for g in self._gemeenten})
        return aliases

    # The filters.

    def filter_q(self, queryset, name, value):
        # Any name of the arrangement or of a participant (also a former name: Haren finds
        # Groningen's), compared normalised (gemeenten.zoeken): no case, accents or hyphens,
        # so both database backends agree.
        term = zoeken.normaliseer(value)
        if not term:
            return queryset
        deelnemer = Q(deelnames__gemeente__zoektekst__contains=term) | Q(
            deelnames__organisatie__zoektekst__contains=term
        )
        met_deelnemer = Stand.objects.filter(deelnemer, peildatum=self.peildatum)
        return queryset.filter(
            Q(zoektekst__contains=term) | Q(pk__in=met_deelnemer.values("samenwerking_id"))
        )

    def filter_taakveld(self, queryset, name, value):
        if "." in value:
            return queryset.filter(taakveld__code=value)
        return queryset.filter(taakveld__hoofdtaakveld__code=value)

    def filter_rechtsvorm(self, queryset, name, value):
        if value == ONBEKEND:
            return queryset.filter(rechtsvorm__isnull=True)
        return queryset.filter(rechtsvorm__code=value)

    def filter_grootte(self, queryset, name, value):
        return queryset.in_stand(self.peildatum, grootte=value)

    def filter_reikwijdte(self, queryset, name, value):
        return queryset.in_stand(self.peildatum, reikwijdte=value)

    def filter_schaal(self, queryset, name, value):
        return queryset.in_stand(self.peildatum, **oude_schaal(value))

    def filter_provincie(self, queryset, name, value):
        return queryset.in_stand(self.peildatum, deelnames__gemeente__provincie__slug=value)

    def filter_gemeente(self, queryset, name, value):
        return queryset.in_stand(self.peildatum, deelnames__gemeente__slug=value)

    def filter_regio(self, queryset, name, value):
        return queryset  # applied in `filter_queryset`, which also sees `soort`

    def filter_queryset(self, queryset):
        queryset = self.gebied.samenwerkingen(super().filter_queryset(queryset), self.peildatum)
        data = self.form.cleaned_data
        # Collaborations (GRs and the regional divisions that are collaborations of
        # municipalities) always; state and statistical divisions only on request, or when
        # the kind asked for is the regional divisions themselves.
        if not data.get("regio") and data.get("soort") != Soort.REGIO_INDELING:
            queryset = queryset.samenwerkingen()
        return queryset

    # What the page says about the selection.

    @property
    def gekozen_gemeente(self):
        if not self.is_bound or not self.is_valid():
            return None
        return self.gemeenten_op_slug.get(self.form.cleaned_data.get("gemeente"))
