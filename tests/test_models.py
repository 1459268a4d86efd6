import datetime
import io
import json

import pytest
from django.core.management import call_command

from gemeenten import models
from gemeenten.dataset import DATASET_MODELS, leeg_dataset

from . import factories

D = datetime.date


@pytest.mark.django_db
def test_gemeenten_op_datum_respects_validity_bounds():
    groningen = factories.provincie()
    oud = factories.gemeente(groningen, naam="Haren", geldig_tot=D(2018, 12, 31))
    nieuw = factories.gemeente(groningen, naam="Eemsdelta", geldig_van=D(2021, 1, 1))
    altijd = factories.gemeente(groningen, naam="Oldambt")

    eigen = models.Gemeente.objects.filter(provincie=groningen)
    assert set(eigen.op(D(2018, 12, 31))) == {oud, altijd}
    assert set(eigen.op(D(2019, 1, 1))) == {altijd}
    assert set(eigen.op(D(2021, 1, 1))) == {nieuw, altijd}
    assert oud.bestaat_op(D(2018, 12, 31)) and not oud.bestaat_op(D(2019, 1, 1))


def _organisatie(soort, land="NL", provincie_code=""):
    n = next(factories._seq)
    return models.Organisatie.objects.create(
        slug=f"test-org-{n}",
        naam=f"Organisatie {n}",
        soort=soort,
        land=land,
        provincie_code=provincie_code,
        bron=factories.bron(),
    )


@pytest.fixture
def twee_provincies(db):
    """Province PV90 with six municipalities, PV91 with two; a ministry, a province, a
    municipality elsewhere and a German body as other participants."""
    pv90, pv91 = factories.provincie("PV90", "Testnoord"), factories.provincie("PV91", "Testzuid")
    return {
        "pd": factories.peildatum(),
        "noord": [factories.gemeente(pv90) for _ in range(6)],
        "zuid": [factories.gemeente(pv91) for _ in range(2)],
        "rijk": _organisatie(models.Organisatie.Soort.RIJK),
        "provincie": _organisatie(models.Organisatie.Soort.PROVINCIE, provincie_code="PV90"),
        "elders": _organisatie(models.Organisatie.Soort.GEMEENTE, provincie_code="PV25"),
        "duits": _organisatie(models.Organisatie.Soort.BUITENLANDS, land="DE"),
    }


GROOTTE_GEVALLEN = [
    # (participants, size): municipalities count, other bodies do not.
    (lambda w: w["noord"][:1], models.Grootte.EEN),
    (lambda w: w["noord"][:1] + [w["rijk"]], models.Grootte.EEN),  # not bilateral
    (lambda w: w["noord"][:1] + [w["rijk"], w["provincie"], w["duits"]], models.Grootte.EEN),
    (lambda w: w["noord"][:2], models.Grootte.TWEE),
    (lambda w: w["noord"][:1] + [w["elders"]], models.Grootte.TWEE),  # a Dutch municipality
    (lambda w: w["noord"][:3], models.Grootte.DRIE_TOT_VIJF),
    (lambda w: w["noord"][:5] + [w["rijk"]], models.Grootte.DRIE_TOT_VIJF),
    (lambda w: w["noord"][:6], models.Grootte.ZES_OF_MEER),
    (lambda w: [w["rijk"], w["provincie"]], ""),
]


@pytest.mark.parametrize(("deelnemers", "verwacht"), GROOTTE_GEVALLEN)
def test_size_counts_municipal_participants_only(twee_provincies, deelnemers, verwacht):
    w = twee_provincies
    lijst = deelnemers(w)
    stand = factories.stand(
        factories.samenwerking(factories.taakveld("99.1", "Test", ("99", "Test"))), w["pd"], lijst
    )
    assert stand.grootte == verwacht
    gemeenten = [d for d in lijst if isinstance(d, models.Gemeente) or d.soort == "gemeente"]
    assert stand.aantal_gemeenten == len(gemeenten)
    assert stand.aantal_deelnemers == len(lijst)


REIKWIJDTE_GEVALLEN = [
    (lambda w: w["noord"][:2], models.Reikwijdte.BINNEN_PROVINCIE),
    (lambda w: w["noord"][:5] + [w["rijk"], w["provincie"]], models.Reikwijdte.BINNEN_PROVINCIE),
    (lambda w: w["noord"][:1], models.Reikwijdte.BINNEN_PROVINCIE),
    (lambda w: w["noord"], models.Reikwijdte.PROVINCIEBREED),
    (lambda w: w["zuid"] + [w["rijk"]], models.Reikwijdte.PROVINCIEBREED),
    (lambda w: w["noord"][:1] + w["zuid"][:1], models.Reikwijdte.BOVENPROVINCIAAL),
    (lambda w: w["noord"] + [w["elders"]], models.Reikwijdte.BOVENPROVINCIAAL),
    (lambda w: w["zuid"][:1] + [w["provincie"]], models.Reikwijdte.BOVENPROVINCIAAL),
    (lambda w: w["noord"][:1] + w["zuid"] + [w["duits"]], models.Reikwijdte.GRENSOVERSCHRIJDEND),
    (lambda w: [], ""),
]


