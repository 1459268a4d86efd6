import pytest

from gemeenten.importers.opengr import afkorting_uit_naam
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


@pytest.mark.django_db
def test_abbreviation_from_opengr_is_searchable(client):
    arcg = Samenwerking.objects.get(afkorting="ARCG")
    assert "Centraal Groningen" in arcg.naam
    response = client.get("/samenwerkingen/", {"q": "arcg", "peildatum": "2016"})
    assert arcg in list(response.context["object_list"])
