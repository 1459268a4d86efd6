"""The curated dataset as committed in fixtures/ (loaded once per session into the test
database): the numbers the sources promise, provenance, encoding, geometry and the contracts
the site and the map rely on. On PostGIS this also proves the fixtures load there."""

import csv
import datetime
import gzip
import io
import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count, Q
from django.utils.html import escape

from gemeenten import models
from gemeenten.dataset import DATASET_MODELS
from gemeenten.gebied import NOORD as NOORD_GEBIED
from gemeenten.importers.base import MOJIBAKE
from gemeenten.importers.standen import als_deelnemer, gemeenten_per_provincie, regels
from gemeenten.schaal import bepaal_grootte, bepaal_reikwijdte

pytestmark = pytest.mark.django_db

D = datetime.date
NOORD = {"PV20", "PV21", "PV22"}


def peildatum(code):
    return models.Peildatum.objects.get(code=code)


@pytest.mark.parametrize(
    ("datum", "aantal"),
    [(D(2009, 1, 1), 68), (D(2013, 1, 1), 62), (D(2016, 1, 1), 59), (D(2026, 5, 16), 40)],
)
def test_municipalities_per_date(datum, aantal):
    gemeenten = models.Gemeente.objects.op(datum).filter(provincie__code__in=NOORD)
    assert gemeenten.exclude(cbs_code__startswith="GM9").count() == aantal


def test_registry_has_80_northern_municipalities_and_their_reorganisations():
    echt = models.Gemeente.objects.exclude(cbs_code__startswith="GM9")
    assert echt.filter(provincie__code__in=NOORD).count() == 80
    huidig = models.Gemeente.objects.huidig().exclude(cbs_code__startswith="GM9")
    assert huidig.filter(provincie__code__in=NOORD).count() == 40
    haren = models.Gemeente.objects.get(cbs_code="GM0017")
    assert haren.geldig_tot == D(2018, 12, 31)
    assert set(haren.naar.values_list("opvolger__cbs_code", flat=True)) == {"GM0014"}
    oldambt = models.Gemeente.objects.get(cbs_code="GM1895")
    assert set(oldambt.van.values_list("voorganger__naam", flat=True)) == {
        "Reiderland",
        "Scheemda",
        "Winschoten",
    }
    assert models.Herindeling.objects.filter(voorganger__cbs_code="GM0140").count() == 3


@pytest.mark.parametrize(
    ("datum", "aantal"),
    [(D(2009, 1, 1), 441), (D(2016, 1, 1), 390), (D(2025, 1, 1), 342), (D(2026, 5, 16), 342)],
)
def test_national_municipalities_per_date(datum, aantal):
    """The code list's counts: 2016 and 2025 are the counts of the national boundary layers
    (390, 342); 2009: CBS's 441 municipalities on 1 January 2009."""
    gemeenten = models.Gemeente.objects.op(datum).exclude(cbs_code__startswith="GM9")
    assert gemeenten.count() == aantal


def test_national_registry_has_every_province_and_unique_slugs():
    provincies = dict(models.Provincie.objects.values_list("code", "slug"))
    assert provincies == {
        "PV20": "groningen",
        "PV21": "fryslan",
        "PV22": "drenthe",
        "PV23": "overijssel",
        "PV24": "flevoland",
        "PV25": "gelderland",
        "PV26": "utrecht",
        "PV27": "noord-holland",
        "PV28": "zuid-holland",
        "PV29": "zeeland",
        "PV30": "noord-brabant",
        "PV31": "limburg",
    }
    assert models.Gemeente.objects.get(cbs_code="GM0373").slug == "bergen-nh"
    assert models.Gemeente.objects.get(cbs_code="GM0893").slug == "bergen-l"
    vianen = models.Gemeente.objects.get(cbs_code="GM0620")  # moved to Utrecht in 2002
    assert (vianen.provincie.code, vianen.geldig_van, vianen.geldig_tot) == (
        "PV26",
        None,
        D(2018, 12, 31),
    )
    weesp = models.Gemeente.objects.get(cbs_code="GM0457")
    assert weesp.geldig_tot == D(2022, 3, 23)


def test_successors_outside_the_north_from_the_code_list_and_the_overlay():
    stappen = models.Herindeling.objects.exclude(voorganger__provincie__code__in=NOORD)
    assert set(
        models.Herindeling.objects.filter(opvolger__cbs_code="GM1948").values_list(
            "voorganger__naam", flat=True
        )
    ) == {"Schijndel", "Sint-Oedenrode", "Veghel"}
    weesp = stappen.get(voorganger__cbs_code="GM0457")
    assert (weesp.datum, weesp.opvolger.naam, weesp.soort) == (
        D(2022, 3, 24),
        "Amsterdam",
        models.Herindeling.Soort.FUSIE,
    )
    # Haaren: split over four municipalities, from the curation table.
    haaren = stappen.filter(voorganger__cbs_code="GM0788")
    assert set(haaren.values_list("opvolger__naam", flat=True)) == {
        "Boxtel",
        "Oisterwijk",
        "Tilburg",
        "Vught",
    }
    assert set(haaren.values_list("deel", flat=True)) == {models.Herindeling.Deel.DEEL}
    # Every code outside the north that ended after 2016-01-01 has a successor on its end.
    geeindigd = models.Gemeente.objects.exclude(provincie__code__in=NOORD).filter(
        geldig_tot__gte=D(2016, 1, 1)
    )
    assert geeindigd.count() == 40
    for g in geeindigd:
        assert g.naar.filter(datum=g.geldig_tot + datetime.timedelta(days=1)).exists(), g


