"""What changed between two snapshots (gemeenten.verschil): the logic on a small test world
(two test snapshots far in the future, so no real row takes part), and on the real dataset."""

import csv
import datetime
import io

import pytest

from gemeenten import models
from gemeenten.gebied import OP_CODE
from gemeenten.verschil import Bewijs, Soort, Vergelijking, Vergelijkingsvraag

from . import builders, factories

pytestmark = pytest.mark.django_db

VAN = datetime.date(2116, 1, 1)
TOT = datetime.date(2126, 5, 16)
FUSIE = datetime.date(2120, 1, 1)


class Wereld:
    """Two test snapshots; an 'OpenGR-like' source for the first, a 'register' for the second;
    municipalities a–f, and Oud, which merged wholly into Nieuw between the dates."""

    def __init__(self):
        self.van = factories.peildatum(code="tv", datum=VAN, grensjaar=2016)
        self.tot = factories.peildatum(code="tt", datum=TOT, grensjaar=2022)
        self.bron_van = factories.bron(naam="Oude lijst", peildatum=VAN)
        self.bron_tot = factories.bron(naam="Register", peildatum=TOT)
        prov = builders.provincie()
        self.a, self.b, self.c, self.d, self.e, self.f = (
            builders.gemeente(prov, naam=n) for n in "ABCDEF"
        )
        self.nieuw = builders.gemeente(prov, naam="Nieuw")
        self.oud = builders.gemeente(prov, naam="Oud", geldig_tot=FUSIE - datetime.timedelta(1))
        models.Herindeling.objects.create(
            datum=FUSIE,
            voorganger=self.oud,
            opvolger=self.nieuw,
            soort=models.Herindeling.Soort.FUSIE,
            deel=models.Herindeling.Deel.GEHEEL,
            bron=factories.bron(),
        )
        self.taakveld = builders.taakveld()

    def samenwerking(self, naam, **kwargs):
        return builders.samenwerking(self.taakveld, naam=naam, **kwargs)

    def stand_van(self, sw, deelnemers, **kwargs):
        return factories.stand(sw, self.van, deelnemers, bron=self.bron_van, **kwargs)

    def stand_tot(self, sw, deelnemers, **kwargs):
        return factories.stand(sw, self.tot, deelnemers, bron=self.bron_tot, **kwargs)

    def versie(self, sw, titel, in_werking, vorige=None):
        n = models.Versie.objects.count()
        return models.Versie.objects.create(
            samenwerking=sw,
            register_id=f"t-{sw.pk}-{n}",
            titel=titel,
            in_werking=in_werking,
            url=f"https://example.org/register/{sw.pk}/{n}",
            bron=self.bron_tot,
            vorige=vorige,
        )

    def vergelijk(self):
        return Vergelijking(self.van, self.tot)


@pytest.fixture
def w():
    return Wereld()


def zet_toetreding(stand, gemeente, datum):
    models.Deelname.objects.filter(stand=stand, gemeente=gemeente).update(toegetreden_op=datum)


def soorten(arrangement, soort):
    return {v.deelnemer.pk: v for v in arrangement.verschillen if v.soort == soort}


def test_joined_confirmed_by_a_register_date_or_only_by_the_sources(w):
    sw = w.samenwerking("Belastingen")
    w.stand_van(sw, [w.a])
    tot = w.stand_tot(sw, [w.a, w.b, w.c, w.d])
    zet_toetreding(tot, w.b, datetime.date(2120, 7, 1))  # between the dates
    zet_toetreding(tot, w.c, datetime.date(1990, 1, 1))  # before `van`: the old list missed it
    arrangement = w.vergelijk().arrangement(sw)

    erbij = soorten(arrangement, Soort.TOEGETREDEN)
    assert set(erbij) == {w.b.pk, w.c.pk, w.d.pk}
    assert erbij[w.b.pk].bewijs == Bewijs.REGISTER
    assert "1 juli 2120" in erbij[w.b.pk].toelichting
    assert erbij[w.c.pk].bewijs == Bewijs.BRONNEN
    assert "vóór" in erbij[w.c.pk].toelichting
    assert erbij[w.d.pk].bewijs == Bewijs.BRONNEN
    assert not soorten(arrangement, Soort.UITGETREDEN)


