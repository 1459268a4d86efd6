"""Facts from the Register van Overheidsorganisaties (gemeenten.importers.roo): the importer on
small real-format files (tests/data/mini/roo), its bad input, the committed dataset, and the
pages that show inhabitants, website and the inhabitants of an arrangement together."""

import datetime
import html
import json
import re
from pathlib import Path

import pytest
import yaml
from django.core.management.base import CommandError

from gemeenten import models
from gemeenten.importers.roo import aantal, website

from .minibron import MINI, build, ruwe_bron

ROO = MINI / "roo" / "gemeenten"


def record(path):
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def toestand():
    return sorted(
        models.Gemeente.objects.values_list(
            "cbs_code", "inwoners", "website", "tooi", "roo_id", "grondgebied_sinds"
        ),
        key=str,
    ) + [models.Bron.objects.count(), models.Stand.objects.count()]


# --- the number and URL cleaners --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(35116, 35116), ("35116", 35116), ("35.116", 35116), ("35116,0", 35116), (972.0, 972)],
)
def test_head_counts_in_dutch_notation(value, expected):
    assert aantal(value) == expected


@pytest.mark.parametrize("value", ["35116,5", "35,116", "-3", "ca. 300", "", True, -1, 1.5])
def test_head_counts_that_are_not_whole_numbers_are_refused(value):
    with pytest.raises(ValueError):
        aantal(value)


def test_websites():
    assert website("https://www.assen.nl") == "https://www.assen.nl"
    assert website("www.bedum.nl") == "http://www.bedum.nl"
    assert website(None) is None
    with pytest.raises(ValueError):
        website("gemeente haren")


# --- the importer on the mini tree --------------------------------------------------------------


@pytest.mark.django_db
def test_mini_build_stores_the_registers_facts(bron, tmp_path):
    build(bron, tmp_path / "out")
    groningen = models.Gemeente.objects.get(cbs_code="GM0014")
    bestand = record(ROO / "groningen.yaml")
    assert groningen.inwoners == bestand["geography"]["aantal_inwoners"]
    assert groningen.website == bestand["contact"]["website"]
    assert groningen.tooi == bestand["identifiers"]["tooi"]
    assert groningen.roo_id == bestand["identifiers"]["roo_id"]
    assert groningen.roo_url == bestand["sources"][0]["url"]
    assert str(groningen.roo_opgehaald) == bestand["sources"][0]["retrieved"]
    assert groningen.roo_bron.code == "roo-2026"
    assert groningen.roo_bron.peildatum == datetime.date(2026, 5, 16)
    assert groningen.roo_bron.opgehaald == datetime.date(2026, 5, 16)
    assert groningen.roo_bron.licentie == "CC0"
    # Haren and Ten Boer merged into it on 2019-01-01: its figure describes that territory.
    assert groningen.grondgebied_sinds == datetime.date(2019, 1, 1)
    assert groningen.inwoners_op(datetime.date(2016, 1, 1)) is None
    assert groningen.inwoners_op(datetime.date(2026, 5, 16)) == groningen.inwoners

    # Haren has no TOOI URI in the register, only its organisatiecode; a website without a
    # scheme is completed with http://.
    haren = models.Gemeente.objects.get(cbs_code="GM0017")
    assert haren.inwoners == record(ROO / "haren.yaml")["geography"]["aantal_inwoners"]
    assert haren.website == "http://www.haren.nl" and haren.tooi == ""
    assert haren.inwoners_op(datetime.date(2016, 1, 1)) == haren.inwoners
    assert haren.inwoners_op(datetime.date(2026, 5, 16)) is None  # it no longer exists

    # Sneek: a stub that gives the TOOI URI only.
    sneek = models.Gemeente.objects.get(cbs_code="GM0091")
    assert sneek.tooi.endswith("/gm0091") and sneek.inwoners is None and sneek.website == ""

    log = json.loads((tmp_path / "out" / "report" / "importverslag.json").read_text())
    roo = next(v for v in log if v["bron"].startswith("Register van Overheidsorganisaties"))
    assert roo["gelezen"] == len(list((MINI / "roo").glob("*/*.yaml")))
    assert roo["geimporteerd"] == 7  # every mini municipality but Nijeveen has a record
    assert roo["onopgelost"] == []
    redenen = {entry[0]: entry[1] for entry in roo["buiten_bereik"]}
    assert "outside Groningen, Fryslân and Drenthe" in redenen["roo/gemeenten"]
    assert (
        "ended on 2014-01-01, before the first snapshot"
        in (redenen["roo/gemeenten/lemsterland.yaml"])
    )
    assert "province" in redenen["roo/provincies"]
    assert "water board" in redenen["roo/waterschappen"]
    assert roo["buiten_bereik_aantal"] + roo["geimporteerd"] == roo["gelezen"]


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def malformed_number(bron):
    _replace(
        bron / "roo/gemeenten/assen.yaml", "aantal_inwoners: 70769", "aantal_inwoners: '70769,5'"
    )


