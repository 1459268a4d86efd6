"""CSV twins: same selection as the page, Excel-friendly by default, RFC 4180 on request,
no formula injection, file names that say what and which date."""

import csv
import io
import re

import pytest

from gemeenten.export import neutraliseer

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def wereld():
    return builders.wereld()


def lees(response, sep=";"):
    tekst = response.content.decode("utf-8")
    if sep == ";":
        assert tekst.startswith("\ufeff")
        tekst = tekst[1:]
    else:
        assert not tekst.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(tekst, newline=""), delimiter=sep))


def test_list_csv_matches_the_list(client, wereld):
    params = {"peildatum": wereld.peildatum.code, "provincie": wereld.provincie.slug}
    lijst = client.get("/samenwerkingen/", params)
    response = client.get("/samenwerkingen.csv", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rijen = lees(response)
    namen_in_lijst = [s.naam for s in lijst.context["samenwerkingen"]]
    assert [r["naam"] for r in rijen] == namen_in_lijst
    assert {r["peildatum"] for r in rijen} == {wereld.peildatum.datum.isoformat()}


def test_list_csv_follows_the_filters(client, wereld):
    params = {
        "peildatum": wereld.peildatum.code,
        "provincie": wereld.provincie.slug,
        "taakveld": "97.2",
    }
    rijen = lees(client.get("/samenwerkingen.csv", params))
    verwacht = {s.naam for s in wereld.samenwerkingen if s.taakveld.code == "97.2"}
    assert {r["naam"] for r in rijen} == verwacht
    for rij in rijen:
        assert "Testwaterschap" in rij["overige deelnemers"]
        assert rij["taakveld"].startswith("97.2")
        assert rij["overige taakvelden"].startswith("97.1")
        assert int(rij["aantal deelnemers"]) == 4


def test_csv_columns_for_a_council_memo(client, wereld):
    rijen = lees(client.get("/samenwerkingen.csv", {"provincie": wereld.provincie.slug}))
    kolommen = set(rijen[0])
    for kolom in (
        "naam",
        "afkorting",
        "soort",
        "rechtsvorm",
        "taakveld",
        "grond van de soort",
        "grootte",
        "reikwijdte",
        "deelnemende gemeenten",
        "overige deelnemers",
        "aantal deelnemers",
        "rol van de gemeente",
        "toegetreden op",
        "doel",
        "bron",
        "bron-URL",
        "bron-record",
        "bron-document",
        "bron-peildatum",
        "bron-opgehaald",
        "peildatum",
    ):
        assert kolom in kolommen


def test_gemeente_csv_has_role_of_the_municipality(client, wereld):
    gemeente = wereld.gemeenten[0]
    response = client.get(f"/gemeenten/{gemeente.slug}.csv", {"peildatum": wereld.peildatum.code})
    assert response.status_code == 200
    rijen = lees(response)
    eigen = {s.naam for s in wereld.samenwerkingen if gemeente in _gemeenten(s)}
    assert {r["naam"] for r in rijen} == eigen
    assert {r["rol van de gemeente"] for r in rijen} == {"deelnemer"}
    for rij in rijen:
        assert gemeente.naam in rij["deelnemende gemeenten"].split(" | ")
    naam = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
    assert naam == (
        f"samenwerkingen-{gemeente.slug}-peildatum-{wereld.peildatum.datum.isoformat()}.csv"
    )


def _gemeenten(samenwerking):
    return {d.gemeente for d in samenwerking.standen.get().deelnames.all() if d.gemeente_id}


def test_gemeente_filter_fills_role_in_list_csv(client, wereld):
    gemeente = wereld.gemeenten[1]
    rijen = lees(client.get("/samenwerkingen.csv", {"gemeente": gemeente.cbs_code}))
    assert rijen and {r["rol van de gemeente"] for r in rijen} == {"deelnemer"}


def test_gemeenten_csv_lists_municipalities_with_counts(client, wereld):
    response = client.get("/gemeenten.csv", {"peildatum": wereld.peildatum.code, "sep": "comma"})
    assert response.status_code == 200
    rijen = {r["CBS-code"]: r for r in lees(response, sep=",")}
    for gemeente in wereld.gemeenten:
        verwacht = sum(1 for s in wereld.samenwerkingen if gemeente in _gemeenten(s))
        assert int(rijen[gemeente.cbs_code]["aantal samenwerkingen"]) == verwacht
    naam = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
    assert naam == f"gemeenten-peildatum-{wereld.peildatum.datum.isoformat()}.csv"


def test_comma_variant_is_rfc4180(client, wereld):
    sw = wereld.samenwerkingen[0]
    stand = sw.standen.get()  # the CSV gives the purpose on the peildatum: the snapshot's
    stand.doel = 'Regel één, met "aanhalingstekens"\nen een tweede regel'
    stand.save()
    response = client.get("/samenwerkingen.csv", {"q": sw.afkorting, "sep": "comma"})
    ruw = response.content.decode("utf-8")
    assert ruw.count("\r\n") == 2  # header and one row, each ended by CRLF
    assert '"Regel één, met ""aanhalingstekens""\nen een tweede regel"' in ruw
    (rij,) = lees(response, sep=",")
    assert rij["doel"] == stand.doel


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+31 50 123", "'+31 50 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Gewone tekst", "Gewone tekst"),
        (7, 7),
        (None, ""),
    ],
)
def test_neutraliseer(waarde, verwacht):
    assert neutraliseer(waarde) == verwacht


def test_formula_in_data_is_neutralised_in_the_file(client, wereld):
    sw = wereld.samenwerkingen[0]
    sw.naam = "=cmd|' /C calc'!A0"
    sw.save()
    (rij,) = lees(client.get("/samenwerkingen.csv", {"q": sw.afkorting}))
    assert rij["naam"] == "'" + sw.naam


@pytest.mark.parametrize(
    "query",
    [
        "sep=tab",
        "sep=comma&sep=puntkomma",
        "gemeente=GM0000",
        "taakveld=<b>",
    ],
)
def test_bad_csv_parameters_give_400(client, wereld, query):
    response = client.get(f"/samenwerkingen.csv?{query}")
    assert response.status_code == 400
    assert "<b>" not in response.content.decode()


def test_unknown_gemeente_csv_is_404_and_code_redirects(client, wereld):
    assert client.get("/gemeenten/test-bestaat-niet.csv").status_code == 404
    gemeente = wereld.gemeenten[0]
    response = client.get(f"/gemeenten/{gemeente.cbs_code}.csv?sep=comma")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/gemeenten/{gemeente.slug}.csv?")
    assert "sep=comma" in response["Location"]