def test_left_is_a_source_difference_unless_the_version_chain_confirms_it(w):
    bronnen = w.samenwerking("Twee bronnen")
    w.stand_van(bronnen, [w.a, w.b])
    w.stand_tot(bronnen, [w.a])

    keten = w.samenwerking("Keten")
    oud = w.versie(keten, "Keten 2110", datetime.date(2110, 1, 1))
    nieuw = w.versie(keten, "Keten 2122", datetime.date(2122, 1, 1), vorige=oud)
    # The earlier snapshot's participants come from the register version then in force.
    factories.stand(keten, w.van, [w.a, w.b], bron=w.bron_tot, versie=oud, titel=oud.titel)
    w.stand_tot(keten, [w.a], versie=nieuw, titel=oud.titel)

    vergelijking = w.vergelijk()
    weg_bronnen = soorten(vergelijking.arrangement(bronnen), Soort.UITGETREDEN)
    weg_keten = soorten(vergelijking.arrangement(keten), Soort.UITGETREDEN)
    assert set(weg_bronnen) == set(weg_keten) == {w.b.pk}
    assert weg_bronnen[w.b.pk].bewijs == Bewijs.BRONNEN
    assert "geen van de bronnen geeft een datum" in weg_bronnen[w.b.pk].toelichting
    assert weg_keten[w.b.pk].bewijs == Bewijs.REGISTER
    # The new version itself is listed, confirmed.
    versies = [
        v for v in vergelijking.arrangement(keten).verschillen if v.soort == Soort.NIEUWE_VERSIE
    ]
    assert [v.versie for v in versies] == [nieuw]


def test_a_merged_municipality_is_not_a_leave_and_a_join(w):
    voortgezet = w.samenwerking("Voortgezet")
    w.stand_van(voortgezet, [w.oud, w.a])
    w.stand_tot(voortgezet, [w.nieuw, w.a])
    gestopt = w.samenwerking("Gestopt")
    w.stand_van(gestopt, [w.oud, w.a])
    w.stand_tot(gestopt, [w.a])

    vergelijking = w.vergelijk()
    assert not vergelijking.arrangement(voortgezet).verschillen
    (weg,) = vergelijking.arrangement(gestopt).verschillen
    assert weg.soort == Soort.UITGETREDEN
    assert weg.deelnemer == w.oud and weg.via == w.oud
    assert weg.gemeenten == [w.nieuw]
    assert "bestond op" in weg.toelichting and w.nieuw.naam in weg.toelichting

    nieuw = vergelijking.voor_gemeente(w.nieuw)
    assert nieuw.voorgangers == [w.oud]
    assert [v.samenwerking for v in nieuw.uitgetreden] == [gestopt]
    assert not nieuw.toegetreden
    assert w.oud in vergelijking.voorgangers(w.nieuw)
    assert [s.voorganger for s in vergelijking.herindelingen if s.opvolger == w.nieuw] == [w.oud]


