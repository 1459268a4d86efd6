"""Congruence: how often a municipality meets the same partners across its arrangements.

The founding study (2013) found no fixed clusters in the north: the partners change with the
theme. These two figures measure that, per municipality, at one peildatum:

- `jaccard`: the mean Jaccard similarity |A ∩ B| / |A ∪ B| of the partner sets of its
  arrangements, over every pair of its arrangements that have at least one partner. A partner
  is another participating northern municipality (Gemeente); provinces, water boards and
  other organisations are not. 1.0: every arrangement has the same partners (a fixed
  cluster); 0.0: no two arrangements share a partner.
- `gedeeld`: the share of its partners that it meets in two or more themes. A theme is the
  hoofdtaakveld (the ten BBV main task fields) of the arrangement's primary taakveld: at the
  finer taakveld level, two arrangements of one policy field (WMO 6.71 and youth care 6.72)
  would count as two themes, and a partner met in both would look like a cross-theme tie.

Only collaborations count (`Aard.SAMENWERKING`): a state or statistical division decides
nothing together. A figure that cannot be computed is None with its reason (`Score.reden_*`),
never 0: fewer than two arrangements with partners, or arrangements in one theme only.

The computation (`bereken`) is pure: it takes (theme, participating CBS codes) per arrangement
and returns a `Score` per municipality. Its inputs come from one query (`voor_peildatum`) or
from the map's selection (`uit_kaartselectie`, no query at all).
"""

import statistics
from dataclasses import dataclass
from itertools import combinations

from .models import Aard, Deelname

# Why a figure is missing.
GEEN_SAMENWERKING = "neemt aan geen samenwerking met andere gemeenten deel"
EEN_SAMENWERKING = "minder dan twee samenwerkingen met andere gemeenten"
EEN_THEMA = "alle samenwerkingen met andere gemeenten vallen in één thema"


@dataclass(frozen=True)
class Score:
    """The congruence of one municipality (CBS code) in one set of arrangements."""

    code: str
    samenwerkingen: int  # arrangements with at least one partner
    partners: int  # distinct partner municipalities
    themas: int  # distinct themes (hoofdtaakvelden) of those arrangements
    jaccard: float | None
    gedeeld: float | None
    terugkerend: int  # partners met in two or more themes

    @property
    def reden_jaccard(self):
        if self.jaccard is not None:
            return ""
        return GEEN_SAMENWERKING if self.samenwerkingen == 0 else EEN_SAMENWERKING

    @property
    def reden_gedeeld(self):
        if self.gedeeld is not None:
            return ""
        return GEEN_SAMENWERKING if self.samenwerkingen == 0 else EEN_THEMA


def _bits(masker):
    return masker.bit_count()


def bereken(samenwerkingen, gemeenten):
    """{code: Score} for every code in `gemeenten` (the municipalities of the snapshot).

    `samenwerkingen`: iterable of (theme, iterable of participating CBS codes), one per
    arrangement; participants outside `gemeenten` are ignored. Partner sets are bit masks
    over the municipalities, so a pair costs two integer operations.
    """
    codes = list(dict.fromkeys(gemeenten))
    index = {code: i for i, code in enumerate(codes)}
    per_gemeente = {code: [] for code in codes}  # code -> [(theme, mask of all participants)]
    for thema, deelnemers in samenwerkingen:
        leden = {index[code] for code in deelnemers if code in index}
        if len(leden) < 2:
            continue  # no municipality in it has a partner
        masker = 0
        for i in leden:
            masker |= 1 << i
        for i in leden:
            per_gemeente[codes[i]].append((thema, masker))
    return {code: _score(code, 1 << index[code], per_gemeente[code]) for code in codes}