def unknown_tooi_code(bron):
    _replace(bron / "roo/gemeenten/groningen.yaml", "gemeente/gm0014", "gemeente/gm9014")


def malformed_tooi_uri(bron):
    _replace(bron / "roo/gemeenten/groningen.yaml", "gemeente/gm0014", "gemeente/0014")


def current_municipality_missing(bron):
    (bron / "roo/gemeenten/assen.yaml").unlink()


def contradicting_records(bron):
    tekst = (bron / "roo/gemeenten/haren.yaml").read_text(encoding="utf-8")
    tekst = tekst.replace("aantal_inwoners: 19216", "aantal_inwoners: 19300")
    (bron / "roo/gemeenten/haren-2.yaml").write_text(tekst, encoding="utf-8")


def invalid_website(bron):
    _replace(bron / "roo/gemeenten/assen.yaml", "website: https://www.assen.nl", "website: assen")


def yaml_syntax_error(bron):
    _replace(bron / "roo/gemeenten/assen.yaml", "type: gemeente", "type: [gemeente\n bad: {")


def northern_record_without_code(bron):
    _replace(
        bron / "roo/gemeenten/lemsterland.yaml", "valid_until: '2014-01-01'", "valid_until: null"
    )


def bad_retrieval_date(bron):
    _replace(bron / "roo/gemeenten/assen.yaml", "retrieved: '2026-05-16'", "retrieved: gisteren")


