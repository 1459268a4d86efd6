"""The public pages: content, filters, peildatum in links, hostile parameters."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from gemeenten import models
from gemeenten.gebied import NOORD

from . import builders, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def wereld():
    return builders.wereld()


def rijen(response):
    """Slugs of the arrangements listed in a /samenwerkingen/ response."""
    return set(re.findall(r'href="/samenwerkingen/([\w-]+)/\?', response.content.decode()))


def lijst(client, pd, **params):
    return client.get(reverse("gemeenten:samenwerkingen"), {"peildatum": pd.code, **params})


def test_home_shows_headline_numbers_and_search(client, wereld):
    response = client.get("/", {"peildatum": wereld.peildatum.code})
    assert response.status_code == 200
    html = response.content.decode()
    aantal = NOORD.gemeenten(models.Gemeente.objects.op(wereld.peildatum.datum)).count()
    assert f'<a href="/gemeenten/?peildatum={wereld.peildatum.code}">{aantal}</a>' in html
    assert 'action="/zoeken/"' in html
    assert 'id="minikaart-config"' in html


def test_list_shows_own_rows_and_counts(client, wereld):
    response = lijst(client, wereld.peildatum, provincie=wereld.provincie.slug)
    assert response.status_code == 200
    assert rijen(response) == wereld.slugs
    assert f'<span data-testid="aantal">{len(wereld.slugs)}</span>' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "verwacht"),
    [
        ({"taakveld": "97.1"}, {0, 2}),
        ({"taakveld": "97"}, {0, 1, 2, 3}),
        ({"rechtsvorm": "test-openbaar-lichaam"}, {0, 2}),
        ({"rechtsvorm": "onbekend"}, {1, 3}),
        ({"q": "TR3"}, {3}),
        ({"q": "Testwaterschap"}, {1, 3}),
        ({"grootte": "drie-tot-vijf"}, {0, 1, 2, 3}),
        ({"grootte": "twee"}, set()),
        ({"reikwijdte": "binnen-provincie"}, {0, 1, 2, 3}),
        ({"reikwijdte": "provinciebreed"}, set()),
        ({"schaal": "subregionaal"}, {0, 1, 2, 3}),
        ({"schaal": "regionaal"}, set()),
    ],
)
def test_filters_narrow_the_list(client, wereld, params, verwacht):
    response = lijst(client, wereld.peildatum, provincie=wereld.provincie.slug, **params)
    assert response.status_code == 200
    assert rijen(response) == {wereld.samenwerkingen[i].slug for i in verwacht}


def test_size_is_municipalities_and_the_old_scale_keeps_its_selection(client):
    """One municipality with a water board is "1 gemeente", not bilateral; the old
    `schaal=bilateraal` still selects it, as it did (two participants)."""
    w = builders.wereld(aantal_samenwerkingen=0)
    taak = models.Taakveld.objects.get(code="97.1")

    def maak(naam, deelnemers):
        sw = factories.samenwerking(taak, naam=naam)
        factories.stand(sw, w.peildatum, deelnemers)
        return sw.slug

    met_waterschap = maak("Een met waterschap", [w.gemeenten[0], w.organisatie])
    twee = maak("Twee gemeenten", w.gemeenten[:2])
    alle = maak("Alle gemeenten", w.gemeenten)
    for params, verwacht in [
        ({"grootte": "een"}, {met_waterschap}),
        ({"grootte": "twee"}, {twee}),
        ({"grootte": "zes-of-meer"}, {alle}),
        ({"reikwijdte": "binnen-provincie"}, {met_waterschap, twee}),
        ({"reikwijdte": "provinciebreed"}, {alle}),
        ({"schaal": "bilateraal"}, {met_waterschap, twee}),
        ({"schaal": "provinciebreed"}, {alle}),
        ({"schaal": "regionaal"}, set()),
        ({"grootte": "een", "schaal": "bilateraal"}, {met_waterschap}),
    ]:
        response = lijst(client, w.peildatum, provincie=w.provincie.slug, **params)
        assert response.status_code == 200
        assert rijen(response) == verwacht, params
    # The old parameter shows in the form only when a link sets it.
    html = lijst(client, w.peildatum, schaal="bilateraal").content.decode()
    assert 'name="schaal"' in html
    assert 'name="schaal"' not in lijst(client, w.peildatum).content.decode()


def test_gemeente_filter_accepts_slug_and_cbs_code(client, wereld):
    gemeente = wereld.gemeenten[0]
    verwacht = {
        s.slug for s in wereld.samenwerkingen if s.standen.get().deelnames.filter(gemeente=gemeente)
    }
    assert verwacht and verwacht != wereld.slugs
    for waarde in (gemeente.slug, gemeente.cbs_code, gemeente.cbs_code.lower()):
        assert rijen(lijst(client, wereld.peildatum, gemeente=waarde)) == verwacht


def test_state_divisions_only_on_request_collaboration_divisions_always(client, wereld):
    taakveld = wereld.samenwerkingen[0].taakveld
    regio = builders.samenwerking(
        taakveld, soort=models.Soort.REGIO_INDELING, aard=models.Aard.INDELING
    )
    jeugdregio = builders.samenwerking(taakveld, soort=models.Soort.REGIO_INDELING)
    for division in (regio, jeugdregio):
        factories.stand(division, wereld.peildatum, wereld.gemeenten[:3])
    gewoon = rijen(lijst(client, wereld.peildatum, provincie=wereld.provincie.slug))
    met = rijen(lijst(client, wereld.peildatum, provincie=wereld.provincie.slug, regio="1"))
    alleen = rijen(lijst(client, wereld.peildatum, soort="regio_indeling"))
    assert regio.slug not in gewoon and jeugdregio.slug in gewoon
    assert met == gewoon | {regio.slug}
    assert {regio.slug, jeugdregio.slug} <= alleen and not (alleen & wereld.slugs)
    html = lijst(client, wereld.peildatum).content.decode()
    assert 'type="checkbox" name="regio"' in html  # the visible toggle


@pytest.mark.parametrize(
    "pad",
    [
        "/",
        "/gemeenten/",
        "/gemeenten/{gemeente}/",
        "/samenwerkingen/",
        "/samenwerkingen/{samenwerking}/",
        "/zoeken/?q=Test",
        "/over/",
    ],
)
def test_every_link_carries_the_peildatum(client, wereld, pad):
    pad = pad.format(gemeente=wereld.gemeenten[0].slug, samenwerking=wereld.samenwerkingen[1].slug)
    sep = "&" if "?" in pad else "?"
    html = client.get(f"{pad}{sep}peildatum={wereld.peildatum.code}").content.decode()
    links = re.findall(r'href="(/[^"]*)"', html)
    assert len(links) > 5
    codes = set(models.Peildatum.objects.values_list("code", flat=True))
    for href in links:
        if href.startswith("/static/"):
            continue
        (code,) = re.findall(r"peildatum=([^&#]+)", href) or [None]
        if pad == "/over/" or href.split("?")[0] == pad.split("?")[0]:
            # /over/ lists every snapshot; a page may link to itself at another snapshot.
            assert code in codes, href
        else:
            assert code == wereld.peildatum.code, href
    # The peildatum switch points at the other snapshots, on the same page.
    for peildatum in models.Peildatum.objects.exclude(pk=wereld.peildatum.pk):
        assert f"peildatum={peildatum.code}" in html


def test_gemeente_profile_groups_partners_and_ranks_them(client, wereld):
    gemeente = wereld.gemeenten[0]
    response = client.get(gemeente.get_absolute_url(), {"peildatum": wereld.peildatum.code})
    assert response.status_code == 200
    context = response.context
    eigen = {
        s.slug for s in wereld.samenwerkingen if s.standen.get().deelnames.filter(gemeente=gemeente)
    }
    assert {d.stand.samenwerking.slug for d in context["deelnames"]} == eigen
    assert context["aantal_samenwerkingen"] == len(eigen)
    partners = dict(context["partners"])
    # Every partner count equals the arrangements the two share.
    for partner, aantal in partners.items():
        gedeeld = models.Samenwerking.objects.in_stand(
            wereld.peildatum, deelnames__gemeente=gemeente
        ).in_stand(wereld.peildatum, deelnames__gemeente=partner)
        assert aantal == gedeeld.count()
    aantallen = [a for _, a in context["partners"]]
    assert aantallen == sorted(aantallen, reverse=True)
    assert [h.code for h, _ in context["groepen"]] == ["97"]
    assert set(context["minikaart"]["markeer"]) == {p.cbs_code for p in partners}
    assert context["minikaart"]["focus"] == gemeente.cbs_code


def test_profile_counts_collaboration_divisions_and_shows_state_divisions_apart(client, wereld):
    gemeente = wereld.gemeenten[0]
    taakveld = wereld.samenwerkingen[0].taakveld
    cbs = factories.bron(
        code="test-cbs-2025", naam="Test CBS-indeling", peildatum=datetime.date(2025, 1, 1)
    )
    jeugd = factories.samenwerking(
        taakveld, naam="Test Jeugdregio", soort=models.Soort.REGIO_INDELING
    )
    corop = factories.samenwerking(
        taakveld,
        naam="Test COROP-regio",
        soort=models.Soort.REGIO_INDELING,
        aard=models.Aard.INDELING,
        aard_basis="statistische indeling (CBS)",
    )
    for samenwerking in (jeugd, corop):
        factories.stand(samenwerking, wereld.peildatum, [gemeente], bron=cbs)
    before = models.Deelname.objects.filter(
        gemeente=gemeente, stand__peildatum=wereld.peildatum
    ).exclude(stand__samenwerking__in=[jeugd, corop])

    response = client.get(gemeente.get_absolute_url(), {"peildatum": wereld.peildatum.code})
    context = response.context
    assert context["aantal_samenwerkingen"] == before.count() + 1
    gegroepeerd = {d.stand.samenwerking for _, ds in context["groepen"] for d in ds}
    assert jeugd in gegroepeerd and corop not in gegroepeerd
    assert [d.stand.samenwerking for d in context["indelingen"]] == [corop]
    html = response.content.decode()
    assert "Indelingen van Rijk en statistiek (tellen niet mee)" in html
    assert "stand 1 januari 2025" in html  # the division's own reference date
    html = client.get(
        corop.get_absolute_url(), {"peildatum": wereld.peildatum.code}
    ).content.decode()
    assert "nee: indeling van Rijk of statistiek" in html and "1 januari 2025" in html


def test_cbs_code_redirects_to_slug_with_peildatum(client, wereld):
    gemeente = wereld.gemeenten[1]
    response = client.get(f"/gemeenten/{gemeente.cbs_code}/", {"peildatum": wereld.peildatum.code})
    assert response.status_code == 302
    assert response["Location"] == f"/gemeenten/{gemeente.slug}/?peildatum={wereld.peildatum.code}"
    assert client.get("/gemeenten/GM9999/").status_code == 404


def test_former_municipality_links_to_successor(client, wereld):
    nieuw = wereld.gemeenten[0]
    oud = builders.voormalige_gemeente(wereld.provincie, nieuw, naam="Test Oud")
    html = client.get(oud.get_absolute_url(), {"peildatum": wereld.peildatum.code}).content.decode()
    assert "voormalige gemeente" in html
    assert f'href="/gemeenten/{nieuw.slug}/?peildatum={wereld.peildatum.code}"' in html
    html = client.get(
        nieuw.get_absolute_url(), {"peildatum": wereld.peildatum.code}
    ).content.decode()
    assert "Ontstaan uit" in html and oud.naam in html
    lijst_html = client.get("/gemeenten/", {"peildatum": wereld.peildatum.code}).content.decode()
    sectie = lijst_html.split('id="voormalig"')[1]
    assert oud.naam in sectie and nieuw.naam in sectie


def test_gemeenten_list_counts(client, wereld):
    response = client.get("/gemeenten/", {"peildatum": wereld.peildatum.code})
    assert response.status_code == 200
    provincies = dict(response.context["provincies"])
    eigen = {g.pk: g.aantal for g in provincies[wereld.provincie]}
    for gemeente in wereld.gemeenten:
        verwacht = models.Samenwerking.objects.in_stand(
            wereld.peildatum, deelnames__gemeente=gemeente
        ).count()
        assert eigen[gemeente.pk] == verwacht


def test_samenwerking_page_shows_participants_history_and_map(client, wereld):
    sw = wereld.samenwerkingen[1]
    response = client.get(sw.get_absolute_url(), {"peildatum": wereld.peildatum.code})
    assert response.status_code == 200
    html = response.content.decode()
    stand = sw.standen.get()
    for deelname in stand.deelnames.all():
        assert deelname.deelnemer.naam in html
    assert "Testwaterschap" in html
    assert set(response.context["minikaart"]["markeer"]) == {
        d.gemeente.cbs_code for d in stand.deelnames.filter(gemeente__isnull=False)
    }
    assert "Testtaak twee" in html and "Testtaak een" in html  # primary and secondary theme


def test_zoeken_finds_and_redirects_on_single_exact_hit(client, wereld):
    gemeente = wereld.gemeenten[2]
    response = client.get("/zoeken/", {"q": gemeente.cbs_code, "peildatum": wereld.peildatum.code})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/gemeenten/{gemeente.slug}/")
    response = client.get("/zoeken/", {"q": "Testregeling", "peildatum": wereld.peildatum.code})
    assert response.status_code == 200
    assert {s.slug for s in response.context["samenwerkingen"]} >= wereld.slugs
    sw = wereld.samenwerkingen[0]
    response = client.get("/zoeken/", {"q": sw.naam.upper()})
    assert response.status_code == 302 and sw.slug in response["Location"]


def test_over_page_has_the_2013_note(client):
    html = client.get("/over/").content.decode()
    assert "67 gemeenten" in html and "62 gemeenten" in html and "Kop van Noord-Holland" in html


@pytest.mark.parametrize(
    "params",
    [
        {"gemeente": "GM0000"},
        {"gemeente": "<script>alert(1)</script>"},
        {"taakveld": "99.99"},
        {"taakveld": "1 OR 1=1"},
        {"rechtsvorm": "x"},
        {"schaal": "enorm"},
        {"grootte": "enorm"},
        {"reikwijdte": "overal"},
        {"soort": "%"},
        {"provincie": "PV00"},
        {"sorteer": "wachtwoord"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "abc"},
        {"q": "x" * 500},
        {"q": "a\x00b"},
        [("gemeente", "a"), ("gemeente", "b")],
        [("page", "1"), ("page", "2")],
    ],
)
def test_hostile_parameters_give_a_clear_400(client, wereld, params):
    query = urlencode(params if isinstance(params, list) else list(params.items()))
    response = client.get(f"/samenwerkingen/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("url", ["/zoeken/?q=a%00b", "/api/samenwerkingen.json?q=%00", "/?x=%01"])
def test_control_characters_are_refused(client, wereld, url):
    assert client.get(url).status_code == 400


def test_list_and_arrangement_link_to_the_same_selection_on_the_map(client, wereld):
    pd = wereld.peildatum.code
    html = lijst(client, wereld.peildatum, taakveld="97", regio="1").content.decode()
    assert f'href="/kaart/?peildatum={pd}&amp;taakveld=97&amp;regio=1"' in html
    sw = wereld.samenwerkingen[0]
    html = client.get(sw.get_absolute_url(), {"peildatum": pd}).content.decode()
    assert f'href="/kaart/?peildatum={pd}&amp;samenwerking={sw.slug}"' in html
    assert client.get(f"/kaart/?peildatum={pd}&samenwerking={sw.slug}").status_code == 200


def test_long_partner_list_folds_after_fifteen(client):
    w = builders.wereld(
        aantal_gemeenten=20, aantal_samenwerkingen=1, deelnemers_per_samenwerking=20
    )
    gemeente = w.gemeenten[0]
    html = client.get(gemeente.get_absolute_url(), {"peildatum": w.peildatum.code}).content.decode()
    zichtbaar, gevouwen = html.split('<details class="meer">')
    gevouwen = gevouwen.split("</details>")[0]
    assert "Nog 4 gemeenten" in gevouwen
    andere = [g for g in w.gemeenten if g != gemeente]
    assert sum(f">{g.naam}</a>" in gevouwen for g in andere) == 4
    assert sum(f">{g.naam}</a></th>" in zichtbaar for g in andere) == 15


def test_list_shows_how_the_selection_divides(client, wereld):
    response = lijst(client, wereld.peildatum, provincie=wereld.provincie.slug)
    verdeling = response.context["verdeling"]
    assert verdeling["soort"] == [("gemeenschappelijke regeling", 4)]
    assert verdeling["grootte"] == [("3–5 gemeenten", 4)]
    assert verdeling["reikwijdte"] == [("binnen één provincie", 4)]
    response = lijst(client, wereld.peildatum, provincie=wereld.provincie.slug, taakveld="97.1")
    assert response.context["verdeling"]["soort"] == [("gemeenschappelijke regeling", 2)]


def test_zoeken_shows_the_successor_of_a_former_municipality(client, wereld):
    nieuw = wereld.gemeenten[3]
    builders.voormalige_gemeente(wereld.provincie, nieuw, naam="Test Voormalig")
    response = client.get("/zoeken/", {"q": "Test Voormalig", "peildatum": wereld.peildatum.code})
    assert response.status_code == 200  # a partial name: no redirect
    html = response.content.decode()
    assert "voormalige gemeente" in html
    assert (
        f'opgegaan in <a href="/gemeenten/{nieuw.slug}/?peildatum={wereld.peildatum.code}"' in html
    )


def test_profile_compares_snapshots(client, wereld):
    gemeente = wereld.gemeenten[0]
    ander = factories.peildatum(code="t2001", datum=datetime.date(2001, 1, 1), grensjaar=2001)
    factories.stand(wereld.samenwerkingen[1], ander, [gemeente, wereld.gemeenten[1]])
    response = client.get(gemeente.get_absolute_url(), {"peildatum": wereld.peildatum.code})
    per_peildatum = dict(response.context["per_peildatum"])
    assert per_peildatum[ander] == 1
    assert per_peildatum[wereld.peildatum] == response.context["aantal_samenwerkingen"]
    assert f'href="{gemeente.get_absolute_url()}?peildatum=t2001"' in response.content.decode()


def test_home_ranks_municipalities_by_number_of_arrangements(client, wereld):
    response = client.get("/", {"peildatum": wereld.peildatum.code})
    meeste = response.context["meeste"]
    aantallen = [g.aantal for g in meeste]
    assert aantallen == sorted(aantallen, reverse=True)
    for gemeente in meeste:
        assert gemeente.aantal == (
            models.Samenwerking.objects.in_stand(wereld.peildatum, deelnames__gemeente=gemeente)
            .samenwerkingen()
            .count()
        )
    alle = NOORD.gemeenten(models.Gemeente.objects.op(wereld.peildatum.datum))  # the default area
    hoogste = max(
        models.Samenwerking.objects.in_stand(wereld.peildatum, deelnames__gemeente=g)
        .samenwerkingen()
        .count()
        for g in alle
    )
    assert meeste[0].aantal == hoogste


@pytest.mark.parametrize(
    ("sorteer", "sleutel"),
    [
        ("naam", lambda s: (s.naam,)),
        ("-deelnemers", lambda s: (-s.standen.get().aantal_deelnemers, s.naam)),
        ("thema", lambda s: (s.taakveld.volgorde, s.naam)),
    ],
)
def test_list_sorts_and_exports_in_the_same_order(client, wereld, sorteer, sleutel):
    params = {"provincie": wereld.provincie.slug, "sorteer": sorteer}
    getoond = [s.slug for s in lijst(client, wereld.peildatum, **params).context["samenwerkingen"]]
    assert getoond == [s.slug for s in sorted(wereld.samenwerkingen, key=sleutel)]
    data = client.get(
        "/api/samenwerkingen.json", {"peildatum": wereld.peildatum.code, **params}
    ).json()
    assert [s["slug"] for s in data["samenwerkingen"]] == getoond
