"""The map: the municipality polygons as GeoJSON, the /kaart/ page and the mini-maps.

The selection of a map view is the list's filterset (gemeenten/filters.py): the map shows
exactly what /samenwerkingen/ lists for the same query string. This module decides what a
view shows — which arrangements, their colours (palette slots, defined once as CSS custom
properties in static/css/kaart.css), the overlaps, the legend and the table — and hands it
to the page as `json_script`. The JavaScript (static/js/kaartpagina.js) only paints that on
the cached GeoJSON of the snapshot and keeps the URL in step.
"""

import functools
import math
from collections import defaultdict
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.gzip import gzip_page
from django.views.generic import TemplateView

from . import congruentie, kaartlagen, netwerk, queries, vergelijk
from .filters import SamenwerkingFilter
from .models import Gemeente, Samenwerking, rangschik_partners
from .peildatum import JsonPeildatumMixin, PeildatumMixin
from .serialisers import Rij, als_kaart

# Browsers and proxies may keep the GeoJSON this long: it changes only when the dataset is
# reloaded, and it is the largest response of the site.
GEOJSON_MAX_AGE = 60 * 60
GEOJSON_PRECISION = 5


def _codes(gemeenten):
    """CBS codes of Gemeente objects or code strings, in order, without duplicates."""
    return list(dict.fromkeys(g.cbs_code if isinstance(g, Gemeente) else str(g) for g in gemeenten))


def geojson_url(peildatum, gebied=None):
    """The GeoJSON of a snapshot; of an area's overview level when `gebied` is not the
    default (the north: the detailed level, the URL it always had)."""
    url = f"{reverse('gemeenten:gemeenten_geojson')}?peildatum={peildatum.code}"
    if gebied is not None and not gebied.standaard:
        url += f"&gebied={gebied.code}"
    return url


def kaartlagen_config(peildatum, gebied):
    """What the page's script needs to load the layers: the first layer (`geojson`), and
    for an area beyond the north the detailed northern layer it swaps in from `zoom` on,
    where the overview's features say `detail` (the north itself: no key, so its page keeps
    its bytes)."""
    config = {"geojson": geojson_url(peildatum, gebied)}
    if not gebied.standaard:
        config["detail"] = {"url": geojson_url(peildatum), "zoom": kaartlagen.DETAIL_ZOOM}
    return config


def tegellaag():
    """The basemap layer for the JavaScript; an empty URL means: no basemap at all."""
    return {"url": settings.MAP_TILE_URL, "attributie": settings.MAP_TILE_ATTRIBUTION}


