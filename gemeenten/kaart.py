"""The map: the municipality polygons as GeoJSON, the /kaart/ page and the mini-maps.

The selection of a map view is the list's filterset (gemeenten/filters.py): the map shows
exactly what /samenwerkingen/ lists for the same query string. This module decides what a
view shows — which arrangements, their colours (palette slots, defined once as CSS custom
properties in static/css/kaart.css), the overlaps, the legend and the table — and hands it
to the page as `json_script`. The JavaScript (static/js/kaartpagina.js) only paints that on
the cached GeoJSON of the snapshot and keeps the URL in step.
"""

import hashlib
import json
import math
from collections import defaultdict
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.gzip import gzip_page
from django.views.generic import TemplateView

from . import queries
from .filters import SamenwerkingFilter
from .models import Deelname, Gemeente, GemeenteGrens, Samenwerking, rangschik_partners
from .peildatum import JsonPeildatumMixin, PeildatumMixin
from .serialisers import Rij, als_kaart

# Browsers and proxies may keep the GeoJSON this long: it changes only when the dataset is
# reloaded, and it is the largest response of the site.
GEOJSON_MAX_AGE = 60 * 60
GEOJSON_PRECISION = 5


def _codes(gemeenten):
    """CBS codes of Gemeente objects or code strings, in order, without duplicates."""
    return list(dict.fromkeys(g.cbs_code if isinstance(g, Gemeente) else str(g) for g in gemeenten))


def geojson_url(peildatum):
    return f"{reverse('gemeenten:gemeenten_geojson')}?peildatum={peildatum.code}"


def tegellaag():
    """The basemap layer for the JavaScript; an empty URL means: no basemap at all."""
    return {"url": settings.MAP_TILE_URL, "attributie": settings.MAP_TILE_ATTRIBUTION}


def mini_kaart(peildatum, markeer=(), focus=None, modus="markeer", aantallen=None):
    """Configuration of a small map for another page (render it with _minikaart.html).

    `markeer`: municipalities (Gemeente objects or CBS codes) to highlight; `focus`: the one
    municipality the page is about (drawn strongest, the map zooms to it and the highlighted
    ones). `modus` "intensiteit" colours every municipality by its number of arrangements,
    `aantallen` ({CBS code: number}), in the classes of the /kaart/ page.
    """
    if modus not in ("markeer", "intensiteit"):
        raise ValueError(f"Unknown mini-map mode {modus!r}: use 'markeer' or 'intensiteit'.")
    (focus_code,) = _codes([focus]) if focus is not None else (None,)
    config = {
        "geojson": geojson_url(peildatum),
        "peildatum": peildatum.code,
        "markeer": _codes(markeer),
        "focus": focus_code,
        "modus": modus,
        "tegels": tegellaag(),
    }
    if modus == "intensiteit":
        aantallen = aantallen or {}
        klassen = intensiteitsklassen(max(aantallen.values(), default=0))
        config["vulling"] = {code: intensiteitsvulling(klassen, n) for code, n in aantallen.items()}
        config["legenda"] = intensiteitslegenda(klassen)
    return config


@method_decorator(gzip_page, name="dispatch")
class GemeentenGeoJSONView(JsonPeildatumMixin, View):
    """The municipality polygons of one snapshot (in its boundary year) as a FeatureCollection.

    Properties: cbs_code, naam, slug, provincie, aantal (arrangements at the peildatum, regional
    divisions not counted, as in the list of arrangements), url (the profile at that peildatum).
    """

    def get(self, request):
        inhoud = self.feature_collection(self.peildatum)
        # The ETag is the content's: a browser that has this snapshot gets a 304, not 100 kB.
        etag = '"' + hashlib.sha256(inhoud.encode()).hexdigest()[:32] + '"'
        response = get_conditional_response(request, etag=etag)
        if response is None:
            response = HttpResponse(inhoud, content_type="application/geo+json")
            response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=GEOJSON_MAX_AGE)
        return response

    def feature_collection(self, peildatum):
        aantallen = Deelname.objects.samenwerkingen().aantallen_per_gemeente(peildatum)
        features = []
        for grens in GemeenteGrens.objects.voor_kaart(peildatum, GEOJSON_PRECISION):
            gemeente = grens.gemeente
            eigenschappen = {
                "cbs_code": gemeente.cbs_code,
                "naam": gemeente.naam,
                "slug": gemeente.slug,
                "provincie": gemeente.provincie.naam,
                "aantal": aantallen.get(gemeente.pk, 0),
                "url": f"{gemeente.get_absolute_url()}?peildatum={peildatum.code}",
            }
            features.append(
                '{"type":"Feature","id":'
                + json.dumps(gemeente.cbs_code)
                + ',"geometry":'
                + grens.kaart_json
                + ',"properties":'
                + json.dumps(eigenschappen)
                + "}"
            )
        return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


