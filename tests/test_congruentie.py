"""Congruence (gemeenten/congruentie.py): the measure, the profile, the map view, its files.

The measure is checked against hand-built cases and against a naive set-based reference on
random data; the pages on factory worlds and on the real dataset (every municipality of each
snapshot gets a figure or a stated reason); the painting in Chromium.
"""

import random
import re
from itertools import combinations

import pytest
from django.utils.html import escape

from gemeenten import congruentie, kaartbeeld, models
from gemeenten.gebied import NOORD
from tests import builders, factories, kaartdata

# ---- the measure, without a database -------------------------------------------------------


def test_identical_partner_sets_give_one():
    scores = congruentie.bereken(
        [("1", ["A", "B", "C"]), ("2", ["A", "B", "C"]), ("3", ["C", "B", "A"])], "ABCD"
    )
    a = scores["A"]
    assert a.jaccard == 1.0
    assert (a.samenwerkingen, a.partners, a.themas) == (3, 2, 3)
    # B and C are met in three themes: both recur.
    assert a.gedeeld == 1.0 and a.terugkerend == 2
    assert scores["D"].jaccard is None


def test_disjoint_partner_sets_give_zero_not_none():
    scores = congruentie.bereken([("1", ["A", "B"]), ("2", ["A", "C"]), ("3", ["A", "D"])], "ABCD")
    a = scores["A"]
    assert a.jaccard == 0.0 and a.reden_jaccard == ""
    assert a.gedeeld == 0.0 and a.terugkerend == 0 and a.partners == 3


def test_one_arrangement_or_none_is_not_determinable_with_its_reason():
    scores = congruentie.bereken([("1", ["A", "B"])], "ABC")
    for code in "AB":
        assert scores[code].jaccard is None and scores[code].gedeeld is None
        assert scores[code].reden_jaccard == congruentie.EEN_SAMENWERKING
    assert scores["C"].jaccard is None
    assert scores["C"].reden_jaccard == congruentie.GEEN_SAMENWERKING
    assert scores["C"].reden_gedeeld == congruentie.GEEN_SAMENWERKING


def test_one_theme_leaves_only_the_share_undetermined():
    scores = congruentie.bereken([("6", ["A", "B", "C"]), ("6", ["A", "C", "D"])], "ABCD")
    a = scores["A"]
    # {B, C} and {C, D}: one of three in common.
    assert a.jaccard == pytest.approx(1 / 3)
    assert a.gedeeld is None and a.reden_gedeeld == congruentie.EEN_THEMA


def test_outsiders_and_arrangements_without_partners_are_ignored():
    # X is not a municipality of the snapshot (an organisation, another year): no partner.
    scores = congruentie.bereken([("1", ["A", "X"]), ("2", ["A", "B"]), ("3", ["A", "B"])], "AB")
    assert scores["A"].samenwerkingen == 2 and scores["A"].jaccard == 1.0
    assert set(scores) == {"A", "B"}


def _naief(samenwerkingen, code):
    """The definition, written out with sets: the reference for the bit-mask version."""
    sets = [(t, set(d) - {code}) for t, d in samenwerkingen if code in d and len(set(d)) > 1]
    paren = [len(a & b) / len(a | b) for (_, a), (_, b) in combinations(sets, 2)]
    jaccard = sum(paren) / len(paren) if paren else None
    partners = set().union(*(s for _, s in sets)) if sets else set()
    themas = {t for t, _ in sets}
    terug = {p for p in partners if len({t for t, s in sets if p in s}) >= 2}
    gedeeld = len(terug) / len(partners) if len(themas) >= 2 else None
    return jaccard, gedeeld