def mini_kaart(peildatum, markeer=(), focus=None, modus="markeer", aantallen=None, gebied=None):
    """Configuration of a small map for another page (render it with _minikaart.html).

    `markeer`: municipalities (Gemeente objects or CBS codes) to highlight; `focus`: the one
    municipality the page is about (drawn strongest, the map zooms to it and the highlighted
    ones). `modus` "intensiteit" colours every municipality by its number of arrangements,
    `aantallen` ({CBS code: number}), in the classes of the /kaart/ page. `gebied` (an area
    of gemeenten/gebied.py; default the north) draws that area's overview level.
    """
    if modus not in ("markeer", "intensiteit"):
        raise ValueError(f"Unknown mini-map mode {modus!r}: use 'markeer' or 'intensiteit'.")
    (focus_code,) = _codes([focus]) if focus is not None else (None,)
    config = {
        "geojson": geojson_url(peildatum, gebied),
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
    """The municipality polygons of one snapshot as a FeatureCollection, at the level of
    detail of the area (gemeenten/kaartlagen.py): without `gebied` (the north) the detailed
    northern boundaries in the snapshot's boundary year, exactly as before the national
    import; `gebied=nederland` or a province the national generalised boundaries of the
    area's municipalities.

    Properties: cbs_code, naam, slug, provincie, aantal (arrangements at the peildatum, regional
    divisions not counted, as in the list of arrangements), url (the profile at that peildatum);
    the overview level adds `detail` (a detailed boundary exists). Served from the stored
    layer, with its ETag and gzip bytes.
    """

    def get(self, request):
        laag = kaartlagen.laag(self.peildatum, self.gebied)
        # The ETag is the content's: a browser that has this snapshot gets a 304, not 100 kB.
        response = get_conditional_response(request, etag=laag.etag)
        if response is None:
            if "gzip" in request.headers.get("Accept-Encoding", ""):
                # Gzipped once when the layer was stored (gzip_page leaves it alone).
                response = HttpResponse(laag.gzip, content_type="application/geo+json")
                response["Content-Encoding"] = "gzip"
            else:
                response = HttpResponse(laag.inhoud, content_type="application/geo+json")
            response["ETag"] = laag.etag
        patch_vary_headers(response, ["Accept-Encoding"])
        patch_cache_control(response, public=True, max_age=GEOJSON_MAX_AGE)
        return response

    def feature_collection(self, peildatum):
        """The detailed layer's text (as the view served it before the layers were stored)."""
        return kaartlagen.detail_geojson(peildatum)


# ---- colours: slots of the palette in kaart.css, never colour values --------------------

# The patchwork palette has this many colours, `--kaart-kleur-0` … in static/css/kaart.css
# (tests/test_kaart_selectie.py checks that the two agree): the number of arrangements one
# view can tell apart by colour, also for colour-blind readers (Paul Tol's "muted" scheme,
# the largest of his colour-blind-safe qualitative schemes; see docs/kaart.md). No colour is
# used twice in a view: beyond this number arrangements get none (netwerk.kleuren).
PALET_GROOTTE = 9
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
CONGRUENTIE = "congruentie"
WEERGAVEN = (
    (INTENSITEIT, "Aantal samenwerkingen per gemeente"),
    (LAPJES, "Samenwerkingen in kleur (lappendeken)"),
    (PARTNERS, "Met wie werkt een gemeente samen"),
    (CONGRUENTIE, "Steeds dezelfde partners? (congruentie)"),
)
NETWERK, VERGELIJK = "netwerk", "vergelijk"
WEERGAVEN += ((NETWERK, "Netwerk"),)
WEERGAVEN += ((VERGELIJK, "Vergelijken"),)
# The pair table of the network view shows this many pairs; the CSV has them all.
MAX_PAREN_IN_TABEL = 50
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
            "invalid_choice": "Onbekende weergave: kies "
            + ", ".join(waarde for waarde, _ in WEERGAVEN[:-1])
            + f" of {WEERGAVEN[-1][0]}."
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

    vergelijk = forms.ChoiceField(
        label="Vergelijk met",
        required=False,
        error_messages={
            "invalid_choice": "Onbekende vergelijking: kies een regio-indeling of een thema "
            "uit de lijst."
        },
    )

    parameters = ("weergave", "samenwerking", "deel", "vergelijk")

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
    choice lists, each at most once) and the arrangements with their participants (three);
    the network and compare views read the boundaries too (`grenzen`, one more)."""

    def __init__(self, peildatum, filterset, data):
        self.peildatum = peildatum
        self.filterset = filterset
        filterset.form.auto_id = "keuze-%s"
        filterset.is_valid()
        self.selectie_data = getattr(filterset.form, "cleaned_data", {})
        alle = queries.kaart_samenwerkingen(peildatum, filterset.qs, filterset.gebied)
        self.alle = [
            als_kaart(Rij.uit_kaart(s, peildatum, filterset.gebied)) | {"gekozen": s.gekozen}
            for s in alle
        ]
        self.form = Kaartweergave(data, alle)
        # What the congruence, network and compare views need of the arrangements beyond the
        # table row (the congruence counts collaborations only).
        self.objecten = alle
        self.aard = {s.slug: s.aard for s in alle}
        self.form.fields["vergelijk"].choices = [
            ("", "kies een indeling of thema"),
            *vergelijk.keuzes(self.alle, self._taakveldnamen),
        ]
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
        staat["vergelijk"] = self.form.cleaned_data.get("vergelijk", "")
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
        eigen["vergelijk"] = staat["vergelijk"]
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
        return netwerk.kleuren(gekozen, PALET_GROOTTE)

    @functools.cached_property
    def grenzen(self):
        """The snapshot's boundaries (one query; only the network and compare views, and
        the map files, need them)."""
        return netwerk.grenzen(self.peildatum, self.filterset.gebied)

    def smallere_keuzes(self, selectie):
        """Links to the narrower selections whose arrangements all get their own colour."""
        form = self.filterset.form
        labels = {
            naam: {waarde: str(label).strip() for waarde, label in _plat(form.fields[naam].choices)}
            for naam in ("grootte", "reikwijdte", "soort", "provincie")
        }
        labels["taakveld"] = self._taakveldnamen
        provincie_van = {g.cbs_code: g.provincie.slug for g in self.gemeenten}
        groepen = netwerk.smallere_keuzes(
            selectie, self.staat, provincie_van, labels, PALET_GROOTTE
        )
        woorden = {
            "taakveld": "thema",
            "grootte": "grootte",
            "reikwijdte": "reikwijdte",
            "soort": "soort",
            "provincie": "provincie",
        }
        pad = reverse("gemeenten:kaart")
        for groep in groepen:
            groep["woord"] = woorden[groep["filter"]]
            for keuze in groep["keuzes"]:
                extra = {groep["filter"]: keuze["waarde"], "samenwerking": None}
                keuze["url"] = f"{pad}?{urlencode(self.query(**extra))}"
        return groepen

    @functools.cached_property
    def _taakveldnamen(self):
        namen = {}
        for s in self.objecten:
            namen[s.taakveld.code] = f"{s.taakveld.code} {s.taakveld.naam}"
            hoofd = s.taakveld.hoofdtaakveld
            namen[hoofd.code] = f"{hoofd.code} {hoofd.naam}"
        return namen

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
        elif weergave == CONGRUENTIE:
            titel = f"Steeds dezelfde partners? Congruentie per gemeente{achter}"
        elif weergave == NETWERK:
            titel = f"Wie werkt met wie{achter}"
        elif weergave == VERGELIJK and self.staat["vergelijk"]:
            titel = f"Samenwerkingen{achter} vergeleken met {self.vergelijk_label()}"
        elif weergave == VERGELIJK:
            titel = f"Samenwerkingen{achter}: vergelijk met een andere indeling"
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
        if weergave == CONGRUENTIE:
            beeld["congruentie"] = self.congruentie(selectie)
        beeld |= self.extra_context(weergave, selectie)
        beeld["tekenen"] = self.tekenen(beeld, per_gemeente, filter_tekst)
        return beeld

    def vergelijk_label(self):
        waarde = self.staat["vergelijk"]
        keuzes = dict(_plat(self.form.fields["vergelijk"].choices))
        if waarde in vergelijk.indelingen():
            return keuzes.get(waarde, waarde)
        return f"Thema {keuzes.get(waarde, waarde)}"

    def extra_context(self, weergave, selectie):
        """What the patchwork, network and compare views add (netwerk.py, vergelijk.py)."""
        extra = {"te_veel": False, "dichtheid": [], "paren": [], "vergelijking": None}
        if weergave == LAPJES:
            extra["dichtheid"] = netwerk.dichtheid(selectie, self.gemeenten)
            if len(selectie) > PALET_GROOTTE:
                extra["te_veel"] = True
                extra["smaller"] = self.smallere_keuzes(selectie)
                extra["palet_grootte"] = PALET_GROOTTE
                extra["ongekleurd"] = sum(1 for s in selectie if s["kleur"] is None)
        elif weergave == NETWERK:
            extra["paren"] = netwerk.paren(selectie, self.gemeenten)
            extra["max_paren"] = MAX_PAREN_IN_TABEL
            extra["paren_csv_url"] = self.filterset.url(reverse("gemeenten:kaart_paren_csv"))
        elif weergave == VERGELIJK:
            extra["vergelijk_keuzes"] = self.form.fields["vergelijk"].choices[1:]
            extra["vergelijk_mee"] = self.query(vergelijk=None)
        if weergave == VERGELIJK and self.staat["vergelijk"]:
            b = vergelijk.selectie_b(
                self.alle, self.staat["vergelijk"], self.aard, self.staat["regio"]
            )
            extra["vergelijking"] = vergelijk.vergelijking(selectie, b, self.gemeenten)
            extra["vergelijking"]["b"] = b
            extra["vergelijking"]["label"] = self.vergelijk_label()
        return extra

    def tekenen(self, beeld, per_gemeente, filter_tekst):
        """What the JavaScript paints: per municipality (CBS code) its fill (palette slots
        or a named colour), outline, tooltip number, overlap label and the arrangements of
        its popup (indices into `samenwerkingen`); the legend; the URL of the state."""
        weergave, selectie = beeld["weergave"], beeld["selectie"]
        gemeente = beeld["gemeente"]
        in_popup = weergave not in (SAMENWERKING, CONGRUENTIE) and any(
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
                vlak["v"] = netwerk.strepen(hier, MAX_STREPEN)
                if len(hier) > 1:
                    vlak["rand"] = "overlap"
                    vlak["label"] = len(hier)
            elif weergave == CONGRUENTIE:
                vlak.update(beeld["congruentie"]["vlakken"][code])
            elif weergave == PARTNERS and code == gemeente.cbs_code:
                vlak["v"], vlak["rand"] = ["focus"], "focus"
            elif weergave == NETWERK:
                vlak["v"] = ["netwerk"]  # the lines tell; `n` stays its arrangements
            elif weergave == VERGELIJK:
                status = (beeld["vergelijking"] or {"status": {}})["status"].get(code)
                vlak["v"] = [f"vergelijk-{status}" if status else "grijs"]
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
        extra, lijn = {}, []
        if weergave == NETWERK:
            lijn = netwerk.lijnklassen(max((rij["aantal"] for rij in beeld["paren"]), default=0))
            extra["lijnen"] = self.lijnen(beeld["paren"], lijn)
        elif weergave == VERGELIJK:
            if beeld["vergelijking"]:  # without B: nothing to outline yet
                extra["omtrekken"] = self.omtrekken(beeld["selectie"], beeld["vergelijking"]["b"])
        return extra | {
            "weergave": weergave,
            "titel": beeld["titel"],
            "query": urlencode(self.query()),
            # `vergelijk` only when set: the page's form has that field only then.
            "staat": {k: v for k, v in self.staat.items() if v or k != "vergelijk"},
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
            "legenda": self.legenda(
                beeld, klassen if weergave in (INTENSITEIT, PARTNERS) else lijn
            ),
        }

    def lijnen(self, paren, klassen):
        """The network as the painter draws it: label points ({CBS code: [lat, lon]}) and
        lines [code, code, line class, number shared], lightest first (heaviest on top)."""
        punten = netwerk.labelpunten(self.grenzen)
        lijnen = []
        for rij in reversed(paren):
            a, b, aantal = rij["a"].cbs_code, rij["b"].cbs_code, rij["aantal"]
            if a in punten and b in punten:
                lijnen.append([a, b, netwerk.lijnklasse(klassen, aantal), aantal])
        return {"punten": punten, "lijnen": lijnen}

    def omtrekken(self, selectie_a, selectie_b):
        """The outline of every region of A and of B: [{"kant": "a"|"b", "naam", "lijnen"}]
        (lines of [lat, lon]), from the boundaries of their municipalities."""
        op_code = {grens.gemeente.cbs_code: grens.kaartgeometrie for grens in self.grenzen}
        uitkomst = []
        for kant, selectie in (("a", selectie_a), ("b", selectie_b)):
            for s in selectie:
                vlakken = [op_code[c] for c in dict.fromkeys(s["gemeenten"]) if c in op_code]
                if vlakken:
                    lijnen = netwerk.omtrek(vlakken)
                    uitkomst.append({"kant": kant, "naam": s["naam"], "lijnen": lijnen})
        return uitkomst

    def legenda(self, beeld, klassen):
        weergave = beeld["weergave"]
        if weergave == CONGRUENTIE:
            return beeld["congruentie"]["legenda"]
        if weergave == NETWERK:
            regels = [
                {"kleur": slot, "tekst": f"{van if van == tot else f'{van}–{tot}'} gedeeld"}
                for van, tot, slot in klassen
            ]
            return {"titel": "Lijn: gedeelde samenwerkingen", "regels": regels}
        if weergave == VERGELIJK:
            label = beeld["vergelijking"]["label"] if beeld["vergelijking"] else "nog niet gekozen"
            regels = [
                {
                    "kleur": "vergelijk-anders",
                    "tekst": "andere partners in A dan in B: hier snijdt een grens",
                },
                {"kleur": "vergelijk-gelijk", "tekst": "dezelfde partners in A en B"},
                {"kleur": "vergelijk-alleen-a", "tekst": "alleen in A"},
                {"kleur": "vergelijk-alleen-b", "tekst": "alleen in B"},
                {"kleur": "omtrek-a", "tekst": "doorgetrokken rand: een gebied van A (de keuze)"},
                {"kleur": "omtrek-b", "tekst": f"onderbroken rand: een gebied van B ({label})"},
            ]
            return {"titel": "Vergelijking", "regels": regels}
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
                ]
                + (
                    [{"kleur": "ongekleurd", "tekst": "samenwerking zonder eigen kleur (te veel)"}]
                    if any(s["kleur"] is None for s in beeld["selectie"])
                    else []
                ),
            }
        regels = intensiteitslegenda(klassen)
        if weergave == PARTNERS:
            naam = beeld["gemeente"].naam
            regels.insert(0, {"kleur": "focus", "tekst": naam})
            return {"titel": f"Gedeelde samenwerkingen met {naam}", "regels": regels}
        return {"titel": "Aantal samenwerkingen", "regels": regels}

    def congruentie(self, selectie):
        """The congruence view: per municipality its figures (gemeenten/congruentie.py) over
        the collaborations of the selection, the region ranking, the class of each (its fill,
        the tooltip's figure and the popup's sentence) and the legend."""
        scores = congruentie.bereken(
            congruentie.uit_kaartselectie(selectie, self.aard),
            [g.cbs_code for g in self.gemeenten],
        )
        klassen = congruentie.klassen(scores)
        vlakken = {}
        for code, score in scores.items():
            if score.jaccard is None:
                tekst = f"Congruentie niet te bepalen: {score.reden_jaccard}."
                vlakken[code] = {"v": ["grijs"], "n": "niet te bepalen", "tekst": tekst}
                continue
            tekst = (
                f"Gemiddelde overeenkomst van de partners: {congruentie.getal(score.jaccard)} "
                f"(over {score.samenwerkingen} samenwerkingen met {score.partners} partners)"
            )
            if score.gedeeld is not None:
                tekst += (
                    f"; {score.terugkerend} van de {score.partners} partners in twee of meer "
                    "thema's"
                )
            vlakken[code] = {
                "v": [congruentie.klasse(klassen, score)],
                "n": congruentie.getal(score.jaccard),
                "tekst": tekst + ".",
            }
        namen = {g.cbs_code: g for g in self.gemeenten}
        woorden = {
            congruentie.KLASSEN[0]: "minst vaak dezelfde partners",
            congruentie.KLASSEN[1]: "daartussen",
            congruentie.KLASSEN[2]: "vaakst dezelfde partners",
        }
        regels = (
            [{"kleur": "grijs", "tekst": "niet te bepalen"}]
            if None in (s.jaccard for s in scores.values())
            else []
        )
        regels += [
            {
                "kleur": k["slot"],
                "tekst": f"{congruentie.bereik(k)}: {woorden[k['slot']]} "
                f"({k['aantal']} gemeente{'' if k['aantal'] == 1 else 'n'})",
            }
            for k in klassen
        ]
        return {
            "ranglijst": [
                {"rang": rang, "score": score, "gemeente": namen[score.code]}
                for rang, score in congruentie.rangschik(
                    scores, {code: g.naam for code, g in namen.items()}
                )
            ],
            "spreiding": congruentie.spreiding(s.jaccard for s in scores.values()),
            "spreiding_gedeeld": congruentie.spreiding(s.gedeeld for s in scores.values()),
            # The table marks "one theme only" with an asterisk and says it once, below.
            "een_thema": next(
                (
                    s.reden_gedeeld
                    for s in scores.values()
                    if s.jaccard is not None and s.gedeeld is None
                ),
                "",
            ),
            "vlakken": vlakken,
            "legenda": {
                "titel": "Gemiddelde overeenkomst van de partners (Jaccard)",
                "regels": regels,
            },
        }


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
            gebied=self.gebied,
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
                **kaartlagen_config(self.peildatum, self.gebied),
                "peildatum": self.peildatum.code,
                # The area (gemeenten/gebied.py): its code, name and provinces' CBS codes.
                "gebied": {
                    "code": self.gebied.code,
                    "naam": self.gebied.naam,
                    "provincies": list(self.gebied.provincies),
                },
                "tegels": tegellaag(),
                "urls": {"kaart": self.request.path},
            },
        )
        return context
