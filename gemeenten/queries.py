"""The read model: what a page, an export or the map needs from the database.

Named read functions over the model's querysets, imported by the views, the CSV export, the
JSON API, the map and the template tags (never the other way round). Each says how many
queries it runs; the pages' budget is eight (tests/test_views_budget.py).
"""

from collections import Counter, defaultdict

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q

from .models import (
    Aard,
    Deelname,
    Gemeente,
    Grootte,
    Herindeling,
    Reikwijdte,
    Samenwerking,
    Soort,
    Stand,
    Versie,
    rangschik_partners,
)


def home_cijfers(peildatum):
    """The home page's headline numbers and rankings at a peildatum. Five queries."""
    aantallen = Deelname.objects.samenwerkingen().aantallen_per_gemeente(peildatum)
    op_peildatum = list(Gemeente.objects.op(peildatum.datum))
    for gemeente in op_peildatum:
        gemeente.aantal = aantallen.get(gemeente.pk, 0)
    ranglijst = sorted(op_peildatum, key=lambda g: (-g.aantal, g.naam))
    gemeenten = len(op_peildatum)
    deelnames = (
        Deelname.objects.samenwerkingen()
        .filter(stand__peildatum=peildatum, gemeente__isnull=False)
        .count()
    )
    in_stand = Samenwerking.objects.in_stand(peildatum)
    return {
        "aantal_gemeenten": gemeenten,
        "aantal_samenwerkingen": in_stand.samenwerkingen().count(),
        "aantal_indelingen": in_stand.indelingen().count(),
        "aantal_deelnames": deelnames,
        "gemiddelde": deelnames / gemeenten if gemeenten else 0,
        "meeste": ranglijst[:5],
        "minste": sorted(ranglijst, key=lambda g: (g.aantal, g.naam))[:5]
        if len(ranglijst) > 10
        else [],
        "aantallen": {g.cbs_code: g.aantal for g in op_peildatum},
    }


def gemeenten_overzicht(peildatum):
    """Municipalities at the peildatum grouped per province (with their number of
    arrangements), and the former and later ones with their predecessors/successors.
    Three queries."""
    datum = peildatum.datum
    aantallen = Deelname.objects.samenwerkingen().aantallen_per_gemeente(peildatum)
    opvolgers, voorgangers = defaultdict(list), defaultdict(list)
    for stap in Herindeling.objects.select_related("voorganger", "opvolger"):
        opvolgers[stap.voorganger_id].append(stap)
        voorgangers[stap.opvolger_id].append(stap)
    per_provincie = defaultdict(list)
    voormalig, later = [], []
    for gemeente in Gemeente.objects.select_related("provincie"):
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


def zoek(q, peildatum):
    """Municipalities (also former ones, by CBS code) and arrangements matching `q`;
    arrangements annotated with `op_peildatum`. Three queries."""
    gemeenten = list(
        Gemeente.objects.filter(Q(naam__icontains=q) | Q(cbs_code__iexact=q))
        .select_related("provincie")
        .prefetch_related(Prefetch("naar", queryset=Herindeling.objects.select_related("opvolger")))
    )
    in_stand = Stand.objects.filter(samenwerking=OuterRef("pk"), peildatum=peildatum)
    samenwerkingen = list(
        Samenwerking.objects.filter(Q(naam__icontains=q) | Q(afkorting__icontains=q)).annotate(
            op_peildatum=Exists(in_stand)
        )
    )
    return gemeenten, samenwerkingen


def kaart_samenwerkingen(peildatum, selectie):
    """Every arrangement of the snapshot for the map, in name order, with its participating
    municipalities (`kaart_standen`) and `gekozen`: whether it is in `selectie` (the
    filterset's queryset). Three queries, however many filters the selection has."""
    gekozen = ExpressionWrapper(
        Q(pk__in=selectie.order_by().values("pk")), output_field=BooleanField()
    )
    return list(Samenwerking.objects.voor_kaart(peildatum).annotate(gekozen=gekozen))