# ---- colours: slots of the palette in kaart.css, never colour values --------------------

# The patchwork palette has this many colours, `--kaart-kleur-0` … in static/css/kaart.css
# (tests/test_kaart_selectie.py checks that the two agree); an arrangement gets the slot of
# its position in the selection, modulo this number.
PALET_GROOTTE = 12
# The intensity scale (`--kaart-intensiteit-1` … `-5`); 0 is grey.
INTENSITEIT_GROOTTE = 5
# How many colours a municipality in several arrangements is striped in.
MAX_STREPEN = 4
# A popup lists at most this many arrangements of the selection.
MAX_IN_POPUP = 8


def intensiteitsklassen(maximum):
    """Class breaks for counts: [(from, to, colour slot)], up to five equal steps up to
    `maximum`; 0 has no class (grey)."""
    if maximum <= 0:
        return []
    aantal = min(INTENSITEIT_GROOTTE, maximum)
    stap = math.ceil(maximum / aantal)
    klassen = []
    for i in range(aantal):
        van, tot = i * stap + 1, min((i + 1) * stap, maximum)
        if van > maximum:
            break
        # Spread over the whole scale: 2 classes get the lightest and the darkest blue.
        slot = 1 + round(i * (INTENSITEIT_GROOTTE - 1) / max(1, aantal - 1))
        klassen.append((van, tot, f"intensiteit-{slot}"))
    return klassen


def intensiteitsvulling(klassen, aantal):
    for van, tot, vulling in klassen:
        if van <= aantal <= tot:
            return vulling
    return "grijs"


def intensiteitslegenda(klassen):
    return [{"kleur": "grijs", "tekst": "0"}] + [
        {"kleur": vulling, "tekst": str(van) if van == tot else f"{van}–{tot}"}
        for van, tot, vulling in klassen
    ]


# ---- the /kaart/ page ------------------------------------------------------------------

INTENSITEIT, LAPJES, PARTNERS, SAMENWERKING = "intensiteit", "lapjes", "partners", "samenwerking"
WEERGAVEN = (
    (INTENSITEIT, "Aantal samenwerkingen per gemeente"),
    (LAPJES, "Samenwerkingen in kleur (lappendeken)"),
    (PARTNERS, "Met wie werkt een gemeente samen"),
)
# Filters that narrow the selection: with any of them the automatic view is the patchwork.
SMALLERE_FILTERS = (
    *("q", "taakveld", "rechtsvorm", "soort", "grootte", "reikwijdte", "schaal"),
    *("provincie", "gemeente"),
)


class Kaartweergave(forms.Form):
    """The map's own parameters; the selection itself is the list's filterset."""

    weergave = forms.ChoiceField(
        label="Weergave",
        required=False,
        choices=[("", "automatisch"), *WEERGAVEN],
        error_messages={
            "invalid_choice": "Onbekende weergave: kies intensiteit, lapjes of partners."
        },
    )
    samenwerking = forms.ChoiceField(
        label="Eén samenwerking uitlichten",
        required=False,
        error_messages={"invalid_choice": "Die samenwerking bestaat niet op deze peildatum."},
    )
    deel = forms.ChoiceField(
        required=False,
        choices=[("", "de pagina"), ("tabel", "alleen de tabel")],
        error_messages={"invalid_choice": "Onbekend deel: laat ‘deel’ weg of kies ‘tabel’."},
    )

    parameters = ("weergave", "samenwerking", "deel")

    def __init__(self, data, samenwerkingen):
        super().__init__(data, auto_id="keuze-%s")
        self.fields["samenwerking"].choices = [
            ("", "geen"),
            *(
                (s.slug, f"{s.naam} ({s.afkorting})" if s.afkorting else s.naam)
                for s in samenwerkingen
            ),
        ]


