"""Importers on small real-format files (tests/data/mini): the happy path, determinism, and
every kind of bad input — each must stop the build with a message naming file, row and
reason, and leave the database exactly as it was."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from gemeenten import models
from gemeenten.dataset import DATASET_MODELS
from gemeenten.importers import topojson
from gemeenten.importers.grenzen import GeometrieFout, als_multipolygon, vereenvoudig
from gemeenten.importers.opengr import herstel_mojibake

from .minibron import build, ruwe_bron


def toestand():
    """Everything the dataset consists of, in a comparable form."""
    state = {model._meta.label: model.objects.count() for model in DATASET_MODELS}
    state["gemeenten"] = sorted(models.Gemeente.objects.values_list("cbs_code", "naam"))
    state["samenwerkingen"] = sorted(models.Samenwerking.objects.values_list("slug", "naam"))
    state["deelnames"] = sorted(
        models.Deelname.objects.values_list("stand_id", "gemeente_id", "organisatie_id"), key=str
    )
    return state


# --- the happy path ---------------------------------------------------------------------


@pytest.mark.django_db
def test_centrumregeling_bronhouder_becomes_the_centrumgemeente(bron, tmp_path):
    """A regeling zonder meer whose purpose assigns the tasks to the centrumgemeente is a
    centrumregeling; the participant the register calls bronhouder is that municipality,
    and the register's word is kept."""
    path = bron / "gr-register/gemeenschappelijke-regelingen"
    path = path / "gemeenschappelijke-regeling-afvalbeheer-test-2020.yaml"
    _replace(path, "afkorting: OL", "afkorting: RZM")
    _replace(
        path,
        "doel: Afvalinzameling",
        "doel: Taken opgedragen aan de centrumgemeente, afvalinzameling",
    )
    _replace(
        path,
        "  deelnemende_organisaties:",
        "  bronhouder:\n    naam: Gemeente Assen\n    roo_id: '30000'\n  deelnemende_organisaties:",
    )
    build(bron, tmp_path / "out")
    afval = models.Samenwerking.objects.get(slug="afvalbeheer-test")
    assert afval.soort == models.Soort.CENTRUMREGELING
    assert afval.soort_basis.startswith("rechtsvorm regeling zonder meer")
    assert "centrumgemeente" in afval.soort_basis
    stand = afval.standen.get(peildatum__code="2026")
    assert stand.rechtsvorm.code == "centrumregeling"
    rollen = {
        (d.gemeente.naam if d.gemeente else d.organisatie.naam, d.rol, d.rol_in_bron)
        for d in stand.deelnames.all()
    }
    assert ("Assen", "centrumgemeente", "bronhouder") in rollen
    assert ("Groningen", "deelnemer", "") in rollen
    assert stand.deelnames.get(gemeente__naam="Assen").rol_weergave == (
        "centrumgemeente (in het register: bronhouder)"
    )