def test_renamed_through_a_curated_link_and_through_the_version_chain(w):
    voorganger = w.samenwerking("Sociale dienst")
    w.stand_van(voorganger, [w.a, w.b])
    opvolger = w.samenwerking("Werkplein")
    w.versie(opvolger, "Werkplein", datetime.date(2119, 1, 1))
    w.stand_tot(opvolger, [w.a, w.b, w.c])
    opvolger.voorgangers.add(voorganger)

    hernoemd = w.samenwerking("Hernoemd")
    oud = w.versie(hernoemd, "Oude naam", datetime.date(2100, 1, 1))
    nieuw = w.versie(hernoemd, "Nieuwe naam", datetime.date(2121, 1, 1), vorige=oud)
    w.stand_van(hernoemd, [w.a], versie=oud, titel="Oude naam")
    w.stand_tot(hernoemd, [w.a], versie=nieuw, titel="Nieuwe naam")

    vergelijking = w.vergelijk()
    assert not vergelijking.arrangement(voorganger).verschillen  # reported on the successor
    opvolging = vergelijking.arrangement(opvolger)
    overgegaan = soorten(opvolging, Soort.OVERGEGAAN)
    assert set(overgegaan) == {w.a.pk, w.b.pk}
    assert all(v.bewijs == Bewijs.REGISTER for v in overgegaan.values())  # started in between
    assert set(soorten(opvolging, Soort.TOEGETREDEN)) == {w.c.pk}
    (link,) = [v for v in opvolging.verschillen if v.soort == Soort.OPGEVOLGD]
    assert "opgevolgd door" in link.toelichting
    assert ("curatie", "fixtures/curation/koppelingen.csv") in link.bronnen

    (naam,) = [
        v for v in vergelijking.arrangement(hernoemd).verschillen if v.soort == Soort.HERNOEMD
    ]
    assert naam.bewijs == Bewijs.REGISTER
    assert "Oude naam" in naam.toelichting and "Nieuwe naam" in naam.toelichting

    a = vergelijking.voor_gemeente(w.a)
    assert [v.samenwerking for v in a.overgegaan] == [opvolger]
    assert [v.samenwerking for v in a.hernoemd] == [hernoemd]
    assert opvolger not in [v.samenwerking for v in a.toegetreden]
    assert voorganger not in [v.samenwerking for v in a.uitgetreden]


def test_partners_gained_and_lost(w):
    eerst = w.samenwerking("Eerst")
    w.stand_van(eerst, [w.a, w.d])
    w.stand_tot(eerst, [w.a])
    later = w.samenwerking("Later")
    w.stand_van(later, [w.a])
    tot = w.stand_tot(later, [w.a, w.e])
    zet_toetreding(tot, w.e, datetime.date(2124, 3, 1))
    beide = w.samenwerking("Beide")
    w.stand_van(beide, [w.a, w.f])
    w.stand_tot(beide, [w.a, w.f])

    a = w.vergelijk().voor_gemeente(w.a)
    assert [v.deelnemer for v in a.partners_erbij] == [w.e]
    assert a.partners_erbij[0].bewijs == Bewijs.REGISTER  # E's join has a register date
    assert [v.deelnemer for v in a.partners_weg] == [w.d]
    assert a.partners_weg[0].bewijs == Bewijs.BRONNEN  # D's leave has none


def test_state_divisions_are_left_out_of_municipality_and_region(w):
    indeling = w.samenwerking("Politie", aard=models.Aard.INDELING)
    w.stand_van(indeling, [w.a])
    w.stand_tot(indeling, [w.a, w.b])
    vergelijking = w.vergelijk()
    assert soorten(vergelijking.arrangement(indeling), Soort.TOEGETREDEN)  # its own page
    assert indeling not in [a.samenwerking for a in vergelijking.samenwerkingen_met_verschillen()]
    assert not vergelijking.voor_gemeente(w.b).verschillen


def test_new_and_gone_arrangements(w):
    nieuw = w.samenwerking("Nieuw")
    w.versie(nieuw, "Nieuw", datetime.date(2123, 1, 1))
    w.stand_tot(nieuw, [w.a])
    weg = w.samenwerking("Weg")
    w.stand_van(weg, [w.b])
    vergelijking = w.vergelijk()
    (begin,) = [v for v in vergelijking.arrangement(nieuw).verschillen if v.soort == Soort.NIEUW]
    assert begin.bewijs == Bewijs.REGISTER
    (einde,) = [v for v in vergelijking.arrangement(weg).verschillen if v.soort == Soort.VERDWENEN]
    assert einde.bewijs == Bewijs.BRONNEN
    assert [v.samenwerking for v in vergelijking.voor_gemeente(w.b).uitgetreden] == [weg]


