"""Classification by substance over the whole committed dataset: kind with its basis, the
centrumgemeente role with the register's own word, size and reach, and the old `schaal`
parameter that permalinks still carry."""

import glob
from pathlib import Path

import pytest
import yaml

from gemeenten import models
from gemeenten.importers.gr_register import MAP
from gemeenten.importers.soorten import bepaal_soort
from gemeenten.importers.standen import als_deelnemer, gemeenten_per_provincie
from gemeenten.schaal import bepaal_grootte, bepaal_reikwijdte

from .minibron import ruwe_bron

pytestmark = pytest.mark.django_db

PEILDATA = ["2016", "2026"]


def oude_schaal(stand, per_provincie):
    """The rule before the split (gemeenten/schaal.py until migration 0007), kept here to
    compute what an old `schaal=` link selected: reach first, then all participants."""
    deelnames = list(stand.deelnames.all())
    if len(deelnames) < 2:
        return ""
    if any(d.organisatie and d.organisatie.land != "NL" for d in deelnames):
        return "grensoverschrijdend"
    provincies = {
        d.gemeente.provincie.code if d.gemeente else d.organisatie.provincie_code for d in deelnames
    } - {""}
    if len(provincies) > 1:
        return "bovenprovinciaal"
    if len(provincies) == 1:
        alle = per_provincie.get(next(iter(provincies)), set())
        codes = {d.gemeente.cbs_code for d in deelnames if d.gemeente}
        if alle and alle <= codes:
            return "provinciebreed"
    if len(deelnames) == 2:
        return "bilateraal"
    return "subregionaal" if len(deelnames) <= 5 else "regionaal"


def standen(code):
    return models.Stand.objects.filter(peildatum__code=code).prefetch_related(
        "deelnames__gemeente__provincie", "deelnames__organisatie"
    )


@pytest.mark.parametrize("code", PEILDATA)
def test_size_and_reach_match_the_participants(code):
    per_provincie = gemeenten_per_provincie(models.Peildatum.objects.get(code=code))
    for stand in standen(code):
        deelnemers = [als_deelnemer(d.gemeente or d.organisatie) for d in stand.deelnames.all()]
        assert stand.grootte == bepaal_grootte(deelnemers), stand
        assert stand.reikwijdte == bepaal_reikwijdte(deelnemers, per_provincie), stand
        assert stand.aantal_deelnemers == len(deelnemers)


@pytest.mark.parametrize("code", PEILDATA)
def test_no_arrangement_with_one_municipality_is_bilateral(code):
    gemeentelijk = {models.Organisatie.Soort.GEMEENTE}
    verwacht = {1: "een", 2: "twee", 3: "drie-tot-vijf", 4: "drie-tot-vijf", 5: "drie-tot-vijf"}
    een = 0
    for stand in standen(code):
        n = sum(
            1
            for d in stand.deelnames.all()
            if d.gemeente or (d.organisatie.soort in gemeentelijk and d.organisatie.land == "NL")
        )
        assert stand.aantal_gemeenten == n, stand
        assert stand.grootte == verwacht.get(n, "zes-of-meer"), stand
        een += n == 1
    # The case the split is for exists: one municipality with other bodies.
    assert een > 0


@pytest.mark.parametrize("code", PEILDATA)
@pytest.mark.parametrize("waarde", models.Schaal.values)
def test_old_schaal_links_select_what_they_did(client, code, waarde):
    per_provincie = gemeenten_per_provincie(models.Peildatum.objects.get(code=code))
    voor = {
        s.samenwerking.slug
        for s in standen(code).select_related("samenwerking")
        if oude_schaal(s, per_provincie) == waarde
    }
    response = client.get(
        "/api/samenwerkingen.json",
        {"peildatum": code, "schaal": waarde, "regio": "1", "gebied": "nederland"},
    )
    assert response.status_code == 200
    assert {s["slug"] for s in response.json()["samenwerkingen"]} == voor
    # The list page (first page) agrees with the API.
    lijst = client.get(
        "/samenwerkingen/",
        {"peildatum": code, "schaal": waarde, "regio": "1", "gebied": "nederland"},
    )
    assert lijst.context["paginator"].count == len(voor)


def test_old_schaal_values_all_occur():
    per_provincie = {
        c: gemeenten_per_provincie(models.Peildatum.objects.get(code=c)) for c in PEILDATA
    }
    gezien = {oude_schaal(s, per_provincie[c]) for c in PEILDATA for s in standen(c)}
    assert set(models.Schaal.values) <= gezien