class Kaartbeeld:
    """What one map view shows, computed from the selection (a bound SamenwerkingFilter)
    and the map's own parameters (a bound Kaartweergave). Seven queries at most: the
    snapshots (the view's mixin), themes, legal forms and municipalities (the filterset's
    choice lists, each at most once) and the arrangements with their participants (three)."""

    def __init__(self, peildatum, filterset, data):
        self.peildatum = peildatum
        self.filterset = filterset
        filterset.form.auto_id = "keuze-%s"
        filterset.is_valid()
        self.selectie_data = getattr(filterset.form, "cleaned_data", {})
        alle = queries.kaart_samenwerkingen(peildatum, filterset.qs)
        self.alle = [als_kaart(Rij.uit_kaart(s, peildatum)) | {"gekozen": s.gekozen} for s in alle]
        self.form = Kaartweergave(data, alle)
        self.form.is_valid()
        self.fouten = [fout for fouten in filterset.form.errors.values() for fout in fouten]
        self.fouten += [fout for fouten in self.form.errors.values() for fout in fouten]
        self.gemeenten = [
            g for g in filterset.gemeenten_op_slug.values() if g.bestaat_op(peildatum.datum)
        ]
        self.gemeenten.sort(key=lambda g: g.naam)
        self.gemeente = self._partnergemeente()

    def _partnergemeente(self):
        """The municipality of the selection (`gemeente`) if it exists at the peildatum; the
        "partners" view needs one, and falls back to the automatic view without."""
        slug = self.selectie_data.get("gemeente")
        gemeente = next((g for g in self.gemeenten if g.slug == slug), None)
        if self.form.cleaned_data.get("weergave") == PARTNERS and gemeente is None:
            if slug:
                self.fouten.append("Die gemeente bestaat niet op deze peildatum.")
            elif "gemeente" not in self.filterset.form.errors:
                self.fouten.append("Kies een gemeente voor de weergave ‘met wie’.")
        return gemeente

    @property
    def geldig(self):
        return not self.fouten

    @property
    def staat(self):
        """The valid state, as the form shows it."""
        weergave = self.form.cleaned_data.get("weergave", "")
        if weergave == PARTNERS and self.gemeente is None:
            weergave = ""
        staat = {naam: self.selectie_data.get(naam) or "" for naam in SamenwerkingFilter.parameters}
        staat["regio"] = bool(self.selectie_data.get("regio"))
        staat["sorteer"] = ",".join(self.selectie_data.get("sorteer") or [])
        staat["weergave"] = weergave
        staat["samenwerking"] = self.form.cleaned_data.get("samenwerking", "")
        return staat

    @property
    def weergave(self):
        staat = self.staat
        if staat["samenwerking"]:
            return SAMENWERKING
        if staat["weergave"]:
            return staat["weergave"]
        return LAPJES if any(staat[naam] for naam in SMALLERE_FILTERS) else INTENSITEIT

    def query(self, **extra):
        """The state as query parameters: the link, the pushState URL, the twins."""
        staat = self.staat
        eigen = {"weergave": staat["weergave"], "samenwerking": staat["samenwerking"]}
        return self.filterset.query(**(eigen | extra))

    def url(self, naam, **extra):
        """The URL `naam` (a view of the site) with this selection, without the map's own
        parameters: the list, its CSV and JSON twins."""
        return self.filterset.url(reverse(naam), **extra)

    def pagina_url(self, naam, slug):
        """The page of an arrangement or a municipality, carrying the selection (back from
        there to the list or the map keeps it)."""
        return self.filterset.url(reverse(f"gemeenten:{naam}", args=[slug]))

    # What the selection is.

    def selectie(self):
        gekozen = [s for s in self.alle if s["gekozen"]]
        return [{**s, "kleur": i % PALET_GROOTTE} for i, s in enumerate(gekozen)]

    def filtertekst(self):
        """The selection in words, e.g. "thema 6 Sociaal domein, grootte 3–5 gemeenten" (the
        partners view names its municipality in the title already)."""
        data, form = self.selectie_data, self.filterset.form
        delen = []
        for naam, woord in (
            ("taakveld", "thema"),
            ("grootte", "grootte"),
            ("reikwijdte", "reikwijdte"),
            ("schaal", "schaal"),
            ("soort", "soort"),
            ("rechtsvorm", "rechtsvorm"),
            ("provincie", "provincie"),
            ("gemeente", "met"),
        ):
            if naam == "gemeente" and self.weergave == PARTNERS:
                continue
            if data.get(naam):
                keuzes = dict(_plat(form.fields[naam].choices))
                delen.append(f"{woord} {keuzes.get(data[naam], data[naam]).strip()}")
        if data.get("q"):
            delen.append(f"zoekterm ‘{data['q']}’")
        return ", ".join(delen)

    def per_gemeente(self, selectie):
        per = {gemeente.cbs_code: [] for gemeente in self.gemeenten}
        for samenwerking in selectie:
            for code in samenwerking["gemeenten"]:
                if code in per:
                    per[code].append(samenwerking)
        return per

    def partners(self, selectie):
        """The municipalities that share arrangements of the selection with the chosen one,
        ranked (the profile's ranking)."""
        gemeente, op_code = self.gemeente, {g.cbs_code: g for g in self.gemeenten}
        gedeeld = defaultdict(list)
        for samenwerking in selectie:
            if gemeente.cbs_code in samenwerking["gemeenten"]:
                for code in samenwerking["gemeenten"]:
                    partner = op_code.get(code)
                    if partner is not None and partner != gemeente:
                        gedeeld[partner].append(samenwerking)
        telling = {partner: len(lijst) for partner, lijst in gedeeld.items()}
        return [
            {"gemeente": partner, "aantal": aantal, "samenwerkingen": gedeeld[partner]}
            for partner, aantal in rangschik_partners(telling)
        ]

    # The view, for the table (template context) and the painter (JSON).

    def context(self):
        weergave = self.weergave
        selectie = self.selectie()
        per_gemeente = self.per_gemeente(selectie)
        filter_tekst = self.filtertekst()
        samenwerking = next((s for s in self.alle if s["slug"] == self.staat["samenwerking"]), None)
        gemeente = self.gemeente
        achter = f" ({filter_tekst})" if filter_tekst else ""
        if weergave == SAMENWERKING:
            titel = f"Deelnemers aan {samenwerking['naam']}"
        elif weergave == PARTNERS:
            titel = f"Met wie werkt {gemeente.naam} samen{achter}"
        elif weergave == LAPJES:
            titel = f"Samenwerkingen{achter}"
        else:
            titel = f"Aantal samenwerkingen per gemeente{achter}"
        partners = self.partners(selectie) if weergave == PARTNERS else []
        beeld = {
            "titel": titel,
            "weergave": weergave,
            "selectie": selectie,
            "gemeenten": [
                {"gemeente": g, "samenwerkingen": per_gemeente[g.cbs_code]} for g in self.gemeenten
            ],
            "samenwerking": samenwerking,
            "thema": filter_tekst,
            "gemeente": gemeente,
            "partners": partners,
            "lijst_url": self.url("gemeenten:samenwerkingen"),
            "csv_url": self.url("gemeenten:samenwerkingen_csv"),
            "wis_samenwerking_url": f"{reverse('gemeenten:kaart')}?"
            + urlencode(self.query(samenwerking=None)),
        }
        beeld["tekenen"] = self.tekenen(beeld, per_gemeente, filter_tekst)
        return beeld

    def tekenen(self, beeld, per_gemeente, filter_tekst):
        """What the JavaScript paints: per municipality (CBS code) its fill (palette slots
        or a named colour), outline, tooltip number, overlap label and the arrangements of
        its popup (indices into `samenwerkingen`); the legend; the URL of the state."""
        weergave, selectie = beeld["weergave"], beeld["selectie"]
        gemeente = beeld["gemeente"]
        in_popup = weergave != SAMENWERKING and any(
            self.staat[naam] for naam in (*SMALLERE_FILTERS, "regio")
        )
        popup_lijst = {}  # slug -> index in `samenwerkingen`
        vlakken = {}
        gedeeld = {rij["gemeente"].cbs_code: rij["aantal"] for rij in beeld["partners"]}
        if weergave in (INTENSITEIT, PARTNERS):
            aantallen = (
                gedeeld
                if weergave == PARTNERS
                else {code: len(lijst) for code, lijst in per_gemeente.items()}
            )
            klassen = intensiteitsklassen(max(aantallen.values(), default=0))
        for code, hier in per_gemeente.items():
            vlak = {"n": len(hier)}
            if weergave == SAMENWERKING:
                deelnemer = code in beeld["samenwerking"]["gemeenten"]
                vlak = {"v": ["accent" if deelnemer else "grijs"]}
                if not deelnemer:
                    vlak["dof"] = 1
            elif weergave == LAPJES:
                vlak["v"] = [f"kleur-{s['kleur']}" for s in hier[:MAX_STREPEN]] or ["grijs"]
                if len(hier) > 1:
                    vlak["rand"] = "overlap"
                    vlak["label"] = len(hier)
            elif weergave == PARTNERS and code == gemeente.cbs_code:
                vlak["v"], vlak["rand"] = ["focus"], "focus"
            else:
                vlak["n"] = aantallen.get(code, 0)
                vlak["v"] = [intensiteitsvulling(klassen, vlak["n"])]
            if weergave == PARTNERS and code != gemeente.cbs_code:
                vlak["gedeeld"] = gedeeld.get(code, 0)
            if in_popup:
                vlak["s"] = [
                    popup_lijst.setdefault(s["slug"], len(popup_lijst)) for s in hier[:MAX_IN_POPUP]
                ]
                vlak["meer"] = max(0, len(hier) - MAX_IN_POPUP)
            vlakken[code] = vlak
        op_slug = {s["slug"]: s for s in selectie}
        samenwerkingen = [
            {"naam": op_slug[slug]["naam"], "url": self.pagina_url("samenwerking", slug)}
            for slug in popup_lijst
        ]
        samenwerking = beeld["samenwerking"]
        return {
            "weergave": weergave,
            "titel": beeld["titel"],
            "query": urlencode(self.query()),
            "staat": self.staat,
            "lijst": beeld["lijst_url"],
            "vlakken": vlakken,
            "samenwerkingen": samenwerkingen,
            "keuze": (f"in {filter_tekst}" if filter_tekst else "in deze keuze")
            if in_popup
            else "",
            # The query a link to a profile carries (the selection, without `gemeente`).
            "mee": urlencode(self.filterset.query(gemeente=None)),
            "uitgelicht": samenwerking
            and {
                "naam": samenwerking["naam"],
                "url": self.pagina_url("samenwerking", samenwerking["slug"]),
                "gemeenten": samenwerking["gemeenten"],
            },
            "partner": gemeente.naam if weergave == PARTNERS else None,
            "legenda": self.legenda(beeld, klassen if weergave in (INTENSITEIT, PARTNERS) else []),
        }

    def legenda(self, beeld, klassen):
        weergave = beeld["weergave"]
        if weergave == SAMENWERKING:
            regels = [
                {"kleur": "accent", "tekst": f"Deelnemer aan {beeld['samenwerking']['naam']}"},
                {"kleur": "grijs", "tekst": "Overige gemeenten"},
            ]
            return {"titel": "Legenda", "regels": regels}
        if weergave == LAPJES:
            aantal = len(beeld["selectie"])
            return {
                "titel": f"{aantal} samenwerking{'' if aantal == 1 else 'en'}",
                "regels": [
                    {"kleur": "kleur-0", "tekst": "één samenwerking: haar kleur (zie de tabel)"},
                    {
                        "kleur": "overlap",
                        "tekst": "meer dan één: gestreept, dikke rand, met het aantal",
                    },
                    {"kleur": "grijs", "tekst": "geen"},
                ],
            }
        regels = intensiteitslegenda(klassen)
        if weergave == PARTNERS:
            naam = beeld["gemeente"].naam
            regels.insert(0, {"kleur": "focus", "tekst": naam})
            return {"titel": f"Gedeelde samenwerkingen met {naam}", "regels": regels}
        return {"titel": "Aantal samenwerkingen", "regels": regels}


