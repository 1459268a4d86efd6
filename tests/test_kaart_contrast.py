"""WCAG 1.4.11 (non-text contrast) for the map colours, computed from static/css/kaart.css.

A municipality is drawn in its class colour at the fill opacity of kaart.css
(`--kaartmaat-dekking`) over the map's background, with a white outline (`--kaart-grens`)
between it and every neighbour. So each colour the count and partner views paint must have at
least 3:1 against that background and against the outline; the chosen municipality (focus) must
also stand apart from the darkest class.
"""

import json
import re
from pathlib import Path

import pytest

from gemeenten import kaart

KAART_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "kaart.css"
MINIMUM = 3.0


def eigenschappen():
    """{name: value} of the custom properties of kaart.css (`kaart-grijs`, `kaartmaat-rand` …)."""
    css = re.sub(r"/\*.*?\*/", "", KAART_CSS.read_text(), flags=re.S)
    return dict(re.findall(r"--(kaart[a-z]*-[a-z0-9-]+)\s*:\s*([^;]+?)\s*;", css))


def kanalen(kleur):
    kleur = kleur.lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{6}", kleur), kleur
    return [int(kleur[i : i + 2], 16) for i in (0, 2, 4)]


def luminantie(kleur):
    """Relative luminance (WCAG 2.x)."""

    def lineair(kanaal):
        c = kanaal / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lineair(k) for k in kanalen(kleur))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    licht, donker = sorted((luminantie(a), luminantie(b)), reverse=True)
    return (licht + 0.05) / (donker + 0.05)


def gemengd(kleur, achtergrond, dekking):
    """`kleur` painted at `dekking` over `achtergrond`, as the browser shows it."""
    return "#" + "".join(
        f"{round(dekking * v + (1 - dekking) * a):02x}"
        for v, a in zip(kanalen(kleur), kanalen(achtergrond), strict=True)
    )


def test_the_contrast_function_gives_the_wcag_values():
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#eff3ff", "#f5f7fa") < 1.1  # the old lightest class: invisible
    assert gemengd("#000000", "#ffffff", 0.5) == "#808080"


def geschilderd(slot):
    css = eigenschappen()
    return gemengd(css[f"kaart-{slot}"], css["kaart-achtergrond"], float(css["kaartmaat-dekking"]))


def slots_van(client, **params):
    """The fill slots a /kaart/ view paints (its kaart-beeld JSON), and those of its legend."""
    response = client.get("/kaart/", {"peildatum": "2026", "deel": "tabel", **params})
    assert response.status_code == 200
    gevonden = re.search(
        r'<script id="kaart-beeld" type="application/json">(.*?)</script>',
        response.content.decode(),
    )
    beeld = json.loads(gevonden.group(1))
    slots = {slot for vlak in beeld["vlakken"].values() for slot in vlak["v"]}
    return slots | {regel["kleur"] for regel in beeld["legenda"]["regels"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"weergave": "intensiteit", "taakveld": "7"},
        {"weergave": "partners", "gemeente": "groningen"},
        {"weergave": "congruentie"},
        {
            "weergave": "vergelijk",
            "taakveld": "6.92",
            "soort": "regio_indeling",
            "vergelijk": "arbeidsmarktregio",
        },
    ],
    ids=["aantallen", "aantallen-thema", "partners", "congruentie", "vergelijk"],
)
def test_count_and_partner_classes_stand_out_from_background_and_neighbours(client, params):
    css = eigenschappen()
    slots = slots_van(client, **params)
    assert len(slots) >= 3, slots
    te_zwak = []
    for slot in sorted(slots):
        kleur = geschilderd(slot)
        for tegen, naam in (
            (css["kaart-achtergrond"], "background"),
            (css["kaart-grens"], "outline"),
        ):
            if contrast(kleur, tegen) < MINIMUM:
                te_zwak.append(f"{slot} ({kleur}) vs {naam}: {contrast(kleur, tegen):.2f}")
    assert not te_zwak, te_zwak


def test_every_intensity_class_and_the_mini_map_colours_have_3_to_1():
    """Also the classes a view may not use today, and the profile mini-map's colours."""
    css = eigenschappen()
    slots = [f"intensiteit-{i}" for i in range(1, kaart.INTENSITEIT_GROOTTE + 1)]
    for slot in [*slots, "grijs", "markeer", "focus", "accent"]:
        kleur = geschilderd(slot)
        assert contrast(kleur, css["kaart-achtergrond"]) >= MINIMUM, slot
        assert contrast(kleur, css["kaart-grens"]) >= MINIMUM, slot


def test_the_chosen_municipality_differs_from_the_top_class():
    top = f"intensiteit-{kaart.INTENSITEIT_GROOTTE}"
    assert contrast(geschilderd("focus"), geschilderd(top)) >= MINIMUM
    # and from the partners on the profile mini-map
    assert contrast(geschilderd("focus"), geschilderd("markeer")) >= 1.2


def test_outline_widths_are_defined_once_in_kaart_css():
    """The page (JS) and the image (kaartbeeld.py) read the same --kaartmaat-* numbers."""
    from gemeenten import kaartbeeld

    css = eigenschappen()
    maten = {
        naam.removeprefix("kaartmaat-"): float(v)
        for naam, v in css.items()
        if naam.startswith("kaartmaat-")
    }
    assert kaartbeeld.maten() == maten
    assert maten["rand-focus"] > maten["rand-overlap"] > maten["rand"]
    for bestand in ("kaartpagina.js", "atlaskaart.js"):
        js = (KAART_CSS.parent.parent / "js" / bestand).read_text()
        assert not re.search(r"weight\s*[:=]\s*\d", js), bestand
        assert not re.search(r"fillOpacity\s*:\s*[\d.]", js), bestand
