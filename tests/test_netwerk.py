"""Issue 10, items 4, 6 and 7: distinct colours with a too-many notice, the density ranking,
the network view with its pair table and CSV, and the compare view.

Unit tests on a small factory world (tests/kaartdata.py), then the same rules on the real
dataset, with expectations computed from the list's JSON API (an independent read of the
same selection), never from the code under test.
"""

import csv
import io
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from gemeenten import kaart, models, netwerk, vergelijk
from gemeenten.gebied import NOORD
from tests import kaartdata

pytestmark = pytest.mark.django_db


def tekenen(response):
    return kaartdata.json_script(response, "kaart-beeld")


def echte_peildata():
    peildata = list(models.Peildatum.objects.exclude(code__startswith="t"))
    assert peildata, "the curated dataset (fixtures/) is not loaded"
    return peildata


def api_leden(client, query, peildatum):
    """{slug: set of CBS codes of the snapshot's municipalities} of a selection, read
    through the JSON API of the list. Without `gebied` that is the north: partners elsewhere
    are not on its map."""
    data = client.get(f"/api/samenwerkingen.json?{query}").json()
    bestaand = {g.cbs_code for g in NOORD.gemeenten(models.Gemeente.objects.op(peildatum.datum))}
    return {
        s["slug"]: {d["cbs_code"] for d in s["gemeenten"] if d["cbs_code"] in bestaand}
        for s in data["samenwerkingen"]
    }


@pytest.fixture
def wereld():
    w = kaartdata.wereld(aantal_gemeenten=6)
    a, b, c, d, e, f = w.gemeenten
    t911, t921 = kaartdata.taakveld("91.1"), kaartdata.taakveld("92.1")
    pd = w.peildatum
    w.sw = {
        "ab": kaartdata.samenwerking(t911, [a, b], pd, naam="Test A-B"),
        "abc": kaartdata.samenwerking(t911, [a, b, c], pd, naam="Test ABC"),
        "def": kaartdata.samenwerking(t921, [d, e, f], pd, naam="Test DEF"),
        "cd": kaartdata.samenwerking(t921, [c, d], pd, naam="Test CD"),
    }
    return w


# ---- colours -------------------------------------------------------------------------


def _selectie(grootten):
    return [
        {"slug": f"s{i}", "naam": f"S{i}", "gemeenten": [f"GM{j}" for j in range(n)]}
        for i, n in enumerate(grootten)
    ]


def test_colours_are_positions_up_to_the_palette_and_never_repeat_beyond():
    klein = netwerk.kleuren(_selectie([3, 2, 5]), 9)
    assert [s["kleur"] for s in klein] == [0, 1, 2]
    grootten = [2, 9, 4, 4, 7, 1, 3, 8, 6, 5, 2, 10]
    groot = netwerk.kleuren(_selectie(grootten), 9)
    kleuren = [s["kleur"] for s in groot if s["kleur"] is not None]
    assert len(kleuren) == 9 and len(set(kleuren)) == 9
    # The nine largest are coloured; the three smallest (1, 2, 2 municipalities) are not.
    zonder = sorted(len(s["gemeenten"]) for s in groot if s["kleur"] is None)
    assert zonder == sorted(grootten)[:3]
    # Slots follow the selection's order among the coloured ones.
    assert kleuren == sorted(kleuren)


def test_the_palette_has_the_number_of_colours_the_docs_give():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "kaart.md").read_text()
    assert f"at most **{kaart.PALET_GROOTTE}** arrangements" in docs


def test_stripes_name_each_colour_once_and_grey_for_the_uncoloured():
    hier = [{"kleur": 2}, {"kleur": None}, {"kleur": 5}, {"kleur": None}]
    assert netwerk.strepen(hier, 4) == ["kleur-2", "kleur-5", "ongekleurd"]
    assert netwerk.strepen([], 4) == ["grijs"]


