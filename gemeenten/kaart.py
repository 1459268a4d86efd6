"""The map: the municipality polygons as GeoJSON, the /kaart/ page and the mini-maps.

The browser draws everything from two sources: the cached GeoJSON of one snapshot (geometry
and a count per municipality) and the arrangements of that snapshot, passed to the page with
`json_script`. The table next to the map is rendered here from the same query parameters, so
every map view also exists without JavaScript.
"""

import hashlib
import json
from collections import defaultdict

from django import forms
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.gzip import gzip_page

from .filters import taakveld_keuzes
from .models import (
    Deelname,
    Gemeente,
    GemeenteGrens,
    Peildatum,
    Samenwerking,
    Schaal,
    Soort,
    Taakveld,
    rangschik_partners,
)
from .peildatum import OngeldigePeildatum, kies_peildatum

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


def mini_kaart(peildatum, markeer=(), focus=None, modus="markeer"):
    """Configuration of a small map for another page (render it with _minikaart.html).

    `markeer`: municipalities (Gemeente objects or CBS codes) to highlight; `focus`: the one
    municipality the page is about (drawn strongest, the map zooms to it and the highlighted
    ones). `modus` "intensiteit" colours every municipality by its number of arrangements.
    """
    if modus not in ("markeer", "intensiteit"):
        raise ValueError(f"Unknown mini-map mode {modus!r}: use 'markeer' or 'intensiteit'.")
    (focus_code,) = _codes([focus]) if focus is not None else (None,)
    return {
        "geojson": geojson_url(peildatum),
        "peildatum": peildatum.code,
        "markeer": _codes(markeer),
        "focus": focus_code,
        "modus": modus,
        "tegels": tegellaag(),
    }


def _fout(melding, status=400):
    return JsonResponse({"fout": melding}, status=status)


@method_decorator(gzip_page, name="dispatch")
class GemeentenGeoJSONView(View):
    """The municipality polygons of one snapshot (in its boundary year) as a FeatureCollection.

    Properties: cbs_code, naam, slug, provincie, aantal (arrangements at the peildatum, regional
    divisions not counted, as in the list of arrangements), url (the profile at that peildatum).
    """

    def get(self, request):
        try:
            peildatum = kies_peildatum(request)
        except OngeldigePeildatum as error:
            return _fout(str(error))
        if peildatum is None:
            return _fout("Er zijn nog geen gegevens geladen.", status=503)
        inhoud = self.feature_collection(peildatum)
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


# ---- the /kaart/ page ------------------------------------------------------------------

# Colours of the patchwork: the JavaScript (kaartpagina.js) and kaart.css (.kleur-N) use the
# same list; an arrangement's colour is its position in the selection modulo this length.
PALET = (
    "#1f78b4",
    "#33a02c",
    "#e31a1c",
    "#ff7f00",
    "#6a3d9a",
    "#b15928",
    "#a6cee3",
    "#b2df8a",
    "#fb9a99",
    "#fdbf6f",
    "#cab2d6",
    "#ffff99",
)

INTENSITEIT, LAPJES, PARTNERS, SAMENWERKING = "intensiteit", "lapjes", "partners", "samenwerking"
WEERGAVEN = (
    (INTENSITEIT, "Aantal samenwerkingen per gemeente"),
    (LAPJES, "Samenwerkingen in kleur (lappendeken)"),
    (PARTNERS, "Met wie werkt een gemeente samen"),
)
JA = {"1", "ja", "on", "true"}


