"""Every URL without `gebied` returns what it returned before the site became national.

The saved sample (tests/data/voorbeeld.json.gz, see tests/voorbeeld.py) was taken from the
northern site on 2026-12-02, before the national data and the area parameter landed. The one
change of meaning the national issue asks for is allowed and nothing else: a partner outside
the north is now the municipality it is, no longer an organisation named "Gemeente X"
(tests/data/voorbeeld-buiten-noord.json lists the 123 such names of the sample with their CBS
codes). So:

- a link to a municipality page that the sample never linked to is not a difference;
- a changed stretch of an answer is allowed when it names one of those municipalities (as
  "Gemeente X", as "X" or by its CBS code): the partner moved from the organisations to the
  municipalities, in a list, a CSV column or a JSON array;
- in an answer with such a stretch, a line may differ from its old self in figures and map
  colours only (a count of partners, the colour order of the arrangements by size).

Everything else is a difference.
"""

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from gemeenten.models import Deelname, Gemeente
from tests import voorbeeld

pytestmark = pytest.mark.django_db

GEMEENTE_LINK = re.compile(r"^a /gemeenten/([a-z0-9-]+)/(\?|$)")


BUITEN_NOORD = Path(__file__).parent / "data" / "voorbeeld-buiten-noord.json"
NOORD = ("PV20", "PV21", "PV22")
# What may change besides the names: figures, and the colour an arrangement gets on the map.
KNOCK_ON = re.compile(r"geen eigen kleur|kleur \d+|\d+(?:[.,]\d+)?")
# A line of JSON structure only: brackets, or a key opening an array or an object.
JSON_STRUCTUUR = re.compile(r'^\s*(?:"[a-z_]+": )?[\[\]{},]*$')
SAMENWERKING_LINK = re.compile(r"^a /samenwerkingen/([a-z0-9-]+)/")


@pytest.fixture(scope="module")
def opgeslagen():
    return voorbeeld.opgeslagen()


@dataclass
class Verandering:
    """What the intended change touches: `namen` matches the name or CBS code of a
    municipality outside the north; `slugs` are the arrangements with such a participant."""

    namen: re.Pattern
    slugs: set


@pytest.fixture
def buiten_noord():
    codes = json.loads(BUITEN_NOORD.read_text(encoding="utf-8"))
    buiten = Gemeente.objects.exclude(provincie__code__in=NOORD)
    assert set(codes.values()) <= set(buiten.values_list("cbs_code", flat=True)), (
        "every partner outside the north of the sample is a municipality now"
    )
    woorden = {w for naam, code in buiten.values_list("naam", "cbs_code") for w in (naam, code)}
    woorden = sorted(woorden, key=len, reverse=True)
    slugs = set(
        Deelname.objects.filter(gemeente__in=buiten).values_list(
            "stand__samenwerking__slug", flat=True
        )
    )
    return Verandering(
        re.compile(r"(?<![^\W\d_]|-)(?:" + "|".join(map(re.escape, woorden)) + r")(?![\w-])"), slugs
    )


def _gelinkte_gemeenten(opgeslagen):
    slugs = set()
    for _status, _soort, regels in opgeslagen.values():
        for regel in regels:
            if m := GEMEENTE_LINK.match(regel):
                slugs.add(m.group(1))
    return slugs


def _zonder_nieuwe_links(regels, bekend):
    return [r for r in regels if not ((m := GEMEENTE_LINK.match(r)) and m.group(1) not in bekend)]


def _samenwerking_van(regels, tot):
    """The arrangement whose table row line `tot` of `regels` is in: the nearest link above."""
    for regel in reversed(regels[:tot]):
        if m := SAMENWERKING_LINK.match(regel):
            return m.group(1)
    return None