@pytest.mark.parametrize(
    ("jaar", "datum", "aantal"), [(2016, D(2016, 1, 1), 390), (2025, D(2025, 1, 1), 342)]
)
def test_national_overview_boundaries(jaar, datum, aantal):
    grenzen = models.GemeenteGrens.alle.filter(jaar=jaar, niveau=models.Niveau.OVERZICHT)
    codes = set(grenzen.values_list("gemeente__cbs_code", flat=True))
    assert len(codes) == aantal
    bestaand = models.Gemeente.objects.op(datum).exclude(cbs_code__startswith="GM9")
    assert codes == set(bestaand.values_list("cbs_code", flat=True))
    # The default manager keeps meaning the northern detailed level.
    assert not models.GemeenteGrens.objects.filter(niveau=models.Niveau.OVERZICHT).exists()


def test_peildatum_contract():
    p2016, p2026 = peildatum("2016"), peildatum("2026")
    assert (p2016.datum, p2016.grensjaar, p2016.naam) == (D(2016, 1, 1), 2016, "1 januari 2016")
    assert (p2026.datum, p2026.grensjaar, p2026.naam) == (D(2026, 5, 16), 2022, "16 mei 2026")
    assert (p2016.overzichtjaar, p2026.overzichtjaar) == (2016, 2025)


@pytest.mark.parametrize(
    ("jaar", "datum", "aantal"),
    [(2013, D(2013, 1, 1), 62), (2016, D(2016, 1, 1), 59), (2022, D(2026, 5, 16), 40)],
)
def test_boundaries_per_division_year(jaar, datum, aantal):
    grenzen = models.GemeenteGrens.objects.filter(jaar=jaar).exclude(
        gemeente__cbs_code__startswith="GM9"
    )
    codes = set(grenzen.values_list("gemeente__cbs_code", flat=True))
    assert len(codes) == aantal
    bestaand = models.Gemeente.objects.op(datum).filter(provincie__code__in=NOORD)
    bestaand = bestaand.exclude(cbs_code__startswith="GM9")
    assert codes == set(bestaand.values_list("cbs_code", flat=True))
    assert models.ProvincieGrens.objects.filter(jaar=jaar, provincie__code__in=NOORD).count() == 3


def test_boundaries_are_valid_multipolygons_and_the_map_copy_is_smaller():
    grenzen = models.GemeenteGrens.objects.filter(gemeente__provincie__code__in=NOORD)
    assert grenzen.count() == 62 + 59 + 40
    for grens in grenzen:
        for geom in (grens.geometrie, grens.kaartgeometrie):
            assert geom.geom_type == "MultiPolygon" and geom.srid == 4326
            assert geom.valid and not geom.empty
        assert grens.kaartgeometrie.num_coords <= grens.geometrie.num_coords
        assert grens.kaartgeometrie.area >= 0.9 * grens.geometrie.area


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_map_payload_of_a_snapshot_is_small(code):
    rows = models.GemeenteGrens.objects.voor_kaart(peildatum(code)).filter(
        gemeente__provincie__code__in=NOORD
    )
    payload = ",".join(r.kaart_json for r in rows)
    assert rows.count() == (59 if code == "2016" else 40)
    assert len(gzip.compress(payload.encode())) <= 120 * 1024


def test_no_mojibake_anywhere():
    for model in DATASET_MODELS:
        fields = [
            f.name
            for f in model._meta.fields
            if f.get_internal_type() in ("CharField", "TextField", "SlugField", "URLField")
        ]
        q = Q()
        for name in fields:
            for mark in MOJIBAKE:
                q |= Q(**{f"{name}__contains": mark})
        if fields:
            assert not model.objects.filter(q).exists(), model.__name__
    # And the repaired names are there.
    assert models.Deelname.objects.filter(naam_in_bron="Súdwest-Fryslân").exists()
    assert models.Organisatie.objects.filter(naam="Barßel", land="DE").exists()


def test_every_record_has_a_source():
    for model in DATASET_MODELS:
        if any(f.name == "bron" for f in model._meta.fields):
            assert not model.objects.filter(bron__isnull=True).exists(), model.__name__
    assert models.Bron.objects.filter(code="gr-register-2026", licentie="CC0").exists()
    assert models.Bron.objects.get(code="cbs-grenzen-2022").licentie == "CC BY 4.0"


def test_every_arrangement_has_a_primary_theme_with_its_basis():
    samenwerkingen = models.Samenwerking.objects.exclude(slug__startswith="test-")
    assert samenwerkingen.count() > 150
    assert not samenwerkingen.filter(Q(taakveld__isnull=True) | Q(taakveld_basis="")).exists()