@pytest.mark.parametrize(
    "query, fout",
    [
        ({"van": "tt", "tot": "tt"}, "twee verschillende"),
        ({"van": "tt", "tot": "tv"}, "vóór de tweede"),
        ({"van": "1999"}, "Onbekende peildatum"),
    ],
)
def test_the_form_refuses_bad_pairs(w, query, fout):
    vraag = Vergelijkingsvraag(query, [w.van, w.tot])
    assert not vraag.is_valid()
    assert fout in vraag.foutmelding()


def test_the_form_defaults_to_oldest_and_newest(w):
    vraag = Vergelijkingsvraag({}, [w.tot, w.van])
    assert vraag.is_valid()
    assert (vraag.cleaned_data["van_peildatum"], vraag.cleaned_data["tot_peildatum"]) == (
        w.van,
        w.tot,
    )
    # The form on the page shows the pair the page compares, not its first option twice.
    assert (vraag["van"].value(), vraag["tot"].value()) == (w.van.code, w.tot.code)
    assert f'<option value="{w.tot.code}" selected>' in str(vraag["tot"])


@pytest.mark.parametrize(
    "url",
    [
        "/veranderingen/?van=2026&tot=2016",
        "/veranderingen/?van=2016&tot=2016",
        "/veranderingen/?tot=morgen",
        "/veranderingen.csv?van=2026&tot=2016",
        "/gemeenten/assen/veranderingen/?van=x",
        "/gemeenten/assen/veranderingen.csv?van=2016&tot=2016",
        "/samenwerkingen/gemeentelijke-kredietbank-drenthe/veranderingen/?van=2016&van=2026",
    ],
)
def test_bad_pairs_give_a_400_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    tekst = response.content.decode()
    assert "peildat" in tekst or "komt meer dan eens voor" in tekst


# -- the real dataset --------------------------------------------------------------------


@pytest.fixture
def echt():
    van, tot = models.Peildatum.objects.filter(code__in=["2016", "2026"]).order_by("datum").all()
    return Vergelijking(van, tot)


def test_gkb_drenthe_says_the_sources_differ(echt):
    gkb = models.Samenwerking.objects.get(slug="gemeentelijke-kredietbank-drenthe")
    a = echt.arrangement(gkb)
    van_namen = {d.deelnemer.naam for d in a.stand_van.deelnames.all()}
    tot_namen = {d.deelnemer.naam for d in a.stand_tot.deelnames.all()}
    verwacht_weg = van_namen - tot_namen
    assert len(verwacht_weg) > 10  # the case the issue describes
    # Nothing in the register dates a leave, and the old list is not the register's.
    assert not a.stand_van.deelnames.filter(uitgetreden_op__isnull=False).exists()
    assert a.stand_van.bron_id != a.stand_tot.bron_id
    weg = [v for v in a.verschillen if v.soort == Soort.UITGETREDEN]
    assert {v.deelnemer.naam for v in weg} == verwacht_weg
    assert all(v.bewijs == Bewijs.BRONNEN for v in weg)
    tekst = a.samenvatting
    assert f"{echt.van.naam}: {len(van_namen)} deelnemers ({a.stand_van.bron.naam})" in tekst
    assert f"{echt.tot.naam}: {len(tot_namen)} ({a.stand_tot.bron.naam})" in tekst
    assert f"{len(verwacht_weg)} andere" in tekst
    assert "geen datum van uittreding" in tekst
    leden_sinds = {d.toegetreden_op for d in a.stand_tot.deelnames.all()}
    if all(d and d <= echt.van.datum for d in leden_sinds):
        assert "al vóór" in tekst


def test_every_difference_in_the_dataset_has_one_of_the_two_kinds_of_evidence(echt):
    verschillen = [v for a in echt.arrangementen.values() for v in a.verschillen]
    for gemeente in models.Gemeente.objects.op(echt.tot.datum):
        verschillen += echt.voor_gemeente(gemeente).verschillen
    assert len(verschillen) > 100
    assert {v.bewijs for v in verschillen} == set(Bewijs.values)
    assert all(v.toelichting.strip() for v in verschillen)