class Kaartgegevens:
    """What the map page of one snapshot knows: themes, municipalities and arrangements.

    Five queries whatever the size of the data.
    """

    def __init__(self, peildatum):
        self.peildatum = peildatum
        self.taakvelden = list(Taakveld.objects.select_related("hoofdtaakveld"))
        self.gemeenten = list(
            Gemeente.objects.op(peildatum.datum).select_related("provincie").order_by("naam")
        )
        self.gemeente_op_code = {gemeente.cbs_code: gemeente for gemeente in self.gemeenten}
        self.samenwerkingen = [
            self._als_dict(samenwerking)
            for samenwerking in Samenwerking.objects.voor_kaart(peildatum)
        ]
        self.op_slug = {s["slug"]: s for s in self.samenwerkingen}

    def _als_dict(self, samenwerking):
        (stand,) = samenwerking.kaart_standen
        gemeenten = sorted(
            (d.gemeente for d in stand.deelnames.all()), key=lambda gemeente: gemeente.naam
        )
        return {
            "slug": samenwerking.slug,
            "naam": samenwerking.naam,
            "afkorting": samenwerking.afkorting,
            "soort": samenwerking.soort,
            "schaal": stand.schaal,
            "taakveld": samenwerking.taakveld.code,
            "hoofdtaakveld": samenwerking.taakveld.hoofdtaakveld.code,
            "gemeenten": [gemeente.cbs_code for gemeente in gemeenten],
            "gemeentenamen": [gemeente.naam for gemeente in gemeenten],
            "url": f"{samenwerking.get_absolute_url()}?peildatum={self.peildatum.code}",
        }

    def thema_namen(self):
        """{code: "code naam"} for every hoofdtaakveld and taakveld."""
        namen = {}
        for taakveld in self.taakvelden:
            hoofd = taakveld.hoofdtaakveld
            namen[hoofd.code] = f"{hoofd.code} {hoofd.naam}"
            namen[taakveld.code] = f"{taakveld.code} {taakveld.naam}"
        return namen

    def thema_keuzes(self):
        return taakveld_keuzes(self.taakvelden)

    def samenwerking_keuzes(self):
        return [
            (s["slug"], f"{s['naam']} ({s['afkorting']})" if s["afkorting"] else s["naam"])
            for s in self.samenwerkingen
        ]


class Kaartkeuze(forms.Form):
    """The state of the map, as in the URL. Every parameter is optional."""

    taakveld = forms.ChoiceField(label="Thema", required=False)
    schaal = forms.ChoiceField(
        label="Schaal", required=False, choices=[("", "Alle schalen"), *Schaal.choices]
    )
    samenwerking = forms.ChoiceField(label="Eén samenwerking", required=False)
    weergave = forms.ChoiceField(
        label="Weergave", required=False, choices=[("", "automatisch"), *WEERGAVEN]
    )
    # The municipality of the "partners" view: its slug or CBS code; cleaned to the slug.
    gemeente = forms.CharField(label="Gemeente (voor ‘met wie’)", required=False)
    # Ticked for 1/ja/on/true, anything else is not ticked (as in the list's filter).
    regio = forms.CharField(label="Ook regio-indelingen", required=False, strip=True)

    def __init__(self, data, gegevens):
        super().__init__(data)
        self.gegevens = gegevens
        self.fields["taakveld"].choices = [("", "Alle thema's"), *gegevens.thema_keuzes()]
        self.fields["samenwerking"].choices = [("", "geen"), *gegevens.samenwerking_keuzes()]
        self.fields["taakveld"].error_messages["invalid_choice"] = (
            "Onbekend thema: kies een taakveld (bijvoorbeeld 7.1) of een hoofdtaakveld "
            "(bijvoorbeeld 7)."
        )
        self.fields["schaal"].error_messages["invalid_choice"] = (
            "Onbekende schaal: kies er een uit de lijst."
        )
        self.fields["samenwerking"].error_messages["invalid_choice"] = (
            "Die samenwerking bestaat niet op deze peildatum."
        )
        self.fields["weergave"].error_messages["invalid_choice"] = (
            "Onbekende weergave: kies intensiteit, lapjes of partners."
        )

    def clean_regio(self):
        return self.cleaned_data["regio"].strip().lower() in JA

    def clean_gemeente(self):
        waarde = self.cleaned_data["gemeente"]
        if not waarde:
            return ""
        for gemeente in self.gegevens.gemeenten:
            if waarde == gemeente.slug or waarde.upper() == gemeente.cbs_code:
                return gemeente.slug
        raise forms.ValidationError("Die gemeente bestaat niet op deze peildatum.")

    def clean(self):
        # The partners view needs a municipality; without a valid one the map falls back to
        # the automatic view (the valid rest of the state).
        if self.cleaned_data.get("weergave") == PARTNERS and not self.cleaned_data.get("gemeente"):
            self.cleaned_data["weergave"] = ""
            if "gemeente" not in self.errors:
                self.add_error("gemeente", "Kies een gemeente voor de weergave ‘met wie’.")
        return self.cleaned_data


