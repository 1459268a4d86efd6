"""Small builders for test data. Each returns a saved object; arguments override defaults."""

import datetime
import itertools

from django.contrib.gis.geos import MultiPolygon, Polygon

from gemeenten import models
from gemeenten.importers.standen import (
    GROOTTE_VELDEN,
    als_deelnemer,
    gemeenten_per_provincie,
    zet_grootte_en_reikwijdte,
)

_seq = itertools.count(1)


def bron(**kwargs):
    n = next(_seq)
    defaults = dict(
        code=f"test-bron-{n}",
        naam=f"Bron {n}",
        uitgever="Test",
        licentie="CC0",
        peildatum=datetime.date(2026, 5, 16),
    )
    return models.Bron.objects.create(**{**defaults, **kwargs})


def peildatum(code="t2026", datum=datetime.date(2126, 5, 16), grensjaar=2022, **kwargs):
    return models.Peildatum.objects.create(
        code=code, datum=datum, naam=f"stand {datum:%d-%m-%Y}", grensjaar=grensjaar, **kwargs
    )


def provincie(code="PV90", naam="Testprovincie", **kwargs):
    return models.Provincie.objects.create(
        code=code, naam=naam, slug=f"test-{naam.lower()}", **kwargs
    )


def gemeente(provincie, naam=None, cbs_code=None, **kwargs):
    n = next(_seq)
    naam = naam or f"Gemeente {n}"
    defaults = dict(
        cbs_code=cbs_code or f"GM{9000 + n:04d}"[-6:],
        naam=naam,
        slug=f"test-{naam.lower().replace(' ', '-')}-{n}",
        provincie=provincie,
        bron=kwargs.pop("bron", None) or bron(),
    )
    return models.Gemeente.objects.create(**{**defaults, **kwargs})


def vierkant(x, y, size=0.05):
    return MultiPolygon(
        Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))), srid=4326
    )


def taakveld(code="7.1", naam="Volksgezondheid", hoofd=("7", "Volksgezondheid en milieu")):
    hoofdtaakveld, _ = models.Hoofdtaakveld.objects.get_or_create(
        code=hoofd[0], defaults={"naam": hoofd[1]}
    )
    major, minor = code.split(".")
    return models.Taakveld.objects.create(
        code=code,
        naam=naam,
        hoofdtaakveld=hoofdtaakveld,
        volgorde=int(major) * 100 + int(minor),
        bron=bron(),
    )


def samenwerking(taakveld, naam=None, **kwargs):
    n = next(_seq)
    naam = naam or f"Samenwerking {n}"
    defaults = dict(
        slug=f"test-samenwerking-{n}",
        naam=naam,
        soort=models.Soort.GEMEENSCHAPPELIJKE_REGELING,
        taakveld=taakveld,
        taakveld_basis="test",
        soort_basis="test",
        bron=kwargs.pop("bron", None) or bron(),
    )
    return models.Samenwerking.objects.create(**{**defaults, **kwargs})


def stand(samenwerking, peildatum, deelnemers=(), **kwargs):
    """An arrangement's snapshot with `deelnemers` (Gemeente or Organisatie objects); size
    and reach derived from them by the importers' rule, unless `kwargs` sets them."""
    bron_ = kwargs.pop("bron", None) or bron()
    afgeleid = models.Stand()
    zet_grootte_en_reikwijdte(
        afgeleid, [als_deelnemer(d) for d in deelnemers], gemeenten_per_provincie(peildatum)
    )
    velden = {veld: getattr(afgeleid, veld) for veld in GROOTTE_VELDEN}
    stand_ = models.Stand.objects.create(
        samenwerking=samenwerking,
        peildatum=peildatum,
        naam_in_bron=samenwerking.naam,
        bron=bron_,
        **{**velden, **kwargs},
    )
    for deelnemer in deelnemers:
        field = "gemeente" if isinstance(deelnemer, models.Gemeente) else "organisatie"
        models.Deelname.objects.create(
            stand=stand_, naam_in_bron=deelnemer.naam, bron=bron_, **{field: deelnemer}
        )
    return stand_
