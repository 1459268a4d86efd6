import pytest

from gemeenten.importers.opengr import afkorting_uit_naam, afkorting_voor
from gemeenten.models import Samenwerking


@pytest.mark.parametrize(
    ("naam", "verwacht"),
    [
        ("Afvalbeheer Regio Centraal Groningen (ARCG)", "ARCG"),
        ("Publieke Gezondheid & Zorg Groningen (PG & Z)", "PG & Z"),
        ("Centrum voor automatisering Noord-Nederland (CEVAN) (in liquidatie)", "CEVAN"),
        ("Werkvoorzieningschap De Kanaalstreek (Wedeka Bedrijven)", ""),
        ("Streekraad Oost-Groningen (in liquidatie)", ""),
        ("GGD Drenthe", ""),
    ],
)
def test_only_capitals_between_brackets_are_an_abbreviation(naam, verwacht):
    assert afkorting_uit_naam(naam) == verwacht


@pytest.mark.parametrize(
    ("samenwerking", "opengr", "verwacht"),
    [
        (
            "Gemeenschappelijke regeling Afvalbeheer Regio Centraal Groningen 2016",
            "Afvalbeheer Regio Centraal Groningen (ARCG)",
            "ARCG",
        ),
        ("Gemeenschappelijke regeling FUMO - 2022", "Fryske Utfieringstsjinst (FUMO)", "FUMO"),
        (
            "Gemeenschappelijke Regeling Werk-/Leerbedrijf NoardEast Fryslân",
            "Werkleerbedrijf NoardEast Fryslân (NEF)",
            "NEF",
        ),
        # An alias to a renamed successor keeps no abbreviation of the old name.
        (
            "Gemeenschappelijke regeling GGD Groningen",
            "Publieke Gezondheid & Zorg Groningen (PG & Z)",
            "",
        ),
    ],
)
def test_abbreviation_only_when_it_belongs_to_the_arrangement(samenwerking, opengr, verwacht):
    assert afkorting_voor(samenwerking, opengr) == verwacht


@pytest.mark.django_db
def test_abbreviation_from_opengr_is_searchable(client):
    arcg = Samenwerking.objects.get(afkorting="ARCG")
    assert "Centraal Groningen" in arcg.naam
    response = client.get("/samenwerkingen/", {"q": "arcg", "peildatum": "2016"})
    assert arcg in list(response.context["object_list"])
    assert not Samenwerking.objects.filter(afkorting="PG & Z").exists()
