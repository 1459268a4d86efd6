"""The map: the municipality polygons as GeoJSON, the /kaart/ page and the mini-maps.

The browser draws everything from two sources: the cached GeoJSON of one snapshot (geometry
and a count per municipality) and the arrangements of that snapshot, passed to the page with
`json_script`. The table next to the map is rendered here from the same query parameters, so
every map view also exists without JavaScript.
"""

import json

from django.conf import settings
from django.http import JsonResponse
from django.http.response import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.gzip import gzip_page

from .models import Deelname, Gemeente, GemeenteGrens
from .peildatum import OngeldigePeildatum, kies_peildatum

# Browsers and proxies may keep the GeoJSON this long: it changes only when the dataset is
# reloaded, and it is the largest response of the site.
GEOJSON_MAX_AGE = 60 * 60
GEOJSON_PRECISION = 5


def _codes(gemeenten):
    """CBS codes of Gemeente objects or code strings, in order, without duplicates."""
    codes = []
    for gemeente in gemeenten:
        code = gemeente.cbs_code if isinstance(gemeente, Gemeente) else str(gemeente)
        if code not in codes:
            codes.append(code)
    return codes


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
            return _fout("Er zijn nog geen gegevens geladen.", status=404)
        response = HttpResponse(
            self.feature_collection(peildatum), content_type="application/geo+json"
        )
        patch_cache_control(response, public=True, max_age=GEOJSON_MAX_AGE)
        return response

    def feature_collection(self, peildatum):
        aantallen = Deelname.objects.zonder_regio_indelingen().aantallen_per_gemeente(peildatum)
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