@pytest.mark.django_db
def test_mini_build_imports_every_source(bron, tmp_path):
    output = build(bron, tmp_path / "out")
    assert "0 unresolved" in output

    noord = models.Gemeente.objects.filter(provincie__code__in=["PV20", "PV21", "PV22"])
    assert noord.count() == 6
    assert noord.op(datetime.date(2016, 1, 1)).count() == 5
    assert noord.op(datetime.date(2026, 5, 16)).count() == 3
    assert models.GemeenteGrens.objects.filter(jaar=2022).count() == 3
    assert models.Herindeling.objects.filter(opvolger__cbs_code="GM0014").count() == 2
    # The national code list: Meppel (placed outside the north in the mini tree) and
    # Nijeveen, which went into it (invented for the overlay); Dantumadeel ended before 2009.
    assert models.Gemeente.objects.count() == 8
    assert not models.Gemeente.objects.filter(cbs_code="GM0065").exists()
    assert models.Provincie.objects.count() == 12
    stap = models.Herindeling.objects.get(voorganger__cbs_code="GM0118")
    assert (stap.datum, stap.opvolger.naam, stap.soort, stap.deel) == (
        datetime.date(2018, 1, 1),
        "Meppel",
        models.Herindeling.Soort.FUSIE,
        models.Herindeling.Deel.GEHEEL,
    )
    assert models.GemeenteGrens.alle.filter(niveau=models.Niveau.OVERZICHT, jaar=2016).count() == 7
    assert models.GemeenteGrens.alle.filter(niveau=models.Niveau.OVERZICHT, jaar=2025).count() == 4

    # Register: two versions of one arrangement; the one in force gives the 2026 snapshot.
    afval = models.Samenwerking.objects.get(slug="afvalbeheer-test")
    assert list(afval.versies.values_list("register_id", flat=True)) == ["90000001", "90000002"]
    assert afval.versies.get(register_id="90000002").vorige.register_id == "90000001"
    assert afval.rechtsvorm.code == "openbaar_lichaam"
    assert afval.taakveld.code == "7.3"
    assert afval.taakveld_basis.startswith("register-beleidsterrein")
    assert afval.bevoegdheden == ["Delegatie", "Mandaat"]
    assert afval.zetel == "Groningen"
    stand = afval.standen.get(peildatum__code="2026")
    deelnemers = {str(d.deelnemer) for d in stand.deelnames.all()}
    assert deelnemers == {"Groningen", "Assen", "Provincie Groningen", "Gemeinde Emsbüren"}
    # Size counts the two municipalities only; the German body makes the reach cross-border.
    assert (stand.grootte, stand.aantal_gemeenten) == (models.Grootte.TWEE, 2)
    assert stand.reikwijdte == models.Reikwijdte.GRENSOVERSCHRIJDEND
    assert afval.soort == models.Soort.GEMEENSCHAPPELIJKE_REGELING
    assert afval.soort_basis == "rechtsvorm openbaar lichaam (art. 8 lid 1 Wgr)"
    assert models.Organisatie.objects.get(naam="Gemeinde Emsbüren").land == "DE"

    # OpenGR: repaired encoding, a former municipality (Sneek) goes to its successor of
    # 2016 (Súdwest-Fryslân, named itself too: kept once), alias, repeated row once.
    vr = models.Samenwerking.objects.get(slug="veiligheidsregio-test")
    codes = set(
        vr.standen.get(peildatum__code="2016").deelnames.values_list(
            "gemeente__cbs_code", flat=True
        )
    )
    assert codes == {"GM1900"}
    assert not models.Deelname.objects.filter(gemeente__cbs_code="GM0091").exists()
    assert vr.standen.get().deelnames.get(gemeente__cbs_code="GM1900").naam_in_bron == (
        "Súdwest-Fryslân"
    )
    # 2016: the register version in force then (2010) gives title, purpose and the
    # participants (Haren named without TOOI URI, by deelnemers.csv); OpenGR's rows and the
    # Regioatlas region are superseded.
    stand2016 = afval.standen.get(peildatum__code="2016")
    assert stand2016.versie.register_id == "90000001"
    assert stand2016.titel == "Gemeenschappelijke regeling Afvalbeheer Test 2010"
    assert stand2016.doel == "Afvalinzameling."
    bronnen = dict(stand2016.deelnames.values_list("gemeente__cbs_code", "bron__code"))
    assert bronnen == {"GM0014": "gr-register-2026", "GM0017": "gr-register-2026"}
    assert afval.standen.get(peildatum__code="2026").versie.register_id == "90000002"
    assert models.Organisatie.objects.get(slug="de-emden").land == "DE"

    # Regioatlas: a region of its own, with its member from outside the north — since the
    # national registry (issue 11) the municipality Meppel itself, no longer an organisation.
    drenthe = models.Samenwerking.objects.get(slug="ggd-regio-ggd-drenthe")
    assert drenthe.soort == models.Soort.REGIO_INDELING
    deelnames = drenthe.standen.get(peildatum__code="2016").deelnames.all()
    assert {str(d.deelnemer) for d in deelnames} == {"Assen", "Meppel"}
    assert {d.gemeente.cbs_code for d in deelnames} == {"GM0106", "GM0119"}
    assert drenthe.aard == models.Aard.SAMENWERKING and drenthe.aard_basis

    # CBS 2025 by overlay: the same region of 2016 gets its 2026 snapshot (one record), with
    # the divisions' own reference date; Meppel, outside the north, as the same municipality.
    stand = drenthe.standen.get(peildatum__code="2026")
    assert stand.bron.code == "cbs-regio-indelingen-2025"
    assert stand.bron.peildatum == datetime.date(2025, 1, 1)
    assert {str(d.deelnemer) for d in stand.deelnames.all()} == {"Assen", "Meppel"}
    assert stand.naam_in_bron == "GGD-regio GGD Drenthe (CBS GG0706)"
    fryslan = models.Samenwerking.objects.get(slug="ggd-regio-ggd-fryslan")
    assert {
        str(d.deelnemer) for d in fryslan.standen.get(peildatum__code="2026").deelnames.all()
    } == {"Súdwest-Fryslân"}
    # A region that is a known arrangement adds to its register snapshot, no duplicate.
    assert not models.Samenwerking.objects.filter(slug="ggd-regio-ggd-groningen").exists()
    afval2026 = afval.standen.get(peildatum__code="2026")
    assert "GGD-regio GGD Groningen (CBS GG0111)" in afval2026.naam_in_bron
    assert afval2026.deelnames.get(gemeente__cbs_code="GM0014").bron.code == "gr-register-2026"
    # A statistical division: its own record, not counted as a collaboration.
    corop = models.Samenwerking.objects.get(slug="coropregio-noord-test")
    assert corop.aard == models.Aard.INDELING
    assert corop.standen.get(peildatum__code="2026").aantal_deelnemers == 4
    p2026 = models.Peildatum.objects.get(code="2026")
    assert models.Deelname.objects.samenwerkingen().aantallen_per_gemeente(p2026) == {
        models.Gemeente.objects.get(cbs_code=c).pk: n
        # Meppel (outside the north): its GGD region, now as the municipality it is.
        for c, n in [("GM0014", 1), ("GM0106", 2), ("GM1900", 1), ("GM0119", 1)]
    }
    assert set(
        models.Samenwerking.objects.in_stand(p2026).indelingen().values_list("slug", flat=True)
    ) == {"coropregio-noord-test"}

    # Out of scope, with reasons: a GR without a municipality of the registry (every
    # province is in scope now), the repeated rows.
    log = json.loads((tmp_path / "out" / "report" / "importverslag.json").read_text())
    opengr = next(v for v in log if v["bron"].startswith("OpenGR"))
    reasons = " ".join(entry[1] for entry in opengr["buiten_bereik"])
    assert "Fonds Test: no municipality of the registry among its participants" in reasons
    assert "repeats participant 'Ten Boer'" in reasons
    assert "participants from the register version in force on 2016-01-01" in reasons
    regio = next(v for v in log if v["bron"].startswith("Regioatlas"))
    assert any("repeats line" in entry[1] for entry in regio["buiten_bereik"])

    # DSTA: the CBS GR code, and an address only where the register gives none.
    assert afval.zetel == "Groningen" and afval.adres == "Teststraat 1, 9700 AA Groningen"
    afval.refresh_from_db()
    assert afval.cbs_gr_code == "GR0316" and afval.adres == "Teststraat 1, 9700 AA Groningen"
    streekraad = models.Samenwerking.objects.get(slug="streekraad-test")
    assert streekraad.adres == "Postbus 2, 9600 AA Hoogezand" and streekraad.cbs_gr_code == ""

    # Curated link: predecessor and successor, each with its evidence.
    assert list(afval.voorgangers.values_list("slug", flat=True)) == ["streekraad-test"]

    for model in (models.Gemeente, models.Samenwerking, models.Stand, models.Deelname):
        assert not model.objects.filter(bron__isnull=True).exists()


