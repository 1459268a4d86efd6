"""One selection: the map shows exactly what the list lists, and the links between them
carry the whole selection (issue 10, item 1)."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from gemeenten import kaart, models
from tests import kaartdata

pytestmark = pytest.mark.django_db

KAART_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "kaart.css"

# Selections on the real dataset; every filter of the list occurs.
SELECTIES = [
    "taakveld=6&schaal=subregionaal&provincie=drenthe",
    "taakveld=6",
    "taakveld=7.1&regio=1",
    "soort=gemeenschappelijke_regeling&rechtsvorm=openbaar_lichaam",
    "rechtsvorm=onbekend",
    "q=GGD&regio=1",
    "gemeente=groningen",
    "gemeente=GM0014&taakveld=6",
    "provincie=fryslan&schaal=regionaal",
    "soort=regio_indeling",
]


def echte_peildata():
    peildata = list(models.Peildatum.objects.exclude(code__startswith="t"))
    assert peildata, "the curated dataset (fixtures/) is not loaded"
    return peildata


def lijst_slugs(client, query):
    response = client.get(f"/samenwerkingen/?{query}")
    assert response.status_code == 200, response.content[:500]
    return {s.slug for s in response.context["paginator"].object_list}


def kaart_slugs(client, query):
    response = client.get(f"/kaart/?{query}")
    assert response.status_code == 200, response.context and response.context.get("fouten")
    return {s["slug"] for s in response.context["beeld"]["selectie"]}


@pytest.mark.parametrize("selectie", SELECTIES)
def test_the_map_shows_exactly_what_the_list_lists(client, selectie):
    for peildatum in echte_peildata():
        query = f"peildatum={peildatum.code}&{selectie}"
        lijst = lijst_slugs(client, query)
        assert kaart_slugs(client, query) == lijst, query
        # ... and the same as the JSON twin.
        api = json.loads(client.get(f"/api/samenwerkingen.json?{query}").content)
        assert {s["slug"] for s in api["samenwerkingen"]} == lijst


def test_the_example_of_the_issue_has_the_lists_results_on_the_map(client):
    """/samenwerkingen/?taakveld=6&schaal=subregionaal&provincie=drenthe → "op de kaart"."""
    echte_peildata()
    lijst = client.get("/samenwerkingen/?taakveld=6&schaal=subregionaal&provincie=drenthe")
    link = lijst.context["kaart_link"]
    assert parse_qs(urlsplit(link).query) == {
        "peildatum": [lijst.context["peildatum"].code],
        "taakveld": ["6"],
        "schaal": ["subregionaal"],
        "provincie": ["drenthe"],
    }
    assert f'href="{link.replace("&", "&amp;")}"' in lijst.content.decode()
    kaart_pagina = client.get(link)
    verwacht = {s.slug for s in lijst.context["paginator"].object_list}
    assert {s["slug"] for s in kaart_pagina.context["beeld"]["selectie"]} == verwacht
    assert len(verwacht) == lijst.context["paginator"].count > 0


@pytest.mark.parametrize("selectie", SELECTIES)
def test_list_to_map_to_list_keeps_the_selection(client, selectie):
    peildatum = echte_peildata()[-1]
    heen = client.get(f"/samenwerkingen/?peildatum={peildatum.code}&{selectie}&sorteer=-deelnemers")
    naar_kaart = heen.context["kaart_link"]
    kaart_pagina = client.get(naar_kaart + "&weergave=lapjes")
    terug = kaart_pagina.context["beeld"]["lijst_url"]
    # Back on the list: the same parameters (in canonical spelling), the same results.
    assert parse_qs(urlsplit(terug).query) == parse_qs(urlsplit(naar_kaart).query)
    assert "weergave" not in terug  # the map's own parameters stay on the map
    weer = client.get(terug)
    assert [s.slug for s in weer.context["paginator"].object_list] == [
        s.slug for s in heen.context["paginator"].object_list
    ]
    html = kaart_pagina.content.decode()
    assert f'href="{terug.replace("&", "&amp;")}"' in html  # the link on the map page
    # The state the map pushes to the URL holds the selection and the map's own view.
    getekend = tekenen(kaart_pagina)
    assert parse_qs(getekend["query"]) == {
        **parse_qs(urlsplit(naar_kaart).query),
        "weergave": ["lapjes"],
    }


def tekenen(response):
    return kaartdata.json_script(response, "kaart-beeld")


# ---- what the server decides, the painter paints -------------------------------------


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
        "regio": kaartdata.samenwerking(
            t911,
            [e, f],
            pd,
            naam="Test Regio",
            soort=models.Soort.REGIO_INDELING,
            aard=models.Aard.INDELING,
        ),
    }
    return w


def test_patchwork_fills_stripes_and_labels_come_from_the_server(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    getekend = tekenen(
        client.get("/kaart/", {"peildatum": wereld.peildatum.code, "taakveld": "91"})
    )
    vlakken = getekend["vlakken"]
    assert getekend["weergave"] == "lapjes"
    assert vlakken[a.cbs_code] == vlakken[b.cbs_code]
    assert vlakken[a.cbs_code]["v"] == ["kleur-0", "kleur-1"]
    assert vlakken[a.cbs_code]["rand"] == "overlap" and vlakken[a.cbs_code]["label"] == 2
    assert vlakken[c.cbs_code]["v"] == ["kleur-1"] and "label" not in vlakken[c.cbs_code]
    for gemeente in (d, e, f):  # the regional division does not count without regio=1
        assert vlakken[gemeente.cbs_code]["v"] == ["grijs"]
    # The popup lists the arrangements of the selection at a municipality, by index.
    assert [getekend["samenwerkingen"][i]["naam"] for i in vlakken[a.cbs_code]["s"]] == [
        "Test A-B",
        "Test ABC",
    ]
    assert getekend["legenda"]["titel"] == "2 samenwerkingen"
    assert getekend["lijst"] == (f"/samenwerkingen/?peildatum={wereld.peildatum.code}&taakveld=91")


def test_the_map_takes_every_filter_of_the_list(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    pd = wereld.peildatum.code

    def namen(**params):
        response = client.get("/kaart/", {"peildatum": pd, **params})
        assert response.status_code == 200
        return [s["naam"] for s in response.context["beeld"]["selectie"]]

    assert namen(gemeente=c.slug) == ["Test ABC"]
    assert namen(gemeente=e.cbs_code, regio="1") == ["Test DEF", "Test Regio"]
    assert namen(q="DEF") == ["Test DEF"]
    assert namen(q=a.naam) == ["Test A-B", "Test ABC"]  # a participant's name
    assert namen(soort="regio_indeling") == ["Test Regio"]
    assert namen(provincie=wereld.provincie.slug, schaal="subregionaal") == ["Test ABC", "Test DEF"]
    assert namen(rechtsvorm="onbekend", taakveld="92") == ["Test DEF"]


def test_intensity_classes_and_legend():
    assert kaart.intensiteitsklassen(0) == []
    assert kaart.intensiteitsklassen(2) == [(1, 1, "intensiteit-1"), (2, 2, "intensiteit-5")]
    assert kaart.intensiteitsklassen(12) == [
        (1, 3, "intensiteit-1"),
        (4, 6, "intensiteit-2"),
        (7, 9, "intensiteit-3"),
        (10, 12, "intensiteit-4"),
    ]
    klassen = kaart.intensiteitsklassen(5)
    assert [kaart.intensiteitsvulling(klassen, n) for n in range(7)] == [
        "grijs",
        *(f"intensiteit-{i}" for i in range(1, 6)),
        "grijs",
    ]
    assert [r["tekst"] for r in kaart.intensiteitslegenda(kaart.intensiteitsklassen(12))] == [
        "0",
        "1–3",
        "4–6",
        "7–9",
        "10–12",
    ]


def test_every_colour_slot_the_server_names_is_defined_once_in_kaart_css(client, wereld):
    css = KAART_CSS.read_text()
    gedefinieerd = re.findall(r"--kaart-([a-z0-9-]+):", css)
    assert len(gedefinieerd) == len(set(gedefinieerd)), "a colour defined twice"
    kleuren = [slot for slot in gedefinieerd if re.fullmatch(r"kleur-\d+", slot)]
    assert kleuren == [f"kleur-{i}" for i in range(kaart.PALET_GROOTTE)]
    assert len([s for s in gedefinieerd if s.startswith("intensiteit-")]) == (
        kaart.INTENSITEIT_GROOTTE
    )
    for i in range(kaart.PALET_GROOTTE):  # the table's colour squares use the same property
        assert f".kleur-{i} {{ background-color: var(--kaart-kleur-{i}); }}" in css
    # No colour value outside the custom properties of :root.
    buiten_root = css.split(":root {", 1)[0] + css.split(":root {", 1)[1].split("}", 1)[1]
    assert not re.search(r"#[0-9a-fA-F]{6}\b.*kleur|kleur.*#[0-9a-fA-F]{6}\b", buiten_root)
    a = wereld.gemeenten[0]
    genoemd = set()
    for params in (
        {},
        {"taakveld": "91"},
        {"weergave": "partners", "gemeente": a.slug},
        {"samenwerking": wereld.sw["abc"].slug},
        {"regio": "1", "weergave": "lapjes"},
        {"weergave": "congruentie"},
    ):
        getekend = tekenen(client.get("/kaart/", {"peildatum": wereld.peildatum.code, **params}))
        for vlak in getekend["vlakken"].values():
            genoemd.update(vlak["v"])
        genoemd.update(regel["kleur"] for regel in getekend["legenda"]["regels"])
    assert genoemd - {"grijs"}, "no view coloured anything"
    assert genoemd <= set(gedefinieerd)
    assert not [slot for slot in genoemd if slot.startswith("#")]


def test_map_parameters_are_documented():
    tekst = (Path(__file__).resolve().parent.parent / "docs" / "kaart.md").read_text()
    for naam in (*kaart.SamenwerkingFilter.parameters, *kaart.Kaartweergave.parameters):
        assert f"`{naam}`" in tekst, naam


def test_openapi_names_every_map_parameter_and_shares_the_lists():
    spec = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml").read_text()
    )
    gedeeld = spec["components"]["parameters"]

    def namen(pad):
        return [
            gedeeld[p["$ref"].rsplit("/", 1)[1]]["name"] if "$ref" in p else p["name"]
            for p in spec["paths"][pad]["get"]["parameters"]
        ]

    selectie = ["peildatum", "gebied", *kaart.SamenwerkingFilter.parameters]
    assert namen("/api/samenwerkingen.json") == selectie
    assert namen("/kaart/") == [*selectie, *kaart.Kaartweergave.parameters]


def test_links_through_arrangement_and_profile_carry_the_selection(client, wereld):
    a, b, c, d, e, f = wereld.gemeenten
    pd = wereld.peildatum.code
    abc = wereld.sw["abc"]
    selectie = f"peildatum={pd}&amp;taakveld=91&amp;schaal=subregionaal"
    query = {"peildatum": pd, "taakveld": "91", "schaal": "subregionaal"}
    # The list's rows lead to arrangements with the selection ...
    lijst = client.get("/samenwerkingen/", {**query, "page": "1"}).content.decode()
    assert f'href="/samenwerkingen/{abc.slug}/?{selectie}"' in lijst
    # ... whose page leads back to the list, to the map and to profiles with it ...
    pagina = client.get(f"/samenwerkingen/{abc.slug}/", query).content.decode()
    assert f'href="/samenwerkingen/?{selectie}"' in pagina
    assert f'href="/kaart/?{selectie}&amp;samenwerking={abc.slug}"' in pagina
    assert f'href="/gemeenten/{c.slug}/?{selectie}"' in pagina
    # ... and a profile to its "met wie" map and its list, the selection kept.
    profiel = client.get(f"/gemeenten/{c.slug}/", query).content.decode()
    assert f'href="/kaart/?{selectie}&amp;weergave=partners&amp;gemeente={c.slug}"' in profiel
    assert f'href="/samenwerkingen/?{selectie}&amp;gemeente={c.slug}"' in profiel
    # The map's table and popups carry it to arrangements and profiles too.
    response = client.get("/kaart/", query)
    html = response.content.decode().split('id="kaart-tabel"')[1]
    assert f'href="/samenwerkingen/{abc.slug}/?{selectie}"' in html
    assert f'href="/gemeenten/{c.slug}/?{selectie}"' in html
    getekend = tekenen(response)
    assert {s["url"] for s in getekend["samenwerkingen"]} >= {
        f"/samenwerkingen/{abc.slug}/?{selectie.replace('&amp;', '&')}"
    }
    assert getekend["mee"] == selectie.replace("&amp;", "&")
    # A value that is not a selection parameter, or absurdly long, is not carried.
    pagina = client.get(
        f"/samenwerkingen/{abc.slug}/", {"peildatum": pd, "x": "1", "q": "a" * 500}
    ).content.decode()
    assert f'href="/kaart/?peildatum={pd}&amp;samenwerking={abc.slug}"' in pagina
