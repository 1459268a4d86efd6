"""The read model: what a page, an export or the map needs from the database.

Named read functions over the model's querysets, imported by the views, the CSV export, the
JSON API, the map and the template tags (never the other way round). Each says how many
queries it runs; the pages' budget is eight (tests/test_views_budget.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q

from . import zoeken
from .gebied import NOORD
from .models import (
    Aard,
    Deelname,
    Gemeente,
    Grootte,
    Herindeling,
    Organisatie,
    Reikwijdte,
    Samenwerking,
    Soort,
    Stand,
    Versie,
    rangschik_partners,
)


def home_cijfers(peildatum, gebied=NOORD):
    """The home page's headline numbers and rankings at a peildatum, for the municipalities
    and arrangements of the area (gemeenten/gebied.py). Three queries."""
    in_gebied = gebied.q("gemeente__")
    aantallen = (
        Deelname.objects.samenwerkingen().filter(in_gebied).aantallen_per_gemeente(peildatum)
    )
    op_peildatum = list(gebied.gemeenten(Gemeente.objects.op(peildatum.datum)))
    for gemeente in op_peildatum:
        gemeente.aantal = aantallen.get(gemeente.pk, 0)
    ranglijst = sorted(op_peildatum, key=lambda g: (-g.aantal, g.naam))
    gemeenten = len(op_peildatum)
    # A municipality takes part in an arrangement once per snapshot (one Stand per
    # arrangement and date, one Deelname per municipality and Stand): its participations
    # are the arrangements counted per municipality, so their sum needs no query of its own.
    deelnames = sum(aantallen.values())
    in_stand = gebied.samenwerkingen(Samenwerking.objects.in_stand(peildatum), peildatum)
    soorten = in_stand.aggregate(
        samenwerkingen=Count("pk", filter=Q(aard=Aard.SAMENWERKING)),
        indelingen=Count("pk", filter=Q(aard=Aard.INDELING)),
    )
    return {
        "aantal_gemeenten": gemeenten,
        "aantal_samenwerkingen": soorten["samenwerkingen"],
        "aantal_indelingen": soorten["indelingen"],
        "aantal_deelnames": deelnames,
        "gemiddelde": deelnames / gemeenten if gemeenten else 0,
        "meeste": ranglijst[:5],
        "minste": sorted(ranglijst, key=lambda g: (g.aantal, g.naam))[:5]
        if len(ranglijst) > 10
        else [],
        "aantallen": {g.cbs_code: g.aantal for g in op_peildatum},
    }


def gemeenten_overzicht(peildatum, gebied=NOORD):
    """The area's municipalities at the peildatum grouped per province (with their number of
    arrangements), and the former and later ones with their predecessors/successors.
    Three queries."""
    datum = peildatum.datum
    in_gebied = gebied.q("gemeente__")
    aantallen = (
        Deelname.objects.samenwerkingen().filter(in_gebied).aantallen_per_gemeente(peildatum)
    )
    opvolgers, voorgangers = defaultdict(list), defaultdict(list)
    for stap in Herindeling.objects.select_related("voorganger", "opvolger"):
        opvolgers[stap.voorganger_id].append(stap)
        voorgangers[stap.opvolger_id].append(stap)
    per_provincie = defaultdict(list)
    voormalig, later = [], []
    for gemeente in gebied.gemeenten(Gemeente.objects.select_related("provincie")):
        gemeente.aantal = aantallen.get(gemeente.pk, 0)
        gemeente.opvolger_stappen = opvolgers[gemeente.pk]
        gemeente.voorganger_stappen = voorgangers[gemeente.pk]
        if gemeente.bestaat_op(datum):
            per_provincie[gemeente.provincie].append(gemeente)
        elif gemeente.geldig_tot and gemeente.geldig_tot < datum:
            voormalig.append(gemeente)
        else:
            later.append(gemeente)
    provincies = sorted(per_provincie.items(), key=lambda item: item[0].naam)
    return {
        "provincies": provincies,
        "aantal_op_peildatum": sum(len(g) for _, g in provincies),
        "voormalige_gemeenten": sorted(voormalig, key=lambda g: (g.geldig_tot, g.naam)),
        "latere_gemeenten": sorted(later, key=lambda g: (g.geldig_van, g.naam)),
    }


def zoek_gemeente(slug):
    """The municipality with this slug, or None."""
    return Gemeente.objects.select_related("provincie").filter(slug=slug).first()


def gemeente_op_cbs_code(code):
    return Gemeente.objects.filter(cbs_code__iexact=code).first()


def gemeente_profiel(gemeente, peildatum):
    """Everything the profile (and its CSV) shows of one municipality at a peildatum.

    Four queries: its participations, all participants of those arrangements, the secondary
    themes, and the reorganisations it took part in.
    """
    eigen = list(
        Deelname.objects.van_gemeente(gemeente, peildatum)
        .select_related("stand__bron", "stand__samenwerking__bron")
        .prefetch_related("stand__samenwerking__overige_taakvelden")
    )
    alle = Deelname.objects.filter(stand__in=[d.stand_id for d in eigen]).select_related(
        "gemeente", "organisatie"
    )
    per_stand = defaultdict(list)
    for deelname in alle:
        per_stand[deelname.stand_id].append(deelname)

    groepen, indelingen, partners = {}, [], Counter()
    for deelname in eigen:
        samenwerking = deelname.stand.samenwerking
        anderen = samenwerking.deelnames_op_peildatum = per_stand[deelname.stand_id]
        eigen_id = gemeente.pk
        deelname.partners = [d.gemeente for d in anderen if d.gemeente_id not in (None, eigen_id)]
        deelname.overige_deelnemers = [d.organisatie for d in anderen if d.organisatie_id]
        if samenwerking.aard == Aard.INDELING:  # state/statistical: shown apart, not counted
            indelingen.append(deelname)
            continue
        hoofd = samenwerking.taakveld.hoofdtaakveld
        groepen.setdefault(hoofd, []).append(deelname)
        partners.update(deelname.partners)

    stappen = list(
        Herindeling.objects.filter(Q(voorganger=gemeente) | Q(opvolger=gemeente)).select_related(
            "voorganger", "opvolger"
        )
    )
    aantal = sum(len(d) for d in groepen.values())
    return {
        "deelnames": eigen,
        "groepen": sorted(groepen.items(), key=lambda item: item[0].code),
        "indelingen": indelingen,
        "aantal_samenwerkingen": aantal,
        "partners": rangschik_partners(partners),
        "opgegaan_in": [s for s in stappen if s.voorganger_id == gemeente.pk],
        "voorgangers": [s for s in stappen if s.opvolger_id == gemeente.pk],
        "bestaat_op_peildatum": gemeente.bestaat_op(peildatum.datum),
    }


def aantallen_per_peildatum(gemeente, peildata):
    """[(peildatum, number of collaborations)] for one municipality, every snapshot, one query
    (state and statistical divisions not counted): how its collaboration changed."""
    rijen = (
        Deelname.objects.samenwerkingen()
        .filter(gemeente=gemeente)
        .values("stand__peildatum")
        .annotate(n=Count("stand__samenwerking", distinct=True))
    )
    aantallen = {rij["stand__peildatum"]: rij["n"] for rij in rijen}
    return [(p, aantallen.get(p.pk, 0)) for p in peildata if gemeente.bestaat_op(p.datum)]


def verdeling(samenwerkingen):
    """How a selection (annotated by `met_stand`) divides over kind, size and reach, in one
    query: [(label, count)] per dimension, without the empty ones."""
    dimensies = (
        ("soort", "soort", Soort.choices),
        ("grootte", "stand_grootte", Grootte.choices),
        ("reikwijdte", "stand_reikwijdte", Reikwijdte.choices),
    )
    tellingen = {
        f"{naam}_{v}": Count("pk", filter=Q(**{veld: v}))
        for naam, veld, keuzes in dimensies
        for v, _ in keuzes
    }
    uitkomst = samenwerkingen.order_by().aggregate(**tellingen)
    return {
        naam: [(label, uitkomst[f"{naam}_{v}"]) for v, label in keuzes if uitkomst[f"{naam}_{v}"]]
        for naam, _, keuzes in dimensies
    }


def voorgangers_en_opvolgers(samenwerking):
    """The arrangement's predecessors and successors, in one query."""
    koppelingen = Samenwerking.voorgangers.through.objects.filter(
        Q(from_samenwerking=samenwerking) | Q(to_samenwerking=samenwerking)
    ).select_related("from_samenwerking", "to_samenwerking")
    voorgangers, opvolgers = [], []
    for koppeling in koppelingen:
        if koppeling.from_samenwerking_id == samenwerking.pk:
            voorgangers.append(koppeling.to_samenwerking)
        else:
            opvolgers.append(koppeling.from_samenwerking)
    return sorted(voorgangers, key=str), sorted(opvolgers, key=str)