def test_2026_snapshot_is_the_register_in_force():
    # The north as before the register became national (tests/test_import_register_nationaal.py
    # checks the rest of the country).
    p = peildatum("2026")
    standen = NOORD_GEBIED.samenwerkingen(models.Samenwerking.objects.all(), p)
    standen = (
        models.Stand.objects.filter(peildatum=p, samenwerking__in=standen)
        .exclude(samenwerking__soort=models.Soort.REGIO_INDELING)
        .select_related("samenwerking")
    )
    assert standen.count() == 52
    # The rest of the 2026 snapshot is the CBS divisions, each with its own reference date.
    regio = models.Stand.objects.filter(
        peildatum=peildatum("2026"), samenwerking__soort=models.Soort.REGIO_INDELING
    )
    # 32 with a northern municipality; nationally every region of the seven CBS layers that
    # are not GRs (GGD and safety regions are the register's GRs): 35 + 40 + 42 + 40 + 10 +
    # 30 + 31.
    noordelijk = regio.filter(deelnames__gemeente__provincie__code__in=NOORD).distinct()
    assert noordelijk.count() == 32
    assert regio.count() == 228
    assert set(regio.values_list("bron__code", flat=True)) == {"cbs-regio-indelingen-2025"}
    for stand in standen:
        samenwerking = stand.samenwerking
        assert samenwerking.register_id and samenwerking.eind is None
        versie = samenwerking.versies.get(register_id=samenwerking.register_id)
        assert versie.in_werking <= D(2026, 5, 16)
        assert versie.buiten_werking is None or versie.buiten_werking > D(2026, 5, 16)
        assert stand.deelnames.filter(gemeente__isnull=False).exists()
        assert stand.aantal_deelnemers == stand.deelnames.count()


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_size_and_reach_match_the_participants(code):
    p = peildatum(code)
    per_provincie = gemeenten_per_provincie(p)
    standen = models.Stand.objects.filter(peildatum=p).prefetch_related(
        "deelnames__gemeente__provincie", "deelnames__organisatie"
    )
    for stand in standen:
        deelnemers = [als_deelnemer(d.gemeente or d.organisatie) for d in stand.deelnames.all()]
        assert stand.grootte == bepaal_grootte(deelnemers), stand
        assert stand.reikwijdte == bepaal_reikwijdte(deelnemers, per_provincie), stand
        assert stand.aantal_deelnemers == len(deelnemers)


def test_register_versions_are_one_arrangement_with_a_history():
    ggd = models.Samenwerking.objects.get(slug="ggd-groningen")
    versies = list(ggd.versies.order_by("in_werking"))
    assert len(versies) == 4
    assert versies[0].titel.startswith("gemeenschappelijke regeling Publieke Gezondheid")
    for vorige, volgende in zip(versies, versies[1:], strict=False):
        assert volgende.vorige == vorige
    # The 2016 OpenGR name of the same GR is linked through the version chain.
    stand = ggd.standen.get(peildatum__code="2016")
    assert "Publieke Gezondheid & Zorg Groningen (PG & Z)" in stand.naam_in_bron


def test_2016_participants_resolve_to_municipalities_of_the_time():
    p = peildatum("2016")
    deelnames = models.Deelname.objects.filter(stand__peildatum=p)
    # Former municipalities named by the source go to their successor of 2016-01-01.
    reiderland = deelnames.filter(voormalige_gemeente__cbs_code="GM1661")
    assert reiderland.exists()
    assert set(reiderland.values_list("gemeente__cbs_code", flat=True)) == {"GM1895"}
    assert set(
        deelnames.filter(naam_in_bron="Hoogezand").values_list("gemeente__cbs_code", flat=True)
    ) == {"GM0018"}
    bolsward = deelnames.filter(voormalige_gemeente__cbs_code="GM0064")
    assert set(bolsward.values_list("gemeente__cbs_code", flat=True)) == {"GM1900"}
    assert all("Bolsward" in d.naam_in_bron for d in bolsward)
    duits = deelnames.filter(organisatie__land="DE")
    assert duits.exists()
    assert not duits.filter(organisatie__naam__contains="Duitsland").exists()
    edr = models.Samenwerking.objects.get(slug="eems-dollard-regio").standen.get(peildatum=p)
    assert edr.reikwijdte == models.Reikwijdte.GRENSOVERSCHRIJDEND


def test_every_northern_municipality_of_2016_is_in_every_regioatlas_division():
    """Regioatlas covers all 59 municipalities in every division: each is in a region."""
    p = peildatum("2016")
    noord = set(
        models.Gemeente.objects.op(p.datum)
        .filter(provincie__code__in=NOORD)
        .exclude(cbs_code__startswith="GM9")
        .values_list("cbs_code", flat=True)
    )
    ggd = set(
        models.Deelname.objects.filter(
            stand__peildatum=p,
            # The GGD Fryslân region is part of the GR Veiligheidsregio Fryslân.
            stand__samenwerking__slug__in=[
                "ggd-drenthe",
                "ggd-groningen",
                "veiligheidsregio-fryslan",
            ],
        ).values_list("gemeente__cbs_code", flat=True)
    )
    assert ggd == noord
    politie = models.Samenwerking.objects.get(slug="politie-eenheid-noord-nederland")
    assert politie.soort == models.Soort.REGIO_INDELING
    assert politie.standen.get(peildatum=p).aantal_deelnemers == 59


def test_regions_that_are_collaborations_are_not_duplicated():
    p = peildatum("2016")
    for slug, provincie, aantal in [
        ("veiligheidsregio-fryslan", "PV21", 24),
        ("ggd-drenthe", "PV22", 12),
        ("omgevingsdienst-groningen", "PV20", 23),
    ]:
        stand = models.Samenwerking.objects.get(slug=slug).standen.get(peildatum=p)
        gemeenten = stand.deelnames.filter(gemeente__provincie__code=provincie)
        assert gemeenten.count() == aantal, slug
    # No regio-indeling of their own next to them.
    dubbel = [
        "ggd-regio-ggd-drenthe",
        "veiligheidsregio-regio-fryslan",
        "omgevingsdienst-regio-omgevingsdienst-groningen",
    ]
    assert not models.Samenwerking.objects.filter(slug__in=dubbel).exists()


def test_legal_form_only_where_a_source_states_it():
    zonder = models.Samenwerking.objects.filter(rechtsvorm__isnull=True)
    # Regional divisions and OpenGR-only arrangements have no stated legal form...
    assert zonder.filter(soort=models.Soort.REGIO_INDELING).exists()
    # ...register arrangements always have one, and every centrumregeling says so in its name
    # or its purpose (the centrumgemeente).
    assert (
        not models.Samenwerking.objects.exclude(register_id="")
        .filter(rechtsvorm__isnull=True)
        .exists()
    )
    for s in models.Samenwerking.objects.filter(rechtsvorm__code="centrumregeling"):
        assert "centrum" in s.naam.lower() or "centrumgemeente" in s.doel.lower(), s


