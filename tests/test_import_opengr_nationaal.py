"""OpenGR for the whole country (issue 11): the rules that work for any province — names
as CBS writes them, the supplying province, register title matching, OpenGR-only
arrangements with a theme by name — on the mini tree, on the committed dataset, and bad
rows of a province outside the north."""

import csv
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from gemeenten import models
from gemeenten.importers.opengr import (
    BESTAND,
    gemeente_sleutel,
    herstel_mojibake,
    leverancier,
    regeling_sleutel,
)
from gemeenten.importers.themaregels import thema_uit_naam

from .minibron import build, ruwe_bron
from .test_import import toestand

NOORD = {"PV20", "PV21", "PV22"}
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


# --- the rules, without a database ------------------------------------------------------------


def test_one_arrangement_under_two_names_has_one_key():
    # The repeated GRs of the real file: an abbreviation, "(in liquidatie)", a year.
    assert regeling_sleutel("Openbaar Lichaam Crematoria Twente (OLCT)") == regeling_sleutel(
        "Openbaar Lichaam Crematoria Twente"
    )
    assert regeling_sleutel("Streekraad Oost-Groningen (in liquidatie)") == regeling_sleutel(
        "Streekraad Oost-Groningen"
    )
    assert regeling_sleutel("Bijsterhuizen 2003") == regeling_sleutel("Bijsterhuizen")
    # A register title with its 'Gemeenschappelijke regeling' prefix is the same arrangement.
    assert regeling_sleutel("Gemeenschappelijke regeling Zeeuws archief") == regeling_sleutel(
        "Zeeuws Archief"
    )
    assert regeling_sleutel("Regio Twente") != regeling_sleutel("Veiligheidsregio Twente")


def test_cbs_province_mark_is_no_part_of_the_name():
    assert gemeente_sleutel("Bergen (NH.)") == gemeente_sleutel("Bergen") == "bergen"
    assert gemeente_sleutel("Hengelo (O.)") == "hengelo"
    assert gemeente_sleutel("Súdwest-Fryslân") == gemeente_sleutel("Súdwest Fryslân")
    # Brackets that are part of a German name are not a CBS province mark.
    assert gemeente_sleutel("Essen (Oldb.)") == "essen"
    assert gemeente_sleutel("Nuenen, Gerwen en Nederwetten") != "nuenen"


def test_supplying_province_as_cbs_writes_it():
    assert leverancier("Provincie Overrijssel") == "Overijssel"
    assert leverancier(herstel_mojibake("Provincie FryslÃ¢n")) == "Fryslân"
    assert leverancier("Provincie Noord-Brabant") == "Noord-Brabant"
    assert leverancier("Noordrijn-Westfalen (Duitsland)") == "Noordrijn-Westfalen (Duitsland)"


@pytest.mark.parametrize(
    ("naam", "code"),
    [
        # Specific rules before general ones: the order is the point.
        ("Archiefverzorging Rijk van Nijmegen en Land van Maas en Waal", "5.5"),
        ("Bedrijvenpark Drachten - Beetsterzwaag", "3.2"),
        ("Zeeuwse muziekschool", "5.3"),
        ("Intergemeenschappelijk Samenwerkingsverband Werk en Inkomen (ISWI)", "6.3"),
        ("Werkvoorzienschap West Noord-Brabant (WVS)", "6.4"),
        ("Recreactieschap Midden-Delfland", "5.7"),
        ("Regionale Ambulance Voorziening Brabant Midden-West-Noord (RAV)", "7.1"),
        ("Stadsregio Amsterdam", "0.1"),
        ("Wegschap Dordtse kil", "2.1"),
    ],
)
def test_theme_by_name(naam, code):
    gekozen, basis = thema_uit_naam(naam)
    assert gekozen == code
    assert basis.startswith("OpenGR-naam: ")


def test_theme_of_a_name_that_says_nothing_is_a_recorded_hand_decision():
    code, basis = thema_uit_naam("Orionis Walcheren")
    assert code == "6.3"
    assert basis.startswith("handmatig")
    assert thema_uit_naam("Atlantis") is None


# --- bad rows of a province outside the north (mini tree) -------------------------------------