def test_confirmed_joins_in_the_dataset_rest_on_register_dates(echt):
    """Every join marked as confirmed has a register join date or first version in between."""
    van, tot = echt.van.datum, echt.tot.datum
    gecontroleerd = 0
    for a in echt.arrangementen.values():
        for v in a.verschillen:
            if v.soort != Soort.TOEGETREDEN or not v.bevestigd:
                continue
            deelname = next(d for d in a.stand_tot.deelnames.all() if d.deelnemer == v.deelnemer)
            eerste = (
                models.Versie.objects.filter(samenwerking=a.samenwerking)
                .order_by("in_werking")
                .first()
            )
            assert (deelname.toegetreden_op and van < deelname.toegetreden_op <= tot) or (
                a.stand_van is None and eerste and van < eerste.in_werking <= tot
            ), v
            gecontroleerd += 1
    assert gecontroleerd


def test_no_merged_municipality_in_the_dataset_is_reported_as_leaving(echt):
    """A predecessor whose successor takes part in the same arrangement is never 'uitgetreden'."""
    fusies = [s for s in echt.herindelingen if s.deel == models.Herindeling.Deel.GEHEEL]
    assert fusies
    voortgezet = 0
    for a in echt.arrangementen.values():
        if not (a.stand_van and a.stand_tot):
            continue
        later = {d.gemeente_id for d in a.stand_tot.deelnames.all()}
        weg = {
            v.deelnemer.pk
            for v in a.verschillen
            if v.soort == Soort.UITGETREDEN and isinstance(v.deelnemer, models.Gemeente)
        }
        for d in a.stand_van.deelnames.all():
            opvolger = d.gemeente.opvolger_op(echt.tot.datum) if d.gemeente_id else None
            if opvolger and opvolger.pk != d.gemeente_id and opvolger.pk in later:
                assert d.gemeente_id not in weg, (a.samenwerking, d.gemeente)
                voortgezet += 1
    assert voortgezet


def test_the_region_csv_rows_carry_evidence_and_sources(client):
    response = client.get("/veranderingen.csv", {"van": "2016", "tot": "2026", "sep": "comma"})
    assert response.status_code == 200
    assert "veranderingen-2016-01-01-tot-2026-05-16" in response["Content-Disposition"]
    rijen = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rijen
    assert {r["bewijs"] for r in rijen} == set(Bewijs.labels)
    for rij in rijen:
        assert rij["bron-record van"] or rij["bron-record tot"] or rij["overige bronnen"], rij
        assert "van=2016" in rij["pagina"]


def test_the_municipality_csv_is_the_page(client):
    gemeente = models.Gemeente.objects.get(slug="groningen")
    query = {"van": "2016", "tot": "2026"}
    pagina = client.get(f"/gemeenten/{gemeente.slug}/veranderingen/", query)
    export = client.get(f"/gemeenten/{gemeente.slug}/veranderingen.csv", query)
    assert pagina.status_code == export.status_code == 200
    rijen = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rijen) - 1 == len(pagina.context["resultaat"].verschillen)
    assert all(r[2] == gemeente.naam for r in rijen[1:])


def test_a_municipality_page_loads_less_and_finds_the_same(echt):
    """The municipality page narrows what it loads; it must find what the region finds."""

    def samenvatting(resultaat):
        return sorted(
            (
                v.soort,
                v.samenwerking.pk if v.samenwerking else 0,
                v.deelnemer.pk if v.deelnemer else 0,
                v.bewijs,
            )
            for v in resultaat.verschillen
        )

    # The region loaded for a municipality anywhere is the whole country (the default area,
    # the north, holds only the arrangements with a northern participant).
    land = Vergelijking(echt.van, echt.tot, gebied=OP_CODE["nederland"])
    gemeenten = list(models.Gemeente.objects.op(echt.tot.datum))
    assert gemeenten
    for gemeente in gemeenten:
        smal = Vergelijking(echt.van, echt.tot, gemeente=gemeente)
        assert samenvatting(smal.voor_gemeente(gemeente)) == samenvatting(
            land.voor_gemeente(gemeente)
        ), gemeente
