"""The kind (`Soort`) of a register arrangement, by substance, with its basis.

The rules, in order (taxonomy/rechtsvormen.csv has the Wgr definitions they rest on):

1. A row in fixtures/curation/soorten.csv decides, with its evidence. Every
   bedrijfsvoeringsorganisatie needs one: art. 8 lid 3 Wgr allows both "een gedeelde
   werkorganisatie" and a single-task service such as "een belastingdienst", so the legal
   form alone does not say which.
2. A regeling zonder meer whose name or purpose names the centrumregeling or the
   centrumgemeente (the tasks are assigned to one participant) is a centrumregeling: the
   Wgr's centrumregeling is that variant of the regeling zonder meer.
3. A name that says werkorganisatie, or a purpose that describes one joint civil service
   for the participants ("gemeenschappelijke ambtelijke dienst", "ambtelijke organisatie"),
   is a werkorganisatie.
4. Otherwise a gemeenschappelijke regeling, on the basis of its legal form.

A centrumregeling in name or purpose with another legal form, and a northern
bedrijfsvoeringsorganisatie without a row, are unresolved: the build stops. Outside the
north (`bvo_regel`) a bedrijfsvoeringsorganisatie without a row follows rules 3 and 4: its
basis quotes the words that make it a werkorganisatie, or says that no one judged it by
hand. The north stays as curated; the rest of the country is classified by rule and can be
curated row by row.
"""

import re

from ..models import Soort

CENTRUM = re.compile(r"centrum\s*(gemeente\s*)?regeling|centrumgemeente", re.I)
WERKORGANISATIE_NAAM = re.compile(r"werkorganisatie", re.I)
WERKORGANISATIE_DOEL = re.compile(
    r"werkorganisatie|gemeenschappelijke\s+ambtelijke\s+(dienst|organisatie|uitvoering)"
    r"|ambtelijke\s+(fusie|organisatie\s+van\s+de\s+deelnemers)",
    re.I,
)
VORM_BASIS = {
    "OL": "rechtsvorm openbaar lichaam (art. 8 lid 1 Wgr)",
    "GO": "rechtsvorm gemeenschappelijk orgaan (art. 8 lid 2 Wgr)",
    "BVO": "rechtsvorm bedrijfsvoeringsorganisatie (art. 8 lid 3 Wgr)",
    "RZM": "rechtsvorm regeling zonder meer (art. 8 lid 4 Wgr)",
}
SOORTEN = "fixtures/curation/soorten.csv"
TOEGESTAAN = {Soort.GEMEENSCHAPPELIJKE_REGELING, Soort.CENTRUMREGELING, Soort.WERKORGANISATIE}


def citaat(tekst, m, breedte=60):
    """The words around match `m` in `tekst`, quoted: the evidence in the basis."""
    start = max(0, m.start() - breedte)
    eind = min(len(tekst), m.end() + breedte)
    # Whole words only.
    if start:
        start = tekst.rfind(" ", 0, start) + 1
    if eind < len(tekst):
        eind = tekst.find(" ", eind) if " " in tekst[eind:] else len(tekst)
    stuk = " ".join(tekst[start:eind].split())
    return f"‘{'…' if start else ''}{stuk}{'…' if eind < len(tekst) else ''}’"


def is_centrumregeling(naam, doel, vorm):
    """Rule 2 for one register version (also gives its legal form `centrumregeling`)."""
    return vorm == "RZM" and bool(CENTRUM.search(naam) or CENTRUM.search(doel))


def bepaal_soort(naam, doel, vorm, rij=None, bvo_regel=False):
    """(soort, basis) of an arrangement from its leading version's name, purpose and
    samenwerkingsvorm (OL, GO, BVO, RZM or None), and its row in soorten.csv (or None);
    `bvo_regel`: a bedrijfsvoeringsorganisatie without a row is classified by rules 3–4.
    Raises LookupError with the reason when the rules leave it unresolved."""
    doel = doel or ""
    if rij is not None:
        if rij["soort"] not in TOEGESTAAN:
            raise LookupError(
                f"{SOORTEN} line {rij['_regel']}: soort {rij['soort']!r} is not one of "
                f"{', '.join(sorted(TOEGESTAAN))}"
            )
        if not rij["bewijs"].strip():
            raise LookupError(f"{SOORTEN} line {rij['_regel']}: no evidence (bewijs)")
        if rij["soort"] == Soort.CENTRUMREGELING and vorm != "RZM":
            raise LookupError(
                f"{SOORTEN} line {rij['_regel']}: a centrumregeling is a regeling zonder meer "
                f"(art. 8 lid 4 Wgr); the register says {vorm or 'no legal form'}"
            )
        return rij["soort"], f"curatie (soorten.csv regel {rij['_regel']}): {rij['bewijs']}"
    if is_centrumregeling(naam, doel, vorm):
        if m := CENTRUM.search(naam):
            return Soort.CENTRUMREGELING, f"{VORM_BASIS['RZM']}; naam: {citaat(naam, m)}"
        m = CENTRUM.search(doel)
        return Soort.CENTRUMREGELING, f"{VORM_BASIS['RZM']}; doel: {citaat(doel, m)}"
    if CENTRUM.search(naam) or CENTRUM.search(doel):
        raise LookupError(
            f"{naam}: name or purpose names a centrumregeling, but the legal form is "
            f"{vorm or 'unknown'}: decide it in {SOORTEN}"
        )
    if vorm == "BVO" and not bvo_regel:
        raise LookupError(
            f"{naam}: a bedrijfsvoeringsorganisatie is a werkorganisatie or a single-task "
            f"service (art. 8 lid 3 Wgr): decide it in {SOORTEN}"
        )
    vormbasis = VORM_BASIS.get(vorm, "het register noemt geen samenwerkingsvorm")
    if m := WERKORGANISATIE_NAAM.search(naam):
        return Soort.WERKORGANISATIE, f"{vormbasis}; naam: {citaat(naam, m)}"
    if m := WERKORGANISATIE_DOEL.search(doel):
        return Soort.WERKORGANISATIE, f"{vormbasis}; doel: {citaat(doel, m)}"
    if vorm == "BVO":
        return Soort.GEMEENSCHAPPELIJKE_REGELING, (
            f"{vormbasis}; naam en doel noemen geen gedeelde werkorganisatie: een dienst voor "
            "een deel van de taken (regel buiten het noorden, niet met de hand beoordeeld)"
        )
    return Soort.GEMEENSCHAPPELIJKE_REGELING, vormbasis