BAD_INPUT = [
    (malformed_number, "assen.yaml", "geography.aantal_inwoners", "not a whole number: '70769,5'"),
    (unknown_tooi_code, "groningen.yaml", "identifiers gm9014", "unknown CBS code"),
    (malformed_tooi_uri, "groningen.yaml", "identifiers.tooi", "not a TOOI URI"),
    (current_municipality_missing, "roo/gemeenten", "GM0106 Assen", "no record gives its"),
    (
        contradicting_records,
        "haren.yaml",
        "gm0017",
        "inwoners 19216 contradicts 19300 in roo/gemeenten/haren-2.yaml",
    ),
    (invalid_website, "assen.yaml", "contact.website", "not a web address: 'assen'"),
    (yaml_syntax_error, "assen.yaml", "line ", "YAML syntax error"),
    (bad_retrieval_date, "assen.yaml", "sources.roo", "no valid retrieval date"),
    (northern_record_without_code, "lemsterland.yaml", "identifiers", "no TOOI URI"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("breek", "bestand", "waar", "reden"), BAD_INPUT, ids=[b[0].__name__ for b in BAD_INPUT]
)
def test_bad_register_input_stops_the_build_and_changes_nothing(
    bron, tmp_path, breek, bestand, waar, reden
):
    breek(bron)
    before = toestand()
    output = tmp_path / "out"
    with pytest.raises(CommandError) as excinfo:
        build(bron, output)
    message = str(excinfo.value)
    assert "nothing changed" in message
    line = next((m for m in message.splitlines() if bestand in m and waar in m), "")
    assert reden in line, message
    assert toestand() == before
    assert not list(output.glob("*.json"))


# --- the committed dataset ----------------------------------------------------------------------


def _laatste():
    return models.Peildatum.objects.exclude(code__startswith="t").order_by("-datum").first()


@pytest.mark.django_db
def test_every_current_municipality_has_inhabitants_and_website():
    peildatum = _laatste()
    gemeenten = list(
        models.Gemeente.objects.op(peildatum.datum).exclude(cbs_code__startswith="GM9")
    )
    assert len(gemeenten) == 342  # the whole country (40 in the north)
    for g in gemeenten:
        assert g.inwoners and g.inwoners_op(peildatum.datum) == g.inwoners, g
        assert g.website.startswith("https://"), g
        assert g.tooi.endswith(f"/gemeente/{g.cbs_code.lower()}"), g
        assert g.roo_bron.code == "roo-2026" and g.roo_url.startswith(
            "https://organisaties.overheid.nl/"
        ), g


@pytest.mark.django_db
def test_committed_figures_are_the_registers():
    """Each stored figure is the one of the register file with that code (its TOOI URI, or
    its organisatiecode where it has none), for every municipality of the dataset."""
    per_code = {}
    for path in ruwe_bron("roo/gemeenten").glob("*.yaml"):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        ids = data.get("identifiers") or {}
        m = re.search(r"/gemeente/(gm\d{4})$", ids.get("tooi") or "")
        code = m.group(1) if m else ids.get("organisatiecode")
        inwoners = (data.get("geography") or {}).get("aantal_inwoners")
        if code and inwoners is not None:
            per_code[code.upper()] = inwoners
    for g in models.Gemeente.objects.exclude(cbs_code__startswith="GM9"):
        assert g.inwoners == per_code.get(g.cbs_code), g
    assert len(per_code) > 300


# --- the pages -----------------------------------------------------------------------------


def _getal(n):
    return f"{n:,}".replace(",", ".")


@pytest.mark.django_db
def test_profile_shows_inhabitants_and_website_with_the_source(client):
    peildatum = _laatste()
    gemeente = models.Gemeente.objects.op(peildatum.datum).exclude(inwoners=None).first()
    response = client.get(f"/gemeenten/{gemeente.slug}/?peildatum={peildatum.code}")
    text = html.unescape(response.content.decode())
    assert f"{_getal(gemeente.inwoners)} " in text
    assert "peildatum onbekend; opgehaald 16 mei 2026" in text
    assert f'href="{gemeente.website}"' in text
    assert f'href="{gemeente.roo_url}"' in text
    assert gemeente.roo_opgehaald == datetime.date(2026, 5, 16)
    assert "in het Register van Overheidsorganisaties</a>, opgehaald 16 mei 2026" in text


@pytest.mark.django_db
def test_profile_of_a_former_municipality_without_a_figure_says_unknown(client):
    gemeente = models.Gemeente.objects.filter(inwoners=None).exclude(roo_bron=None).first()
    response = client.get(f"/gemeenten/{gemeente.slug}/?peildatum=2016")
    assert "onbekend (het register noemt geen aantal)" in response.content.decode()


def _verwacht(stand):
    """The sum the page must show, computed here from the participants one by one."""
    datum = stand.peildatum.datum
    gemeenten = [d.gemeente for d in stand.deelnames.exclude(gemeente=None)]
    geldig = [
        g
        for g in gemeenten
        if g.inwoners is not None
        and (g.geldig_van is None or g.geldig_van <= datum)
        and (g.geldig_tot is None or g.geldig_tot >= datum)
        and (g.grondgebied_sinds is None or g.grondgebied_sinds <= datum)
    ]
    return sum(g.inwoners for g in geldig), len(geldig), len(gemeenten)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["2026", "2016"])
def test_arrangement_page_shows_its_municipalities_inhabitants_together(client, code):
    standen = models.Stand.objects.filter(peildatum__code=code).select_related(
        "samenwerking", "peildatum"
    )
    stand = max(standen, key=lambda s: (s.deelnames.exclude(gemeente=None).count(), s.pk))
    totaal, bekend, aantal_gemeenten = _verwacht(stand)
    assert bekend > 0
    if code == "2016":
        # The biggest 2016 arrangement includes Groningen, whose figure is of 2019's territory.
        assert bekend < aantal_gemeenten
    response = client.get(f"/samenwerkingen/{stand.samenwerking.slug}/?peildatum={code}")
    text = html.unescape(response.content.decode())
    assert f"samen {_getal(totaal)} inwoners ({bekend} van {aantal_gemeenten} gemeenten)" in text
    assert "peildatum onbekend; opgehaald 16 mei 2026" in text
    assert stand.inwoners_samen == {
        "aantal": aantal_gemeenten,
        "bekend": bekend,
        "totaal": totaal,
        "bron_naam": "Register van Overheidsorganisaties (organisaties.overheid.nl)",
        "bron_url": "https://organisaties.overheid.nl/",
        "bron_opgehaald": datetime.date(2026, 5, 16),
    }