def test_the_fast_computation_agrees_with_the_definition_on_random_data():
    rng = random.Random(2013)
    codes = [f"GM{i:04d}" for i in range(40)]
    for _ in range(20):
        samenwerkingen = [
            (str(rng.randint(0, 4)), rng.sample(codes, rng.randint(1, 12)))
            for _ in range(rng.randint(0, 30))
        ]
        scores = congruentie.bereken(samenwerkingen, codes)
        for code in codes:
            jaccard, gedeeld = _naief(samenwerkingen, code)
            assert scores[code].jaccard == pytest.approx(jaccard)
            assert scores[code].gedeeld == pytest.approx(gedeeld)


def _score(code, jaccard, gedeeld=None):
    return congruentie.Score(code, 2, 2, 2, jaccard, gedeeld, 0)


def test_ranking_is_sorted_with_shared_ranks_and_the_undetermined_last():
    scores = {
        "A": _score("A", 0.5),
        "B": _score("B", 0.9),
        "C": _score("C", None),
        "D": _score("D", 0.5),
        "E": _score("E", 0.1),
    }
    namen = {"A": "Aa", "B": "Bb", "C": "Cc", "D": "Dd", "E": "Ee"}
    rijen = congruentie.rangschik(scores, namen)
    assert [(rang, s.code) for rang, s in rijen] == [
        (1, "B"),
        (2, "A"),
        (2, "D"),
        (4, "E"),
        (None, "C"),
    ]


def test_classes_are_thirds_of_the_region_and_keep_ties_together():
    waarden = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    scores = {str(i): _score(str(i), w) for i, w in enumerate(waarden)}
    scores["x"] = _score("x", None)
    klassen = congruentie.klassen(scores)
    assert [(k["slot"], k["van"], k["tot"], k["aantal"]) for k in klassen] == [
        ("congruentie-1", 0.1, 0.3, 3),
        ("congruentie-2", 0.4, 0.6, 3),
        ("congruentie-3", 0.7, 0.9, 3),
    ]
    assert congruentie.klasse(klassen, scores["x"]) == "grijs"
    # Many equal top values stay in one class, the top one.
    gelijk = {str(i): _score(str(i), w) for i, w in enumerate([0.0, 0.2, 0.5] + [1.0] * 5)}
    klassen = congruentie.klassen(gelijk)
    assert klassen[-1] == {"slot": "congruentie-3", "van": 1.0, "tot": 1.0, "aantal": 5}
    assert sum(k["aantal"] for k in klassen) == 8
    # Two distinct values: the outer slots; one: the middle one.
    twee = congruentie.klassen({"a": _score("a", 0.0), "b": _score("b", 1.0)})
    assert [k["slot"] for k in twee] == ["congruentie-1", "congruentie-3"]
    assert [k["slot"] for k in congruentie.klassen({"a": _score("a", 0.4)})] == ["congruentie-2"]
    assert congruentie.klassen({"a": _score("a", None)}) == []


def test_class_colours_are_defined_once_in_the_stylesheet():
    kleuren = kaartbeeld.kleuren()
    for slot in congruentie.KLASSEN:
        assert re.fullmatch(r"#[0-9a-f]{6}", kleuren[slot]), slot


