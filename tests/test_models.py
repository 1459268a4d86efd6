import datetime
import io
import json

import pytest
from django.core.management import call_command

from gemeenten import models
from gemeenten.dataset import DATASET_MODELS, leeg_dataset
from gemeenten.schaal import Deelnemer, bepaal_schaal

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


def _gemeente(code, provincie="PV20"):
    return Deelnemer(provincie_code=provincie, is_gemeente=True, cbs_code=code)


@pytest.mark.parametrize(
    ("deelnemers", "verwacht"),
    [
        ([_gemeente("GM1"), _gemeente("GM2")], models.Schaal.BILATERAAL),
        ([_gemeente(f"GM{i}") for i in range(3)], models.Schaal.SUBREGIONAAL),
        ([_gemeente(f"GM{i}") for i in range(5)], models.Schaal.SUBREGIONAAL),
        ([_gemeente(f"GM{i}") for i in range(6)], models.Schaal.REGIONAAL),
        ([_gemeente(f"GM{i}") for i in range(10)], models.Schaal.PROVINCIEBREED),
        (
            [_gemeente(f"GM{i}") for i in range(10)] + [Deelnemer(provincie_code="PV20")],
            models.Schaal.PROVINCIEBREED,
        ),
        ([_gemeente("GM1"), _gemeente("GM2", "PV21")], models.Schaal.BOVENPROVINCIAAL),
        (
            [_gemeente("GM1"), _gemeente("GM2", "PV21"), Deelnemer(land="DE")],
            models.Schaal.GRENSOVERSCHRIJDEND,
        ),
        ([_gemeente("GM1")], ""),
    ],
)
def test_bepaal_schaal(deelnemers, verwacht):
    alle_groningers = {f"GM{i}" for i in range(10)}
    assert bepaal_schaal(deelnemers, {"PV20": alle_groningers}) == verwacht


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
