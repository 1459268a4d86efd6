"""/kaart.svg and /kaart.png: the map view as a file, and the renderer behind them."""

import io
import json
import re
import struct
import xml.etree.ElementTree as ET

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db.models import Q

from gemeenten import kaartbeeld, models
from gemeenten.dataset import leeg_dataset
from gemeenten.gebied import NOORD

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
BUDGET = 8


def peildatum(code):
    pd = models.Peildatum.objects.filter(code=code).first()
    assert pd is not None, f"snapshot {code} is not in the real dataset (fixtures/)"
    return pd


def gemeentenamen(pd):
    """The municipalities the map of a snapshot draws, straight from the database."""
    return set(
        models.GemeenteGrens.objects.filter(
            jaar=pd.grensjaar, gemeente__in=NOORD.gemeenten(models.Gemeente.objects.op(pd.datum))
        ).values_list("gemeente__naam", flat=True)
    )


def in_thema(pd, code):
    """The arrangements /kaart/?taakveld=code colours (collaborations, including the regional
    divisions that are collaborations of municipalities; no state or statistical divisions)."""
    return (
        NOORD.samenwerkingen(models.Samenwerking.objects.in_stand(pd), pd)
        .filter(Q(taakveld__code=code) | Q(taakveld__hoofdtaakveld__code=code))
        .samenwerkingen()
    )


