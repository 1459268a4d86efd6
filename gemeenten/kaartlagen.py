"""The map's two levels of detail, as precomputed GeoJSON layers.

- **detail**: the northern detailed boundaries (`GemeenteGrens.objects`, the snapshot's
  `grensjaar`), what `/api/gemeenten.geojson?peildatum=…` served before the atlas became
  national, byte for byte. The default area (the north) uses it.
- **overzicht**: the national generalised boundaries (`GemeenteGrens.alle` with `niveau`
  overzicht, the snapshot's `overzichtjaar`), of the municipalities of one area: every one
  for `nederland`, a province's for a province. Each feature says whether a detailed
  boundary exists for it (`detail`), so the page knows where zooming in brings the detailed
  layer (static/js/kaartpagina.js); nothing else in the page depends on the level.

A layer is built once per dataset stamp (DatasetVersie.token) and stored in `Kaartlaag`
with its ETag and gzip bytes: `manage.py kaartlagen` builds all of them after a load, and a
request for a layer not built yet builds and stores it (a test world, a fresh load). No
request rebuilds a stored layer.
"""

import gzip
import hashlib
import json
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction

from .gebied import GEBIEDEN
from .middleware import dataset_version
from .models import Deelname, GemeenteGrens, Kaartlaag, Niveau

PRECISIE = 5
# From this zoom level on, the page swaps the overview polygons of the north for the detailed
# ones (7: the whole country in a 1000 px map; 9: a province).
DETAIL_ZOOM = 9


# ---- building a layer -------------------------------------------------------------------


def _feature(grens, aantallen, peildatum, extra=None):
    gemeente = grens.gemeente
    eigenschappen = {
        "cbs_code": gemeente.cbs_code,
        "naam": gemeente.naam,
        "slug": gemeente.slug,
        "provincie": gemeente.provincie.naam,
        "aantal": aantallen.get(gemeente.pk, 0),
        "url": f"{gemeente.get_absolute_url()}?peildatum={peildatum.code}",
        **(extra or {}),
    }
    return (
        '{"type":"Feature","id":'
        + json.dumps(gemeente.cbs_code)
        + ',"geometry":'
        + grens.kaart_json
        + ',"properties":'
        + json.dumps(eigenschappen)
        + "}"
    )


def _collectie(features):
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def detail_geojson(peildatum):
    """The detailed northern layer: the bytes /api/gemeenten.geojson served before."""
    aantallen = Deelname.objects.samenwerkingen().aantallen_per_gemeente(peildatum)
    grenzen = GemeenteGrens.objects.voor_kaart(peildatum, PRECISIE)
    return _collectie(_feature(g, aantallen, peildatum) for g in grenzen)


def overzicht_geojson(peildatum, gebied):
    """The national generalised layer of `gebied`'s municipalities (every one for the whole
    country); `detail` true where the detailed layer has the municipality too."""
    if peildatum.overzichtjaar is None:
        return _collectie([])
    aantallen = Deelname.objects.samenwerkingen().aantallen_per_gemeente(peildatum)
    grenzen = GemeenteGrens.alle.voor_kaart(peildatum, PRECISIE, niveau=Niveau.OVERZICHT)
    if not gebied.alles:
        grenzen = grenzen.filter(gebied.q("gemeente__"))
    gedetailleerd = set(
        GemeenteGrens.objects.filter(jaar=peildatum.grensjaar).values_list("gemeente_id", flat=True)
    )
    return _collectie(
        _feature(g, aantallen, peildatum, {"detail": g.gemeente_id in gedetailleerd})
        for g in grenzen
    )


def bouw(peildatum, gebied):
    """The GeoJSON text of one layer: the default area gets the detailed level, every other
    area the overview level."""
    return detail_geojson(peildatum) if gebied.standaard else overzicht_geojson(peildatum, gebied)


@dataclass(frozen=True)
class Laag:
    inhoud: bytes
    gzip: bytes
    etag: str


def _laag(inhoud):
    data = inhoud.encode()
    # The ETag of the content (as before the layers were stored): equal bytes, equal ETag.
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    # mtime=0: the gzip bytes depend on the content only.
    return Laag(data, gzip.compress(data, compresslevel=9, mtime=0), etag)


def laag(peildatum, gebied):
    """The stored layer of the current dataset stamp, built and stored first if missing."""
    token = dataset_version()
    rij = (
        Kaartlaag.objects.filter(token=token, peildatum=peildatum.code, gebied=gebied.code)
        .values_list("inhoud", "gzip", "etag")
        .first()
    )
    if rij is not None:
        return Laag(bytes(rij[0]), bytes(rij[1]), rij[2])
    nieuw = _laag(bouw(peildatum, gebied))
    bewaar(token, peildatum, gebied, nieuw)
    return nieuw


def bewaar(token, peildatum, gebied, nieuw):
    try:
        with transaction.atomic():
            Kaartlaag.objects.exclude(token=token).delete()  # older stamps: never read again
            Kaartlaag.objects.create(
                token=token,
                peildatum=peildatum.code,
                gebied=gebied.code,
                inhoud=nieuw.inhoud,
                gzip=nieuw.gzip,
                etag=nieuw.etag,
            )
    except IntegrityError:
        pass  # another process stored the same layer first: the same bytes
    except DatabaseError:
        # Storing is an optimisation: a database that cannot take the write now (SQLite
        # locked by another writer, a read-only replica) still gets the layer served; the
        # next request tries again.
        pass


def bouw_alle(peildata):
    """Build and store every layer (each snapshot × each area) of the current stamp."""
    token = dataset_version()
    gebouwd = []
    for peildatum in peildata:
        for gebied in GEBIEDEN:
            Kaartlaag.objects.filter(
                token=token, peildatum=peildatum.code, gebied=gebied.code
            ).delete()
            nieuw = _laag(bouw(peildatum, gebied))
            bewaar(token, peildatum, gebied, nieuw)
            gebouwd.append((peildatum.code, gebied.code, len(nieuw.inhoud), len(nieuw.gzip)))
    return gebouwd