def test_participation_counts_per_municipality_are_plausible():
    p = peildatum("2026")
    counts = Counter(
        dict(
            models.Deelname.objects.filter(stand__peildatum=p, gemeente__isnull=False)
            .values_list("gemeente__cbs_code")
            .annotate(n=Count("stand"))
        )
    )
    huidig = models.Gemeente.objects.op(p.datum).filter(provincie__code__in=NOORD)
    huidig = huidig.exclude(cbs_code__startswith="GM9")
    assert all(counts[g.cbs_code] >= 3 for g in huidig)


def test_import_log_accounts_for_every_source_row():
    """Each row read is imported or listed out of scope with a reason; none unresolved."""
    path = Path(settings.BASE_DIR) / "fixtures" / "report" / "importverslag.json"
    verslagen = json.loads(path.read_text(encoding="utf-8"))
    assert len(verslagen) == 12
    log = {v["bron"].split(",")[0]: v for v in verslagen}
    assert set(log) == {
        "CBS gemeenten en herindelingen",
        "CBS gebiedsindelingen (grenzen)",
        "CBS opvolgers buiten het noorden (codelijst + overlay 2016/2025)",
        "Taxonomie (BBV-taakvelden",
        "GR-register (organisaties.overheid.nl)",
        "OpenGR (Open State Foundation)",
        "Regioatlas (BZK)",
        "CBS regio-indelingen 2025",
        "DSTA-lijst gemeenschappelijke regelingen (2016)",
        "Curatie: voorgangers en opvolgers (koppelingen.csv)",
        "Register van Overheidsorganisaties (gemeenten)",
        "Zoek- en weergavenamen (curatie: weergavenamen.csv)",
    }
    log = {v["bron"].split(" ")[0]: v for v in verslagen}
    for verslag in verslagen:
        assert verslag["onopgelost"] == []
        assert verslag["gelezen"] == verslag["geimporteerd"] + verslag["buiten_bereik_aantal"]
        for entry in verslag["buiten_bereik"]:
            assert entry[0] and entry[1]
    assert log["OpenGR"]["gelezen"] == 3752
    assert "659 rows supplied by the three northern provinces, 67 GR names" in " ".join(
        log["OpenGR"]["opmerkingen"]
    )
    # Every province's rows, the whole country: read and imported add up per supplier.
    per_leverancier = [
        re.match(r"supplied by (.+): (\d+) rows read, (\d+) imported", o)
        for o in log["OpenGR"]["opmerkingen"]
    ]
    per_leverancier = [m for m in per_leverancier if m]
    assert len(per_leverancier) == 13  # the twelve provinces and one German supplier
    assert sum(int(m.group(2)) for m in per_leverancier) == log["OpenGR"]["gelezen"]
    assert sum(int(m.group(3)) for m in per_leverancier) == log["OpenGR"]["geimporteerd"]
    assert log["GR-register"]["gelezen"] == 1186
    # CBS divisions: 9 layers × the 342 municipalities of 2025, each placed in one region.
    cbs = next(v for v in verslagen if v["bron"].startswith("CBS regio-indelingen"))
    assert cbs["gelezen"] == 9 * 342


# --- 2026 regional divisions and what counts as a collaboration ---------------------------

SAMENWERKINGSREGIOS_2026 = ["arbeidsmarktregio-", "jeugdzorgregio-", "rmc-regio-", "res-regio-"]


def noordelijke_gemeenten(p):
    gemeenten = models.Gemeente.objects.op(p.datum).filter(provincie__code__in=NOORD)
    return list(gemeenten.exclude(cbs_code__startswith="GM9"))


@pytest.mark.parametrize("prefix", SAMENWERKINGSREGIOS_2026)
def test_every_northern_municipality_of_2026_has_its_collaboration_regions(prefix):
    p = peildatum("2026")
    regios = Counter(
        models.Deelname.objects.filter(
            stand__peildatum=p,
            stand__samenwerking__slug__startswith=prefix,
            stand__bron__code="cbs-regio-indelingen-2025",
            gemeente__isnull=False,
        ).values_list("gemeente__cbs_code", flat=True)
    )
    gemeenten = noordelijke_gemeenten(p)
    assert len(gemeenten) == 40
    assert {g.cbs_code: regios[g.cbs_code] for g in gemeenten} == {g.cbs_code: 1 for g in gemeenten}
    samenwerkingen = models.Samenwerking.objects.in_stand(p).filter(slug__startswith=prefix)
    assert samenwerkingen.exists()
    assert not samenwerkingen.exclude(aard=models.Aard.SAMENWERKING).exists()