def _score(code, eigen, lijst):
    partnersets = [masker & ~eigen for _, masker in lijst]
    alle = 0
    for masker in partnersets:
        alle |= masker
    jaccard = None
    if len(partnersets) >= 2:
        paren = [_bits(a & b) / _bits(a | b) for a, b in combinations(partnersets, 2)]
        jaccard = sum(paren) / len(paren)
    per_thema = {}
    for (thema, _), masker in zip(lijst, partnersets, strict=True):
        per_thema[thema] = per_thema.get(thema, 0) | masker
    # A partner in two or more themes: set in at least two of the themes' masks.
    een, twee = 0, 0
    for masker in per_thema.values():
        twee |= een & masker
        een |= masker
    gedeeld = _bits(twee) / _bits(alle) if len(per_thema) >= 2 else None
    return Score(
        code=code,
        samenwerkingen=len(partnersets),
        partners=_bits(alle),
        themas=len(per_thema),
        jaccard=jaccard,
        gedeeld=gedeeld,
        terugkerend=_bits(twee),
    )


# ---- the inputs ------------------------------------------------------------------------


def uit_kaartselectie(selectie, aard):
    """(theme, codes) of the map's selection (`Kaartbeeld.selectie()` rows) that are
    collaborations; `aard`: {slug: Aard} of the snapshot's arrangements."""
    return [
        (s["hoofdtaakveld"], s["gemeenten"])
        for s in selectie
        if aard[s["slug"]] == Aard.SAMENWERKING
    ]


def _deelnames(peildatum):
    """(arrangement id, theme, CBS code, province code) of every municipal participation in
    a collaboration of the snapshot."""
    return (
        Deelname.objects.samenwerkingen()
        .filter(stand__peildatum=peildatum, gemeente__isnull=False)
        .values_list(
            "stand__samenwerking_id",
            "stand__samenwerking__taakveld__hoofdtaakveld__code",
            "gemeente__cbs_code",
            "gemeente__provincie__code",
        )
        .order_by()
    )


def _per_samenwerking(rijen):
    per_samenwerking = {}
    for samenwerking, thema, code, _ in rijen:
        per_samenwerking.setdefault(samenwerking, (thema, []))[1].append(code)
    return list(per_samenwerking.values())


def samenwerkingen_op(peildatum):
    """(theme, codes) of every collaboration of the snapshot, in one query."""
    return _per_samenwerking(_deelnames(peildatum))


def voor_peildatum(peildatum, gemeenten):
    """{code: Score} of `gemeenten` (CBS codes) over all collaborations of the snapshot."""
    return bereken(samenwerkingen_op(peildatum), gemeenten)


# ---- what a page shows -------------------------------------------------------------------


def _sleutel(score):
    """What ranks a Score: its figures, rounded so that the order of summation (which
    differs with the order of the arrangements) never decides a rank."""
    return (round(score.jaccard, 9), round(score.gedeeld or 0, 9))


def rangschik(scores, namen):
    """The region ranking: [(rank, Score)] with a value first, highest mean Jaccard first
    (then the share of recurring partners, then the name); equal figures share a rank. Those
    without a value follow with rank None. `namen`: {code: name}."""
    met = [s for s in scores.values() if s.jaccard is not None]
    zonder = [s for s in scores.values() if s.jaccard is None]
    met.sort(key=lambda s: (tuple(-v for v in _sleutel(s)), namen.get(s.code, s.code)))
    zonder.sort(key=lambda s: namen.get(s.code, s.code))
    rijen, vorige, rang = [], None, 0
    for positie, score in enumerate(met, start=1):
        sleutel = _sleutel(score)
        if sleutel != vorige:
            rang, vorige = positie, sleutel
        rijen.append((rang, score))
    return rijen + [(None, score) for score in zonder]


def spreiding(waarden):
    """{"min", "mediaan", "max", "aantal"} of the values that are not None (None if none)."""
    waarden = sorted(w for w in waarden if w is not None)
    if not waarden:
        return None
    return {
        "min": waarden[0],
        "mediaan": statistics.median(waarden),
        "max": waarden[-1],
        "aantal": len(waarden),
    }