def staat_uit(form):
    """The map state: the valid parameters of the form, defaults for the rest."""
    staat = {
        "taakveld": "",
        "schaal": "",
        "samenwerking": "",
        "weergave": "",
        "gemeente": "",
        "regio": False,
    }
    staat.update({k: v for k, v in form.cleaned_data.items() if k in staat})
    if staat["samenwerking"]:
        staat["effectief"] = SAMENWERKING
    elif staat["weergave"]:
        staat["effectief"] = staat["weergave"]
    else:
        staat["effectief"] = LAPJES if staat["taakveld"] or staat["schaal"] else INTENSITEIT
    return staat


def selectie(samenwerkingen, staat):
    """The arrangements a map view colours, in data order (which fixes their colours).

    kaartpagina.js applies the same rules in the browser.
    """
    gekozen = []
    for samenwerking in samenwerkingen:
        if samenwerking["soort"] == Soort.REGIO_INDELING and not staat["regio"]:
            continue
        thema = staat["taakveld"]
        if thema and thema != samenwerking["taakveld"] and thema != samenwerking["hoofdtaakveld"]:
            continue
        if staat["schaal"] and staat["schaal"] != samenwerking["schaal"]:
            continue
        gekozen.append(samenwerking)
    return gekozen


def partners(gegevens, gekozen, gemeente):
    """The municipalities that share arrangements of `gekozen` with `gemeente`, ranked."""
    gedeeld = defaultdict(list)
    for samenwerking in gekozen:
        if gemeente.cbs_code in samenwerking["gemeenten"]:
            for code in samenwerking["gemeenten"]:
                partner = gegevens.gemeente_op_code.get(code)
                if partner is not None and partner != gemeente:
                    gedeeld[partner].append(samenwerking)
    telling = {partner: len(lijst) for partner, lijst in gedeeld.items()}
    return [
        {"gemeente": partner, "aantal": aantal, "samenwerkingen": gedeeld[partner]}
        for partner, aantal in rangschik_partners(telling)
    ]


