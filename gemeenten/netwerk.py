"""What the patchwork and the network views of the map compute, from a selection.

Pure functions over the map's arrangements (`serialisers.als_kaart` dicts: `slug`, `naam`,
`gemeenten` as CBS codes, `grootte`, `reikwijdte`, `soort`, `taakveld`, `hoofdtaakveld`)
and the CBS codes of the snapshot's municipalities; `kaart.Kaartbeeld` calls them and the
views show the result.
No queries here except `grenzen` (the boundaries, for label points and outlines).

- `kleuren`: every arrangement of a view its own palette colour, never one twice; beyond the
  palette (the number of colours a reader, colour-blind or not, can tell apart) the rest get
  none, and the page says so (`smallere_keuzes` offers the narrower selections that fit).
- `dichtheid`: per municipality, how many arrangements and how many different partners.
- `paren`: pairs of municipalities weighted by the arrangements they share (the network).
"""

from collections import Counter, defaultdict
from itertools import combinations

from django.contrib.gis.geos import MultiPolygon

from .gebied import NOORD
from .models import Gemeente, GemeenteGrens, Niveau

# ---- colours: distinct in a view, or none ------------------------------------------------


def kleuren(selectie, grootte):
    """The selection with `kleur`: a palette slot (0 … grootte-1), each used once, or None.

    With at most `grootte` arrangements each gets the slot of its position. With more, the
    `grootte` with the most municipalities (they shape the picture; ties in the selection's
    order) get a slot, in the selection's order, and the others none: a colour repeated in
    one view would claim that two arrangements are one."""
    if len(selectie) <= grootte:
        return [{**s, "kleur": i} for i, s in enumerate(selectie)]
    grootste = sorted(range(len(selectie)), key=lambda i: (-len(selectie[i]["gemeenten"]), i))
    gekleurd = sorted(grootste[:grootte])
    slot = {index: nummer for nummer, index in enumerate(gekleurd)}
    return [{**s, "kleur": slot.get(i)} for i, s in enumerate(selectie)]


def smallere_keuzes(selectie, staat, provincie_van, labels, grootte):
    """Narrower selections whose arrangements can all get their own colour: per filter that
    is not set yet (theme, size, reach, kind, province), the values that leave 1 … `grootte` of
    this selection, with that number. `provincie_van`: {CBS code: province slug};
    `labels`: {filter: {value: label}}. Returns [{"filter", "keuzes": [{waarde, tekst,
    aantal}]}], without the filters that offer nothing."""
    dimensies = []
    taakveld = staat.get("taakveld") or ""
    if not taakveld:
        dimensies.append(("taakveld", lambda s: [s["hoofdtaakveld"]]))
    elif "." not in taakveld:
        dimensies.append(("taakveld", lambda s: [s["taakveld"]]))
    for naam in ("grootte", "reikwijdte"):
        if not staat.get(naam) and not staat.get("schaal"):
            dimensies.append((naam, lambda s, naam=naam: [s[naam]] if s[naam] else []))
    if not staat.get("soort"):
        dimensies.append(("soort", lambda s: [s["soort"]]))
    if not staat.get("provincie"):
        dimensies.append(
            (
                "provincie",
                lambda s: {provincie_van[c] for c in s["gemeenten"] if c in provincie_van},
            )
        )
    uitkomst = []
    for naam, waarden_van in dimensies:
        telling = Counter(w for s in selectie for w in waarden_van(s))
        keuzes = [
            {"waarde": waarde, "tekst": labels.get(naam, {}).get(waarde, waarde), "aantal": n}
            for waarde, n in telling.items()
            if 0 < n <= grootte and n < len(selectie)
        ]
        keuzes.sort(key=lambda k: (-k["aantal"], k["tekst"]))
        if keuzes:
            uitkomst.append({"filter": naam, "keuzes": keuzes})
    return uitkomst


# ---- the density of the patchwork -------------------------------------------------------


def partnersets(selectie, codes):
    """{CBS code: [set of partner codes, one per arrangement of the selection it is in]},
    partners being the other municipalities of the snapshot (`codes`) in that arrangement."""
    codes = set(codes)
    sets = defaultdict(list)
    for samenwerking in selectie:
        leden = [c for c in dict.fromkeys(samenwerking["gemeenten"]) if c in codes]
        for code in leden:
            sets[code].append(frozenset(leden) - {code})
    return sets


def dichtheid(selectie, gemeenten):
    """Per municipality with at least one arrangement of the selection: `aantal` (its
    arrangements), `partners` (distinct partner municipalities over all of them), `grootste`
    (the partners of its largest arrangement) and `verschillend` = partners − grootste: the
    partners it has only through its other arrangements. 0 means every other arrangement
    lies within its largest one; the higher, the more the arrangements cut differently.
    Ranked by `aantal`, then `verschillend`, then name. `gemeenten`: Gemeente objects."""
    sets = partnersets(selectie, [g.cbs_code for g in gemeenten])
    rijen = []
    for gemeente in gemeenten:
        eigen = sets.get(gemeente.cbs_code)
        if not eigen:
            continue
        alle = frozenset().union(*eigen)
        grootste = max(len(s) for s in eigen)
        rijen.append(
            {
                "gemeente": gemeente,
                "aantal": len(eigen),
                "partners": len(alle),
                "grootste": grootste,
                "verschillend": len(alle) - grootste,
            }
        )
    rijen.sort(key=lambda r: (-r["aantal"], -r["verschillend"], r["gemeente"].naam))
    for plaats, rij in enumerate(rijen, 1):
        rij["plaats"] = plaats
    return rijen