@pytest.mark.django_db
def test_building_twice_gives_byte_identical_fixtures(bron, tmp_path):
    build(bron, tmp_path / "een")
    build(bron, tmp_path / "twee")
    een = sorted(p.name for p in (tmp_path / "een").glob("*.json"))
    assert een == sorted(p.name for p in (tmp_path / "twee").glob("*.json"))
    assert len(een) == 8
    for name in een:
        assert (tmp_path / "een" / name).read_bytes() == (tmp_path / "twee" / name).read_bytes()


def dump():
    """Every row of every dataset model, by natural key (the ids differ between builds on
    PostgreSQL), as sorted JSON lines: two equal dumps are two identical databases."""
    rows = {}
    for model in DATASET_MODELS:
        data = serializers.serialize(
            "python",
            model.objects.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for row in data:
            for field in model._meta.many_to_many:  # their order is not data
                row["fields"][field.name] = sorted(row["fields"][field.name], key=str)
        rows[model._meta.label] = sorted(json.dumps(r, sort_keys=True, default=str) for r in data)
    return rows


@pytest.mark.django_db
def test_building_twice_leaves_an_identical_database(bron, tmp_path):
    """build_dataset is the supported way to (re)import: run over the real dataset, then
    again over the result with one participation edited, it leaves exactly the same rows."""
    build(bron, tmp_path / "een")
    een = dump()
    assert all(een.values()), [label for label, rows in een.items() if not rows]
    deelname = models.Deelname.objects.filter(gemeente__isnull=False).first()
    deelname.naam_in_bron = "Handmatig gewijzigd"
    deelname.save()
    assert dump() != een  # the dump sees a change of one field in one row
    build(bron, tmp_path / "twee")
    twee = dump()
    for label in een:
        assert twee[label] == een[label], label


@pytest.mark.django_db
def test_mini_fixtures_load_back(bron, tmp_path):
    build(bron, tmp_path / "out")
    before = toestand()
    call_command("load_dataset", fixtures=str(tmp_path / "out"), stdout=StringIO())
    assert toestand()["gemeenten"] == before["gemeenten"]
    assert toestand()["samenwerkingen"] == before["samenwerkingen"]
    assert toestand()["deelnames"].__len__() == len(before["deelnames"])


@pytest.mark.django_db
def test_committed_fixtures_are_what_the_sources_build(tmp_path):
    """A second run of the whole build changes nothing: the committed fixtures/ are exactly
    what build_dataset makes of ../shared/data."""
    committed = Path(settings.BASE_DIR) / "fixtures"
    call_command(
        "build_dataset",
        source=str(ruwe_bron()),
        output=str(tmp_path),
        curation=str(committed / "curation"),
        stdout=StringIO(),
    )
    for path in sorted(committed.glob("*.json")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


# --- bad input ------------------------------------------------------------------------------


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _geometry(path, feature, geometry):
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][feature]["geometry"] = geometry
    path.write_text(json.dumps(data), encoding="utf-8")


def truncated(bron):
    path = bron / "cbs/gemeenten_noord.csv"
    path.write_bytes(path.read_bytes()[:-60])


def wrong_delimiter(bron):
    path = bron / "cbs/gemeenten_noord.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")