def samenwerking_detail():
    """Arrangements with what their page and their API document need on the row itself."""
    return Samenwerking.objects.select_related(
        "rechtsvorm", "taakveld__hoofdtaakveld", "bron"
    ).prefetch_related("overige_taakvelden")


def standen_van(samenwerking):
    """Every snapshot of an arrangement, with its peildatum, source and the register version
    in force on its date. One query."""
    return list(
        Stand.objects.filter(samenwerking=samenwerking).select_related(
            "peildatum", "bron", "versie", "rechtsvorm"
        )
    )


def versies_van(samenwerking):
    return list(Versie.objects.filter(samenwerking=samenwerking).select_related("bron"))


# /zoeken/ shows at most this many organisations (a word like "gemeente" fits hundreds).
MAX_ORGANISATIES = 25


@dataclass
class Zoekresultaat:
    """What a search found. Each list holds records in the order shown: whole-name matches
    first, then names starting with the term, then names containing it (by name within each).

    `gezocht` is the normalised term the results are for: the query's, or, when that found
    nothing, the closest name (`bedoeld`: the names closest to what was typed, as shown)."""

    term: str
    gezocht: str
    gemeenten: list = field(default_factory=list)
    samenwerkingen: list = field(default_factory=list)
    organisaties: list = field(default_factory=list)
    meer_organisaties: int = 0
    bedoeld: list = field(default_factory=list)

    @property
    def leeg(self):
        return not (self.gemeenten or self.samenwerkingen or self.organisaties)

    @property
    def enige_exacte(self):
        """The one municipality or arrangement known by exactly the term (its page is where
        the search goes), or None: none, or more than one record has that name (also as a
        former name: "Haren" is a former municipality and a former name of Groningen)."""
        if self.gezocht != self.term:
            return None
        alle = (*self.gemeenten, *self.samenwerkingen, *self.organisaties)
        exact = [r for r in alle if r.rang == 0]
        if len(exact) == 1 and not isinstance(exact[0], Organisatie):
            return exact[0]
        return None

    def treffers(self):
        """Every record found in one order (whole name, start, inside; municipalities before
        arrangements before organisations): what the map search takes the first of."""
        soorten = ((0, self.gemeenten), (1, self.samenwerkingen), (2, self.organisaties))
        rijen = [(r.rang, v, i, r) for v, lijst in soorten for i, r in enumerate(lijst)]
        return [r for *_, r in sorted(rijen, key=lambda rij: rij[:3])]