def _luminantie(kleur):
    kanalen = [int(kleur[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lineair = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in kanalen]
    return 0.2126 * lineair[0] + 0.7152 * lineair[1] + 0.0722 * lineair[2]


def _contrast(a, b):
    licht, donker = sorted((_luminantie(a), _luminantie(b)), reverse=True)
    return (licht + 0.05) / (donker + 0.05)


def test_classes_have_three_to_one_against_neighbours_background_and_borders():
    kleuren = kaartbeeld.kleuren()
    klassen = [kleuren[slot] for slot in congruentie.KLASSEN]
    achtergrond = kaartbeeld.Kaartbeschrijving.__dataclass_fields__["achtergrond"].default
    for kleur in klassen:
        assert _contrast(kleur, achtergrond) >= 3, kleur
        assert _contrast(kleur, kleuren["grens"]) >= 3, kleur
    for a, b in zip(klassen, klassen[1:], strict=False):
        assert _contrast(a, b) >= 3, (a, b)


# ---- the map view (test client) -----------------------------------------------------------


@pytest.fixture
def kaartwereld(db):
    """a, b, c always together (1.0); e with d and with f apart (0.0); d and f in one
    collaboration each (not determinable); a state division d–f that must not count."""
    w = kaartdata.wereld(aantal_gemeenten=6)
    a, b, c, d, e, f = w.gemeenten
    t911, t921 = kaartdata.taakveld("91.1"), kaartdata.taakveld("92.1")
    pd = w.peildatum
    kaartdata.samenwerking(t911, [a, b, c], pd, naam="Test ABC een")
    kaartdata.samenwerking(t921, [a, b, c], pd, naam="Test ABC twee")
    kaartdata.samenwerking(t911, [d, e], pd, naam="Test DE")
    kaartdata.samenwerking(t921, [e, f], pd, naam="Test EF")
    kaartdata.samenwerking(
        t911,
        [d, f],
        pd,
        naam="Test Indeling DF",
        soort=models.Soort.REGIO_INDELING,
        aard=models.Aard.INDELING,
    )
    return w


def _kaart(client, wereld, **params):
    return client.get(
        "/kaart/", {"peildatum": wereld.peildatum.code, "weergave": "congruentie", **params}
    )


def test_map_view_paints_classes_with_legend_and_ranking(
    client, kaartwereld, django_assert_max_num_queries
):
    a, b, c, d, e, f = kaartwereld.gemeenten
    for params in ({}, {"regio": "1"}, {"deel": "tabel"}):
        with django_assert_max_num_queries(7):
            response = _kaart(client, kaartwereld, **params)
        assert response.status_code == 200
        beeld = response.context["beeld"]
        assert beeld["weergave"] == "congruentie"
        vlakken = beeld["tekenen"]["vlakken"]
        # The state division d–f does not count, also with regio=1.
        assert [vlakken[g.cbs_code]["v"] for g in (a, b, c)] == [["congruentie-3"]] * 3
        assert vlakken[e.cbs_code]["v"] == ["congruentie-1"]
        assert vlakken[d.cbs_code]["v"] == vlakken[f.cbs_code]["v"] == ["grijs"]
        assert vlakken[d.cbs_code]["n"] == "niet te bepalen"
        assert vlakken[a.cbs_code]["n"] == "1,00" and vlakken[e.cbs_code]["n"] == "0,00"
        # The legend names exactly the slots painted, each defined in kaart.css.
        legenda = beeld["tekenen"]["legenda"]
        geschilderd = {v["v"][0] for v in vlakken.values()}
        assert {r["kleur"] for r in legenda["regels"]} == geschilderd
        assert geschilderd <= set(kaartbeeld.kleuren())
        assert "Jaccard" in legenda["titel"]

    html = response.content.decode()
    assert "Ranglijst" in html
    rijen = re.findall(r'<tr data-code="(GM\d+)"><td>([^<]*)</td>', html)
    rang = dict(rijen)
    assert rang[a.cbs_code] == rang[b.cbs_code] == rang[c.cbs_code] == "1"
    assert rang[e.cbs_code] == "4"
    assert rang[d.cbs_code] == rang[f.cbs_code] == "–"
    volgorde = [code for code, _ in rijen]
    assert volgorde.index(e.cbs_code) < volgorde.index(d.cbs_code)
    # One row per municipality of the snapshot, also those without any arrangement.
    assert len(rijen) == len(beeld["gemeenten"])
    assert escape(congruentie.EEN_SAMENWERKING) in html
    assert "0,00" in html  # e: a real zero, shown as one


def test_map_view_follows_the_selection(client, kaartwereld):
    a, b, c, d, e, f = kaartwereld.gemeenten
    # Theme 91 only: a, b, c have one arrangement left (not determinable), e too.
    vlakken = _kaart(client, kaartwereld, taakveld="91").context["beeld"]["tekenen"]["vlakken"]
    assert all(vlakken[g.cbs_code]["v"] == ["grijs"] for g in kaartwereld.gemeenten)
    ranglijst = _kaart(client, kaartwereld, taakveld="91").context["beeld"]["congruentie"]
    assert all(rij["rang"] is None for rij in ranglijst["ranglijst"])
    assert ranglijst["spreiding"] is None


def test_unknown_view_names_the_congruence_among_the_choices(client, kaartwereld):
    response = _kaart(client, kaartwereld, weergave="kubus")
    assert response.status_code == 400
    assert "congruentie" in response.content.decode().split("Onbekende weergave", 1)[1][:200]


def test_svg_download_of_the_view_has_its_colours_and_legend(client, kaartwereld):
    a = kaartwereld.gemeenten[0]
    response = client.get(
        "/kaart.svg", {"peildatum": kaartwereld.peildatum.code, "weergave": "congruentie"}
    )
    assert response.status_code == 200
    svg = response.content.decode()
    kleuren = kaartbeeld.kleuren()
    assert f'fill="{kleuren["congruentie-3"]}"' in svg
    assert f'fill="{kleuren["congruentie-1"]}"' in svg
    assert "Gemiddelde overeenkomst van de partners (Jaccard)" in svg
    assert f"<title>{escape(a.naam)}: Gemiddelde overeenkomst van de partners: 1,00" in svg


# ---- the profile (factory data on the real latest snapshot) --------------------------------


@pytest.fixture
def profielwereld(db):
    pd = builders.peildatum()
    prov = builders.provincie()
    x, y, z, w, v = (builders.gemeente(prov) for _ in range(5))
    t1 = builders.taakveld("97.1", "Testtaak een", hoofd=("97", "Testhoofd een"))
    t2 = builders.taakveld("98.1", "Testtaak twee", hoofd=("98", "Testhoofd twee"))
    factories.stand(builders.samenwerking(t1), pd, [x, y, z])
    factories.stand(builders.samenwerking(t2), pd, [x, y, z])
    factories.stand(builders.samenwerking(t1), pd, [w, y])
    return pd, {"vast": x, "een": w, "geen": v}


def _profiel(client, pd, gemeente):
    response = client.get(f"/gemeenten/{gemeente.slug}/", {"peildatum": pd.code})
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="congruentie"')
    return response, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : start + 3000]))


