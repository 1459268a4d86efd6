"""Size and reach of an arrangement, derived from its participants at one peildatum.

Two questions the old single "scale" mixed:

- size (`Grootte`): how many Dutch municipalities take part: 1, 2 (bilateraal), 3–5, 6 or
  more. Provinces, water boards, the state, other GRs and foreign bodies are not counted, so
  one municipality with a ministry is "1 gemeente", not bilateral.
- reach (`Reikwijdte`): a foreign participant makes it cross-border; else participants in
  several provinces (municipalities, and provinces taking part themselves) make it
  supra-provincial; else every municipality of the one province makes it province-wide;
  else it stays within one province.

`oude_schaal` keeps the old `schaal` parameter of permalinks selecting exactly what it did:
the old rule was reach first, then the number of *all* participants (2, 3–5, 6+), and no
scale below two participants.
"""

from dataclasses import dataclass

from .models import Grootte, Reikwijdte, Schaal


@dataclass(frozen=True)
class Deelnemer:
    """What size and reach need to know of one participant."""

    land: str = "NL"
    provincie_code: str = ""  # PVxx for municipalities (and provinces); "" otherwise
    is_gemeente: bool = False  # a Dutch municipality, northern or not
    cbs_code: str = ""  # northern municipalities (the only ones whose province is counted)


def aantal_gemeenten(deelnemers):
    """The Dutch municipalities among the participants (a list without repeats)."""
    return sum(1 for d in deelnemers if d.is_gemeente)


def bepaal_grootte(deelnemers):
    """A `Grootte` value, or "" when no municipality takes part."""
    n = aantal_gemeenten(deelnemers)
    if n == 0:
        return ""
    if n == 1:
        return Grootte.EEN
    if n == 2:
        return Grootte.TWEE
    if n <= 5:
        return Grootte.DRIE_TOT_VIJF
    return Grootte.ZES_OF_MEER


def bepaal_reikwijdte(deelnemers, gemeenten_per_provincie):
    """A `Reikwijdte` value, or "" without participants.

    `gemeenten_per_provincie` maps PVxx to the set of CBS codes of that province's
    municipalities at the peildatum.
    """
    deelnemers = list(deelnemers)
    if not deelnemers:
        return ""
    if any(d.land != "NL" for d in deelnemers):
        return Reikwijdte.GRENSOVERSCHRIJDEND
    provincies = {d.provincie_code for d in deelnemers if d.provincie_code}
    if len(provincies) > 1:
        return Reikwijdte.BOVENPROVINCIAAL
    if len(provincies) == 1:
        (provincie,) = provincies
        alle = gemeenten_per_provincie.get(provincie, set())
        codes = {d.cbs_code for d in deelnemers if d.is_gemeente}
        if alle and alle <= codes:
            return Reikwijdte.PROVINCIEBREED
    return Reikwijdte.BINNEN_PROVINCIE


# The old scale as a selection on the snapshot: its reach and its number of participants.
OUDE_SCHAAL = {
    Schaal.GRENSOVERSCHRIJDEND: {"reikwijdte": Reikwijdte.GRENSOVERSCHRIJDEND},
    Schaal.BOVENPROVINCIAAL: {"reikwijdte": Reikwijdte.BOVENPROVINCIAAL},
    Schaal.PROVINCIEBREED: {"reikwijdte": Reikwijdte.PROVINCIEBREED},
    Schaal.BILATERAAL: {"reikwijdte": Reikwijdte.BINNEN_PROVINCIE, "aantal_deelnemers": 2},
    Schaal.SUBREGIONAAL: {
        "reikwijdte": Reikwijdte.BINNEN_PROVINCIE,
        "aantal_deelnemers__range": (3, 5),
    },
    Schaal.REGIONAAL: {"reikwijdte": Reikwijdte.BINNEN_PROVINCIE, "aantal_deelnemers__gte": 6},
}


def oude_schaal(waarde):
    """Stand filters (keyword arguments) that select the old scale `waarde`."""
    return {"aantal_deelnemers__gte": 2, **OUDE_SCHAAL[waarde]}