@pytest.mark.parametrize(
    ("laag", "grs"),
    [
        ("GGD-regio", {"ggd-groningen", "ggd-drenthe", "veiligheidsregio-fryslan"}),
        (
            "Veiligheidsregio",
            {"veiligheidsregio-groningen", "veiligheidsregio-fryslan", "veiligheidsregio-drenthe"},
        ),
    ],
)
def test_ggd_and_safety_regions_of_2026_are_the_register_grs(laag, grs):
    """Each CBS GGD region and safety region with a northern municipality is a GR of the
    register (no regio-indeling of its own), and every northern municipality is in exactly one
    of them, as both the register and the CBS region say."""
    p = peildatum("2026")
    standen = models.Stand.objects.filter(
        peildatum=p,
        naam_in_bron__contains=f"{laag} ",
        samenwerking__in=NOORD_GEBIED.samenwerkingen(models.Samenwerking.objects.all(), p),
    )
    assert set(standen.values_list("samenwerking__slug", flat=True)) == grs
    assert not standen.exclude(bron__code="gr-register-2026").exists()
    assert not standen.filter(samenwerking__soort=models.Soort.REGIO_INDELING).exists()
    deelnames = Counter(
        models.Deelname.objects.filter(stand__in=standen, gemeente__isnull=False).values_list(
            "gemeente__cbs_code", flat=True
        )
    )
    gemeenten = noordelijke_gemeenten(p)
    assert {g.cbs_code: deelnames[g.cbs_code] for g in gemeenten} == {
        g.cbs_code: 1 for g in gemeenten
    }
    dubbel = models.Samenwerking.objects.in_stand(p).filter(
        slug__startswith="ggd-regio-" if laag == "GGD-regio" else "veiligheidsregio-regio-"
    )
    assert not dubbel.exists()


def test_cbs_divisions_carry_their_own_reference_date():
    bron = models.Bron.objects.get(code="cbs-regio-indelingen-2025")
    assert bron.peildatum == D(2025, 1, 1) and bron.licentie == "CC BY 4.0"
    assert bron.peildatum != peildatum("2026").datum


def test_every_division_has_a_curated_aard_with_its_basis():
    """The kind of every regional division comes from indelingen.csv, with its basis."""
    path = Path(settings.BASE_DIR) / "fixtures" / "curation" / "indelingen.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    aard = {}
    for row in rows:
        assert row["aard"] in models.Aard.values and row["aard_basis"], row["bestand"]
        assert aard.setdefault(row["slug"], row["aard"]) == row["aard"], row["slug"]
    regio = models.Samenwerking.objects.filter(soort=models.Soort.REGIO_INDELING)
    assert regio.count() > 100
    for s in regio:
        prefix = max((p for p in aard if s.slug.startswith(f"{p}-")), key=len)
        assert s.aard == aard[prefix] and s.aard_basis, s.slug
    # Only regional divisions can be state or statistical divisions.
    assert (
        not models.Samenwerking.objects.indelingen()
        .exclude(soort=models.Soort.REGIO_INDELING)
        .exists()
    )
    assert models.Samenwerking.objects.get(slug="politie-eenheid-noord-nederland").aard == (
        models.Aard.INDELING
    )
    assert models.Samenwerking.objects.get(slug="res-regio-groningen").aard == (
        models.Aard.SAMENWERKING
    )


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_collaborations_per_municipality_and_the_report(code):
    """Per municipality: collaborations = arrangements + collaboration divisions, never a
    state division; and docs/dataset.md states the distribution the data has."""
    p = peildatum(code)
    gemeenten = noordelijke_gemeenten(p)
    telling = models.Deelname.objects.samenwerkingen().aantallen_per_gemeente(p)
    alle = models.Deelname.objects.aantallen_per_gemeente(p)
    staat = models.Deelname.objects.indelingen().aantallen_per_gemeente(p)
    for g in gemeenten:
        assert telling.get(g.pk, 0) + staat.get(g.pk, 0) == alle.get(g.pk, 0), g
        assert staat.get(g.pk, 0) > 0, g  # COROP, police unit … are in every snapshot
    if code == "2026":
        regeling = models.Deelname.objects.exclude(
            stand__samenwerking__soort=models.Soort.REGIO_INDELING
        ).aantallen_per_gemeente(p)
        for g in gemeenten:
            # arbeidsmarktregio, jeugdregio, RMC and RES; GGD and safety region are GRs.
            assert telling[g.pk] == regeling[g.pk] + 4, g
            assert staat[g.pk] == 3, g  # COROP, police unit, care office
    waarden = sorted(telling.get(g.pk, 0) for g in gemeenten)
    zin = (
        f"not counted): min {waarden[0]}, median {statistics.median(waarden)}, "
        f"max {waarden[-1]}, mean {statistics.mean(waarden):.1f} — the founding study"
    )
    rapport = (Path(settings.BASE_DIR) / "docs" / "dataset.md").read_text(encoding="utf-8")
    deel = rapport.split(f"## Snapshot {p.naam} ({code})\n", 1)[1].split("## ", 1)[0]
    assert zin in deel


# --- Each snapshot as it was on its date (issue 9) ------------------------------------------


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_no_membership_of_a_municipality_that_did_not_exist_on_the_date(code):
    p = peildatum(code)
    deelnames = models.Deelname.objects.filter(stand__peildatum=p, gemeente__isnull=False)
    assert deelnames.exists()
    niet = deelnames.exclude(gemeente__in=models.Gemeente.objects.op(p.datum))
    assert list(niet.values_list("gemeente__naam", "stand__samenwerking__slug")) == []