def _eigen_namen(record):
    return [record.naam, getattr(record, "weergavenaam", ""), getattr(record, "afkorting", "")]


def _passend(records, term, sleutel):
    """The records whose `zoektekst` fits the normalised `term`, each with `rang`, in order;
    within a rank, a record whose own name fits comes before one known by it in a source or
    as a former name ("Haren": the former municipality, then Groningen)."""
    gevonden = []
    for record in records:
        rang = zoeken.past(record.zoektekst, term)
        if rang is not None:
            record.rang = rang
            eigen = zoeken.past(zoeken.zoektekst(*_eigen_namen(record)), term)
            gevonden.append((rang, eigen is None, sleutel(record), record.pk, record))
    return [rij[-1] for rij in sorted(gevonden, key=lambda rij: rij[:4])]


def zoek(q, peildatum, gebied=NOORD):
    """Municipalities (also former ones: by name, former name or CBS code), arrangements (by
    any of their names or abbreviation) and other participants (water boards, provinces,
    German partners …, with the arrangements they take part in) matching `q`, ignoring case,
    accents and punctuation (gemeenten.zoeken). When nothing matches, the closest names by
    similarity, and the results of the closest. Matching is in Python over the stored
    normalised names (a few hundred rows), so both database backends give the same answer.

    Municipalities get `opgegaan_in` (their successor steps) and `op_kaart` (themselves or
    their successor on the peildatum, or None); arrangements `op_peildatum`; organisations
    `deelnames_op_peildatum` and `deelnames_elders`. Within the area (gemeenten/gebied.py):
    its municipalities, the arrangements with a participating municipality of the area in
    any snapshot (or in none), and the organisations taking part in those (or in none).
    Five queries."""
    term = zoeken.normaliseer(q)
    resultaat = Zoekresultaat(term=term, gezocht=term)
    if not term:
        return resultaat
    gemeenten = list(gebied.gemeenten(Gemeente.objects.select_related("provincie")))
    in_stand = Stand.objects.filter(samenwerking=OuterRef("pk"), peildatum=peildatum)
    samenwerkingen = Samenwerking.objects.defer("doel", "documenten", "bevoegdheden")
    organisaties = Organisatie.objects.all()
    if not gebied.alles:
        # Out of the area: what takes part only in snapshots without a municipality of the
        # area. What is in no snapshot at all (an arrangement known from the register only)
        # has no area and is found in every one.
        # By the area's municipalities just read: the index on the participant, rather than
        # a join over every participation of the country.
        in_gebied = Deelname.objects.filter(gemeente__in=[g.pk for g in gemeenten])
        samenwerkingen = samenwerkingen.filter(
            Q(pk__in=in_gebied.values("stand__samenwerking_id"))
            | ~Q(pk__in=Stand.objects.values("samenwerking_id"))
        )
    samenwerkingen = list(samenwerkingen.annotate(op_peildatum=Exists(in_stand)))
    organisaties = list(organisaties)
    groepen = (
        (gemeenten, lambda g: (not g.bestaat_op(peildatum.datum), zoeken.sorteernaam(g.naam))),
        (samenwerkingen, lambda s: (s.sorteernaam, zoeken.sorteernaam(s.naam))),
        (organisaties, lambda o: zoeken.sorteernaam(o.naam)),
    )
    gevonden = [_passend(records, term, sleutel) for records, sleutel in groepen]
    if not any(gevonden):
        alle = [n for records, _ in groepen for r in records for n in zoeken.namen_in(r.zoektekst)]
        bedoeld = zoeken.bedoeld(term, alle)
        if bedoeld:
            resultaat.gezocht = bedoeld[0]
            resultaat.bedoeld = list(dict.fromkeys(_weergave(naam, groepen) for naam in bedoeld))
            gevonden = [_passend(records, bedoeld[0], sleutel) for records, sleutel in groepen]
    resultaat.gemeenten, resultaat.samenwerkingen, organisaties = gevonden
    # The participations of the organisations found: which they show, and (outside the whole
    # country) whether they are in the area: one in an arrangement of the area, or in none.
    deelnames = defaultdict(list)
    if organisaties:
        rijen = Deelname.objects.filter(organisatie__in=organisaties).select_related(
            "stand__samenwerking", "stand__peildatum"
        )
        for deelname in rijen:
            deelnames[deelname.organisatie_id].append(deelname)
    if not gebied.alles:
        in_gebied = {s.pk for s in samenwerkingen}
        organisaties = [
            o
            for o in organisaties
            if not deelnames[o.pk]
            or any(d.stand.samenwerking_id in in_gebied for d in deelnames[o.pk])
        ]
    resultaat.organisaties = organisaties[:MAX_ORGANISATIES]
    resultaat.meer_organisaties = len(organisaties) - len(resultaat.organisaties)

    if resultaat.gemeenten:
        stappen = defaultdict(list)
        for stap in Herindeling.objects.select_related("voorganger", "opvolger"):
            stappen[stap.voorganger_id].append(stap)
        for gemeente in resultaat.gemeenten:
            gemeente.opgegaan_in = stappen[gemeente.pk]
            gemeente.op_kaart = gemeente.opvolger_op(peildatum.datum, stappen)
    volgorde = lambda d: (d.stand.samenwerking.sorteernaam, d.stand.peildatum.datum)  # noqa: E731
    for organisatie in resultaat.organisaties:
        organisatie.deelnames_op_peildatum, organisatie.deelnames_elders = [], []
        for deelname in sorted(deelnames[organisatie.pk], key=volgorde):
            if deelname.stand.peildatum_id == peildatum.pk:
                organisatie.deelnames_op_peildatum.append(deelname)
            else:
                organisatie.deelnames_elders.append(deelname)
    return resultaat


