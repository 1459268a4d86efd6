"""A small map world for the map tests: a test snapshot with square municipalities.

Everything uses codes that cannot collide with the real dataset: peildatum "t…", boundary
year 1999, provinces PV9x, CBS codes GM9xxx, slugs starting with "test-".
"""

import datetime
import itertools
import json
import re
from dataclasses import dataclass, field

from gemeenten import models
from tests import factories

GRENSJAAR = 1999
_seq = itertools.count(1)


@dataclass
class Kaartwereld:
    peildatum: models.Peildatum
    provincie: models.Provincie
    gemeenten: list = field(default_factory=list)
    samenwerkingen: list = field(default_factory=list)


# Before the real snapshots (2016, 2026), so a test snapshot never becomes "the latest".
DATUM = datetime.date(2001, 6, 1)


def peildatum(code="t2026", datum=DATUM):
    return factories.peildatum(code=code, datum=datum, grensjaar=GRENSJAAR)


def gemeente_met_grens(provincie, x, y, jaar=GRENSJAAR, **kwargs):
    n = next(_seq)
    gemeente = factories.gemeente(
        provincie, naam=kwargs.pop("naam", f"Testgemeente {n}"), slug=f"test-gemeente-{n}", **kwargs
    )
    vlak = factories.vierkant(x, y)
    models.GemeenteGrens.objects.create(
        gemeente=gemeente, jaar=jaar, geometrie=vlak, kaartgeometrie=vlak, bron=factories.bron()
    )
    return gemeente


def samenwerking(taakveld, deelnemers, peildatum, **kwargs):
    """An arrangement with a snapshot; its size and reach follow from `deelnemers`."""
    n = next(_seq)
    samenwerking_ = factories.samenwerking(
        taakveld, naam=kwargs.pop("naam", f"Testsamenwerking {n}"), slug=f"test-sw-{n}", **kwargs
    )
    factories.stand(samenwerking_, peildatum, deelnemers)
    return samenwerking_


def wereld(aantal_gemeenten=4, code="t2026", provincie_code="PV91"):
    """`aantal_gemeenten` squares in a row, each with a boundary in the test year."""
    provincie = factories.provincie(code=provincie_code, naam=f"Testprovincie {provincie_code}")
    wereld_ = Kaartwereld(peildatum=peildatum(code), provincie=provincie)
    for i in range(aantal_gemeenten):
        wereld_.gemeenten.append(gemeente_met_grens(provincie, 6.0 + i * 0.06, 53.0))
    return wereld_


def taakveld(code):
    """A test taakveld under a test hoofdtaakveld (codes 9x.y: not BBV codes)."""
    hoofd = code.split(".")[0]
    hoofdtaakveld, _ = models.Hoofdtaakveld.objects.get_or_create(
        code=hoofd, defaults={"naam": f"Testhoofdtaakveld {hoofd}"}
    )
    major, minor = code.split(".")
    return models.Taakveld.objects.create(
        code=code,
        naam=f"Testtaakveld {code}",
        hoofdtaakveld=hoofdtaakveld,
        volgorde=int(major) * 100 + int(minor),
        bron=factories.bron(),
    )


def json_script(response, element_id):
    """The data of `{{ value|json_script:element_id }}` in a response."""
    match = re.search(
        rf'<script id="{re.escape(element_id)}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no json_script {element_id}"
    return json.loads(match.group(1))