@pytest.mark.parametrize(("deelnemers", "verwacht"), REIKWIJDTE_GEVALLEN)
def test_reach_from_where_the_participants_are(twee_provincies, deelnemers, verwacht):
    w = twee_provincies
    stand = factories.stand(
        factories.samenwerking(factories.taakveld("99.1", "Test", ("99", "Test"))),
        w["pd"],
        deelnemers(w),
    )
    assert stand.reikwijdte == verwacht


def test_every_size_and_reach_value_is_exercised():
    assert {v for _, v in GROOTTE_GEVALLEN} - {""} == set(models.Grootte.values)
    assert {v for _, v in REIKWIJDTE_GEVALLEN} - {""} == set(models.Reikwijdte.values)


@pytest.mark.parametrize(
    ("rol", "rol_in_bron", "verwacht"),
    [
        ("centrumgemeente", "bronhouder", "centrumgemeente (in het register: bronhouder)"),
        ("bronhouder", "bronhouder", "bronhouder"),
        ("deelnemer", "", "deelnemer"),
    ],
)
def test_role_shows_the_sources_word_where_it_differs(rol, rol_in_bron, verwacht):
    assert models.Deelname(rol=rol, rol_in_bron=rol_in_bron).rol_weergave == verwacht


def _dump():
    out = io.StringIO()
    labels = [m._meta.label for m in DATASET_MODELS]
    call_command(
        "dumpdata", *labels, natural_foreign=True, natural_primary=True, indent=1, stdout=out
    )
    return out.getvalue()


@pytest.mark.django_db
def test_natural_keys_round_trip_through_dumpdata_and_loaddata(tmp_path):
    leeg_dataset()  # only this test's rows below (the test transaction restores the dataset)
    groningen = factories.provincie(code="PV20", naam="Groningen")
    factories.peildatum(code="2026", datum=D(2026, 5, 16))
    peil2016 = factories.peildatum(code="2016", datum=D(2016, 1, 1), grensjaar=2016)
    stad = factories.gemeente(groningen, naam="Groningen", cbs_code="GM0014")
    haren = factories.gemeente(
        groningen, naam="Haren", cbs_code="GM0017", geldig_tot=D(2018, 12, 31)
    )
    models.Herindeling.objects.create(
        datum=D(2019, 1, 1),
        voorganger=haren,
        opvolger=stad,
        soort="fusie",
        deel="geheel",
        bron=stad.bron,
    )
    models.GemeenteGrens.objects.create(
        gemeente=stad,
        jaar=2016,
        geometrie=factories.vierkant(6.5, 53.2),
        kaartgeometrie=factories.vierkant(6.5, 53.2),
        bron=stad.bron,
    )
    provincie_org = models.Organisatie.objects.create(
        slug="provincie-groningen",
        naam="Provincie Groningen",
        soort="provincie",
        provincie_code="PV20",
        bron=stad.bron,
    )
    arcg = factories.samenwerking(factories.taakveld(), naam="ARCG")
    factories.stand(arcg, peil2016, [stad, haren, provincie_org])

    before = _dump()
    data = json.loads(before)
    assert data and all("pk" not in row for row in data)
    path = tmp_path / "dataset.json"
    path.write_text(before, encoding="utf-8")

    leeg_dataset()
    assert models.Deelname.objects.count() == 0
    call_command("loaddata", str(path), verbosity=0)

    assert models.Deelname.objects.filter(stand__samenwerking__naam="ARCG").count() == 3
    assert models.Herindeling.objects.get().voorganger.cbs_code == "GM0017"
    assert _dump() == before