# ---- the network: pairs of municipalities ---------------------------------------------


def paren(selectie, gemeenten):
    """Every pair of municipalities of the snapshot that shares arrangements of the
    selection: [{"a", "b" (Gemeente, a before b by name), "aantal", "samenwerkingen"}],
    ranked by the number shared, then by the names."""
    op_code = {g.cbs_code: g for g in gemeenten}
    gedeeld = defaultdict(list)
    for samenwerking in selectie:
        leden = sorted(
            (op_code[c] for c in dict.fromkeys(samenwerking["gemeenten"]) if c in op_code),
            key=lambda g: (g.naam, g.cbs_code),
        )
        for a, b in combinations(leden, 2):
            gedeeld[(a, b)].append(samenwerking)
    rijen = [
        {"a": a, "b": b, "aantal": len(lijst), "samenwerkingen": lijst}
        for (a, b), lijst in gedeeld.items()
    ]
    rijen.sort(key=lambda r: (-r["aantal"], r["a"].naam, r["b"].naam))
    return rijen


# The line classes of the network (`--kaart-lijn-N`, `--kaart-lijnbreedte-N`,
# `--kaart-lijndekking-N` in static/css/kaart.css): colour, width and opacity per class.
LIJNKLASSEN = 4


def lijnklassen(maximum):
    """Class breaks for the number of shared arrangements: [(from, to, "lijn-N")], up to
    four equal steps up to `maximum`, spread over the four classes (the heaviest lines
    always get the heaviest class)."""
    if maximum <= 0:
        return []
    stap = -(-maximum // min(LIJNKLASSEN, maximum))
    grenzen_ = [(van, min(van + stap - 1, maximum)) for van in range(1, maximum + 1, stap)]
    laatste = max(1, len(grenzen_) - 1)
    return [
        (van, tot, f"lijn-{1 + round(i * (LIJNKLASSEN - 1) / laatste)}")
        for i, (van, tot) in enumerate(grenzen_)
    ]


def lijnklasse(klassen, aantal):
    return next(slot for van, tot, slot in klassen if van <= aantal <= tot)


# ---- geometry: label points and outlines, from the boundaries ---------------------------


def grenzen(peildatum, gebied=NOORD):
    """The snapshot's boundaries (the simplified map geometry) of the area's municipalities
    (gemeenten/gebied.py) with their municipality, in name order. One query. The default
    area has the detailed northern level, every other area the national overview level
    (as the map's layers, gemeenten/kaartlagen.py)."""
    gemeenten = gebied.gemeenten(Gemeente.objects.op(peildatum.datum))
    if gebied.standaard:
        rijen = GemeenteGrens.objects.filter(jaar=peildatum.grensjaar)
    else:
        rijen = GemeenteGrens.alle.filter(niveau=Niveau.OVERZICHT, jaar=peildatum.overzichtjaar)
    return list(
        rijen.filter(gemeente__in=gemeenten)
        .select_related("gemeente__provincie")
        .defer("geometrie")
        .order_by("gemeente__naam")
    )


def labelpunt(geometrie):
    """A point inside the largest part of a (multi)polygon, as [lat, lon] (Leaflet's order)
    rounded to 4 decimals (about 10 m): lines end there, not in the sea between islands."""
    delen = list(geometrie) if geometrie.geom_type == "MultiPolygon" else [geometrie]
    punt = max(delen, key=lambda deel: deel.area).point_on_surface
    return [round(punt.y, 4), round(punt.x, 4)]


def labelpunten(grenzen_):
    return {grens.gemeente.cbs_code: labelpunt(grens.kaartgeometrie) for grens in grenzen_}


def omtrek(geometrieen):
    """The outline of the union of polygons (SRID 4326) as lines of [lat, lon] points
    (rounded to 3 decimals, about 100 m). The
    map copies are simplified one by one, so neighbours need not meet exactly: a buffer of
    about 30 m closes the slivers between them before the outline is taken."""
    veelhoeken = [
        deel.clone()
        for geometrie in geometrieen
        for deel in (geometrie if geometrie.geom_type == "MultiPolygon" else [geometrie])
    ]
    if not veelhoeken:
        return []
    samen = MultiPolygon(*veelhoeken, srid=4326).buffer(0.0005).buffer(-0.0005)
    # An outline over several municipalities needs no more detail than about 100 m.
    rand = samen.boundary.simplify(0.001, preserve_topology=True)
    lijnen = [rand] if rand.geom_type in ("LineString", "LinearRing") else list(rand)
    return [[[round(y, 3), round(x, 3)] for x, y in lijn.coords] for lijn in lijnen]


def strepen(hier, maximum):
    """The fill slots of a municipality in the patchwork: the colours of its arrangements
    (at most `maximum`), and "ongekleurd" once for those without a colour of their own."""
    slots = [f"kleur-{s['kleur']}" for s in hier if s["kleur"] is not None]
    if len(slots) < len(hier):
        slots.append("ongekleurd")
    return slots[:maximum] or ["grijs"]
