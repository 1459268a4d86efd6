"""The JSON API (documented in docs/api.md and docs/openapi.yaml).

- /api/samenwerkingen.json?<the filters of /samenwerkingen/>: the same selection as the list
- /api/samenwerkingen/<slug>.json?peildatum=…: one arrangement with its history

Errors are JSON too: `{"fout": "…"}` with status 400 (bad parameter) or 404.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.views import View

from .filters import SamenwerkingFilter
from .models import Samenwerking, Schaal, Soort, Stand, Versie
from .peildatum import JsonPeildatumMixin
from .views import met_peildatum, voorgangers_en_opvolgers

API_VERSIE = 1


def json_response(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data, read-only
    return response


def datum(waarde):
    return waarde.isoformat() if waarde else None


def peildatum_json(peildatum):
    return {"code": peildatum.code, "datum": datum(peildatum.datum), "naam": peildatum.naam}


def gemeente_deelname(d):
    return {
        "cbs_code": d.gemeente.cbs_code,
        "naam": d.gemeente.naam,
        "slug": d.gemeente.slug,
        "rol": d.rol,
        "toegetreden_op": datum(d.toegetreden_op),
        "uitgetreden_op": datum(d.uitgetreden_op),
    }


def organisatie_deelname(d):
    return {
        "slug": d.organisatie.slug,
        "naam": d.organisatie.naam,
        "soort": d.organisatie.soort,
        "land": d.organisatie.land,
        "rol": d.rol,
        "toegetreden_op": datum(d.toegetreden_op),
        "uitgetreden_op": datum(d.uitgetreden_op),
    }


def taakveld_json(taakveld):
    return {"code": taakveld.code, "naam": taakveld.naam}


def samenwerking_json(request, samenwerking, stand, deelnames, peildatum):
    """An arrangement as the snapshot `stand` (None: not in this snapshot) describes it."""
    bron = stand.bron if stand else samenwerking.bron
    hoofd = samenwerking.taakveld.hoofdtaakveld
    rechtsvorm = samenwerking.rechtsvorm
    pagina = met_peildatum(samenwerking.get_absolute_url(), peildatum)
    api = met_peildatum(reverse("gemeenten:api_samenwerking", args=[samenwerking.slug]), peildatum)
    return {
        "slug": samenwerking.slug,
        "naam": samenwerking.naam,
        "afkorting": samenwerking.afkorting,
        "soort": samenwerking.soort,
        "soort_label": Soort(samenwerking.soort).label,
        "rechtsvorm": {"code": rechtsvorm.code, "naam": rechtsvorm.naam} if rechtsvorm else None,
        "hoofdtaakveld": {"code": hoofd.code, "naam": hoofd.naam},
        "taakveld": taakveld_json(samenwerking.taakveld),
        "overige_taakvelden": [taakveld_json(t) for t in samenwerking.overige_taakvelden.all()],
        "schaal": (stand.schaal or None) if stand else None,
        "schaal_label": Schaal(stand.schaal).label if stand and stand.schaal else None,
        "aantal_deelnemers": stand.aantal_deelnemers if stand else None,
        "gemeenten": [gemeente_deelname(d) for d in deelnames if d.gemeente_id],
        "overige_deelnemers": [organisatie_deelname(d) for d in deelnames if d.organisatie_id],
        "doel": samenwerking.doel,
        "zetel": samenwerking.zetel,
        "website": samenwerking.website,
        "bron": {"naam": bron.naam, "url": bron.url, "licentie": bron.licentie},
        "url": request.build_absolute_uri(pagina),
        "api_url": request.build_absolute_uri(api),
    }


class SamenwerkingenApiView(JsonPeildatumMixin, View):
    enkelvoudige_parameters = SamenwerkingFilter.parameters

    def get(self, request):
        filterset = SamenwerkingFilter.voor_export(request, self.peildatum)
        if not filterset.is_valid():
            return self.ongeldig(
                "Deze selectie kan niet.",
                velden={veld: list(fouten) for veld, fouten in filterset.errors.items()},
            )
        resultaten = []
        for samenwerking in filterset.qs:
            stand = samenwerking.standen_op_peildatum[0]
            resultaten.append(
                samenwerking_json(
                    request, samenwerking, stand, list(stand.deelnames.all()), self.peildatum
                )
            )
        filters = {
            naam: waarde
            for naam, waarde in filterset.form.cleaned_data.items()
            if waarde not in (None, "", False)
        }
        return json_response(
            {
                "api_versie": API_VERSIE,
                "peildatum": peildatum_json(self.peildatum),
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
        samenwerking = (
            Samenwerking.objects.select_related("rechtsvorm", "taakveld__hoofdtaakveld", "bron")
            .prefetch_related("overige_taakvelden")
            .filter(slug=slug)
            .first()
        )
        if samenwerking is None:
            return self.ongeldig("Onbekende samenwerking.", status=404)
        standen = list(
            Stand.objects.filter(samenwerking=samenwerking).select_related("peildatum", "bron")
        )
        stand = next((s for s in standen if s.peildatum_id == self.peildatum.pk), None)
        deelnames = list(stand.deelnames.select_related("gemeente", "organisatie")) if stand else []
        data = samenwerking_json(request, samenwerking, stand, deelnames, self.peildatum)
        voorgangers, opvolgers = voorgangers_en_opvolgers(samenwerking)
        data.update(
            api_versie=API_VERSIE,
            peildatum=peildatum_json(self.peildatum),
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
                    "schaal": s.schaal or None,
                    "aantal_deelnemers": s.aantal_deelnemers,
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
                for v in Versie.objects.filter(samenwerking=samenwerking)
            ],
            voorgangers=[{"slug": s.slug, "naam": s.naam} for s in voorgangers],
            opvolgers=[{"slug": s.slug, "naam": s.naam} for s in opvolgers],
        )
        return json_response(data)