def onverklaard(oud, nu, verandering):
    """The stretches of `nu` against `oud` the one intended change does not explain."""
    matcher = difflib.SequenceMatcher(None, oud, nu, autojunk=False)
    stukken = [
        (j1, oud[i1:i2], nu[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
    genoemd = [any(verandering.namen.search(r) for r in a + b) for _, a, b in stukken]
    rest = []
    for (j1, a, b), ok in zip(stukken, genoemd, strict=True):
        if ok:
            continue
        cijfers = len(a) == len(b) and all(
            KNOCK_ON.sub("#", x) == KNOCK_ON.sub("#", y) for x, y in zip(a, b, strict=True)
        )
        if cijfers and (any(genoemd) or _samenwerking_van(nu, j1) in verandering.slugs):
            continue
        if any(genoemd) and all(JSON_STRUCTUUR.match(r) for r in a + b):
            continue
        rest.append((a, b))
    return rest


def test_the_sample_covers_every_kind_of_answer(opgeslagen):
    assert set(opgeslagen) == set(voorbeeld.URLS)
    soorten = {soort for _status, soort, _regels in opgeslagen.values()}
    assert {"text/html", "text/csv", "application/json", "application/geo+json"} <= soorten
    assert all(status == 200 for status, _soort, _regels in opgeslagen.values())
    assert sum(len(regels) for _s, _t, regels in opgeslagen.values()) > 10_000


@pytest.mark.parametrize("url", voorbeeld.URLS)
def test_a_url_without_gebied_means_what_it_meant(client, opgeslagen, buiten_noord, url):
    status, soort, regels = opgeslagen[url]
    nu_status, nu_soort, nu_regels = voorbeeld.vraag(client, url)
    assert (nu_status, nu_soort) == (status, soort)
    bekend = _gelinkte_gemeenten(opgeslagen)
    nu_regels = _zonder_nieuwe_links(nu_regels, bekend)
    if len(nu_regels) == len(regels):
        nu_regels = [
            oud if voorbeeld.zelfde_vorm(oud, nu) else nu
            for oud, nu in zip(regels, nu_regels, strict=True)
        ]
    if rest := onverklaard(regels, nu_regels, buiten_noord):
        diff = "\n".join(
            ["- " + r for a, _ in rest[:5] for r in a[:6]]
            + ["+ " + r for _, b in rest[:5] for r in b[:6]]
        )
        pytest.fail(f"{url} answers differently than before ({len(rest)} stretches):\n{diff}")


def test_a_shape_may_move_by_rounding_but_not_further():
    regel = '    "coordinates": "1 delen, [6.5620, 52.8680, 6.9360, 53.0950]"'
    assert voorbeeld.zelfde_vorm(regel, regel.replace("6.5620", "6.5614"))
    assert not voorbeeld.zelfde_vorm(regel, regel.replace("6.5620", "6.5500"))
    assert not voorbeeld.zelfde_vorm(regel, regel.replace("1 delen", "2 delen"))


def test_a_changed_answer_is_caught(client, opgeslagen):
    """The comparison can fail: a page with one row less is a difference."""
    url = "/gemeenten/tynaarlo/"
    _status, _soort, regels = voorbeeld.vraag(client, url)
    assert regels == opgeslagen[url][2]
    assert regels[:-1] != opgeslagen[url][2]


def test_only_the_intended_change_is_explained(buiten_noord):
    """A partner outside the north moving to the municipalities is allowed, with its knock-on
    figures; a northern municipality dropped, or a changed figure alone, is not."""
    oud = ["h2 Partners (2)", "td Meppel", "td Gemeente Dalfsen"]
    assert onverklaard(oud, ["h2 Partners (3)", "td Meppel", "td Dalfsen"], buiten_noord) == []
    assert onverklaard(oud, ["h2 Partners (1)", "td Gemeente Dalfsen"], buiten_noord)
    assert onverklaard(
        ["h2 Partners (2)", "td Meppel"], ["h2 Partners (5)", "td Meppel"], buiten_noord
    )
    assert onverklaard(["td Assen"], ["td Asseni"], buiten_noord)
    rij = "a /samenwerkingen/{}/?peildatum=2026"
    buiten = sorted(buiten_noord.slugs)[0]
    noord = Deelname.objects.exclude(stand__samenwerking__slug__in=buiten_noord.slugs).values_list(
        "stand__samenwerking__slug", flat=True
    )[0]
    assert (
        onverklaard([rij.format(buiten), "td 2"], [rij.format(buiten), "td 14"], buiten_noord) == []
    )
    assert onverklaard([rij.format(noord), "td 2"], [rij.format(noord), "td 14"], buiten_noord)