def test_every_kind_has_a_basis():
    assert not models.Samenwerking.objects.filter(soort_basis="").exists()
    for sw in models.Samenwerking.objects.all():
        if sw.soort == models.Soort.REGIO_INDELING:
            assert sw.soort_basis.startswith("regio-indeling: "), sw
        elif sw.register_id:
            assert sw.soort_basis.startswith(
                ("rechtsvorm ", "curatie (soorten.csv", "het register")
            ), sw
        else:
            # OpenGR-only: curated, or outside the north by OpenGR's rule.
            assert sw.soort_basis.startswith(
                ("curatie (samenwerkingen.csv", "regel (opengr.py)")
            ), sw


NOORD = ("PV20", "PV21", "PV22")


def noordelijk(samenwerking):
    return samenwerking.standen.filter(deelnames__gemeente__provincie__code__in=NOORD).exists()


def test_every_bedrijfsvoeringsorganisatie_is_decided_in_the_curation_table():
    """In the north by hand (soorten.csv); elsewhere by rule, and the basis says so."""
    bvo = models.Samenwerking.objects.filter(rechtsvorm__code="bedrijfsvoeringsorganisatie")
    assert bvo.exists()
    for sw in bvo:
        if noordelijk(sw):
            assert sw.soort_basis.startswith("curatie (soorten.csv"), sw
        else:
            # Rule 3 quotes the name or purpose that says werkorganisatie; rule 4 says that
            # no one judged it by hand.
            assert sw.soort_basis.startswith("curatie (soorten.csv") or (
                "regel buiten het noorden" in sw.soort_basis
                or (
                    sw.soort == models.Soort.WERKORGANISATIE
                    and "werkorganisatie" in sw.soort_basis.lower()
                )
            ), sw


def test_de_wolden_hoogeveen_is_a_werkorganisatie():
    sw = models.Samenwerking.objects.get(slug="samenwerkingsorganisatie-de-wolden-hoogeveen")
    assert sw.rechtsvorm.code == "bedrijfsvoeringsorganisatie"
    assert sw.soort == models.Soort.WERKORGANISATIE
    assert "gemeentelijke taken" in sw.soort_basis


def test_veilig_thuis_groningen_is_a_centrumregeling_by_its_purpose():
    sw = models.Samenwerking.objects.get(slug="veilig-thuis-groningen")
    assert sw.soort == models.Soort.CENTRUMREGELING
    assert "centrumregeling" not in sw.naam.lower()
    assert "doel:" in sw.soort_basis and "Centrumgemeente" in sw.soort_basis
    stand = sw.standen.get(peildatum__code="2026")
    assert stand.rechtsvorm.code == "centrumregeling"
    (centrum,) = stand.deelnames.filter(rol=models.Deelname.Rol.CENTRUMGEMEENTE)
    assert centrum.gemeente.naam == "Groningen"


