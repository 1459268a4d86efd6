"""Compare two selections on the map: where do their boundaries coincide, where do they cut?

Selection A is the map's selection (the list's filterset); selection B is one value of the
map parameter `vergelijk`: a regional division (its key in fixtures/curation/indelingen.csv,
e.g. `arbeidsmarktregio`: every region of that division in the snapshot) or a theme (a
taakveld or hoofdtaakveld code, e.g. `7.1`: the collaborations of that theme; with `regio`
also the state and statistical divisions of it). Pure functions over the map's arrangements
(`serialisers.als_kaart` dicts); `kaart.Kaartbeeld` calls them.

A municipality's A-partners are the other municipalities it shares an arrangement of A
with; the same for B. Where A- and B-partners are equal the two selections draw the same
boundary around it; where they differ, a boundary of one cuts through a region of the other.
"""

import csv
import functools
from pathlib import Path

from django.conf import settings

from .models import Aard, Soort
from .netwerk import partnersets

INDELINGEN_CSV = Path(settings.BASE_DIR) / "fixtures" / "curation" / "indelingen.csv"

GELIJK, ANDERS, ALLEEN_A, ALLEEN_B = "gelijk", "anders", "alleen-a", "alleen-b"


@functools.cache
def indelingen():
    """{key: label} of the regional divisions of the curation table (read once a process);
    a division without a label is named after its key."""
    uitkomst = {}
    with open(INDELINGEN_CSV, encoding="utf-8", newline="") as bestand:
        for rij in csv.DictReader(bestand):
            sleutel, label = rij["slug"].strip(), rij["label"].strip()
            if sleutel and (sleutel not in uitkomst or label and not uitkomst[sleutel]):
                uitkomst[sleutel] = label
    return {sleutel: label or sleutel.replace("-", " ") for sleutel, label in uitkomst.items()}


def in_indeling(samenwerking, sleutel):
    """Whether an arrangement (als_kaart dict) is a region of division `sleutel`: its slug
    is the key, a hyphen and the region (importers/regioatlas.py and cbs_regio.py)."""
    return samenwerking["soort"] == Soort.REGIO_INDELING and samenwerking["slug"].startswith(
        sleutel + "-"
    )


def keuzes(alle, taakvelden):
    """The values `vergelijk` accepts in a snapshot: [(group, [(value, label)])]; the
    divisions that have regions in it, and the themes of its arrangements. `alle`: every
    arrangement of the snapshot; `taakvelden`: {code: label} of themes."""
    divisies = [
        (sleutel, label)
        for sleutel, label in indelingen().items()
        if any(in_indeling(s, sleutel) for s in alle)
    ]
    divisies.sort(key=lambda keuze: keuze[1].lower())
    codes = {s["taakveld"] for s in alle} | {s["hoofdtaakveld"] for s in alle}
    themas = [(code, taakvelden.get(code, code)) for code in codes]
    themas.sort(key=lambda keuze: [int(deel) for deel in keuze[0].split(".")])
    return [("Regio-indelingen", divisies), ("Thema's", themas)]


def selectie_b(alle, waarde, aard, regio):
    """The arrangements of selection B (`waarde` of `vergelijk`). `aard`: {slug: Aard};
    `regio`: whether state and statistical divisions count (the `regio` filter)."""
    if waarde in indelingen():
        return [s for s in alle if in_indeling(s, waarde)]
    veld = "taakveld" if "." in waarde else "hoofdtaakveld"
    return [
        s for s in alle if s[veld] == waarde and (regio or aard.get(s["slug"]) == Aard.SAMENWERKING)
    ]


def vergelijking(selectie_a, selectie_b_, gemeenten):
    """The comparison of two selections over the snapshot's municipalities (Gemeente
    objects): per municipality its status (gelijk, anders, alleen-a, alleen-b or absent
    when in neither), and per A-region the B-regions that cut it.

    Returns {"status": {code: status}, "regios": [{"samenwerking", "leden", "samenvallend"
    (the B-region with exactly these municipalities, or None), "snijders": [{"samenwerking",
    "gedeeld"}] (B-regions sharing municipalities, most first), "buiten" (members in no
    B-region)}], "aantallen": {status: n}}."""
    codes = [g.cbs_code for g in gemeenten]
    in_snapshot = set(codes)
    sets_a, sets_b = partnersets(selectie_a, codes), partnersets(selectie_b_, codes)
    status = {}
    for code in codes:
        if code in sets_a and code in sets_b:
            a = frozenset().union(*sets_a[code])
            b = frozenset().union(*sets_b[code])
            status[code] = GELIJK if a == b else ANDERS
        elif code in sets_a:
            status[code] = ALLEEN_A
        elif code in sets_b:
            status[code] = ALLEEN_B
    leden_b = [(b, {c for c in b["gemeenten"] if c in in_snapshot}) for b in selectie_b_]
    in_b = set().union(*(leden for _, leden in leden_b)) if leden_b else set()
    regios = []
    for a in selectie_a:
        leden = {c for c in a["gemeenten"] if c in in_snapshot}
        if not leden:
            continue
        snijders = [
            {"samenwerking": b, "gedeeld": len(leden & eigen)}
            for b, eigen in leden_b
            if leden & eigen
        ]
        snijders.sort(key=lambda r: (-r["gedeeld"], r["samenwerking"]["naam"]))
        regios.append(
            {
                "samenwerking": a,
                "leden": len(leden),
                "samenvallend": next((b for b, eigen in leden_b if eigen == leden), None),
                "snijders": snijders,
                "buiten": len(leden - in_b),
            }
        )
    # Keys without hyphens, for the template.
    aantallen = {
        sleutel.replace("-", "_"): sum(1 for v in status.values() if v == sleutel)
        for sleutel in (GELIJK, ANDERS, ALLEEN_A, ALLEEN_B)
    }
    return {"status": status, "regios": regios, "aantallen": aantallen}