def boom(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def teksten(wortel, groep):
    """The texts of one group (legenda, voet), each <text> with its wrapped lines joined."""
    (g,) = [g for g in wortel.iter(f"{SVG}g") if g.get("class") == groep]
    return [
        " ".join(span.text or "" for span in tekst.iter(f"{SVG}tspan"))
        for tekst in g.iter(f"{SVG}text")
    ]


def paden(wortel):
    (g,) = [g for g in wortel.iter(f"{SVG}g") if g.get("class") == "gemeenten"]
    return list(g.iter(f"{SVG}path"))


@pytest.mark.parametrize("code", ["2016", "2026"])
def test_svg_has_one_path_per_municipality_and_says_what_and_when(client, code):
    pd = peildatum(code)
    wortel = boom(client.get("/kaart.svg", {"peildatum": code}))
    namen = [pad.get("data-naam") for pad in paden(wortel)]
    assert sorted(namen) == sorted(gemeentenamen(pd))
    assert wortel.get("role") == "img"
    assert wortel.find(f"{SVG}title").text == "Aantal samenwerkingen per gemeente"
    assert pd.naam in wortel.find(f"{SVG}desc").text
    voet = teksten(wortel, "voet")
    assert f"Peildatum: {pd.naam}" in voet
    assert any("CBS / Kadaster, via PDOK" in tekst for tekst in voet)
    assert f"http://testserver/kaart/?peildatum={code}" in voet
    legenda = teksten(wortel, "legenda")
    assert legenda[0] == "Aantal samenwerkingen"
    assert "0" in legenda


def test_patchwork_svg_lists_every_arrangement_and_stripes_the_overlaps(client):
    pd = peildatum("2026")
    verwacht = list(in_thema(pd, "6"))
    assert 2 <= len(verwacht) <= kaartbeeld.LEGENDA_MAX_SAMENWERKINGEN, "pick another theme"
    response = client.get("/kaart.svg", {"peildatum": "2026", "taakveld": "6"})
    wortel = boom(response)
    legenda = teksten(wortel, "legenda")
    assert legenda[0] == f"{len(verwacht)} samenwerkingen"
    for samenwerking in verwacht:
        label = samenwerking.naam + (
            f" ({samenwerking.afkorting})" if samenwerking.afkorting else ""
        )
        assert label in legenda
    assert "http://testserver/kaart/?peildatum=2026&taakveld=6" in teksten(wortel, "voet")

    # Overlaps: striped with a pattern that exists, and a count label on each of them.
    patronen = {p.get("id") for p in wortel.iter(f"{SVG}pattern")}
    gestreept = [pad for pad in paden(wortel) if pad.get("fill").startswith("url(#")]
    per_gemeente = {}
    for samenwerking in verwacht:
        (stand,) = samenwerking.standen.filter(peildatum=pd)
        for deelname in stand.deelnames.filter(gemeente__isnull=False).select_related("gemeente"):
            per_gemeente[deelname.gemeente.naam] = per_gemeente.get(deelname.gemeente.naam, 0) + 1
    meer = {naam for naam, aantal in per_gemeente.items() if aantal > 1}
    assert meer, "this theme should have overlapping arrangements"
    assert {pad.get("data-naam") for pad in gestreept} == meer & gemeentenamen(pd)
    assert {re.fullmatch(r"url\(#(.+)\)", pad.get("fill")).group(1) for pad in gestreept} <= (
        patronen
    )
    labels = [g for g in wortel.iter(f"{SVG}g") if g.get("aria-hidden") == "true"]
    assert len(labels) == len(gestreept)


def test_png_is_a_real_picture_of_the_same_view(client):
    from PIL import Image

    response = client.get("/kaart.png", {"peildatum": "2026", "taakveld": "6"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    inhoud = response.content
    assert inhoud[:8] == b"\x89PNG\r\n\x1a\n"
    breedte, hoogte = struct.unpack(">II", inhoud[16:24])
    svg = boom(client.get("/kaart.svg", {"peildatum": "2026", "taakveld": "6"}))
    assert breedte == 2 * int(svg.get("width"))
    assert hoogte == round(2 * float(svg.get("height")))

    beeld = Image.open(io.BytesIO(inhoud)).convert("RGB")
    assert beeld.size == (breedte, hoogte)
    kleuren = beeld.getcolors(maxcolors=breedte * hoogte)
    assert len(kleuren) > 50, "a blank or nearly blank picture"
    grootste = max(aantal for aantal, _ in kleuren)
    assert grootste < 0.8 * breedte * hoogte
    # The palette's first colour (one arrangement) and the stripes' frame are drawn.
    aanwezig = {kleur for _, kleur in kleuren}
    eerste = kaartbeeld.kleur("kleur-0")
    assert tuple(int(eerste[i : i + 2], 16) for i in (1, 3, 5)) in aanwezig
    assert (0x1A, 0x1A, 0x1A) in aanwezig


def test_one_arrangement_is_drawn_in_the_accent_colour_and_zoomed_to(client):
    pd = peildatum("2026")
    samenwerking = (
        NOORD.samenwerkingen(models.Samenwerking.objects.in_stand(pd), pd).order_by("naam").first()
    )
    (stand,) = samenwerking.standen.filter(peildatum=pd)
    deelnemers = set(stand.deelnames.values_list("gemeente__naam", flat=True)) & gemeentenamen(pd)
    wortel = boom(
        client.get("/kaart.svg", {"peildatum": "2026", "samenwerking": samenwerking.slug})
    )
    oranje = {
        pad.get("data-naam")
        for pad in paden(wortel)
        if pad.get("fill") == kaartbeeld.kleur("accent")
    }
    assert oranje == deelnemers
    assert f"Deelnemer aan {samenwerking.naam}" in teksten(wortel, "legenda")


def test_partners_view_marks_the_chosen_municipality(client):
    wortel = boom(
        client.get(
            "/kaart.svg", {"peildatum": "2026", "weergave": "partners", "gemeente": "groningen"}
        )
    )
    gekozen = [pad for pad in paden(wortel) if pad.get("fill") == kaartbeeld.kleur("focus")]
    assert [pad.get("data-naam") for pad in gekozen] == ["Groningen"]
    assert teksten(wortel, "legenda")[0] == "Gedeelde samenwerkingen met Groningen"


def test_downloads_are_attachments_named_after_the_view(client):
    for formaat in ("svg", "png"):
        response = client.get(f"/kaart.{formaat}", {"peildatum": "2016", "taakveld": "6"})
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="samenwerkingsatlas-kaart-2016-taakveld-6.{formaat}"'
        )


def test_the_map_page_links_to_the_downloads_with_its_query_string(client):
    response = client.get("/kaart/", {"peildatum": "2026", "taakveld": "6"})
    html = response.content.decode()
    assert 'href="/kaart.svg?peildatum=2026&amp;taakveld=6"' in html
    assert 'href="/kaart.png?peildatum=2026&amp;taakveld=6"' in html
    # The table the script fetches after a change carries the new state, not ?deel=tabel.
    tabel = client.get("/kaart/", {"peildatum": "2026", "schaal": "regionaal", "deel": "tabel"})
    assert 'href="/kaart.png?peildatum=2026&amp;schaal=regionaal"' in tabel.content.decode()


@pytest.mark.parametrize("formaat", ["svg", "png"])
@pytest.mark.parametrize(
    "query, melding",
    [
        ("peildatum=1800", "Onbekende peildatum"),
        ("taakveld=99.9", "Onbekend thema"),
        ("schaal=heel-groot", "Onbekende schaal"),
        ("samenwerking=bestaat-niet", "Die samenwerking bestaat niet"),
        ("weergave=partners", "Kies een gemeente"),
        ("weergave=partners&gemeente=atlantis", "Die gemeente bestaat niet"),
        ("taakveld=6&taakveld=7", "komt meer dan eens voor"),
        ("taakveld=6%01", "ongeldige tekens"),
        ("provincie=atlantis", "atlantis is geen beschikbare keuze"),
        ("q=x%00", "ongeldige tekens"),
    ],
)
def test_bad_parameters_give_400_with_a_message(client, formaat, query, melding):
    response = client.get(f"/kaart.{formaat}", QUERY_STRING=query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert melding in response.content.decode()
    # The same answer as the map page itself gives for that query string.
    pagina = client.get("/kaart/", QUERY_STRING=query)
    assert pagina.status_code == 400
    assert melding in pagina.content.decode()


def test_without_any_snapshot_there_is_no_map_to_download(client):
    leeg_dataset()  # rolled back after the test
    for formaat in ("svg", "png"):
        response = client.get(f"/kaart.{formaat}")
        assert response.status_code == 503
        assert "nog geen gegevens" in response.content.decode()


def test_without_cairo_the_png_says_so_and_the_svg_still_works(client, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "cairosvg", None)  # import cairosvg → ImportError
    response = client.get("/kaart.png", {"peildatum": "2026"})
    assert response.status_code == 503
    assert "de SVG-versie van deze kaart" in response.content.decode()
    assert client.get("/kaart.svg", {"peildatum": "2026"}).status_code == 200


def test_query_budget(client, django_assert_max_num_queries):
    pd = peildatum("2016")
    gemeente = NOORD.gemeenten(models.Gemeente.objects.op(pd.datum)).first()
    samenwerking = NOORD.samenwerkingen(models.Samenwerking.objects.in_stand(pd), pd).first()
    for query in (
        "peildatum=2016",
        "peildatum=2026&taakveld=6",
        "peildatum=2016&regio=1&weergave=lapjes",
        f"peildatum=2016&weergave=partners&gemeente={gemeente.slug}",
        f"peildatum=2016&samenwerking={samenwerking.slug}",
    ):
        for formaat in ("svg", "png"):
            with django_assert_max_num_queries(BUDGET):
                response = client.get(f"/kaart.{formaat}", QUERY_STRING=query)
            assert response.status_code == 200, query


def test_long_legend_is_cut_with_a_pointer_to_the_table(client):
    pd = peildatum("2016")
    totaal = NOORD.samenwerkingen(models.Samenwerking.objects.in_stand(pd), pd).samenwerkingen()
    assert totaal.count() > kaartbeeld.LEGENDA_MAX_SAMENWERKINGEN
    wortel = boom(client.get("/kaart.svg", {"peildatum": "2016", "weergave": "lapjes"}))
    legenda = teksten(wortel, "legenda")
    rest = totaal.count() - kaartbeeld.LEGENDA_MAX_SAMENWERKINGEN
    assert f"… en nog {rest}: zie de tabel op de kaartpagina" in legenda


# ---- the renderer on its own --------------------------------------------------------------


def vierkant(x, y, zijde, srid=kaartbeeld.RD):
    return MultiPolygon(
        Polygon(((x, y), (x + zijde, y), (x + zijde, y + zijde), (x, y + zijde), (x, y))),
        srid=srid,
    )


def omvang(pad):
    getallen = [float(g) for g in re.findall(r"-?\d+(?:\.\d+)?", pad.get("d"))]
    xs, ys = getallen[0::2], getallen[1::2]
    return max(xs) - min(xs), max(ys) - min(ys)


def beschrijving(vlakken, **extra):
    return kaartbeeld.Kaartbeschrijving(
        titel="Test <kaart> & co",
        vlakken=vlakken,
        legenda_titel="Legenda",
        legenda=[kaartbeeld.Legendaregel(("#1f78b4",), "Eén & ander")],
        peildatum="1 januari 2000",
        bronnen="Bron: test",
        url="http://example.org/kaart/?a=1&b=2",
        **extra,
    )


def test_renderer_draws_in_rd_metres_without_distortion_and_escapes_text():
    rd = kaartbeeld.Vlak("Vierkant <RD>", vierkant(200_000, 550_000, 10_000), ("#1f78b4",))
    # One degree by one degree at 53° N is about 67 by 111 km: not a square on the map.
    graden = kaartbeeld.Vlak(
        "Graden", vierkant(6.0, 52.5, 1.0, srid=4326), ("#33a02c", "#e31a1c"), label="2"
    )
    wortel = ET.fromstring(kaartbeeld.svg(beschrijving([rd, graden])))
    vierkant_pad, graden_pad = paden(wortel)
    breedte, hoogte = omvang(vierkant_pad)
    assert breedte == pytest.approx(hoogte, rel=0.01)
    breedte, hoogte = omvang(graden_pad)
    assert breedte / hoogte == pytest.approx(67 / 111, rel=0.05)
    assert vierkant_pad.get("data-naam") == "Vierkant <RD>"
    assert graden_pad.get("fill") == "url(#streep-1)"
    assert wortel.find(f"{SVG}title").text == "Test <kaart> & co"
    assert "Eén & ander" in teksten(wortel, "legenda")
    assert "http://example.org/kaart/?a=1&b=2" in teksten(wortel, "voet")
    assert not list(wortel.iter(f"{SVG}script"))


def test_renderer_legend_stays_beside_the_map():
    vlak = kaartbeeld.Vlak("A", vierkant(200_000, 550_000, 10_000), ("#1f78b4",))
    wortel = ET.fromstring(kaartbeeld.svg(beschrijving([vlak])))
    (kader,) = [r for r in wortel.iter(f"{SVG}rect") if r.get("fill") == "#f5f7fa"]
    rechts = float(kader.get("x")) + float(kader.get("width"))
    breedte, _ = omvang(paden(wortel)[0])
    assert breedte <= float(kader.get("width"))
    legenda = [g for g in wortel.iter(f"{SVG}g") if g.get("class") == "legenda"][0]
    assert all(float(r.get("x")) > rechts for r in legenda.iter(f"{SVG}rect"))
    assert all(float(s.get("x")) > rechts for s in legenda.iter(f"{SVG}tspan"))


def css_kleuren():
    """The `--kaart-*` custom properties of static/css/kaart.css, read here on their own."""
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "kaart.css").read_text(encoding="utf-8")
    return dict(re.findall(r"--kaart-([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;", css))


def pagina_beeld(client, query):
    """What /kaart/ itself paints for this query: its `kaart-beeld` JSON."""
    response = client.get("/kaart/", QUERY_STRING=query + "&deel=tabel")
    assert response.status_code == 200
    html = response.content.decode()
    gevonden = re.search(r'<script id="kaart-beeld" type="application/json">(.*?)</script>', html)
    assert gevonden, "the table carries no kaart-beeld JSON"
    return json.loads(gevonden.group(1))


@pytest.mark.parametrize(
    "query",
    [
        "peildatum=2016",
        "peildatum=2026&taakveld=6",
        "peildatum=2026&weergave=partners&gemeente=groningen",
    ],
)
def test_image_colours_are_the_css_custom_properties_of_what_the_page_paints(client, query):
    css = css_kleuren()
    assert len(css) >= 9 + 5, "kaart.css should define the palette and the intensity scale"
    # The colours (the line widths, opacities and dashes are numbers, read the same way).
    kleuren = {slot: w for slot, w in kaartbeeld.kleuren().items() if w.startswith("#")}
    assert kleuren == css
    pagina = pagina_beeld(client, query)
    naar_code = dict(models.Gemeente.objects.values_list("naam", "cbs_code"))
    wortel = boom(client.get("/kaart.svg", QUERY_STRING=query))
    patronen = {
        p.get("id"): [r.get("fill") for r in p.iter(f"{SVG}rect")]
        for p in wortel.iter(f"{SVG}pattern")
    }
    getekend = paden(wortel)
    assert getekend
    for pad in getekend:
        vlak = pagina["vlakken"][naar_code[pad.get("data-naam")]]
        verwacht = [css[slot] for slot in vlak["v"]]
        vulling = pad.get("fill")
        if vulling.startswith("url(#"):
            assert patronen[vulling[5:-1]] == verwacht, pad.get("data-naam")
        else:
            assert [vulling] == verwacht, pad.get("data-naam")
        assert pad.get("stroke") == (css["rand"] if vlak.get("rand") else css["grens"])
    legenda_vlakken = {
        r.get("fill")
        for g in wortel.iter(f"{SVG}g")
        if g.get("class") == "legenda"
        for r in g.iter(f"{SVG}rect")
    }
    for regel in pagina["legenda"]["regels"]:
        if not regel["kleur"].startswith("kleur-"):
            assert css[regel["kleur"]] in legenda_vlakken, regel
    assert teksten(wortel, "legenda")[0] == pagina["legenda"]["titel"]


def test_province_and_kind_filters_draw_what_the_list_lists(client):
    pd = peildatum("2026")
    in_drenthe = in_thema(pd, "6") & models.Samenwerking.objects.in_stand(
        pd, deelnames__gemeente__provincie__slug="drenthe"
    )
    soort = in_drenthe.values_list("soort", flat=True).order_by("soort").first()
    assert soort, "theme 6 should have arrangements in Drenthe"
    verwacht = list(in_drenthe.filter(soort=soort))
    assert verwacht
    query = f"peildatum=2026&taakveld=6&soort={soort}&provincie=drenthe"  # canonical order
    response = client.get("/kaart.svg", QUERY_STRING=query)
    wortel = boom(response)
    legenda = teksten(wortel, "legenda")
    assert legenda[0] == kaartbeeld._meervoud(len(verwacht), "samenwerking", "samenwerkingen")
    for samenwerking in verwacht:
        label = samenwerking.naam + (
            f" ({samenwerking.afkorting})" if samenwerking.afkorting else ""
        )
        assert label in legenda
    # Not a wider selection: the theme's arrangements outside Drenthe or of another kind.
    for samenwerking in in_thema(pd, "6").exclude(pk__in=[s.pk for s in verwacht]):
        assert samenwerking.naam not in " ".join(legenda)
    assert "provincie Drenthe" in wortel.find(f"{SVG}title").text
    assert f"http://testserver/kaart/?{query}" in teksten(wortel, "voet")
    soortnaam = soort.replace("_", "-")
    assert response["Content-Disposition"] == (
        f'attachment; filename="samenwerkingsatlas-kaart-2026-taakveld-6-{soortnaam}-drenthe.svg"'
    )
    # The same list as /samenwerkingen/ shows for that query.
    lijst = client.get("/samenwerkingen/", QUERY_STRING=query)
    assert lijst.status_code == 200
    for samenwerking in verwacht:
        assert samenwerking.naam in lijst.content.decode()


# ---- in a real browser: the link follows the state, and both files open ------------------

OPEN_BESTAND = """
const [href, klaar] = [arguments[0], arguments[arguments.length - 1]];
fetch(href).then(async (antwoord) => {
  const blob = await antwoord.blob();
  const svg = antwoord.headers.get("Content-Type").startsWith("image/svg");
  const tekst = svg ? await blob.text() : "";
  const lezer = new FileReader();
  lezer.onload = () => {
    const img = new Image();
    img.onload = () => klaar({status: antwoord.status, breedte: img.naturalWidth, tekst: tekst});
    img.onerror = () => klaar({status: antwoord.status, breedte: 0, tekst: tekst});
    img.src = lezer.result;
  };
  lezer.readAsDataURL(blob);
}).catch((fout) => klaar({status: 0, breedte: 0, tekst: String(fout)}));
"""


@pytest.mark.browser
def test_download_link_follows_the_map_and_both_files_open_in_a_browser(
    browser, live_url, settings
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    settings.MAP_TILE_URL = ""
    aantal = in_thema(peildatum("2026"), "6").count()
    browser.get(f"{live_url}/kaart/?peildatum=2026")
    wacht = WebDriverWait(browser, 15)
    wacht.until(lambda b: b.find_element(By.ID, "kaart").get_attribute("data-geladen") == "ja")
    Select(browser.find_element(By.ID, "keuze-taakveld")).select_by_value("6")

    def links(b):
        # Read in one script: the table (and its links) is replaced when the fetch returns.
        hrefs = b.execute_script(
            "return Array.from(document.querySelectorAll('.kaart-download a'), a => a.href);"
        )
        return hrefs if len(hrefs) == 2 and all("taakveld=6" in h for h in hrefs) else None

    svg_link, png_link = wacht.until(links)
    assert svg_link == f"{live_url}/kaart.svg?peildatum=2026&taakveld=6"
    assert png_link == f"{live_url}/kaart.png?peildatum=2026&taakveld=6"
    browser.set_script_timeout(30)
    svg = browser.execute_async_script(OPEN_BESTAND, svg_link)
    assert svg["status"] == 200 and svg["breedte"] == kaartbeeld.BREEDTE, svg["status"]
    assert f"{aantal} samenwerkingen</tspan>" in svg["tekst"]
    png = browser.execute_async_script(OPEN_BESTAND, png_link)
    assert png["status"] == 200 and png["breedte"] == 2 * kaartbeeld.BREEDTE