def _regel_erbij(bron, regel):
    path = bron / BESTAND
    with path.open("a", encoding="utf-8") as f:
        f.write(regel + "\n")
    return sum(1 for _ in path.open(encoding="utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("regel", "reden"),
    [
        # A row cut short: two fields where the header has five.
        ("Amersfoort,Regio Elders", "2 fields where the header has 5"),
        # A row without its participant.
        (",Regio Elders,3500 AA,Utrecht,Provincie Utrecht", "empty Deelnemer"),
        # A row without its GR.
        ("Amersfoort,,3500 AA,Utrecht,Provincie Utrecht", "empty Gemeenschappelijke regeling"),
        # Text broken beyond repair.
        ("AmersfoortÃ,Regio Elders,3500 AA,Utrecht,Provincie Utrecht", "unrepairable encoding"),
    ],
    ids=["truncated", "no-participant", "no-gr", "encoding"],
)
def test_bad_row_outside_the_north_names_file_and_line_and_changes_nothing(
    bron, tmp_path, regel, reden
):
    nummer = _regel_erbij(bron, regel)
    before = toestand()
    output = tmp_path / "out"
    with pytest.raises(CommandError) as excinfo:
        build(bron, output)
    message = str(excinfo.value)
    assert "nothing changed" in message
    line = next((m for m in message.splitlines() if "opengr_provincies.csv" in m), "")
    assert f"line {nummer}" in line and reden in line, message
    assert toestand() == before
    assert not list(output.glob("*.json"))


# --- the committed dataset: every row of the real file accounted for ------------------------


def _nummers(tekst):
    """Line numbers in "regels 2–9, 2598–2605", "line 7" or "lines 3, 4"."""
    out = set()
    for a, b in re.findall(r"(\d+)(?:–(\d+))?", tekst):
        out |= set(range(int(a), int(b or a) + 1))
    return out


def _opengr_verslag():
    log = json.loads((FIXTURES / "report" / "importverslag.json").read_text(encoding="utf-8"))
    return next(v for v in log if v["bron"].startswith("OpenGR"))


@pytest.mark.django_db
def test_every_opengr_row_is_imported_or_out_of_scope_with_its_line():
    """Per-row provenance: each line of the real file is in an OpenGR snapshot's line list,
    or in the report as out of scope (with its reason); none unresolved."""
    with ruwe_bron(BESTAND).open(encoding="utf-8", newline="") as f:
        regels = set(range(2, 2 + sum(1 for _ in csv.DictReader(f))))
    verslag = _opengr_verslag()
    assert verslag["onopgelost"] == []
    assert verslag["gelezen"] == len(regels)
    gezien = set()
    for stand in models.Stand.objects.filter(bron__code="opengr-2016"):
        assert stand.bron_bestand == BESTAND
        gezien |= _nummers(stand.bron_regels)
    for waar, *_ in verslag["buiten_bereik"]:
        if waar.startswith(BESTAND + " "):
            gezien |= _nummers(waar[len(BESTAND) :])
    assert regels - gezien == set()


@pytest.mark.django_db
def test_opengr_snapshots_for_every_supplying_province():
    """The national snapshot: rows of every province become participations, and a Dutch
    municipality is a Gemeente, never an organisation."""
    verslag = _opengr_verslag()
    per_provincie = {}
    for opmerking in verslag["opmerkingen"]:
        m = re.match(r"supplied by (.+): (\d+) rows read, (\d+) imported", opmerking)
        if m:
            per_provincie[m.group(1)] = int(m.group(3))
    namen = set(models.Provincie.objects.values_list("naam", flat=True))
    assert namen and namen <= set(per_provincie)
    assert all(per_provincie[n] > 0 for n in namen), per_provincie
    deelnames = models.Deelname.objects.filter(bron__code="opengr-2016")
    assert not deelnames.filter(organisatie__soort=models.Organisatie.Soort.GEMEENTE).exists()
    buiten_noord = deelnames.exclude(gemeente__isnull=True).exclude(
        gemeente__provincie__code__in=NOORD
    )
    assert buiten_noord.values("gemeente__provincie").distinct().count() == 9


# --- a province outside the north on the mini tree ---------------------------------------------

ELDERS = "Afvalschap Test Overijssel,7940 AA,Meppel,Provincie Overrijssel"


@pytest.mark.django_db
def test_a_gr_of_another_province_becomes_an_opengr_only_arrangement(bron, tmp_path):
    _regel_erbij(bron, f"Meppel,{ELDERS}")
    nummer = _regel_erbij(bron, f"Emden (Duitsland),{ELDERS}")
    build(bron, tmp_path / "out")
    samenwerking = models.Samenwerking.objects.get(slug="afvalschap-test-overijssel")
    assert samenwerking.taakveld.code == "7.3"
    assert samenwerking.taakveld_basis.startswith("OpenGR-naam: ")
    assert "opengr.py" in samenwerking.soort_basis
    stand = samenwerking.standen.get(peildatum__code="2016")
    assert stand.bron_bestand == BESTAND
    assert stand.bron_regels == f"regels {nummer - 1}–{nummer}"
    deelnames = {
        (d.gemeente_id and d.gemeente.cbs_code) or d.organisatie.land for d in stand.deelnames.all()
    }
    assert deelnames == {"GM0119", "DE"}
    log = json.loads((tmp_path / "out" / "report" / "importverslag.json").read_text())
    opengr = next(v for v in log if v["bron"].startswith("OpenGR"))
    assert any(
        o.startswith("supplied by Overijssel: 2 rows read, 2 imported")
        for o in opengr["opmerkingen"]
    )


@pytest.mark.django_db
def test_an_unknown_participant_elsewhere_stops_the_build(bron, tmp_path):
    _regel_erbij(bron, f"Meppel,{ELDERS}")
    nummer = _regel_erbij(bron, f"Atlantis,{ELDERS}")
    before = toestand()
    with pytest.raises(CommandError) as excinfo:
        build(bron, tmp_path / "out")
    message = str(excinfo.value)
    line = next((m for m in message.splitlines() if "opengr_provincies.csv" in m), "")
    assert f"line {nummer}" in line and "unresolved participant 'Atlantis'" in line, message
    assert toestand() == before
