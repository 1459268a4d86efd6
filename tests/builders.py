"""Test worlds for the site tests, built next to (never instead of) the real dataset.

Codes cannot collide with real data: provinces PV9x, municipalities GM9xxx, taakvelden 9x.y,
slugs with a `test-` prefix, peildatum codes starting with `t`. Tests filter on these rows.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from gemeenten import models

from . import factories

_seq = itertools.count(1)


def peildatum():
    """The real latest snapshot if the dataset is loaded (so the test rows show on the real
    pages, next to the real data), else a test snapshot."""
    laatste = models.Peildatum.objects.laatste()
    if laatste is not None:
        return laatste
    return factories.peildatum(code="t2026", datum=datetime.date(2026, 5, 16))


def provincie(naam="Testland"):
    n = next(_seq)
    return models.Provincie.objects.create(
        code=f"PV9{n % 10}", naam=f"{naam} {n}", slug=f"test-{naam.lower()}-{n}"
    )


def gemeente(provincie, naam="Test", **kwargs):
    n = next(_seq)
    return factories.gemeente(
        provincie, naam=f"{naam} {n}", cbs_code=f"GM9{n % 1000:03d}", **kwargs
    )


def voormalige_gemeente(provincie, opvolger, naam="Test Oud"):
    """A municipality that ended on 2001-12-31 and merged wholly into `opvolger`."""
    oud = gemeente(provincie, naam=naam, geldig_tot=datetime.date(2001, 12, 31))
    models.Herindeling.objects.create(
        datum=datetime.date(2002, 1, 1),
        voorganger=oud,
        opvolger=opvolger,
        soort=models.Herindeling.Soort.FUSIE,
        deel=models.Herindeling.Deel.GEHEEL,
        bron=factories.bron(),
    )
    return oud


def taakveld(code="97.1", naam="Testtaak", hoofd=("97", "Testhoofdtaakveld")):
    bestaand = models.Taakveld.objects.filter(code=code).first()
    return bestaand or factories.taakveld(code=code, naam=naam, hoofd=hoofd)


def rechtsvorm(code="test-openbaar-lichaam", naam="Test openbaar lichaam"):
    return models.Rechtsvorm.objects.get_or_create(
        code=code, defaults={"naam": naam, "definitie": "test", "bron": factories.bron()}
    )[0]


def samenwerking(taakveld, naam="Testregeling", **kwargs):
    n = next(_seq)
    kwargs.setdefault("slug", f"test-{naam.lower().replace(' ', '-')}-{n}")
    return factories.samenwerking(taakveld, naam=f"{naam} {n}", **kwargs)


@dataclass
class Wereld:
    """A province with municipalities and arrangements between them, at one peildatum."""

    peildatum: models.Peildatum
    provincie: models.Provincie
    gemeenten: list
    samenwerkingen: list = field(default_factory=list)
    organisatie: models.Organisatie | None = None

    @property
    def slugs(self):
        return {s.slug for s in self.samenwerkingen}


def wereld(aantal_gemeenten=6, aantal_samenwerkingen=4, deelnemers_per_samenwerking=3):
    """`aantal_samenwerkingen` arrangements with `deelnemers_per_samenwerking` municipalities
    each (plus an outside organisation in every second one), themes 97.1 and 97.2 alternating.
    Enough rows that an N+1 query shows in a query count."""
    pd = peildatum()
    prov = provincie()
    gemeenten = [gemeente(prov) for _ in range(aantal_gemeenten)]
    org = models.Organisatie.objects.create(
        slug=f"test-waterschap-{next(_seq)}",
        naam="Testwaterschap",
        soort=models.Organisatie.Soort.WATERSCHAP,
        bron=factories.bron(),
    )
    taken = [taakveld("97.1", "Testtaak een"), taakveld("97.2", "Testtaak twee")]
    vorm = rechtsvorm()
    w = Wereld(pd, prov, gemeenten, organisatie=org)
    for i in range(aantal_samenwerkingen):
        sw = samenwerking(
            taken[i % 2],
            rechtsvorm=vorm if i % 2 == 0 else None,
            afkorting=f"TR{i}",
            doel=f"Doel van testregeling {i}",
        )
        sw.overige_taakvelden.add(taken[(i + 1) % 2])
        deelnemers = [
            gemeenten[(i + j) % aantal_gemeenten] for j in range(deelnemers_per_samenwerking)
        ]
        if i % 2:
            deelnemers.append(org)
        factories.stand(sw, pd, deelnemers)
        w.samenwerkingen.append(sw)
    return w
