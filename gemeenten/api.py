"""The JSON API (documented in docs/api.md and docs/openapi.yaml).

- /api/samenwerkingen.json?<the filters of /samenwerkingen/>: the same selection as the list
- /api/samenwerkingen/<slug>.json?peildatum=…: one arrangement with its history
- /api/zoeken.json?q=…&peildatum=…: what /zoeken/ finds, in one ranked list (the map's search)

Each takes `gebied` (gemeenten/gebied.py) like the pages; an answer for another area than
the default says which in `gebied` (the default's answer keeps the bytes it always had).

Errors are JSON too: `{"fout": "…"}` with status 400 (bad parameter) or 404.
"""

from django.http import JsonResponse
from django.views import View

from . import queries
from .filters import MAX_ZOEKTERM, SamenwerkingFilter
from .models import Gemeente, Samenwerking
from .peildatum import JsonPeildatumMixin, met_peildatum
from .serialisers import Rij, als_json, datum, peildatum_json

API_VERSIE = 1


def gebied_json(gebied):
    """{"gebied": {"code", "naam"}} for an answer about another area than the default, {}
    for the default: an existing URL keeps its bytes."""
    if gebied.standaard:
        return {}
    return {"gebied": {"code": gebied.code, "naam": gebied.naam}}


def json_response(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data, read-only
    return response


class SamenwerkingenApiView(JsonPeildatumMixin, View):
    enkelvoudige_parameters = SamenwerkingFilter.parameters

    def get(self, request):
        filterset = SamenwerkingFilter.voor_export(request, self.peildatum, self.gebied)
        if not filterset.is_valid():
            return self.ongeldig(
                "Deze selectie kan niet.",
                velden={veld: list(fouten) for veld, fouten in filterset.errors.items()},
            )
        resultaten = [
            als_json(Rij.uit_export(samenwerking, self.peildatum, self.gebied), request)
            for samenwerking in filterset.qs
        ]
        filters = {
            naam: waarde
            for naam, waarde in filterset.form.cleaned_data.items()
            if waarde not in (None, "", False)
        }
        return json_response(
            {
                "api_versie": API_VERSIE,
                "peildatum": peildatum_json(self.peildatum),
                **gebied_json(self.gebied),
                "filters": filters,
                "aantal": len(resultaten),
                "samenwerkingen": resultaten,
            }
        )

    def ongeldig(self, melding, status=400, velden=None):
        data = {"fout": melding}
        if velden:
            data["velden"] = velden
        return json_response(data, status=status)


class SamenwerkingApiView(JsonPeildatumMixin, View):
    def get(self, request, slug):
        samenwerking = queries.samenwerking_detail().filter(slug=slug).first()
        if samenwerking is None:
            return self.ongeldig("Onbekende samenwerking.", status=404)
        standen = queries.standen_van(samenwerking)
        stand = next((s for s in standen if s.peildatum_id == self.peildatum.pk), None)
        deelnames = list(stand.deelnames.select_related("gemeente", "organisatie")) if stand else []
        data = als_json(Rij(samenwerking, stand, deelnames, self.peildatum, self.gebied), request)
        voorgangers, opvolgers = queries.voorgangers_en_opvolgers(samenwerking)
        data.update(
            api_versie=API_VERSIE,
            peildatum=peildatum_json(self.peildatum),
            **gebied_json(self.gebied),
            in_peildatum=stand is not None,
            start=datum(samenwerking.start),
            eind=datum(samenwerking.eind),
            adres=samenwerking.adres,
            register_id=samenwerking.register_id,
            cbs_gr_code=samenwerking.cbs_gr_code,
            bevoegdheden=samenwerking.bevoegdheden,
            documenten=samenwerking.documenten,
            taakveld_basis=samenwerking.taakveld_basis,
            standen=[
                {
                    "peildatum": peildatum_json(s.peildatum),
                    "naam_in_bron": s.naam_in_bron,
                    "grootte": s.grootte or None,
                    "reikwijdte": s.reikwijdte or None,
                    "aantal_deelnemers": s.aantal_deelnemers,
                    "aantal_gemeenten": s.aantal_gemeenten,
                    "bron": {"naam": s.bron.naam, "url": s.bron.url},
                }
                for s in standen
            ],
            versies=[
                {
                    "register_id": v.register_id,
                    "titel": v.titel,
                    "in_werking": datum(v.in_werking),
                    "buiten_werking": datum(v.buiten_werking),
                    "url": v.url,
                }
                for v in queries.versies_van(samenwerking)
            ],
            voorgangers=[{"slug": s.slug, "naam": s.naam} for s in voorgangers],
            opvolgers=[{"slug": s.slug, "naam": s.naam} for s in opvolgers],
        )
        return json_response(data)


# The search answers with at most this many records.
MAX_TREFFERS = 20


class ZoekenApiView(JsonPeildatumMixin, View):
    """What /zoeken/ finds (queries.zoek), best first: the map's search box takes the first
    record it can show, so the ranking and the typo tolerance live in one place."""

    enkelvoudige_parameters = ("q",)

    def get(self, request):
        q = (request.GET.get("q") or "").strip()
        if len(q) > MAX_ZOEKTERM:
            return self.ongeldig(f"De zoekterm is te lang (meer dan {MAX_ZOEKTERM} tekens).")
        resultaat = queries.zoek(q, self.peildatum, self.gebied)
        return json_response(
            {
                "api_versie": API_VERSIE,
                "peildatum": peildatum_json(self.peildatum),
                **gebied_json(self.gebied),
                "q": q,
                "gezocht": resultaat.gezocht,
                "bedoeld": resultaat.bedoeld,
                "treffers": [self.treffer(r) for r in resultaat.treffers()[:MAX_TREFFERS]],
            }
        )

    def treffer(self, record):
        if isinstance(record, Gemeente):
            kaart = record.op_kaart
            return {
                "soort": "gemeente",
                "naam": record.naam,
                "cbs_code": record.cbs_code,
                "url": met_peildatum(record.get_absolute_url(), self.peildatum, self.gebied),
                "bestaat": record.bestaat_op(self.peildatum.datum),
                "op_kaart": kaart.cbs_code if kaart else None,
                "op_kaart_naam": kaart.naam if kaart else None,
            }
        if isinstance(record, Samenwerking):
            return {
                "soort": "samenwerking",
                "naam": record.naam,
                "weergavenaam": record.korte_naam,
                "slug": record.slug,
                "url": met_peildatum(record.get_absolute_url(), self.peildatum, self.gebied),
                "op_peildatum": record.op_peildatum,
            }
        return {
            "soort": "organisatie",
            "naam": record.naam,
            "organisatie_soort": record.soort,
            "land": record.land,
            "samenwerkingen": [d.stand.samenwerking.slug for d in record.deelnames_op_peildatum],
        }