def kaartbeeld(gegevens, staat):
    """What one map view shows, for the table next to the map (and its title)."""
    namen = gegevens.thema_namen()
    schalen = dict(Schaal.choices)
    gekozen = selectie(gegevens.samenwerkingen, staat)
    kleuren = {s["slug"]: i % len(PALET) for i, s in enumerate(gekozen)}
    per_gemeente = {gemeente.cbs_code: [] for gemeente in gegevens.gemeenten}
    for samenwerking in gekozen:
        for code in samenwerking["gemeenten"]:
            per_gemeente.setdefault(code, []).append(samenwerking)

    delen = []
    if staat["taakveld"]:
        delen.append(f"thema {namen.get(staat['taakveld'], staat['taakveld'])}")
    if staat["schaal"]:
        delen.append(f"schaal {schalen.get(staat['schaal'], staat['schaal'])}")
    filter_tekst = ", ".join(delen)
    samenwerking = gegevens.op_slug.get(staat["samenwerking"])
    gemeente = next((g for g in gegevens.gemeenten if g.slug == staat["gemeente"]), None)
    if staat["effectief"] == SAMENWERKING and samenwerking:
        titel = f"Deelnemers aan {samenwerking['naam']}"
    elif staat["effectief"] == PARTNERS and gemeente:
        titel = f"Met wie werkt {gemeente.naam} samen" + (
            f" ({filter_tekst})" if filter_tekst else ""
        )
    elif staat["effectief"] == LAPJES:
        titel = "Samenwerkingen" + (f" ({filter_tekst})" if filter_tekst else "")
    else:
        titel = "Aantal samenwerkingen per gemeente" + (
            f" ({filter_tekst})" if filter_tekst else ""
        )
    return {
        "titel": titel,
        "weergave": staat["effectief"],
        "selectie": [
            {**s, "kleur": kleuren[s["slug"]], "schaal_label": schalen.get(s["schaal"], "")}
            for s in gekozen
        ],
        "gemeenten": [
            {
                "gemeente": gemeente,
                "samenwerkingen": [
                    {**s, "kleur": kleuren[s["slug"]]} for s in per_gemeente[gemeente.cbs_code]
                ],
            }
            for gemeente in gegevens.gemeenten
        ],
        "samenwerking": samenwerking
        and {**samenwerking, "schaal_label": schalen.get(samenwerking["schaal"], "")},
        "thema": namen.get(staat["taakveld"], ""),
        "gemeente": gemeente,
        "partners": partners(gegevens, gekozen, gemeente)
        if staat["effectief"] == PARTNERS and gemeente
        else [],
    }


class KaartView(View):
    """/kaart/: the map with its controls, legend and the equivalent table.

    `?deel=tabel` returns the table alone: the page's JavaScript fetches it when the map
    state changes, so the table always comes from the server. Six queries.
    """

    template_name = "gemeenten/kaart.html"
    tabel_template = "gemeenten/_kaart_tabel.html"
    parameters = (
        "peildatum",
        "taakveld",
        "schaal",
        "samenwerking",
        "weergave",
        "gemeente",
        "regio",
        "deel",
    )

    def get(self, request):
        for naam in self.parameters:
            if len(request.GET.getlist(naam)) > 1:
                return self.ongeldig(
                    f"De parameter ‘{naam}’ komt meer dan eens voor; geef hem één keer op."
                )
        peildata = list(Peildatum.objects.all())
        try:
            peildatum = kies_peildatum(request, peildata)
        except OngeldigePeildatum as error:
            return self.ongeldig(str(error))
        if peildatum is None:
            return render(request, self.template_name, {"peildatum": None}, status=503)

        gegevens = Kaartgegevens(peildatum)
        form = Kaartkeuze(request.GET, gegevens)
        status = 200 if form.is_valid() else 400
        staat = staat_uit(form)
        context = {
            "peildatum": peildatum,
            "peildata": peildata,
            "form": form,
            "fouten": [fout for fouten in form.errors.values() for fout in fouten],
            "staat": staat,
            "beeld": kaartbeeld(gegevens, staat),
        }
        if request.GET.get("deel") == "tabel":
            return render(request, self.tabel_template, context, status=status)
        context["kaartconfig"] = {
            "geojson": geojson_url(peildatum),
            "peildatum": peildatum.code,
            "tegels": tegellaag(),
            "palet": PALET,
            "staat": {
                k: staat[k]
                for k in ("taakveld", "schaal", "samenwerking", "weergave", "gemeente", "regio")
            },
            "samenwerkingen": [
                {k: v for k, v in s.items() if k != "gemeentenamen"}
                for s in gegevens.samenwerkingen
            ],
            "themas": gegevens.thema_namen(),
            "schalen": dict(Schaal.choices),
            "urls": {"kaart": request.path, "lijst": reverse("gemeenten:samenwerkingen")},
        }
        return render(request, self.template_name, context, status=status)

    def ongeldig(self, melding):
        return render(self.request, "gemeenten/ongeldig.html", {"melding": melding}, status=400)