def wrong_encoding(bron):
    path = bron / "cbs/herindelingen.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def missing_column(bron):
    _replace(bron / "taxonomy/taakvelden.csv", "hoofdtaakveld_code,", "hoofdcode,")


def unknown_cbs_code(bron):
    _replace(bron / "cbs/herindelingen.csv", "GM0009,Ten Boer,GM0014", "GM0009,Ten Boer,GM9999")


def unknown_cbs_code_in_boundaries(bron):
    _replace(bron / "cbs/boundaries/gemeente_2016.geojson", '"GM0017"', '"GM9998"')


def duplicate_row(bron):
    path = bron / "cbs/gemeenten_noord.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[2]]) + "\n", encoding="utf-8")


def conflicting_duplicate_in_regioatlas(bron):
    path = bron / "regioatlas/Sociaal/ggds.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write('"Assen";"0106";"GGD Drenthe";"51"\r\n')


def invalid_geometry(bron):
    line = {"type": "Polygon", "coordinates": [[[6.5, 53.2], [6.6, 53.2]]]}
    _geometry(bron / "cbs/boundaries/gemeente_2016.geojson", 1, line)


def empty_geometry(bron):
    _geometry(
        bron / "cbs/boundaries/gemeente_2022.geojson", 0, {"type": "Polygon", "coordinates": []}
    )


def yaml_syntax_error(bron):
    path = bron / "gr-register/gemeenschappelijke-regelingen/regio-elders.yaml"
    _replace(path, "  citeertitel: Regio Elders", "  citeertitel: [Regio Elders\n bad: {")


def unknown_participant_name(bron):
    _replace(bron / "opengr/opengr_provincies.csv", "Ten Boer,Streekraad", "Atlantis,Streekraad")