@pytest.mark.django_db
def test_collaborations_count_divisions_of_municipalities_but_not_state_divisions():
    """`.samenwerkingen()` is what "samenwerkingen per gemeente" counts: arrangements and
    the regional divisions that are collaborations; `.indelingen()` the rest, never counted."""
    provincie = factories.provincie()
    a, b = factories.gemeente(provincie, naam="A"), factories.gemeente(provincie, naam="B")
    peildatum = factories.peildatum()
    taakveld = factories.taakveld("97.9", "Testtaak", hoofd=("97", "Testhoofd"))
    gr = factories.samenwerking(taakveld)
    jeugd = factories.samenwerking(taakveld, soort=models.Soort.REGIO_INDELING)
    corop = factories.samenwerking(
        taakveld, soort=models.Soort.REGIO_INDELING, aard=models.Aard.INDELING
    )
    for samenwerking, deelnemers in ((gr, [a, b]), (jeugd, [a]), (corop, [a, b])):
        factories.stand(samenwerking, peildatum, deelnemers)

    alle = models.Samenwerking.objects.filter(pk__in=[gr.pk, jeugd.pk, corop.pk])
    assert set(alle.samenwerkingen()) == {gr, jeugd}
    assert set(alle.indelingen()) == {corop}
    assert gr.aard == models.Aard.SAMENWERKING  # the default: an arrangement is one
    deelnames = models.Deelname.objects
    assert deelnames.samenwerkingen().aantallen_per_gemeente(peildatum) == {a.pk: 2, b.pk: 1}
    assert deelnames.indelingen().aantallen_per_gemeente(peildatum) == {a.pk: 1, b.pk: 1}


def _stap(voor, na, datum, soort, deel="geheel"):
    return models.Herindeling.objects.create(
        datum=datum, voorganger=voor, opvolger=na, soort=soort, deel=deel, bron=factories.bron()
    )


@pytest.mark.django_db
def test_opvolger_op_follows_whole_steps_only_and_never_guesses():
    pv = factories.provincie()
    slochteren = factories.gemeente(pv, naam="Slochteren", geldig_tot=D(2017, 12, 31))
    groningen = factories.gemeente(pv, naam="Groningen")
    midden = factories.gemeente(pv, naam="Midden-Groningen", geldig_van=D(2018, 1, 1))
    grens = _stap(slochteren, groningen, D(2017, 1, 1), "grenscorrectie", deel="deel")
    fusie = _stap(slochteren, midden, D(2018, 1, 1), "fusie")
    # Meerstad (2017) was a transfer Slochteren outlived; its end is the 2018 merger.
    assert not grens.heft_voorganger_op and fusie.heft_voorganger_op
    assert slochteren.opvolger_op(D(2016, 1, 1)) == slochteren
    assert slochteren.opvolger_op(D(2026, 5, 16)) == midden
    # Before the successor existed there is none to attribute to.
    assert slochteren.opvolger_op(D(2017, 12, 31)) == slochteren
    # Two successors (a split): no single one, so no attribution.
    littenseradiel = factories.gemeente(pv, naam="Littenseradiel", geldig_tot=D(2017, 12, 31))
    _stap(littenseradiel, midden, D(2018, 1, 1), "splitsing", deel="deel")
    _stap(littenseradiel, groningen, D(2018, 1, 1), "splitsing", deel="deel")
    assert littenseradiel.opvolger_op(D(2026, 5, 16)) is None


@pytest.mark.django_db
def test_a_stand_attributes_a_former_municipality_to_its_successor():
    from gemeenten.importers.base import ImportFout
    from gemeenten.importers.standen import schrijf_stand

    pv = factories.provincie()
    sneek = factories.gemeente(pv, naam="Sneek", geldig_tot=D(2010, 12, 31))
    swf = factories.gemeente(pv, naam="Súdwest-Fryslân", geldig_van=D(2011, 1, 1))
    bolsward = factories.gemeente(pv, naam="Bolsward", geldig_tot=D(2010, 12, 31))
    verdwenen = factories.gemeente(pv, naam="Verdwenen", geldig_tot=D(2010, 12, 31))
    for oud in (sneek, bolsward):
        _stap(oud, swf, D(2011, 1, 1), "fusie")
    pd = factories.peildatum()
    s = factories.samenwerking(factories.taakveld(code="97.1", naam="T", hoofd=("97", "T")))
    bron = factories.bron()
    stand = schrijf_stand(
        s,
        pd,
        "Test",
        bron,
        [
            dict(deelnemer=sneek, naam_in_bron="Sneek"),
            dict(deelnemer=bolsward, naam_in_bron="Bolsward"),
        ],
        {},
    )
    (deelname,) = stand.deelnames.all()
    assert deelname.gemeente == swf and deelname.voormalige_gemeente == sneek
    assert deelname.naam_in_bron == "Sneek, Bolsward"
    with pytest.raises(ImportFout, match="no single successor"):
        schrijf_stand(s, pd, "Test", bron, [dict(deelnemer=verdwenen, naam_in_bron="V")], {})


def test_german_postcode_written_as_in_germany():
    from gemeenten.importers.gr_register import postcode

    assert postcode("4859 9", "Duitsland") == "48599"
    assert postcode("48599", "Duitsland") == "48599"
    assert postcode("9700 AS", "Nederland") == "9700 AS"
    assert postcode("7534 AV", None) == "7534 AV"