def test_profile_shows_the_figures_rank_and_method(client, profielwereld):
    pd, g = profielwereld
    response, tekst = _profiel(client, pd, g["vast"])
    c = response.context["congruentie"]
    assert c["score"].jaccard == 1.0 and c["rang"] == 1
    assert "1,00" in tekst and "2 van de 2" in tekst
    assert f"plaats 1 van {c['van']} in de regio" in tekst
    html = response.content.decode()
    assert "/over/?peildatum=" in html and "#congruentie" in html
    assert "weergave=congruentie" in html


@pytest.mark.parametrize(
    "welke, reden", [("een", congruentie.EEN_SAMENWERKING), ("geen", congruentie.GEEN_SAMENWERKING)]
)
def test_profile_says_not_determinable_never_zero(client, profielwereld, welke, reden):
    pd, g = profielwereld
    response, tekst = _profiel(client, pd, g[welke])
    assert response.context["congruentie"]["score"].jaccard is None
    assert f"niet te bepalen: {reden}" in tekst
    assert "0,00" not in tekst and "plaats" not in tekst


def test_profile_stays_within_the_budget_with_many_rows(db, client, django_assert_max_num_queries):
    wereld = builders.wereld(
        aantal_gemeenten=15, aantal_samenwerkingen=60, deelnemers_per_samenwerking=9
    )
    with django_assert_max_num_queries(8):
        response = client.get(
            f"/gemeenten/{wereld.gemeenten[0].slug}/", {"peildatum": wereld.peildatum.code}
        )
    assert response.context["congruentie"]["score"].samenwerkingen == 60 * 9 // 15