def unknown_arrangement_name(bron):
    _replace(bron / "curation/aliassen.csv", "opengr,Streekraad Test,streekraad-test,\n", "")


def unresolved_register_participant(bron):
    register = bron / "gr-register/gemeenschappelijke-regelingen"
    path = register / "gemeenschappelijke-regeling-afvalbeheer-test-2020.yaml"
    _replace(path, "Gemeinde Emsbüren", "Onbekend Bureau")


def bvo_without_kind(bron):
    register = bron / "gr-register/gemeenschappelijke-regelingen"
    path = register / "gemeenschappelijke-regeling-afvalbeheer-test-2020.yaml"
    _replace(path, "afkorting: OL", "afkorting: BVO")


def kind_row_for_unknown_arrangement(bron):
    with (bron / "curation/soorten.csv").open("a", encoding="utf-8") as f:
        f.write("bestaat-niet,werkorganisatie,test\n")


def kind_without_basis(bron):
    basis = "OpenGR: lijst van gemeenschappelijke regelingen (mini)"
    _replace(bron / "curation/samenwerkingen.csv", f"OpenGR only,{basis}", "OpenGR only,")


def centrumregeling_without_centrumgemeente(bron):
    register = bron / "gr-register/gemeenschappelijke-regelingen"
    path = register / "gemeenschappelijke-regeling-afvalbeheer-test-2020.yaml"
    _replace(path, "afkorting: OL", "afkorting: RZM")
    _replace(
        path,
        "doel: Afvalinzameling",
        "doel: Taken opgedragen aan de centrumgemeente, afvalinzameling",
    )


def no_theme(bron):
    _replace(bron / "curation/themas.csv", "streekraad-test,0.4,,handmatig: test\n", "")


REGIOS = "cbs/regio-indelingen-2025"


def truncated_topojson(bron):
    path = bron / REGIOS / "ggdregio_2025.topojson"
    path.write_bytes(path.read_bytes()[:-120])


def not_a_topology(bron):
    (bron / REGIOS / "coropgebied_2025.topojson").write_text('{"type": "FeatureCollection"}')


def dangling_arc_index(bron):
    _replace(bron / REGIOS / "ggdregio_2025.topojson", '"arcs": [[0, 1]]', '"arcs": [[0, 9]]')


def region_without_geometry(bron):
    _replace(
        bron / REGIOS / "ggdregio_2025.topojson",
        '{"type": "Polygon", "arcs": [[-3]], ',
        '{"type": null, ',
    )


def municipality_no_region_covers(bron):
    # GGD Fryslân's polygon moved east, off Súdwest-Fryslân.
    _replace(bron / REGIOS / "ggdregio_2025.topojson", "[[550, 950]", "[[900, 950]")


def municipality_half_covered(bron):
    # GGD Fryslân's polygon moved half off Súdwest-Fryslân: half is not "almost all".
    _replace(bron / REGIOS / "ggdregio_2025.topojson", "[[550, 950]", "[[650, 950]")


def unknown_division(bron):
    path = bron / "curation/indelingen.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(ln for ln in lines if "coropgebied" not in ln), encoding="utf-8")


def unknown_aard_in_curation(bron):
    _replace(bron / "curation/indelingen.csv", "coropregio,0.4,indeling", "coropregio,0.4,rijk")


def unknown_link(bron):
    _replace(bron / "curation/koppelingen.csv", "streekraad-test,", "bestaat-niet,")


def link_without_evidence(bron):
    _replace(bron / "curation/koppelingen.csv", "test link (mini)", "")


# --- the national registry and boundaries (issue 11) ------------------------------------

INDELING = "cbs/gemeentelijke-indeling.xml"
OVERZICHT_2016 = "cbs/boundaries/gemeente_2016.generalized.geojson"
OVERZICHT_2025 = "cbs/boundaries/gemeente_2025.generalized.topojson"


def broken_year_in_code_list(bron):
    _replace(bron / INDELING, '<indeling jaar="2016">', '<indeling jaar="2O16">')


def broken_xml_in_code_list(bron):
    _replace(bron / INDELING, '<gemeente code="119" naam="Meppel" begindatum="1998-01-01"/>', "<")


