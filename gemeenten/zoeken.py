"""Search that forgives: one normalisation for stored names and for what someone types.

Names are stored normalised at import (`zoektekst` on Gemeente, Organisatie and Samenwerking:
every name a record is known by, lowercase, accents stripped, punctuation as spaces), and a
query is normalised the same way here, in Python. The database only compares plain lowercase
text, so SpatiaLite and PostGIS find exactly the same rows. Typos are caught in Python too
(`bedoeld`: the closest names by similarity over the few hundred names).
"""

import difflib
import re
import unicodedata

# Between two names in a `zoektekst` (and around them): never produced by `normaliseer`, so a
# match cannot span two names, and "|name|" finds a whole name.
SCHEIDING = "|"
_NIET_LETTER_OF_CIJFER = re.compile(r"[^0-9a-z]+")
# Letters Unicode does not decompose into a base letter and an accent.
_EIGEN_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i"})
# A typo suggestion must be at least this similar (difflib ratio): "tynarlo" ~ "tynaarlo" is
# 0.93, "haren" ~ "baarn" 0.6.
GELIJKENIS = 0.8
MAX_SUGGESTIES = 3


def normaliseer(tekst):
    """`tekst` as search compares it: "Súdwest-Fryslân" → "sudwest fryslan"."""
    tekst = unicodedata.normalize("NFKD", str(tekst or "").casefold())
    tekst = "".join(c for c in tekst if not unicodedata.combining(c)).translate(_EIGEN_LETTERS)
    return _NIET_LETTER_OF_CIJFER.sub(" ", tekst).strip()


def zoektekst(*namen):
    """The stored search field of a record known by `namen`: each distinct normalised name,
    in sorted order (deterministic fixtures), between separators: "|fryslan|provincie fryslan|"."""
    delen = sorted({n for n in map(normaliseer, namen) if n})
    return f"{SCHEIDING}{SCHEIDING.join(delen)}{SCHEIDING}" if delen else ""


def namen_in(tekst):
    """The normalised names of a `zoektekst`."""
    return [n for n in (tekst or "").split(SCHEIDING) if n]


def sorteernaam(naam):
    """The sort key of a display name: case and accents do not count."""
    return normaliseer(naam)


def past(tekst, term):
    """How a `zoektekst` matches the normalised `term`: 0 a whole name, 1 the start of a name,
    2 inside a name, None not at all (the order of the results)."""
    if not term or not tekst:
        return None
    if f"{SCHEIDING}{term}{SCHEIDING}" in tekst:
        return 0
    if f"{SCHEIDING}{term}" in tekst:
        return 1
    if term in tekst:
        return 2
    return None


def bedoeld(term, namen, n=MAX_SUGGESTIES):
    """The names (normalised) closest to the normalised `term`, most similar first: what
    someone who typed `term` probably meant. Ties are broken by name, so the answer is the
    same on every run."""
    if not term:
        return []
    scores = []
    for naam in set(namen):
        matcher = difflib.SequenceMatcher(None, term, naam)
        if matcher.real_quick_ratio() >= GELIJKENIS and matcher.quick_ratio() >= GELIJKENIS:
            score = matcher.ratio()
            if score >= GELIJKENIS:
                scores.append((-score, naam))
    return [naam for _, naam in sorted(scores)[:n]]


class Weergaveregel:
    """The short display name of an arrangement, by the rule in
    fixtures/curation/weergavenamen.csv: an explicit name for an official name, else the
    official name without the longest prefix that fits (whole words, any case), with a capital."""

    def __init__(self, voorvoegsels=(), namen=None):
        # Longest first: "Gemeenschappelijke regeling voor" before "Gemeenschappelijke regeling".
        self.voorvoegsels = sorted(voorvoegsels, key=lambda v: (-len(v), v))
        self.namen = dict(namen or {})

    def __call__(self, naam):
        if naam in self.namen:
            return self.namen[naam]
        for voorvoegsel in self.voorvoegsels:
            # Whole words only: the prefix, then a space, then the rest of the name.
            if naam.casefold().startswith(voorvoegsel.casefold() + " "):
                rest = naam[len(voorvoegsel) :].strip()
                return rest[:1].upper() + rest[1:]
        return naam