# ---- the real dataset ------------------------------------------------------------------------


def _echte_peildata():
    echte = list(models.Peildatum.objects.exclude(code__startswith="t"))
    assert echte, "the curated dataset (fixtures/) is not loaded"
    return echte


@pytest.mark.django_db
def test_every_municipality_of_each_snapshot_gets_a_figure_or_a_reason(client):
    for peildatum in _echte_peildata():
        gemeenten = list(NOORD.gemeenten(models.Gemeente.objects.op(peildatum.datum)))
        scores = congruentie.voor_peildatum(peildatum, [g.cbs_code for g in gemeenten])
        assert set(scores) == {g.cbs_code for g in gemeenten}
        for score in scores.values():
            for waarde, reden in (
                (score.jaccard, score.reden_jaccard),
                (score.gedeeld, score.reden_gedeeld),
            ):
                assert (waarde is None) == bool(reden), score
                assert waarde is None or 0.0 <= waarde <= 1.0, score
        # The map view (no selection) ranks every municipality, sorted.
        response = client.get("/kaart/", {"peildatum": peildatum.code, "weergave": "congruentie"})
        ranglijst = response.context["beeld"]["congruentie"]["ranglijst"]
        assert {rij["gemeente"].cbs_code for rij in ranglijst} == set(scores)
        waarden = [rij["score"].jaccard for rij in ranglijst if rij["rang"] is not None]
        assert waarden == sorted(waarden, reverse=True)
        assert all(rij["score"].jaccard is None for rij in ranglijst if rij["rang"] is None)
        rangen = [rij["rang"] for rij in ranglijst if rij["rang"] is not None]
        assert rangen == sorted(rangen) and rangen[0] == 1
        # The same figures as the one-query computation, and the profile's rank is the map's.
        for rij in ranglijst:
            eigen = scores[rij["gemeente"].cbs_code]
            assert rij["score"].jaccard == pytest.approx(eigen.jaccard)
            assert rij["score"].gedeeld == pytest.approx(eigen.gedeeld)
        eerste = ranglijst[0]
        profiel = client.get(
            f"/gemeenten/{eerste['gemeente'].slug}/", {"peildatum": peildatum.code}
        ).context["congruentie"]
        assert profiel["rang"] == eerste["rang"] == 1
        assert profiel["van"] == len(waarden)


@pytest.mark.django_db
def test_real_map_view_within_budget_with_legend_for_every_painted_class(
    client, django_assert_max_num_queries
):
    for peildatum in _echte_peildata():
        for params in ({}, {"schaal": "subregionaal"}, {"taakveld": "6", "regio": "1"}):
            with django_assert_max_num_queries(7):
                response = client.get(
                    "/kaart/",
                    {"peildatum": peildatum.code, "weergave": "congruentie", **params},
                )
            assert response.status_code == 200
            tekenen = response.context["beeld"]["tekenen"]
            geschilderd = {v["v"][0] for v in tekenen["vlakken"].values()}
            assert geschilderd == {r["kleur"] for r in tekenen["legenda"]["regels"]}


# ---- in the browser -----------------------------------------------------------------------