def dangling_arc_in_national_layer(bron):
    path = bron / OVERZICHT_2025
    data = json.loads(path.read_text(encoding="utf-8"))
    data["objects"]["gemeente_2025"]["geometries"][3]["arcs"] = [[7]]
    path.write_text(json.dumps(data), encoding="utf-8")


def municipality_without_overview_boundary(bron):
    path = bron / OVERZICHT_2016
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["statcode"] != "GM0118"]
    path.write_text(json.dumps(data), encoding="utf-8")


def overlay_without_successor(bron):
    # Nijeveen's 2016 polygon far from every 2025 municipality: nothing took it over.
    square = [[[4.0, 51.0], [4.1, 51.0], [4.1, 51.1], [4.0, 51.1], [4.0, 51.0]]]
    _geometry(bron / OVERZICHT_2016, 6, {"type": "Polygon", "coordinates": square})


def unused_successor_row(bron):
    path = bron / "curation/opvolgers.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("2019-01-01,GM0119,Meppel,GM0106,Assen,merger,whole,test\n")


BAD_INPUT = [
    (truncated, "cbs/gemeenten_noord.csv", "line 7", "fields where the header has 6"),
    (wrong_delimiter, "cbs/gemeenten_noord.csv", "line 1", "is the delimiter ','"),
    (wrong_encoding, "cbs/herindelingen.csv", "line 2", "not valid utf-8"),
    (missing_column, "taxonomy/taakvelden.csv", "line 1", "missing column(s) hoofdtaakveld_code"),
    (unknown_cbs_code, "cbs/herindelingen.csv", "line 4", "unknown CBS code GM9999"),
    (unknown_cbs_code_in_boundaries, "gemeente_2016.geojson", "feature 3", "unknown CBS code"),
    (duplicate_row, "cbs/gemeenten_noord.csv", "line 8", "duplicate row: code = GM0014"),
    (conflicting_duplicate_in_regioatlas, "ggds.csv", "line 10", "duplicate row for GM0106"),
    (invalid_geometry, "gemeente_2016.geojson", "feature 2 (GM0014)", "invalid geometry"),
    (empty_geometry, "gemeente_2022.geojson", "feature 1 (GM0014)", "empty geometry"),
    (yaml_syntax_error, "regio-elders.yaml", "line ", "YAML syntax error"),
    (
        unknown_participant_name,
        "opengr_provincies.csv",
        "line 6",
        "unresolved participant 'Atlantis'",
    ),
    (unknown_arrangement_name, "opengr_provincies.csv", "line 5", "unknown arrangement name"),
    (
        unresolved_register_participant,
        "afvalbeheer-test-2020.yaml",
        "participant 4",
        "Onbekend Bureau",
    ),
    (no_theme, "themas.csv", "streekraad-test", "no taakveld for streekraad-test"),
    (truncated_topojson, "ggdregio_2025.topojson", "line 1", "not valid JSON"),
    (not_a_topology, "coropgebied_2025.topojson", "-", "not a TopoJSON Topology"),
    (dangling_arc_index, "ggdregio_2025.topojson", "record 1 (GG0111)", "arc index 9"),
    (region_without_geometry, "ggdregio_2025.topojson", "record 2 (GG0706)", "no geometry"),
    (
        municipality_no_region_covers,
        "ggdregio_2025.topojson",
        "GM1900 Súdwest-Fryslân",
        "no region covers the municipality",
    ),
    (
        municipality_half_covered,
        "ggdregio_2025.topojson",
        "GM1900 Súdwest-Fryslân",
        "GG7206 GGD Fryslân, covers 50%",
    ),
    (unknown_division, "coropgebied_2025.topojson", "-", "unknown division"),
    (unknown_aard_in_curation, "indelingen.csv", "line 4", "aard 'rijk' is not one of"),
    (unknown_link, "koppelingen.csv", "line 2", "unknown arrangement bestaat-niet"),
    (bvo_without_kind, "afvalbeheer-test-2020.yaml", "roo_id 90000002", "decide it in"),
    (kind_row_for_unknown_arrangement, "soorten.csv", "line 2", "unknown arrangement"),
    (kind_without_basis, "samenwerkingen.csv", "line 2", "no basis (soort_basis)"),
    (
        centrumregeling_without_centrumgemeente,
        "afvalbeheer-test-2020.yaml",
        "roo_id 90000002",
        "the register names no centrumgemeente",
    ),
    (link_without_evidence, "koppelingen.csv", "line 2", "no evidence"),
    (broken_year_in_code_list, INDELING, "(jaar='2O16')", "invalid year"),
    (broken_xml_in_code_list, INDELING, "line ", "not valid XML"),
    (dangling_arc_in_national_layer, OVERZICHT_2025, "record 4 (GM0119)", "arc index 7"),
    (
        municipality_without_overview_boundary,
        OVERZICHT_2016,
        "GM0118 Nijeveen",
        "no boundary for GM0118, which existed on 2016-01-01",
    ),
    (overlay_without_successor, "opvolgers.csv", "GM0118 Nijeveen", "no successor"),
    (unused_successor_row, "opvolgers.csv", "line 2", "the row is not used"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("breek", "bestand", "waar", "reden"), BAD_INPUT, ids=[b[0].__name__ for b in BAD_INPUT]
)
def test_bad_input_stops_the_build_and_changes_nothing(bron, tmp_path, breek, bestand, waar, reden):
    breek(bron)
    before = toestand()
    output = tmp_path / "out"
    with pytest.raises(CommandError) as excinfo:
        build(bron, output)
    message = str(excinfo.value)
    assert "nothing changed" in message
    line = next((m for m in message.splitlines() if bestand in m), "")
    assert waar in line and reden in line, message
    assert toestand() == before
    assert not list(output.glob("*.json"))


def test_missing_source_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        call_command("build_dataset", source=str(tmp_path / "nope"), stdout=StringIO())


# --- the validators -------------------------------------------------------------------------


def test_mojibake_repair():
    assert herstel_mojibake("SÃºdwest-FryslÃ¢n") == "Súdwest-Fryslân"
    assert herstel_mojibake("BarÃŸel (Duitsland)") == "Barßel (Duitsland)"
    assert herstel_mojibake("Waterschap â€™t Suydevelt") == "Waterschap ’t Suydevelt"
    assert herstel_mojibake("Súdwest-Fryslân") == "Súdwest-Fryslân"
    assert herstel_mojibake("Groningen") == "Groningen"


def test_geometry_is_made_valid_multipolygon():
    bowtie = GEOSGeometry("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))", srid=4326)
    assert not bowtie.valid
    fixed = als_multipolygon(bowtie)
    assert isinstance(fixed, MultiPolygon) and fixed.valid and fixed.srid == 4326
    assert fixed.area == pytest.approx(0.5)
    square = Polygon(((0, 0), (1, 0), (1, 1), (0, 1), (0, 0)), srid=4326)
    assert isinstance(als_multipolygon(square), MultiPolygon)


@pytest.mark.parametrize(
    "wkt", ["POLYGON EMPTY", "LINESTRING (0 0, 1 1)", "POLYGON ((0 0, 1 1, 2 2, 0 0))"]
)
def test_geometry_without_area_is_rejected(wkt):
    with pytest.raises(GeometrieFout):
        als_multipolygon(GEOSGeometry(wkt, srid=4326))


def test_map_copy_is_simplified_in_metres_and_never_collapses():
    # An island of about 30 × 20 m: a 25 m tolerance must not make it disappear.
    small = MultiPolygon(
        Polygon(((5.2, 53.4), (5.2004, 53.4), (5.2004, 53.4002), (5.2, 53.4002), (5.2, 53.4))),
        srid=4326,
    )
    simple = vereenvoudig(small, 25)
    assert not simple.empty and simple.area >= 0.9 * small.area
    # A wiggly line of 0.1 m deviations loses its vertices at 25 m.
    coords = [(6.0 + i * 0.001, 53.0 + (i % 2) * 0.000001) for i in range(100)]
    ring = [*coords, (6.099, 53.05), (6.0, 53.05), coords[0]]
    wiggly = MultiPolygon(Polygon(ring), srid=4326)
    assert vereenvoudig(wiggly, 25).num_coords < wiggly.num_coords / 5


# --- the TopoJSON decoder -----------------------------------------------------------------


def _topologie(arcs, geometries, transform=None):
    data = {
        "type": "Topology",
        "arcs": arcs,
        "objects": {"laag": {"type": "GeometryCollection", "geometries": geometries}},
    }
    if transform:
        data["transform"] = transform
    return json.dumps(data)


def test_topojson_decodes_quantised_delta_arcs_and_reversed_arcs():
    transform = {"scale": [0.5, 0.25], "translate": [10, 50]}
    # Arc 0: (0,0) → (4,0) → (4,4) in quantised steps; arc 1 closes the ring back to (0,0).
    arcs = [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, 0], [0, -4]]]
    geometries = [
        {"type": "Polygon", "arcs": [[0, 1]], "properties": {"statcode": "A"}},
        # The same ring walked backwards: ~1 then ~0.
        {"type": "MultiPolygon", "arcs": [[[~1, ~0]]], "properties": {"statcode": "B"}},
    ]
    (waar_a, props_a, geom_a, fout_a), (_, _, geom_b, fout_b) = topojson.features(
        _topologie(arcs, geometries, transform)
    )
    assert (waar_a, props_a, fout_a, fout_b) == ("record 1 (A)", {"statcode": "A"}, None, None)
    ring = [[10, 50], [12, 50], [12, 51], [10, 51], [10, 50]]
    assert geom_a == {"type": "Polygon", "coordinates": [ring]}
    assert geom_b == {"type": "MultiPolygon", "coordinates": [[ring[::-1]]]}
    assert GEOSGeometry(json.dumps(geom_a)).area == pytest.approx(2.0)


