"""Query budgets: at most eight SQL queries per page, whatever the size of the data.

Each page is measured on the real dataset and again with a block of extra test rows
(dozens of arrangements with many participants each), so an N+1 query shows as a failure.
"""

import pytest
from django.db.models import Count

from gemeenten import models

from . import builders

pytestmark = pytest.mark.django_db

BUDGET = 8


def _urls(peildatum, gemeente, samenwerking):
    pd = f"peildatum={peildatum.code}"
    hoofd = samenwerking.taakveld.hoofdtaakveld.code
    taakveld = samenwerking.taakveld.code
    provincie = gemeente.provincie
    return [
        f"/?{pd}",
        f"/gemeenten/?{pd}",
        f"/gemeenten/{gemeente.slug}/?{pd}",
        f"/samenwerkingen/?{pd}",
        f"/samenwerkingen/?{pd}&gemeente={gemeente.cbs_code}&taakveld={hoofd}&rechtsvorm=onbekend"
        f"&provincie={provincie.code.lower()}&schaal=regionaal&soort=gemeenschappelijke_regeling"
        "&q=a&regio=1",
        f"/samenwerkingen/?{pd}&regio=1&page=2",
        f"/samenwerkingen/?{pd}&grootte=zes-of-meer&reikwijdte=binnen-provincie&regio=1",
        f"/samenwerkingen/{samenwerking.slug}/?{pd}",
        f"/zoeken/?q=gr&{pd}",
        f"/zoeken/?q=haren&{pd}",  # former municipalities, organisations and arrangements
        f"/zoeken/?q=tynarlo&{pd}",  # a typo: the closest names and their results
        f"/zoeken/?q=waterschap&{pd}",  # other participants with their arrangements
        f"/samenwerkingen/?{pd}&q=tynarlo",  # nothing found: "Bedoelde u …?"
        f"/api/zoeken.json?q=haren&{pd}",
        f"/over/?{pd}",
        f"/api/?{pd}",
        f"/api/openapi.yaml?{pd}",
        f"/gemeenten.csv?{pd}",
        f"/gemeenten/{gemeente.slug}.csv?{pd}",
        f"/samenwerkingen.csv?{pd}&regio=1",
        f"/samenwerkingen.csv?{pd}&gemeente={gemeente.slug}&taakveld={taakveld}"
        f"&provincie={provincie.slug}&schaal=regionaal",
        f"/samenwerkingen.csv?{pd}&rechtsvorm=x",
        f"/api/samenwerkingen.json?{pd}&regio=1",
        f"/api/samenwerkingen/{samenwerking.slug}.json?{pd}",
        # The map, with the list's filters (one filterset) and its own parameters.
        f"/kaart/?{pd}",
        f"/kaart/?{pd}&taakveld={hoofd}&provincie={provincie.slug}&soort=gemeenschappelijke_regeling"
        "&rechtsvorm=onbekend&q=a&regio=1",
        f"/kaart/?{pd}&weergave=partners&gemeente={gemeente.slug}&regio=1",
        f"/kaart/?{pd}&grootte=drie-tot-vijf&reikwijdte=provinciebreed&schaal=regionaal",
        f"/kaart/?{pd}&samenwerking={samenwerking.slug}&deel=tabel",
        f"/kaart/?{pd}&regio=1&weergave=lapjes&deel=tabel",
        # What changed between two snapshots (default: oldest and newest), and the CSV twins.
        f"/veranderingen/?{pd}",
        f"/veranderingen.csv?{pd}",
        f"/gemeenten/{gemeente.slug}/veranderingen/?{pd}",
        f"/gemeenten/{gemeente.slug}/veranderingen.csv?{pd}&sep=comma",
        f"/samenwerkingen/{samenwerking.slug}/veranderingen/?{pd}",
        f"/kaart/?{pd}&weergave=congruentie&regio=1",
        f"/kaart/?{pd}&weergave=congruentie&taakveld={hoofd}&gemeente={gemeente.slug}&deel=tabel",
        # The network and compare views read the boundaries too, as do their files.
        f"/kaart/?{pd}&weergave=netwerk&regio=1",
        f"/kaart/?{pd}&weergave=netwerk&taakveld={hoofd}&deel=tabel",
        f"/kaart/?{pd}&weergave=vergelijk&taakveld={hoofd}&vergelijk={taakveld}&regio=1",
        f"/kaart/?{pd}&weergave=vergelijk&vergelijk={taakveld}&deel=tabel",
        f"/kaart/?{pd}&weergave=vergelijk",
        f"/kaart.svg?{pd}&weergave=netwerk&regio=1",
        f"/kaart.svg?{pd}&weergave=vergelijk&vergelijk={hoofd}&regio=1",
        f"/kaart/paren.csv?{pd}&regio=1",
        f"/kaart/paren.csv?{pd}&taakveld={hoofd}&provincie={provincie.slug}",
    ]


def _drukste(peildatum):
    """The municipality and the arrangement with the most participations at the peildatum."""
    gemeente = (
        models.Gemeente.objects.filter(deelnames__stand__peildatum=peildatum)
        .annotate(n=Count("deelnames"))
        .order_by("-n")
        .first()
    )
    samenwerking = (
        models.Samenwerking.objects.filter(standen__peildatum=peildatum)
        .order_by("-standen__aantal_deelnemers")
        .first()
    )
    return gemeente, samenwerking


def _meet(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    return response


def test_budget_on_the_real_dataset(client, django_assert_max_num_queries):
    peildata = list(models.Peildatum.objects.exclude(code__startswith="t"))
    assert peildata, "the curated dataset (fixtures/) is not loaded"
    gemeten = 0
    for peildatum in peildata:
        gemeente, samenwerking = _drukste(peildatum)
        if samenwerking is None:
            continue  # a snapshot without arrangements (yet)
        for url in _urls(peildatum, gemeente, samenwerking):
            _meet(client, url, django_assert_max_num_queries)
            gemeten += 1
    assert gemeten


def test_budget_with_many_extra_rows(client, django_assert_max_num_queries):
    wereld = builders.wereld(
        aantal_gemeenten=15, aantal_samenwerkingen=60, deelnemers_per_samenwerking=9
    )
    gemeente = wereld.gemeenten[0]
    samenwerking = wereld.samenwerkingen[1]
    samenwerking.voorgangers.add(wereld.samenwerkingen[0])
    samenwerking.opvolgers.add(wereld.samenwerkingen[2])
    for url in _urls(wereld.peildatum, gemeente, samenwerking):
        response = _meet(client, url, django_assert_max_num_queries)
        assert response.status_code == (400 if "rechtsvorm=x" in url else 200), url
    # The list really holds the extra rows (so the budget was measured on them).
    response = client.get(
        "/samenwerkingen/", {"peildatum": wereld.peildatum.code, "gemeente": gemeente.slug}
    )
    assert response.context["paginator"].count >= 30