@pytest.mark.browser
def test_browser_paints_the_congruence_classes(browser, live_url, settings):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from tests.test_a11y import AXE, RUN_AXE

    settings.MAP_TILE_URL = ""
    peildatum = models.Peildatum.objects.laatste()
    gemeenten = list(NOORD.gemeenten(models.Gemeente.objects.op(peildatum.datum)))
    scores = congruentie.voor_peildatum(peildatum, [g.cbs_code for g in gemeenten])
    klassen = congruentie.klassen(scores)
    verwacht = {code: congruentie.klasse(klassen, s) for code, s in scores.items()}

    browser.get(f"{live_url}/kaart/?peildatum={peildatum.code}")
    wacht = WebDriverWait(browser, 15)
    kaart = browser.find_element(By.ID, "kaart")
    wacht.until(lambda b: kaart.get_attribute("data-geladen") == "ja")
    Select(browser.find_element(By.ID, "keuze-weergave")).select_by_value("congruentie")
    wacht.until(lambda b: kaart.get_attribute("data-weergave") == "congruentie")
    assert "weergave=congruentie" in browser.current_url

    # Fills, the custom properties and the legend, read in one go.
    gelezen = browser.execute_script(
        "const css = getComputedStyle(document.documentElement);"
        "const vullingen = {};"
        "document.querySelectorAll('#kaart path.gemeentevlak').forEach("
        "  (p) => { vullingen[p.getAttribute('data-code')] = p.getAttribute('fill'); });"
        "const slots = {};"
        "for (const s of arguments[0]) { slots[s] = css.getPropertyValue('--kaart-' + s).trim(); }"
        "const legenda = document.getElementById('kaart-legenda');"
        "return {vullingen: vullingen, slots: slots, legenda: legenda ? legenda.innerText : '',"
        " tabel: document.querySelectorAll('#kaart-tabel tbody tr[data-code]').length};",
        [*congruentie.KLASSEN, "grijs"],
    )
    assert set(gelezen["vullingen"]) == set(verwacht)
    for code, slot in verwacht.items():
        assert gelezen["vullingen"][code] == gelezen["slots"][slot], code
    assert len({gelezen["vullingen"][c] for c in verwacht}) == len(set(verwacht.values())) >= 2
    assert "Jaccard" in gelezen["legenda"]
    for klasse in klassen:
        assert congruentie.bereik(klasse) in gelezen["legenda"]
    assert gelezen["tabel"] == len(gemeenten)

    # The popup says the figure in words.
    hoogste = max((s for s in scores.values() if s.jaccard is not None), key=lambda s: s.jaccard)
    browser.execute_script(
        "const pad = window.Atlaskaart.pagina.lagen.get(arguments[0]);"
        "pad.openPopup(pad.getBounds().getCenter());",
        hoogste.code,
    )
    popup = wacht.until(lambda b: b.find_element(By.CSS_SELECTOR, ".leaflet-popup-content"))
    wacht.until(lambda b: congruentie.getal(hoogste.jaccard) in popup.text)
    # Leaflet fades a popup in; axe measures the contrast of what is painted, so wait for it.
    wacht.until(
        lambda b: b.execute_script(
            "const p = document.querySelector('.leaflet-popup');"
            "return p !== null && getComputedStyle(p).opacity === '1';"
        )
    )
    assert "Gemiddelde overeenkomst van de partners" in popup.text

    # axe-core: no violation on the page (as tests/test_a11y.py), nor in what this feature
    # adds (the table, the profile's section, /over/'s).
    binnen = RUN_AXE.replace("axe.run(document,", "axe.run(arguments[0],")
    assert binnen != RUN_AXE
    for url, deel in (
        (None, "#kaart-tabel"),
        (
            f"/gemeenten/{models.Gemeente.objects.get(cbs_code=hoogste.code).slug}/"
            f"?peildatum={peildatum.code}",
            "section[aria-labelledby=congruentie]",
        ),
        ("/over/", "section[aria-labelledby=congruentie]"),
    ):
        if url:
            browser.get(live_url + url)
            assert browser.find_element(By.CSS_SELECTOR, deel).is_displayed()
        browser.execute_script(AXE.read_text())
        browser.set_script_timeout(60)
        pagina = browser.execute_async_script(RUN_AXE)
        assert "error" not in pagina, pagina
        gevonden = [(v["id"], v["nodes"][0]["html"]) for v in pagina["violations"]]
        assert not gevonden, (url, gevonden)
        eigen = browser.execute_async_script(binnen, deel)
        assert "error" not in eigen, eigen
        assert not eigen["violations"], (url, eigen["violations"])