def test_topojson_without_transform_uses_positions_as_they_are():
    arcs = [[[0, 0], [1, 0], [1, 1], [0, 0]]]
    ((_, _, geom, fout),) = topojson.features(
        _topologie(arcs, [{"type": "Polygon", "arcs": [[0]], "properties": {}}])
    )
    assert fout is None
    assert geom["coordinates"] == [[[0, 0], [1, 0], [1, 1], [0, 0]]]


@pytest.mark.parametrize(
    ("geometrie", "reden"),
    [
        ({"type": "Polygon", "arcs": [[1]]}, "arc index 1 refers to arc 1; the file has 1 arcs"),
        ({"type": "Polygon", "arcs": [[~1]]}, "arc index -2 refers to arc 1"),
        ({"type": "Polygon", "arcs": [[]]}, "empty ring"),
        ({"type": "Polygon", "arcs": [[0.5]]}, "is not an integer"),
        ({"type": None}, "no geometry"),
        ({"type": "MultiPolygon", "arcs": []}, "no geometry"),
        ({"type": "LineString", "arcs": [0]}, "LineString is not an area"),
    ],
)
def test_topojson_record_defects_are_named(geometrie, reden):
    arcs = [[[0, 0], [1, 0], [0, 1], [-1, -1]]]
    ((waar, _, geom, fout),) = topojson.features(
        _topologie(
            arcs,
            [{**geometrie, "properties": {"statcode": "X1"}}],
            {
                "scale": [1, 1],
                "translate": [0, 0],
            },
        )
    )
    assert waar == "record 1 (X1)" and geom is None and reden in fout


def test_topojson_open_ring_is_a_defect():
    arcs = [[[0, 0], [1, 0], [1, 1], [0, 1]]]
    ((_, _, _, fout),) = topojson.features(
        _topologie(arcs, [{"type": "Polygon", "arcs": [[0]], "properties": {}}])
    )
    assert "not closed" in fout


@pytest.mark.parametrize(
    ("tekst", "waar", "reden"),
    [
        ('{"type": "Topology", "arcs": [', "line 1", "not valid JSON"),
        ('{"type": "FeatureCollection"}', "-", "not a TopoJSON Topology"),
        ('{"type": "Topology", "arcs": []}', "-", "needs 'arcs'"),
        (
            '{"type": "Topology", "arcs": [[[0, 0]]], "objects": {"a": {}}}',
            "a",
            "GeometryCollection",
        ),
    ],
)
def test_topojson_file_defects_raise(tekst, waar, reden):
    with pytest.raises(topojson.TopoJsonFout) as excinfo:
        topojson.features(tekst)
    assert excinfo.value.waar == waar and reden in excinfo.value.reden
