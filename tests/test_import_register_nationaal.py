"""The GR register for the whole country: scope, participants, kind and theme by rule.

The rules are tested on their own; the committed dataset is checked against the raw register
records it was built from (../shared/data), so a change to either shows here.
"""

import datetime
import re

import pytest
import yaml

from gemeenten import models
from gemeenten.importers.gr_register import MAP, in_werking
from gemeenten.importers.soorten import bepaal_soort
from gemeenten.importers.themaregels import thema_uit_naam

from .minibron import ruwe_bron

PEILDATUM = datetime.date(2026, 5, 16)
TOOI_GEMEENTE = re.compile(r"/tooi/id/gemeente/gm(\d{4})$")


# --- the rules -------------------------------------------------------------------------------


def test_a_northern_bvo_needs_a_decision_and_elsewhere_a_rule_decides():
    with pytest.raises(LookupError, match="decide it in"):
        bepaal_soort("Belastingdienst Test", "heffing van belastingen", "BVO")
    soort, basis = bepaal_soort("Belastingdienst Test", "heffing", "BVO", bvo_regel=True)
    assert soort == models.Soort.GEMEENSCHAPPELIJKE_REGELING
    assert "regel buiten het noorden" in basis and "bedrijfsvoeringsorganisatie" in basis
    soort, basis = bepaal_soort("Werkorganisatie Test", "", "BVO", bvo_regel=True)
    assert soort == models.Soort.WERKORGANISATIE
    assert "naam: ‘Werkorganisatie Test’" in basis
    # A row in soorten.csv still decides first.
    rij = {"soort": "werkorganisatie", "bewijs": "test", "_regel": 7}
    soort, basis = bepaal_soort("Belastingdienst Test", "", "BVO", rij, bvo_regel=True)
    assert soort == models.Soort.WERKORGANISATIE and "regel 7" in basis


def test_the_theme_rules_say_whose_text_they_read():
    code, basis = thema_uit_naam("met als doel de uitvoering van de Archiefwet", "register-doel")
    assert code == "5.5"
    assert basis.startswith("register-doel: ‘") and "Archiefwet" in basis
    assert thema_uit_naam("Rekenkamer Test", "register-naam")[0] == "0.1"


# --- the committed dataset against the raw register ---------------------------------------------


def _records_in_werking():
    """{roo_id: record} of every register version in force on 2026-05-16."""
    out = {}
    for path in sorted(ruwe_bron(MAP).glob("*.yaml")):
        record = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        if isinstance(record, dict) and "gr_meta" in record and in_werking(record):
            out[str(record["identifiers"]["roo_id"])] = record
    return out


@pytest.fixture(scope="module")
def in_werking_2026():
    return _records_in_werking()


@pytest.mark.django_db
def test_every_register_gr_with_a_municipality_is_in_the_2026_snapshot(in_werking_2026):
    peildatum = models.Peildatum.objects.get(code="2026")
    standen = {
        s.versie.register_id: s
        for s in models.Stand.objects.filter(peildatum=peildatum, versie__isnull=False)
        .select_related("versie", "samenwerking")
        .prefetch_related("deelnames__gemeente")
    }
    gemeentelijk = 0
    for roo_id, record in in_werking_2026.items():
        codes = {
            f"GM{m.group(1)}"
            for p in record["gr_meta"].get("deelnemende_organisaties") or []
            if (m := TOOI_GEMEENTE.search(p.get("tooi") or ""))
            and not (p.get("toetredings_datum") and str(p["toetredings_datum"]) > "2026-05-16")
        }
        if not codes:
            continue
        gemeentelijk += 1
        assert roo_id in standen, (roo_id, record["gr_meta"].get("citeertitel"))
        # A municipality merged away since (the record still names it, with its URI) takes
        # part as its successor on the date.
        codes = {
            models.Gemeente.objects.get(cbs_code=c).opvolger_op(PEILDATUM).cbs_code for c in codes
        }
        getekend = {d.gemeente.cbs_code for d in standen[roo_id].deelnames.all() if d.gemeente}
        # Every municipality the record names by TOOI URI takes part (a former one without
        # a URI may add its successor).
        assert codes <= getekend, (roo_id, codes - getekend)
    # The whole country, not the north: the register has some 430 such GRs in force.
    assert gemeentelijk > 400
    buiten_noord = (
        models.Stand.objects.filter(peildatum=peildatum, versie__isnull=False)
        .exclude(deelnames__gemeente__provincie__code__in=["PV20", "PV21", "PV22"])
        .count()
    )
    assert buiten_noord > 250


@pytest.mark.django_db
def test_each_theme_and_kind_of_a_national_gr_has_its_basis():
    peildatum = models.Peildatum.objects.get(code="2026")
    register = models.Samenwerking.objects.filter(
        standen__peildatum=peildatum, standen__versie__isnull=False
    ).distinct()
    assert register.count() > 400
    for samenwerking in register:
        assert samenwerking.taakveld_id and samenwerking.taakveld_basis.strip(), samenwerking
        assert samenwerking.soort_basis.strip(), samenwerking
    # Outside the north a bedrijfsvoeringsorganisatie is classified by rule, and says so.
    regel = register.filter(soort_basis__contains="regel buiten het noorden")
    assert regel.exists()
    assert not regel.filter(
        standen__deelnames__gemeente__provincie__code__in=["PV20", "PV21", "PV22"]
    ).exists()


@pytest.mark.django_db
def test_a_foreign_participant_without_tooi_uri_is_curated():
    peildatum = models.Peildatum.objects.get(code="2026")
    deelnames = models.Deelname.objects.filter(stand__peildatum=peildatum).select_related(
        "organisatie"
    )
    # A Belgian municipality from organisaties.csv, not a Dutch one of a similar name.
    belgisch = deelnames.filter(naam_in_bron="Gemeente Stekene").first()
    assert belgisch is not None and belgisch.organisatie.land == "BE"
    # A German city the register writes without 'Stadt'.
    duits = deelnames.filter(naam_in_bron="Krefeld").first()
    assert duits is not None and duits.organisatie.land == "DE"