def _plat(keuzes):
    """Choices with their groups flattened."""
    for waarde, label in keuzes:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield waarde, label


class KaartView(PeildatumMixin, TemplateView):
    """/kaart/: the map with its controls, legend and the equivalent table.

    `?deel=tabel` returns the table alone, with what the map paints as `json_script`: the
    page's JavaScript fetches it when the state changes, so every view comes from here.
    """

    template_name = "gemeenten/kaart.html"
    tabel_template = "gemeenten/_kaart_tabel.html"
    enkelvoudige_parameters = SamenwerkingFilter.parameters + Kaartweergave.parameters

    def get(self, request, *args, **kwargs):
        filterset = SamenwerkingFilter(
            request.GET,
            queryset=Samenwerking.objects.met_stand(self.peildatum),
            peildatum=self.peildatum,
        )
        self.beeld = Kaartbeeld(self.peildatum, filterset, request.GET)
        if self.beeld.form.cleaned_data.get("deel") == "tabel":
            self.template_name = self.tabel_template
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=200 if self.beeld.geldig else 400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        beeld = self.beeld
        context.update(
            filter=beeld.filterset,
            form=beeld.form,
            fouten=beeld.fouten,
            staat=beeld.staat,
            beeld=beeld.context(),
            kaartconfig={
                "geojson": geojson_url(self.peildatum),
                "peildatum": self.peildatum.code,
                "tegels": tegellaag(),
                "urls": {"kaart": self.request.path},
            },
        )
        return context
