"""Scale of an arrangement, derived from its participants at one peildatum.

bilateraal (2), subregionaal (3–5), regionaal (6+ within one province), provinciebreed (every
municipality of the province), bovenprovinciaal (several provinces), grensoverschrijdend (a
foreign participant). A foreign participant outranks several provinces, which outranks the rest.
"""

from dataclasses import dataclass

from .models import Schaal


@dataclass(frozen=True)
class Deelnemer:
    """What scale needs to know of one participant."""

    land: str = "NL"
    provincie_code: str = ""  # PVxx for municipalities (and provinces); "" otherwise
    is_gemeente: bool = False
    cbs_code: str = ""


def bepaal_schaal(deelnemers, gemeenten_per_provincie):
    """Return a `Schaal` value, or "" when there are fewer than two participants.

    `gemeenten_per_provincie` maps PVxx to the set of CBS codes of that province's
    municipalities at the peildatum.
    """
    deelnemers = list(deelnemers)
    if len(deelnemers) < 2:
        return ""
    if any(d.land != "NL" for d in deelnemers):
        return Schaal.GRENSOVERSCHRIJDEND
    provincies = {d.provincie_code for d in deelnemers if d.provincie_code}
    if len(provincies) > 1:
        return Schaal.BOVENPROVINCIAAL
    if len(provincies) == 1:
        (provincie,) = provincies
        alle = gemeenten_per_provincie.get(provincie, set())
        codes = {d.cbs_code for d in deelnemers if d.is_gemeente}
        if alle and alle <= codes:
            return Schaal.PROVINCIEBREED
    if len(deelnemers) == 2:
        return Schaal.BILATERAAL
    if len(deelnemers) <= 5:
        return Schaal.SUBREGIONAAL
    return Schaal.REGIONAAL