def test_every_attributed_membership_goes_through_herindeling():
    """Every membership the source gave to a former municipality is its successor on the
    date by the CBS reorganisations, and keeps the source's own name."""
    deelnames = models.Deelname.objects.filter(voormalige_gemeente__isnull=False).select_related(
        "gemeente", "voormalige_gemeente", "stand__peildatum"
    )
    assert deelnames.count() >= 2
    for d in deelnames:
        datum = d.stand.peildatum.datum
        assert not d.voormalige_gemeente.bestaat_op(datum), d
        assert d.voormalige_gemeente.opvolger_op(datum) == d.gemeente, d
        # The register writes "Gemeente Hellevoetsluis", OpenGR "Hellevoetsluis".
        namen = [n.removeprefix("Gemeente ") for n in d.naam_in_bron.split(", ")]
        assert d.voormalige_gemeente.naam in namen, d
    garantie = models.Stand.objects.get(
        samenwerking__slug="garantievoorziening-bestuursacademie-noord-nederland",
        peildatum__code="2016",
    )
    for code in ("GM1900", "GM1895"):  # Súdwest-Fryslân, Oldambt
        assert garantie.deelnames.filter(gemeente__cbs_code=code).exists()
    muziekschool = models.Stand.objects.get(
        samenwerking__slug="algemene-muziekschool-oost-groningen", peildatum__code="2016"
    )
    assert muziekschool.deelnames.filter(gemeente__cbs_code="GM1895").exists()
    assert not muziekschool.deelnames.filter(gemeente__cbs_code__in=["GM1661", "GM0042"]).exists()


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_every_snapshot_shows_the_register_version_in_force_on_its_date(code):
    """Over every snapshot of every register arrangement: the version in force on the date
    (or none) gives title, purpose, legal form and seat; never a later version."""
    p = peildatum(code)
    standen = models.Stand.objects.filter(peildatum=p).select_related("versie", "rechtsvorm")
    gecontroleerd = 0
    for stand in standen:
        versies = list(stand.samenwerking.versies.all())
        if not versies:
            assert stand.versie is None
            continue
        gecontroleerd += 1
        in_kracht = [v for v in versies if v.in_werking_op(p.datum)]
        assert len(in_kracht) <= 1
        assert stand.versie == (in_kracht[0] if in_kracht else None), stand
        if stand.versie:
            v = stand.versie
            assert (stand.titel, stand.doel, stand.rechtsvorm, stand.zetel) == (
                v.titel,
                v.doel,
                v.rechtsvorm,
                v.zetel,
            ), stand
        else:
            assert stand.titel not in {v.titel for v in versies}, stand
            assert (stand.doel, stand.rechtsvorm) == ("", None), stand
    assert gecontroleerd >= (40 if code == "2016" else 52)


def test_every_register_arrangement_page_shows_its_date_s_title(client):
    """The page of every register arrangement on every date: its heading is that date's
    title (or the short name of it, with the title beneath as the official name), and no
    purpose of another version appears on it."""
    standen = models.Stand.objects.filter(samenwerking__versies__isnull=False).distinct()
    standen = standen.select_related("samenwerking", "peildatum", "versie")
    assert standen.count() >= 90
    for stand in standen:
        url = f"{stand.samenwerking.get_absolute_url()}?peildatum={stand.peildatum.code}"
        html = client.get(url).content.decode()
        kop = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
        kort = stand.samenwerking.korte_naam
        assert kop.startswith(escape(stand.titel)) or (
            stand.titel == stand.samenwerking.naam
            and kop.startswith(escape(kort))
            and f"Officiële naam: {escape(stand.titel)}</p>" in html
        ), url
        for versie in stand.samenwerking.versies.exclude(pk=stand.versie_id):
            # (A version's purpose may be part of the next one's: then it is on the page.)
            if versie.doel and versie.doel not in stand.doel:
                assert escape(versie.doel).replace("\n", "<br>") not in html, (url, versie)


def test_2016_gaps_filled_from_register_versions_in_force():
    for slug, titel in [
        ("havenschap-groningen-seaports", "Havenschap Groningen Seaports"),
        (
            "centrumregeling-samenwerking-vlieland-ameland-schiermonnikoog-terschelling-texel-en-leeuwarden",
            "Centrumregeling samenwerking Vlieland, Ameland, Schiermonnikoog, Terschelling en "
            "Leeuwarden",
        ),
    ]:
        stand = models.Stand.objects.get(samenwerking__slug=slug, peildatum__code="2016")
        assert stand.versie is not None and titel in stand.titel
        assert stand.bron.code == "gr-register-2026"
        assert stand.deelnames.filter(gemeente__isnull=False).exists()
    fumo = models.Stand.objects.get(samenwerking__slug="fumo", peildatum__code="2016")
    assert "2022" not in fumo.titel and "Omgevingswet" not in fumo.doel
    assert fumo.versie.in_werking == D(2014, 5, 1)
    # Register participants named without TOOI URI (former municipalities) by name.
    for slug in ["bwr", "participatie-noord-groningen"]:
        assert models.Versie.objects.filter(samenwerking__slug=slug).exists()
    onderwijs = "gemeenschappelijk-orgaan-openbaar-primair-onderwijs-noord-groningen"
    assert models.Versie.objects.filter(samenwerking__slug=onderwijs).exists()
    ddfk = models.Stand.objects.get(samenwerking__slug="ddfk-gemeenten", peildatum__code="2016")
    assert {"GM0058", "GM1722"} <= set(ddfk.deelnames.values_list("gemeente__cbs_code", flat=True))


def test_smaller_defects_of_issue_9():
    parkeer = models.Stand.objects.get(
        samenwerking__slug="cooperatie-parkeerservice", peildatum__code="2016"
    )
    assert parkeer.deelnames.filter(gemeente__naam="Hoogeveen").exists()
    assert parkeer.aantal_deelnemers == 15
    euregio = models.Samenwerking.objects.filter(adres__contains="Gronau")
    assert euregio.exists()
    for s in euregio:
        assert "48599 Gronau" in s.adres and "4859 9" not in s.adres
    # OpenGR's "Bedrijvenpark Drachten - Beetsterzwaag" has the DSTA postcode of Azeven.
    azeven = models.Samenwerking.objects.get(slug="bedrijvenpark-drachten-azeven")
    assert "9244 CR" in azeven.adres
    assert azeven.standen.get(peildatum__code="2016").deelnames.count() == 2