def bedoelde_namen(q):
    """The names of municipalities, arrangements (short and official) and other participants
    closest to `q` (gemeenten.zoeken.bedoeld), as written. One query."""
    samenwerkingen = Samenwerking.objects.order_by()
    namen = (
        Gemeente.objects.order_by()
        .values_list("naam", flat=True)
        .union(
            Organisatie.objects.order_by().values_list("naam", flat=True),
            samenwerkingen.values_list("naam", flat=True),
            samenwerkingen.exclude(weergavenaam="").values_list("weergavenaam", flat=True),
        )
    )
    geschreven = {}
    for naam in sorted(namen):
        geschreven.setdefault(zoeken.normaliseer(naam), naam)
    return [geschreven[n] for n in zoeken.bedoeld(zoeken.normaliseer(q), geschreven)]


def _weergave(naam, groepen):
    """How a normalised name is offered: as the (short) name of the record whose own name it
    is, else of the first record known by it."""
    kandidaten = []
    for records, _ in groepen:
        for record in records:
            if naam in zoeken.namen_in(record.zoektekst):
                kort = getattr(record, "korte_naam", record.naam)
                if any(zoeken.normaliseer(t) == naam for t in _eigen_namen(record) if t):
                    return kort
                kandidaten.append(kort)
    return kandidaten[0] if kandidaten else naam


def kaart_samenwerkingen(peildatum, selectie, gebied=NOORD):
    """Every arrangement of the snapshot in the area for the map, in name order, with its
    participating municipalities (`kaart_standen`) and `gekozen`: whether it is in
    `selectie` (the filterset's queryset). Three queries, however many filters the
    selection has."""
    gekozen = ExpressionWrapper(
        Q(pk__in=selectie.order_by().values("pk")), output_field=BooleanField()
    )
    alle = gebied.samenwerkingen(Samenwerking.objects.voor_kaart(peildatum), peildatum)
    return list(alle.annotate(gekozen=gekozen))