def profiel(gemeente, peildatum, gebied):
    """The profile's congruence of `gemeente` and its place in the region, one query: the
    snapshot's collaborations; the region is every municipality of the area `gebied`
    (gemeenten/gebied.py) that takes part in one. The figures themselves count every
    partner, in the area or not."""
    rijen = list(_deelnames(peildatum))
    samenwerkingen = _per_samenwerking(rijen)
    codes = {code for _, _, code, provincie in rijen if gebied.bevat_provincie(provincie)}
    codes.add(gemeente.cbs_code)
    scores = bereken(samenwerkingen, sorted(codes))
    eigen = scores[gemeente.cbs_code]
    met_waarde = [s for s in scores.values() if s.jaccard is not None]
    rang = None
    if eigen.jaccard is not None:
        # Competition rank: 1 + how many have a higher figure (same key as `rangschik`).
        rang = 1 + sum(1 for s in met_waarde if _sleutel(s) > _sleutel(eigen))
    return {
        "score": eigen,
        "rang": rang,
        "van": len(met_waarde),
        "spreiding": spreiding(s.jaccard for s in scores.values()),
    }


# ---- classes of the map view --------------------------------------------------------------

# Colour slots (`--kaart-congruentie-N` in static/css/kaart.css), low to high.
KLASSEN = ("congruentie-1", "congruentie-2", "congruentie-3")
DECIMALEN = 2  # as the figures are shown: classes are made of the shown values


def getal(waarde):
    """A figure as the site shows it: two decimals, a decimal comma."""
    return f"{waarde:.{DECIMALEN}f}".replace(".", ",")


def bereik(klasse_):
    """A class's range as the legend shows it: "0,33–0,44", or "1,00" for a single value."""
    van, tot = getal(klasse_["van"]), getal(klasse_["tot"])
    return van if van == tot else f"{van}–{tot}"


def klassen(scores):
    """The map's classes of the mean Jaccard: [{"slot", "van", "tot", "aantal"}], low to high.

    Thirds of the region: a value's class is its mid-rank among the municipalities with a
    value (those below it plus half of those equal to it, over all), in thirds; equal values
    share a class. So the map reads "the municipalities that meet the same partners least …
    most" in any selection, and the legend gives each class's actual range. Fewer than three
    distinct values: one the middle slot, two the outer ones. Empty classes are left out."""
    waarden = sorted(round(s.jaccard, DECIMALEN) for s in scores.values() if s.jaccard is not None)
    verschillend = sorted(set(waarden))
    if len(verschillend) < len(KLASSEN):
        slots = [KLASSEN[1]] if len(verschillend) == 1 else [KLASSEN[0], KLASSEN[-1]]
        per_waarde = dict(zip(verschillend, slots, strict=False))
    else:
        n, onder, per_waarde = len(waarden), 0, {}
        for waarde in verschillend:
            gelijk = waarden.count(waarde)
            positie = (onder + gelijk / 2) / n
            per_waarde[waarde] = KLASSEN[min(len(KLASSEN) - 1, int(positie * len(KLASSEN)))]
            onder += gelijk
    uitkomst = []
    for slot in KLASSEN:
        leden = [w for w in waarden if per_waarde[w] == slot]
        if leden:
            uitkomst.append({"slot": slot, "van": leden[0], "tot": leden[-1], "aantal": len(leden)})
    return uitkomst


def klasse(klassen_, score):
    """The slot of a Score in `klassen_`; "grijs" when its figure cannot be determined."""
    if score.jaccard is None:
        return "grijs"
    waarde = round(score.jaccard, DECIMALEN)
    for klasse_ in klassen_:
        if klasse_["van"] <= waarde <= klasse_["tot"]:
            return klasse_["slot"]
    raise ValueError(f"{waarde} lies in no class of {klassen_}")