def test_slochteren_page_gives_the_merger_date(client):
    html = client.get("/gemeenten/slochteren/?peildatum=2016").content.decode()
    assert "Op 1 januari 2018 is zij opgegaan in" in html
    assert "op 1 januari 2017 ging een deel van Slochteren over naar" in html


def test_one_collaboration_one_record_and_curated_links():
    """The Regioatlas regions that are a register GR are that GR, not a division of their
    own; the links without a register version chain come from koppelingen.csv."""
    for slug, regio in [
        ("sociale-werkvoorziening-fryslan", "Sociale Werkvoorziening: CAPARIS NV"),
        ("werkvoorzieningschap-fryslan-west", "Sociale Werkvoorziening: Empatec NV"),
        (
            "isd-aa-en-hunze-assen-tynaarlo",
            "Intergemeentelijke sociale diensten: Werkplein Baanzicht",
        ),
        ("veiligheidsregio-fryslan", "GGD's: GGD Fryslân"),
    ]:
        stand = models.Stand.objects.get(samenwerking__slug=slug, peildatum__code="2016")
        assert regio in stand.naam_in_bron
        assert not models.Stand.objects.filter(naam_in_bron=regio).exclude(pk=stand.pk).exists()
    assert not models.Samenwerking.objects.filter(
        slug__in=["sw-regio-caparis-nv", "sw-regio-empatec-nv", "ggd-regio-ggd-fryslan"]
    ).exists()
    for voor, na in [
        ("isd-aa-en-hunze-assen-tynaarlo", "werkplein-drentsche-aa"),
        ("veilig-thuis-regio-groningen", "veilig-thuis-groningen"),
    ]:
        assert models.Samenwerking.objects.get(slug=na).voorgangers.filter(slug=voor).exists()


def test_pages_note_the_source_name_of_an_attributed_membership(client):
    deelnames = models.Deelname.objects.filter(voormalige_gemeente__isnull=False).select_related(
        "stand__samenwerking", "stand__peildatum", "gemeente"
    )
    assert deelnames.exists()
    for d in deelnames:
        pd = d.stand.peildatum.code
        for url in (d.stand.samenwerking.get_absolute_url(), d.gemeente.get_absolute_url()):
            html = client.get(f"{url}?peildatum={pd}").content.decode()
            assert f"in de bron: {escape(d.naam_in_bron)}" in html, url


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_list_csv_and_json_give_every_arrangement_as_on_its_date(client, code):
    """Over the whole committed dataset: each list row, CSV row and JSON item carries the
    title, purpose and legal form of the snapshot (the register version in force), never
    those of a later version."""
    standen = {
        s.samenwerking.slug: s
        for s in models.Stand.objects.filter(peildatum__code=code).select_related(
            "samenwerking", "rechtsvorm"
        )
    }
    rijen = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/samenwerkingen.csv", {"peildatum": code, "regio": "1", "gebied": "nederland"}
                ).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert len(rijen) == len(standen)
    for rij in rijen:
        slug = rij["pagina"].split("/samenwerkingen/", 1)[1].split("/", 1)[0]
        stand = standen[slug]
        assert rij["naam"] == (stand.titel or stand.samenwerking.naam), slug
        assert rij["doel"].replace("\r\n", "\n") == stand.doel.replace("\r\n", "\n"), slug
        verwacht = stand.rechtsvorm.naam if stand.rechtsvorm else "onbekend"
        assert rij["rechtsvorm"] == verwacht, slug
    items = client.get(
        "/api/samenwerkingen.json", {"peildatum": code, "regio": "1", "gebied": "nederland"}
    ).json()["samenwerkingen"]
    for item in items:
        stand = standen[item["slug"]]
        assert item["naam"] == (stand.titel or stand.samenwerking.naam), item["slug"]
        assert item["doel"] == stand.doel, item["slug"]
    html = client.get(
        "/samenwerkingen/", {"peildatum": code, "regio": "1", "gebied": "nederland"}
    ).content.decode()
    later = [s for s in standen.values() if s.titel and s.titel != s.samenwerking.naam]
    for stand in later:
        if f"/samenwerkingen/{stand.samenwerking.slug}/" in html:  # on the first page
            assert escape(stand.titel) in html, stand.samenwerking.slug


@pytest.mark.parametrize(
    "nummers, tekst",
    [([7], "regel 7"), ([14, 12, 13, 20], "regels 12–14, 20"), ([3, 5, 6, 6], "regels 3, 5–6")],
)
def test_source_lines_are_written_as_short_ranges(nummers, tekst):
    assert regels(nummers) == tekst


PLAATS = re.compile(r"^(regels? \d+(–\d+)?(, \d+(–\d+)?)*|regio [A-Z]{2}\d+|roo_id \d+)$")