def register_bronhouders():
    """{roo_id: gr_meta} of every register version, read from the raw source."""
    out = {}
    for pad in glob.glob(str(ruwe_bron(MAP) / "*.yaml")):
        record = yaml.load(Path(pad).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        meta = (record or {}).get("gr_meta")
        if meta:
            out[str(record["identifiers"]["roo_id"])] = meta
    return out


@pytest.fixture(scope="module")
def register():
    return register_bronhouders()


def test_every_centrumregeling_bronhouder_is_the_centrumgemeente(register):
    centrum = models.Stand.objects.filter(
        samenwerking__soort=models.Soort.CENTRUMREGELING,
        versie__isnull=False,
        bron__code="gr-register-2026",  # the register's own participant lists
    ).select_related("versie", "samenwerking")
    assert centrum.count() >= 9
    for stand in centrum:
        meta = register[stand.versie.register_id]
        bronhouder = str(meta["bronhouder"]["roo_id"])
        namen = {
            str(p.get("naam"))
            for p in meta["deelnemende_organisaties"]
            if str(p.get("roo_id")) == bronhouder
        }
        assert namen, stand  # the register's bronhouder takes part
        assert stand.deelnames.filter(rol_in_bron="bronhouder").count() == 1, stand
        rollen = stand.deelnames.filter(naam_in_bron__in=namen)
        assert rollen.exists(), stand
        for d in rollen:
            assert d.rol == models.Deelname.Rol.CENTRUMGEMEENTE, d
            assert d.rol_in_bron == "bronhouder", d
        # Nobody else is the centrumgemeente.
        anderen = stand.deelnames.exclude(naam_in_bron__in=namen)
        assert not anderen.filter(rol=models.Deelname.Rol.CENTRUMGEMEENTE).exists(), stand


def test_the_register_word_is_kept_wherever_it_says_bronhouder():
    bronhouders = models.Deelname.objects.filter(rol_in_bron="bronhouder")
    assert bronhouders.exists()
    for d in bronhouders.select_related("stand__samenwerking"):
        if d.stand.samenwerking.soort == models.Soort.CENTRUMREGELING:
            assert d.rol == models.Deelname.Rol.CENTRUMGEMEENTE
        else:
            assert d.rol == models.Deelname.Rol.BRONHOUDER
    assert not models.Deelname.objects.filter(rol="bronhouder").exclude(rol_in_bron="bronhouder")


def test_the_rules_reproduce_every_register_kind():
    """The committed kinds are what importers/soorten.py decides from the leading version,
    so no kind was typed in by hand outside soorten.csv."""
    for sw in models.Samenwerking.objects.exclude(register_id=""):
        if sw.soort_basis.startswith("curatie"):
            continue
        versie = sw.versies.get(register_id=sw.register_id)
        vorm = {
            "openbaar_lichaam": "OL",
            "gemeenschappelijk_orgaan": "GO",
            "bedrijfsvoeringsorganisatie": "BVO",
            "regeling_zonder_meer": "RZM",
            "centrumregeling": "RZM",
        }.get(versie.rechtsvorm.code if versie.rechtsvorm else None)
        gekozen = bepaal_soort(sw.naam, sw.doel, vorm, bvo_regel=not noordelijk(sw))
        assert gekozen == (sw.soort, sw.soort_basis), sw


@pytest.mark.parametrize(
    ("naam", "doel", "vorm", "soort"),
    [
        ("Centrumregeling X", "", "RZM", models.Soort.CENTRUMREGELING),
        ("Regeling Y", "taken opgedragen aan de centrumgemeente", "RZM", "centrumregeling"),
        ("Regeling Y", "inkoop jeugdhulp", "RZM", models.Soort.GEMEENSCHAPPELIJKE_REGELING),
        ("Werkorganisatie Z", "", "OL", models.Soort.WERKORGANISATIE),
        ("Z", "een gemeenschappelijke ambtelijke dienst", "OL", "werkorganisatie"),
        ("Recreatieschap", "recreatie", "OL", models.Soort.GEMEENSCHAPPELIJKE_REGELING),
        ("Rekenkamer", "", "GO", models.Soort.GEMEENSCHAPPELIJKE_REGELING),
    ],
)
def test_kind_rules(naam, doel, vorm, soort):
    assert bepaal_soort(naam, doel, vorm)[0] == soort


@pytest.mark.parametrize(
    ("naam", "doel", "vorm", "rij", "reden"),
    [
        ("BVO X", "belastingen", "BVO", None, "soorten.csv"),
        ("Centrumregeling X", "", "OL", None, "legal form is OL"),
        ("X", "", "OL", {"_regel": 2, "soort": "centrumregeling", "bewijs": "b"}, "zonder meer"),
        ("X", "", "BVO", {"_regel": 3, "soort": "werkorganisatie", "bewijs": " "}, "evidence"),
        ("X", "", "BVO", {"_regel": 4, "soort": "regio_indeling", "bewijs": "b"}, "not one of"),
    ],
)
def test_unresolved_kinds_fail_loudly(naam, doel, vorm, rij, reden):
    with pytest.raises(LookupError, match=reden):
        bepaal_soort(naam, doel, vorm, rij)


def test_pages_show_kind_basis_role_word_size_and_reach(client):
    from django.utils.html import escape

    sw = models.Samenwerking.objects.get(slug="veilig-thuis-groningen")
    stand = sw.standen.get(peildatum__code="2026")
    pagina = client.get(sw.get_absolute_url(), {"peildatum": "2026"}).content.decode()
    assert escape(sw.soort_basis) in pagina
    assert "centrumgemeente (in het register: bronhouder)" in pagina
    assert models.Grootte(stand.grootte).label in pagina
    assert models.Reikwijdte(stand.reikwijdte).label in pagina
    assert f"grootte={stand.grootte}" in pagina and f"reikwijdte={stand.reikwijdte}" in pagina
    # The centrumgemeente's profile and its CSV say the same.
    groningen = stand.deelnames.get(rol=models.Deelname.Rol.CENTRUMGEMEENTE).gemeente
    profiel = client.get(groningen.get_absolute_url(), {"peildatum": "2026"}).content.decode()
    assert "centrumgemeente (in het register: bronhouder)" in profiel
    csv = client.get(f"/gemeenten/{groningen.slug}.csv", {"peildatum": "2026"})
    assert "centrumgemeente (in het register: bronhouder)" in csv.content.decode("utf-8-sig")