# ---- density --------------------------------------------------------------------------


def test_density_counts_arrangements_and_partners_beyond_the_largest(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    response = client.get("/kaart/", {"peildatum": wereld.peildatum.code, "q": "Test"})
    rijen = {r["gemeente"]: r for r in response.context["beeld"]["dichtheid"]}
    # C: in ABC (partners A, B) and CD (partner D): 3 partners, largest set 2, 1 different.
    assert (rijen[c]["aantal"], rijen[c]["partners"], rijen[c]["verschillend"]) == (2, 3, 1)
    # A: in A-B (B) and ABC (B, C): nested, nothing different.
    assert (rijen[a]["aantal"], rijen[a]["partners"], rijen[a]["verschillend"]) == (2, 2, 0)
    # D: DEF (E, F) and CD (C): 3 partners, largest 2.
    assert rijen[d]["verschillend"] == 1
    # Ranked by arrangements, then by different partners, then name: C and D before A, B.
    volgorde = [r["gemeente"] for r in response.context["beeld"]["dichtheid"]]
    assert volgorde.index(c) < volgorde.index(a) and volgorde.index(d) < volgorde.index(b)
    html = response.content.decode()
    assert "Waar is de lappendeken het dichtst" in html


# ---- network --------------------------------------------------------------------------


def test_network_pairs_lines_and_table(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    pd = wereld.peildatum.code
    response = client.get("/kaart/", {"peildatum": pd, "q": "Test", "weergave": "netwerk"})
    assert response.status_code == 200
    paren = {(r["a"], r["b"]): r["aantal"] for r in response.context["beeld"]["paren"]}
    assert paren[(a, b)] == 2  # A-B and ABC
    assert paren[(c, d)] == 1 and (a, d) not in paren
    assert len(paren) == 1 + 3 + 3 + 1 - 1  # AB, AC, BC, DE, DF, EF, CD (AB twice)
    getekend = tekenen(response)
    lijnen = getekend["lijnen"]["lijnen"]
    assert {(x, y) for x, y, *_ in lijnen} == {(p.cbs_code, q.cbs_code) for p, q in paren}
    # The heaviest line has the heaviest class, drawn last (on top).
    assert lijnen[-1][:2] == [a.cbs_code, b.cbs_code] and lijnen[-1][3] == 2
    assert lijnen[-1][2] == "lijn-4" and {lijn[2] for lijn in lijnen[:-1]} == {"lijn-1"}
    # Label points lie inside their municipality's square.
    grens = models.GemeenteGrens.objects.get(gemeente=a, jaar=kaartdata.GRENSJAAR)
    lat, lon = getekend["lijnen"]["punten"][a.cbs_code]
    from django.contrib.gis.geos import Point

    assert grens.kaartgeometrie.buffer(0.0002).contains(Point(lon, lat, srid=4326))
    html = response.content.decode()
    assert 'class="kaart-tabel-tabel kaart-paren"' in html
    assert f'data-paar="{a.cbs_code}-{b.cbs_code}"' in html


def test_line_classes_split_the_range():
    assert netwerk.lijnklassen(0) == []
    assert netwerk.lijnklassen(1) == [(1, 1, "lijn-1")]
    klassen = netwerk.lijnklassen(10)
    assert [k[2] for k in klassen] == ["lijn-1", "lijn-2", "lijn-3", "lijn-4"]
    # Three classes (1–2, 3–4, 5) still end in the heaviest.
    assert [k[2] for k in netwerk.lijnklassen(5)] == ["lijn-1", "lijn-3", "lijn-4"]
    assert klassen[0][0] == 1 and klassen[-1][1] == 10
    for n in range(1, 11):
        assert sum(1 for van, tot, _ in klassen if van <= n <= tot) == 1


def test_pairs_csv_has_every_pair_of_the_selection(client, wereld):
    a, b, *_ = wereld.gemeenten
    response = client.get("/kaart/paren.csv", {"peildatum": wereld.peildatum.code, "q": "Test"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rijen = list(
        csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";")
    )
    assert len(rijen) == 7
    eerste = rijen[0]
    assert (eerste["CBS-code A"], eerste["CBS-code B"], eerste["gedeelde samenwerkingen"]) == (
        a.cbs_code,
        b.cbs_code,
        "2",
    )
    assert client.get("/kaart/paren.csv", {"taakveld": "nope"}).status_code == 400


# ---- compare -------------------------------------------------------------------------


def test_compare_statuses_and_cuts(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    pd = wereld.peildatum.code
    # A: theme 91.1 (A-B, ABC); B: theme 92.1 (DEF, CD).
    response = client.get(
        "/kaart/",
        {"peildatum": pd, "taakveld": "91.1", "weergave": "vergelijk", "vergelijk": "92.1"},
    )
    assert response.status_code == 200
    v = response.context["beeld"]["vergelijking"]
    assert v["status"][a.cbs_code] == "alleen-a"
    assert v["status"][c.cbs_code] == "anders"  # A: A, B; B: D
    assert v["status"][e.cbs_code] == "alleen-b"
    regios = {r["samenwerking"]["slug"]: r for r in v["regios"]}
    abc = regios[wereld.sw["abc"].slug]
    assert [s["samenwerking"]["slug"] for s in abc["snijders"]] == [wereld.sw["cd"].slug]
    assert abc["buiten"] == 2 and abc["samenvallend"] is None
    getekend = tekenen(response)
    assert {o["kant"] for o in getekend["omtrekken"]} == {"a", "b"}
    assert getekend["vlakken"][c.cbs_code]["v"] == ["vergelijk-anders"]


def test_compare_same_partners_where_boundaries_coincide():
    gemeenten = [type("G", (), {"cbs_code": c, "naam": c})() for c in "PQRS"]
    a = [
        {"slug": "a1", "naam": "a1", "gemeenten": ["P", "Q"]},
        {"slug": "a2", "naam": "a2", "gemeenten": ["R", "S"]},
    ]
    b = [
        {"slug": "b1", "naam": "b1", "gemeenten": ["P", "Q"]},
        {"slug": "b2", "naam": "b2", "gemeenten": ["R"]},
    ]
    uitkomst = vergelijk.vergelijking(a, b, gemeenten)
    assert uitkomst["status"] == {"P": "gelijk", "Q": "gelijk", "R": "anders", "S": "alleen-a"}
    eerste, tweede = uitkomst["regios"]
    assert eerste["samenvallend"]["slug"] == "b1"
    assert tweede["samenvallend"] is None and tweede["buiten"] == 1


def test_compare_bad_and_missing_second_selection(client):
    response = client.get("/kaart/", {"weergave": "vergelijk", "vergelijk": "geen-indeling"})
    assert response.status_code == 400
    assert "Onbekende vergelijking" in response.content.decode()
    response = client.get("/kaart/", {"weergave": "vergelijk"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="vergelijk"' in html and "Kies hierboven" in html
    assert "omtrekken" not in tekenen(response)


# ---- the real dataset ------------------------------------------------------------------


def _thema_codes(peildatum):
    codes = set()
    for s in models.Samenwerking.objects.op(peildatum).select_related("taakveld"):
        codes |= {s.taakveld.code, s.taakveld.hoofdtaakveld_id and s.taakveld.code.split(".")[0]}
    return sorted(c for c in codes if c)


def test_no_two_arrangements_share_a_colour_in_any_theme_view(client):
    gemeten = 0
    for peildatum in echte_peildata():
        for code in _thema_codes(peildatum):
            for regio in ("", "&regio=1"):
                query = f"peildatum={peildatum.code}&taakveld={code}{regio}"
                response = client.get(f"/kaart/?{query}")
                assert response.status_code == 200, query
                selectie = response.context["beeld"]["selectie"]
                kleuren = [s["kleur"] for s in selectie if s["kleur"] is not None]
                assert len(kleuren) == len(set(kleuren)), query
                assert len(kleuren) == min(len(selectie), kaart.PALET_GROOTTE), query
                # The painter gets the same: one palette slot per coloured arrangement.
                vlakken = tekenen(response)["vlakken"]
                for s in selectie:
                    for code_ in s["gemeenten"]:
                        if code_ in vlakken and s["kleur"] is not None:
                            assert f"kleur-{s['kleur']}" in vlakken[code_]["v"] or (
                                len(vlakken[code_]["v"]) == kaart.MAX_STREPEN
                            ), (query, s["slug"])
                gemeten += 1
    assert gemeten > 20


@pytest.mark.parametrize("query", ["taakveld=6", "peildatum=2016&regio=1&weergave=lapjes"])
def test_too_many_says_so_and_every_narrower_link_fits(client, query):
    response = client.get(f"/kaart/?{query}")
    beeld = response.context["beeld"]
    assert len(beeld["selectie"]) > kaart.PALET_GROOTTE
    html = response.content.decode()
    assert 'id="kaart-te-veel"' in html and "Te veel samenwerkingen" in html
    links = [k for groep in beeld["smaller"] for k in groep["keuzes"]]
    assert links
    for keuze in links:
        smaller = client.get(keuze["url"])
        assert smaller.status_code == 200, keuze["url"]
        aantal = len(smaller.context["beeld"]["selectie"])
        assert aantal == keuze["aantal"] <= kaart.PALET_GROOTTE, keuze["url"]
        assert not smaller.context["beeld"]["te_veel"]
        assert 'id="kaart-te-veel"' not in smaller.content.decode()


def test_density_on_the_real_dataset_matches_the_list(client):
    for peildatum in echte_peildata():
        query = f"peildatum={peildatum.code}&taakveld=6"
        leden = api_leden(client, query, peildatum)
        response = client.get(f"/kaart/?{query}")
        for rij in response.context["beeld"]["dichtheid"]:
            code = rij["gemeente"].cbs_code
            sets = [s - {code} for s in leden.values() if code in s]
            assert rij["aantal"] == len(sets)
            alle = set().union(*sets)
            assert rij["partners"] == len(alle)
            assert rij["verschillend"] == len(alle) - max(len(s) for s in sets)


def test_network_and_csv_on_the_real_dataset_match_the_list(client):
    for peildatum in echte_peildata():
        for selectie in ("", "&taakveld=6&provincie=drenthe", "&regio=1&schaal=regionaal"):
            query = f"peildatum={peildatum.code}{selectie}"
            verwacht = Counter()
            for s in api_leden(client, query, peildatum).values():
                verwacht.update(combinations(sorted(s), 2))
            response = client.get(f"/kaart/?{query}&weergave=netwerk")
            assert response.status_code == 200
            lijnen = tekenen(response)["lijnen"]["lijnen"]
            getekend = {tuple(sorted((a, b))): n for a, b, _, n in lijnen}
            assert getekend == dict(verwacht), query
            body = client.get(f"/kaart/paren.csv?{query}&sep=comma").content.decode()
            rijen = list(csv.DictReader(io.StringIO(body)))
            uit_csv = {
                tuple(sorted((r["CBS-code A"], r["CBS-code B"]))): int(r["gedeelde samenwerkingen"])
                for r in rijen
            }
            assert uit_csv == dict(verwacht), query
            aantallen = [int(r["gedeelde samenwerkingen"]) for r in rijen]
            assert aantallen == sorted(aantallen, reverse=True)


def test_compare_youth_against_labour_market_regions(client):
    peildatum = max(echte_peildata(), key=lambda p: p.datum)
    pd = f"peildatum={peildatum.code}"
    a = api_leden(client, f"{pd}&taakveld=6.92&soort=regio_indeling", peildatum)
    b = {
        slug: leden
        for slug, leden in api_leden(client, f"{pd}&soort=regio_indeling", peildatum).items()
        if slug.startswith("arbeidsmarktregio-")
    }
    assert a and b
    response = client.get(
        f"/kaart/?{pd}&taakveld=6.92&soort=regio_indeling&weergave=vergelijk"
        "&vergelijk=arbeidsmarktregio"
    )
    assert response.status_code == 200
    v = response.context["beeld"]["vergelijking"]

    def partners(selectie):
        uitkomst = defaultdict(set)
        for leden in selectie.values():
            for code in leden:
                uitkomst[code] |= leden - {code}
        return uitkomst

    pa, pb = partners(a), partners(b)
    for code in set(pa) & set(pb):
        assert v["status"][code] == ("gelijk" if pa[code] == pb[code] else "anders"), code
    for rij in v["regios"]:
        leden = a[rij["samenwerking"]["slug"]]
        verwacht = {slug: len(leden & ander) for slug, ander in b.items() if leden & ander}
        assert {s["samenwerking"]["slug"]: s["gedeeld"] for s in rij["snijders"]} == verwacht
    omtrekken = tekenen(response)["omtrekken"]
    assert sum(o["kant"] == "a" for o in omtrekken) == len(a)
    assert sum(o["kant"] == "b" for o in omtrekken) == len(b)
    html = response.content.decode()
    assert 'class="kaart-tabel-tabel kaart-vergelijk"' in html


def test_every_division_offered_has_regions_and_compares(client):
    peildatum = max(echte_peildata(), key=lambda p: p.datum)
    response = client.get(f"/kaart/?peildatum={peildatum.code}&weergave=vergelijk")
    (_, divisies), (_, themas) = response.context["beeld"]["vergelijk_keuzes"]
    assert divisies and themas
    for sleutel, _ in divisies:
        assert sleutel in vergelijk.indelingen()
        response = client.get(
            f"/kaart/?peildatum={peildatum.code}&weergave=vergelijk&vergelijk={sleutel}&regio=1"
        )
        assert response.status_code == 200, sleutel
        assert response.context["beeld"]["vergelijking"]["b"], sleutel


def test_map_files_draw_the_network_and_the_outlines(client):
    svg = client.get("/kaart.svg?taakveld=6&weergave=netwerk").content.decode()
    netwerk_lijnen = client.get("/kaart/?taakveld=6&weergave=netwerk")
    aantal = len(tekenen(netwerk_lijnen)["lijnen"]["lijnen"])
    assert svg.count("<polyline") == aantal > 0
    # Width and opacity of the heaviest class come from kaart.css, as on the page.
    from gemeenten import kaartbeeld

    zwaarste = tekenen(netwerk_lijnen)["lijnen"]["lijnen"][-1][2]
    assert zwaarste == "lijn-4"
    breedte = kaartbeeld.kleuren()["lijnbreedte-4"]
    assert f'stroke-width="{breedte}"' in svg
    svg = client.get(
        "/kaart.svg?taakveld=6.92&soort=regio_indeling&weergave=vergelijk&vergelijk=arbeidsmarktregio"
    ).content.decode()
    assert f'stroke-dasharray="{kaartbeeld.kleuren()["omtrekstreep-b"]}"' in svg
    assert svg.count("<polyline") >= 2


def test_the_narrower_links_keep_the_view_and_the_rest_of_the_selection(client):
    response = client.get("/kaart/?taakveld=6&weergave=lapjes")
    for groep in response.context["beeld"]["smaller"]:
        for keuze in groep["keuzes"]:
            params = parse_qs(urlsplit(keuze["url"]).query)
            assert params["weergave"] == ["lapjes"]
            assert params[groep["filter"]] == [keuze["waarde"]]
            if groep["filter"] != "taakveld":
                assert params["taakveld"] == ["6"]