def _eigen_herkomst(stand, record, document, bestand, plaats, peildatum, opgehaald):
    """The provenance of one exported row against its snapshot: its own record, never the
    generic register URL."""
    slug = stand.samenwerking.slug
    assert record and record != stand.bron.url, slug
    assert peildatum == stand.bron.peildatum.isoformat(), slug
    assert opgehaald == (stand.bron.opgehaald.isoformat() if stand.bron.opgehaald else ""), slug
    if stand.versie_id:
        # Register-backed: the record of the version in force, its URL carrying its id.
        assert stand.versie.in_werking_op(stand.peildatum.datum), slug
        assert record == stand.versie.url, slug
        assert f"/{stand.versie.register_id}/" in record, slug
        assert document == " | ".join(stand.versie.documenten), slug
        # The register's own instellingsbesluiten (CVDR, Staatscourant …), as it lists them.
        assert all(d.startswith(("https://", "http://")) for d in stand.versie.documenten), slug
    else:
        assert document == "", slug
        assert record == f"{stand.bron_bestand} {stand.bron_regels}", slug
    # Every snapshot names its file in the source's folder and the place in it (lines of an
    # OpenGR or Regioatlas file, the region in a CBS layer, the register record's id).
    assert bestand.startswith(stand.bron.bestand.rstrip("/")), slug
    eerste = plaats.split("; ")[0]
    assert PLAATS.match(eerste), (slug, plaats)
    soort = {
        "opengr-2016": "regel",
        "regioatlas-2016": "regel",
        "cbs-regio-indelingen-2025": "regio ",
        "gr-register-2026": "roo_id ",
    }[stand.bron.code]
    assert eerste.startswith(soort), (slug, plaats)
    if stand.bron.code == "gr-register-2026":
        assert eerste == f"roo_id {stand.versie.register_id}", slug
        assert bestand.endswith(".yaml"), slug  # the record's own file
    for extra in plaats.split("; ")[1:]:
        pad, waar = extra.split(" ", 1)
        assert pad.startswith(("regioatlas/", "cbs/regio-indelingen-2025/")), (slug, extra)
        assert PLAATS.match(waar), (slug, extra)


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_every_exported_row_carries_its_own_source_record(client, code):
    """Over the whole committed dataset: every CSV row (the list and every municipality's),
    every JSON item and every profile row names its own record in its source and that
    source's reference date."""
    standen = {
        s.samenwerking.slug: s
        for s in models.Stand.objects.filter(peildatum__code=code).select_related(
            "samenwerking", "bron", "versie", "peildatum"
        )
    }
    assert {s.bron.code for s in standen.values()} >= {"gr-register-2026"}

    def slug_van(rij):
        return rij["pagina"].split("/samenwerkingen/", 1)[1].split("/", 1)[0]

    def lees(response):
        return list(
            csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )

    rijen = lees(
        client.get("/samenwerkingen.csv", {"peildatum": code, "regio": "1", "gebied": "nederland"})
    )
    assert len(rijen) == len(standen)
    for rij in rijen:
        stand = standen[slug_van(rij)]
        _eigen_herkomst(
            stand,
            rij["bron-record"],
            rij["bron-document"],
            stand.bron_bestand,
            stand.bron_regels,
            rij["bron-peildatum"],
            rij["bron-opgehaald"],
        )
    items = client.get(
        "/api/samenwerkingen.json", {"peildatum": code, "regio": "1", "gebied": "nederland"}
    ).json()["samenwerkingen"]
    assert len(items) == len(standen)
    for item in items:
        stand = standen[item["slug"]]
        h = item["herkomst"]
        record = h["record"] or f"{h['bestand']} {h['plaats']}"
        _eigen_herkomst(
            stand,
            record,
            " | ".join(h["documenten"]),
            h["bestand"],
            h["plaats"],
            h["peildatum"],
            h["opgehaald"] or "",
        )
    detail = client.get(f"/api/samenwerkingen/{items[0]['slug']}.json", {"peildatum": code})
    assert detail.json()["herkomst"] == items[0]["herkomst"]
    gemeenten = models.Gemeente.objects.filter(provincie__code__in=NOORD)
    gezien = 0
    for gemeente in gemeenten:
        if not gemeente.bestaat_op(peildatum(code).datum):
            continue
        response = client.get(f"/gemeenten/{gemeente.slug}.csv", {"peildatum": code})
        html = client.get(f"/gemeenten/{gemeente.slug}/", {"peildatum": code}).content.decode()
        for rij in lees(response):
            stand = standen[slug_van(rij)]
            _eigen_herkomst(
                stand,
                rij["bron-record"],
                rij["bron-document"],
                stand.bron_bestand,
                stand.bron_regels,
                rij["bron-peildatum"],
                rij["bron-opgehaald"],
            )
            if stand.versie_id:
                assert f'href="{escape(stand.versie.url)}"' in html, (gemeente.slug, stand)
            else:
                assert escape(f"{stand.bron_bestand}, {stand.bron_regels}") in html, (
                    gemeente.slug,
                    stand,
                )
            gezien += 1
    # Each northern arrangement is on the pages of its (several) northern participants.
    noordelijk = NOORD_GEBIED.samenwerkingen(models.Samenwerking.objects.all(), peildatum(code))
    assert gezien > noordelijk.count()


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_gemeenten_csv_names_each_municipality_s_own_register_record(client, code):
    rijen = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/gemeenten.csv", {"peildatum": code, "gebied": "nederland"}
                ).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    gemeenten = {g.cbs_code: g for g in models.Gemeente.objects.all()}
    assert len(rijen) == len(gemeenten)
    for rij in rijen:
        gemeente = gemeenten[rij["CBS-code"]]
        assert rij["bron-record"] == gemeente.roo_url, gemeente
        if gemeente.roo_url:
            assert f"/{gemeente.roo_id}/" in rij["bron-record"], gemeente
            assert rij["bron-opgehaald"] == gemeente.roo_opgehaald.isoformat(), gemeente
    # Every northern municipality that exists on the date has its own record; elsewhere the
    # register has a few only as a stub without roo_id (Veghel, GM0860, ended 2016-12-31).
    bestaand = [r for r in rijen if r["bestaat op peildatum"] == "ja"]
    noord = [r for r in bestaand if gemeenten[r["CBS-code"]].provincie.code in NOORD]
    assert noord and all(r["bron-record"] for r in noord)
    zonder = {r["CBS-code"] for r in bestaand if not r["bron-record"]}
    assert all(not gemeenten[c].roo_id for c in zonder)
    assert len(zonder) <= 2, zonder
