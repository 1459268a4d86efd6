"""Search that forgives (issue 10, item 9): case, accents, punctuation, former names, other
participants and small typos, the same on SpatiaLite and PostGIS; the short display names and
the sort order that ignores the prefix "Gemeenschappelijke regeling".

Unit tests of the normalisation first, then the real dataset (fixtures/), then the map search
in Chromium.
"""

import csv
import unicodedata
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from gemeenten import models, zoeken
from gemeenten.gebied import NOORD
from gemeenten.importers.base import ImportFout
from gemeenten.importers.zoekvelden import ZoekveldenImporter

from . import builders

CURATIE = Path(__file__).resolve().parent.parent / "fixtures" / "curation"


# ---- normalisation --------------------------------------------------------------------


@pytest.mark.parametrize(
    "tekst, verwacht",
    [
        ("Súdwest-Fryslân", "sudwest fryslan"),
        ("  NOARDEAST-Fryslân ", "noardeast fryslan"),
        ("Werk-/Leerbedrijf NoardEast Fryslân", "werk leerbedrijf noardeast fryslan"),
        (
            "Regionaal Historisch Centrum ‘Groninger Archieven’",
            "regionaal historisch centrum groninger archieven",
        ),
        ("Coöperatie ParkeerService", "cooperatie parkeerservice"),
        ("Straße Ørsted", "strasse orsted"),
        ("Kollumerland c.a.", "kollumerland c a"),
        ("GM1900", "gm1900"),
        ("---", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normaliseer(tekst, verwacht):
    assert zoeken.normaliseer(tekst) == verwacht


def test_normalised_query_and_name_meet_whatever_the_spelling():
    for getypt in ("Sudwest Fryslan", "sudwest-fryslan", "SÚDWEST FRYSLÂN", "súdwest   fryslân"):
        assert zoeken.past(zoeken.zoektekst("Súdwest-Fryslân"), zoeken.normaliseer(getypt)) == 0


def test_zoektekst_is_deterministic_and_keeps_names_apart():
    tekst = zoeken.zoektekst("Groningen", "Haren", "haren", "", "GM0014")
    assert tekst == zoeken.zoektekst("GM0014", "Haren", "Groningen")
    assert zoeken.namen_in(tekst) == ["gm0014", "groningen", "haren"]
    # A match never spans two names: "groningen haren" is no name of it.
    assert zoeken.past(tekst, "groningen haren") is None
    assert zoeken.zoektekst("", None) == ""


def test_past_ranks_whole_names_then_starts_then_inside():
    tekst = zoeken.zoektekst("Noardeast-Fryslân", "Dongeradeel")
    assert zoeken.past(tekst, "dongeradeel") == 0
    assert zoeken.past(tekst, "noardeast") == 1
    assert zoeken.past(tekst, "fryslan") == 2
    assert zoeken.past(tekst, "assen") is None
    assert zoeken.past(tekst, "") is None


def test_bedoeld_finds_close_names_only():
    namen = ["tynaarlo", "assen", "aa en hunze", "tytsjerksteradiel", "haren"]
    assert zoeken.bedoeld("tynarlo", namen)[0] == "tynaarlo"
    assert zoeken.bedoeld("asen", namen) == ["assen"]
    assert zoeken.bedoeld("amsterdam", namen) == []
    assert zoeken.bedoeld("", namen) == []


def test_weergaveregel_strips_the_longest_prefix_as_whole_words_and_takes_overrides():
    regel = zoeken.Weergaveregel(
        ["Gemeenschappelijke regeling", "Gemeenschappelijke regeling voor"],
        {"Gemeenschappelijke regeling X (of regeling Y)": "X"},
    )
    assert regel("gemeenschappelijke regeling voor Stark") == "Stark"
    assert regel("Gemeenschappelijke Regeling werkorganisatie A") == "Werkorganisatie A"
    assert regel("Gemeenschappelijke regeling X (of regeling Y)") == "X"
    assert regel("Gemeenschappelijke regelingen Z") == "Gemeenschappelijke regelingen Z"
    assert regel("Gemeenschappelijke regeling") == "Gemeenschappelijke regeling"
    assert regel("GGD Drenthe") == "GGD Drenthe"


# ---- the import step and its curation table --------------------------------------------


def _curatie(tmp_path, regels):
    folder = tmp_path / "curation"
    folder.mkdir()
    (folder / "aliassen.csv").write_text("bron,naam_in_bron,samenwerking,toelichting\n")
    with open(folder / "weergavenamen.csv", "w", newline="", encoding="utf-8") as f:
        schrijver = csv.writer(f)
        schrijver.writerow(["regel", "waarde", "weergavenaam", "toelichting"])
        schrijver.writerows(regels)
    return folder


@pytest.mark.django_db
def test_import_fills_display_sort_and_search_fields(tmp_path):
    taakveld = builders.taakveld()
    sw = builders.samenwerking(taakveld, naam="gemeenschappelijke regeling Testschap")
    pd = builders.peildatum()
    g = builders.gemeente(builders.provincie())
    oud = builders.voormalige_gemeente(g.provincie, g, naam="Test Oudedorp")
    stand = builders.factories.stand(sw, pd, [g])
    models.Stand.objects.filter(pk=stand.pk).update(naam_in_bron="Testschap (bron-spelling)")
    stand.deelnames.update(naam_in_bron="Gemeente Testâ")
    folder = _curatie(tmp_path, [["voorvoegsel", "Gemeenschappelijke regeling", "", "test"]])
    ZoekveldenImporter(tmp_path, folder)()
    sw.refresh_from_db()
    g.refresh_from_db()
    naam = sw.naam.split(" ", 2)[2]  # without the prefix
    assert sw.weergavenaam == naam[:1].upper() + naam[1:]
    assert sw.sorteernaam == zoeken.normaliseer(sw.weergavenaam)
    assert zoeken.past(sw.zoektekst, "testschap bron spelling") == 0
    assert zoeken.past(g.zoektekst, zoeken.normaliseer(oud.naam)) == 0  # a former name
    assert zoeken.past(g.zoektekst, "gemeente testa") == 0  # a source's name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "regel, fout",
    [
        (
            ["voorvoegsel", "Bestaat niet als voorvoegsel", "", "reden"],
            "no arrangement's name starts",
        ),
        (["naam", "Geen naam van iets", "X", "reden"], "no arrangement is named"),
        (["voorvoegsel", "Gemeenschappelijke regeling", "", ""], "needs its reason"),
        (["iets", "Gemeenschappelijke regeling", "", "reden"], "regel must be one of"),
    ],
)
def test_a_curation_rule_that_fits_nothing_stops_the_import(tmp_path, regel, fout):
    sw = builders.samenwerking(builders.taakveld(), naam="Gemeenschappelijke regeling Testschap")
    voor = models.Samenwerking.objects.get(pk=sw.pk).zoektekst
    folder = _curatie(tmp_path, [regel])
    with pytest.raises(ImportFout) as exc:
        ZoekveldenImporter(tmp_path, folder)()
    assert fout in str(exc.value) and "weergavenamen.csv" in str(exc.value)
    assert models.Samenwerking.objects.get(pk=sw.pk).zoektekst == voor


def test_the_curation_table_gives_every_rule_a_reason():
    with open(CURATIE / "weergavenamen.csv", encoding="utf-8") as f:
        rijen = list(csv.DictReader(f))
    assert rijen and all(r["toelichting"].strip() for r in rijen)
    assert {r["regel"] for r in rijen} == {"voorvoegsel", "naam"}


# ---- the real dataset -------------------------------------------------------------------

echt = pytest.mark.django_db


def _laatste():
    peildatum = models.Peildatum.objects.exclude(code__startswith="t").order_by("-datum").first()
    assert peildatum, "the curated dataset (fixtures/) is not loaded"
    return peildatum


def _zoeken(client, q, peildatum):
    return client.get("/zoeken/", {"q": q, "peildatum": peildatum.code})


def _lijst(client, peildatum, **params):
    response = client.get("/samenwerkingen/", {"peildatum": peildatum.code, **params})
    assert response.status_code == 200
    return response


def _alle_slugs(client, peildatum, **params):
    slugs, pagina = set(), 1
    while True:
        response = _lijst(client, peildatum, page=pagina, **params)
        slugs |= {s.slug for s in response.context["samenwerkingen"]}
        if not response.context["page_obj"] or not response.context["page_obj"].has_next():
            return slugs
        pagina += 1


def _zonder_accenten(tekst):
    """An independent spelling without accents (the test's own, not the module's)."""
    return "".join(
        c for c in unicodedata.normalize("NFD", tekst) if unicodedata.category(c) != "Mn"
    )


@echt
def test_accent_free_name_goes_to_the_municipality(client):
    pd = _laatste()
    gemeente = models.Gemeente.objects.get(naam="Súdwest-Fryslân")
    response = _zoeken(client, _zonder_accenten(gemeente.naam).replace("-", " "), pd)
    assert response.status_code == 302
    assert response["Location"].startswith(gemeente.get_absolute_url())


@echt
@pytest.mark.parametrize("q, deel", [("Fryslan", "Fryslân"), ("noardeast", "Noardeast")])
def test_part_of_a_name_without_accents_finds_every_record_with_it(client, q, deel):
    pd = _laatste()
    response = _zoeken(client, q, pd)
    assert response.status_code == 200
    gevonden_g = {g.pk for g in response.context["gemeenten"]}
    gevonden_s = {s.pk for s in response.context["samenwerkingen"]}
    verwacht_g = {g.pk for g in models.Gemeente.objects.all() if deel.lower() in g.naam.lower()}
    verwacht_s = {s.pk for s in models.Samenwerking.objects.all() if deel.lower() in s.naam.lower()}
    assert verwacht_g and verwacht_g <= gevonden_g
    assert verwacht_s and verwacht_s <= gevonden_s
    html = response.content.decode()
    assert all(g.naam in html for g in models.Gemeente.objects.filter(pk__in=verwacht_g))
    # The list's q finds the same arrangements (and those its municipalities take part in).
    in_lijst = _alle_slugs(client, pd, q=q, regio="1")
    op_peildatum = set(
        models.Samenwerking.objects.op(pd).filter(pk__in=verwacht_s).values_list("slug", flat=True)
    )
    assert op_peildatum <= in_lijst
    for gemeente in models.Gemeente.objects.filter(pk__in=verwacht_g).op(pd.datum):
        assert _alle_slugs(client, pd, gemeente=gemeente.slug, regio="1") <= in_lijst


@echt
def test_a_typo_offers_the_closest_name_and_its_results(client):
    pd = _laatste()
    tynaarlo = models.Gemeente.objects.get(naam="Tynaarlo")
    typo = tynaarlo.naam.replace("aa", "a")
    response = _zoeken(client, typo, pd)
    assert response.status_code == 200
    resultaat = response.context["resultaat"]
    assert resultaat.bedoeld[0] == tynaarlo.naam
    assert tynaarlo in resultaat.gemeenten
    html = response.content.decode()
    assert "Bedoelde u" in html and f">{tynaarlo.naam}</a>" in html
    # The list finds nothing for the typo and offers the name.
    response = _lijst(client, pd, q=typo)
    assert response.context["paginator"].count == 0
    assert response.context["bedoeld"][0] == tynaarlo.naam
    assert "Bedoelde u" in response.content.decode()


@echt
def test_a_former_municipality_leads_to_its_successor(client):
    pd = _laatste()
    haren = models.Gemeente.objects.get(naam="Haren")
    opvolger = haren.opvolger_op(pd.datum)
    assert opvolger is not None and opvolger != haren
    response = _zoeken(client, haren.naam, pd)
    assert response.status_code == 200  # two records known as Haren: no redirect
    gemeenten = response.context["gemeenten"]
    assert gemeenten[0] == haren and opvolger in gemeenten
    html = response.content.decode()
    assert f'opgegaan in <a href="{opvolger.get_absolute_url()}?peildatum={pd.code}"' in html
    # The list: Haren's name finds the arrangements its successor takes part in.
    assert _alle_slugs(client, pd, gemeente=opvolger.slug, regio="1") <= _alle_slugs(
        client, pd, q=haren.naam.lower(), regio="1"
    )
    # The map's search endpoint puts Haren first, on the map as its successor.
    data = client.get("/api/zoeken.json", {"q": "haren", "peildatum": pd.code}).json()
    eerste = data["treffers"][0]
    assert eerste["cbs_code"] == haren.cbs_code and eerste["op_kaart"] == opvolger.cbs_code


def _organisatie(pd, **filters):
    """An organisation of that kind taking part in an arrangement at the peildatum, with a
    name no northern municipality or arrangement also has (so the search is about it)."""
    # Without `gebied` the search is the north's: an organisation all of whose arrangements
    # on the date have a northern municipality.
    noord = set(
        NOORD.samenwerkingen(models.Samenwerking.objects.all(), pd).values_list("pk", flat=True)
    )
    for organisatie in models.Organisatie.objects.filter(
        deelnames__stand__peildatum=pd, **filters
    ).distinct():
        eigen = set(
            organisatie.deelnames.filter(stand__peildatum=pd).values_list(
                "stand__samenwerking_id", flat=True
            )
        )
        if eigen <= noord:
            return organisatie
    pytest.fail(f"the dataset has no participating organisation with {filters}")


@echt
@pytest.mark.parametrize(
    "filters",
    [{"soort": "waterschap"}, {"soort": "provincie"}, {"land": "DE"}],
    ids=["waterschap", "provincie", "duitse-partner"],
)
def test_other_participants_are_found_with_their_arrangements(client, filters):
    pd = _laatste()
    organisatie = _organisatie(pd, **filters)
    verwacht = set(
        models.Deelname.objects.filter(organisatie=organisatie, stand__peildatum=pd).values_list(
            "stand__samenwerking__slug", flat=True
        )
    )
    q = _zonder_accenten(organisatie.naam).upper()
    response = _zoeken(client, q, pd)
    assert response.status_code == 200
    gevonden = {o.pk: o for o in response.context["organisaties"]}
    assert organisatie.pk in gevonden
    getoond = {d.stand.samenwerking.slug for d in gevonden[organisatie.pk].deelnames_op_peildatum}
    assert getoond == verwacht
    html = response.content.decode()
    for slug in verwacht:
        assert f'href="/samenwerkingen/{slug}/?peildatum={pd.code}"' in html
    # ... and the list's q finds every one of them (regional divisions included).
    assert verwacht <= _alle_slugs(client, pd, q=q, regio="1")


@echt
def test_search_results_show_the_short_name_with_the_official_one(client):
    pd = _laatste()
    # The default area (the north): an arrangement with a northern participant.
    sw = (
        NOORD.samenwerkingen(models.Samenwerking.objects.all(), pd)
        .exclude(weergavenaam="")
        .op(pd)
        .first()
    )
    response = _zoeken(client, sw.weergavenaam, pd)
    html = response.content.decode() if response.status_code == 200 else ""
    if response.status_code == 302:  # the one record by that name: its page
        html = client.get(response["Location"]).content.decode()
    assert sw.weergavenaam in html and sw.naam in html


@echt
def test_display_names_follow_the_curation_table(client):
    pd = _laatste()
    with open(CURATIE / "weergavenamen.csv", encoding="utf-8") as f:
        rijen = list(csv.DictReader(f))
    voorvoegsels = [r["waarde"] for r in rijen if r["regel"] == "voorvoegsel"]
    vast = {r["waarde"]: r["weergavenaam"] for r in rijen if r["regel"] == "naam"}
    for sw in models.Samenwerking.objects.all():
        if sw.naam in vast:
            assert sw.weergavenaam == vast[sw.naam]
        elif any(sw.naam.lower().startswith(v.lower() + " ") for v in voorvoegsels):
            assert sw.weergavenaam and sw.naam.lower().endswith(sw.weergavenaam.lower())
            assert not sw.weergavenaam.lower().startswith("gemeenschappelijke regeling ")
        else:
            assert sw.weergavenaam == ""
    # The example, on the arrangement's page and in the list.
    vr = models.Samenwerking.objects.get(weergavenaam="Veiligheidsregio Groningen")
    assert vr.naam.lower().startswith("gemeenschappelijke regeling")
    html = client.get(vr.get_absolute_url(), {"peildatum": pd.code}).content.decode()
    assert "<h1>Veiligheidsregio Groningen" in html and "Officiële naam:" in html
    html = _lijst(client, pd, q="veiligheidsregio groningen").content.decode()
    assert ">Veiligheidsregio Groningen</a>" in html and 'class="officiele-naam"' in html


def _eerste_letter(naam):
    return _zonder_accenten(naam).lower().lstrip("‘'\"(")[:1]


@echt
def test_name_order_ignores_case_and_the_prefix(client):
    pd = _laatste()
    for params in ({}, {"sorteer": "naam"}):
        namen = [
            s.korte_naam for s in _lijst(client, pd, regio="1", **params).context["samenwerkingen"]
        ]
        letters = [_eerste_letter(n) for n in namen]
        assert letters == sorted(letters), params
    # Descending too, and prefixed arrangements really are among them.
    namen = [
        s.korte_naam
        for s in _lijst(client, pd, regio="1", sorteer="-naam").context["samenwerkingen"]
    ]
    assert [_eerste_letter(n) for n in namen] == sorted(map(_eerste_letter, namen), reverse=True)
    met_voorvoegsel = models.Samenwerking.objects.op(pd).filter(
        naam__istartswith="gemeenschappelijke regeling"
    )
    assert met_voorvoegsel.count() > 5
    # The order is the order of /zoeken/ too.
    response = _zoeken(client, "gemeenschappelijke regeling", pd)
    gevonden = response.context["samenwerkingen"]
    heel = [s for s in gevonden if s.rang == gevonden[0].rang]
    assert [s.sorteernaam for s in heel] == sorted(s.sorteernaam for s in heel)


@echt
def test_dataset_fields_match_a_fresh_normalisation():
    """The stored fields are what the module makes of the records' own names (a stale
    fixture after a change of the rule shows here)."""
    for g in models.Gemeente.objects.all():
        assert zoeken.past(g.zoektekst, zoeken.normaliseer(g.naam)) == 0
    for s in models.Samenwerking.objects.all():
        assert s.sorteernaam == zoeken.normaliseer(s.korte_naam)
        for naam in (s.naam, s.afkorting, s.weergavenaam):
            if zoeken.normaliseer(naam):
                assert zoeken.past(s.zoektekst, zoeken.normaliseer(naam)) == 0


@echt
@pytest.mark.parametrize("q", ["x" * 101, "a\x00b"])
def test_bad_search_input_is_a_clear_400(client, q):
    assert client.get("/zoeken/", {"q": q}).status_code == 400
    response = client.get("/api/zoeken.json", {"q": q})
    assert response.status_code == 400 and "fout" in response.json()


# ---- the map search, in Chromium --------------------------------------------------------

WACHT = 15


@pytest.fixture
def kaart(browser, live_url, settings):
    settings.MAP_TILE_URL = ""
    browser.get_log("browser")

    def open_(query):
        browser.get(f"{live_url}/kaart/?{query}")
        WebDriverWait(browser, WACHT).until(
            lambda b: b.find_element(By.ID, "kaart").get_attribute("data-geladen") in ("ja", "fout")
        )
        assert browser.find_element(By.ID, "kaart").get_attribute("data-geladen") == "ja"
        return browser

    yield open_
    fouten = [
        r
        for r in browser.get_log("browser")
        if r["level"] == "SEVERE" and "/favicon.ico" not in r["message"]
    ]
    assert not fouten, fouten


def _zoek_op_kaart(browser, term):
    veld = browser.find_element(By.ID, "kaart-zoekterm")
    veld.clear()
    veld.send_keys(term)
    browser.execute_script("document.getElementById('kaart-zoekmelding').textContent = '';")
    veld.submit()
    WebDriverWait(browser, WACHT).until(
        lambda b: b.find_element(By.ID, "kaart-zoekmelding").text.strip()
    )
    return browser.execute_script(
        "return [document.getElementById('kaart').dataset.gezocht || null,"
        " document.getElementById('kaart-zoekmelding').textContent];"
    )


def test_map_search_forgives_former_names_accents_and_typos(kaart):
    pd = _laatste()
    browser = kaart(f"peildatum={pd.code}")
    haren = models.Gemeente.objects.get(naam="Haren")
    opvolger = haren.opvolger_op(pd.datum)
    gezocht, melding = _zoek_op_kaart(browser, "Haren")
    assert gezocht == opvolger.cbs_code
    assert f"Haren is opgegaan in {opvolger.naam}" in melding
    binnen = browser.execute_script(
        "const p = window.Atlaskaart.pagina;"
        "return p.kaart.getBounds().contains(p.lagen.get(arguments[0]).getBounds().getCenter());",
        opvolger.cbs_code,
    )
    assert binnen

    sudwest = models.Gemeente.objects.get(naam="Súdwest-Fryslân")
    gezocht, melding = _zoek_op_kaart(browser, "sudwest fryslan")
    assert gezocht == sudwest.cbs_code and sudwest.naam in melding

    tynaarlo = models.Gemeente.objects.get(naam="Tynaarlo")
    gezocht, melding = _zoek_op_kaart(browser, "Tynarlo")
    assert gezocht == tynaarlo.cbs_code and "Bedoelde u" in melding

    _, melding = _zoek_op_kaart(browser, "qqqqzzzz")
    assert "Geen gemeente" in melding


def test_map_search_highlights_an_arrangement_by_its_short_name(kaart):
    pd = _laatste()
    sw = (
        models.Samenwerking.objects.samenwerkingen()
        .op(pd)
        .get(weergavenaam="Veiligheidsregio Groningen")
    )
    browser = kaart(f"peildatum={pd.code}")
    gezocht, melding = _zoek_op_kaart(browser, "veiligheidsregio groningen")
    WebDriverWait(browser, WACHT).until(
        lambda b: b.find_element(By.ID, "kaart").get_attribute("data-gezocht") == sw.slug
    )
    assert f"samenwerking={sw.slug}" in browser.current_url


def test_the_search_fields_are_filled_after_every_source():
    from gemeenten.importers import importers

    assert importers()[-1] is ZoekveldenImporter
