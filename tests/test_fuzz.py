"""Property test: hostile and malformed query strings never make the site answer 5xx.

Every route comes from the URLconf (tests.test_security.public_routes); every parameter name
comes from the code itself: the filters of every FilterSet and the fields of every form in the
gemeenten package, the parameters the routed views declare, and the names read directly with
request.GET.get/getlist. New routes and parameters are fuzzed without anyone listing them.

`make test` runs a small sample; `make fuzz` runs FUZZ_EXAMPLES (10,000) cases and prints the
count. The assertion: no 5xx, and a refusal (4xx) comes with a readable message.
"""

import importlib
import inspect
import json
import os
import pkgutil
import re
from pathlib import Path
from urllib.parse import quote, quote_plus

import django_filters
import pytest
from django import forms
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gemeenten

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
REPORT = ROOT / "artifacts" / "fuzz.txt"

pytestmark = pytest.mark.django_db

READS = re.compile(r"""GET\.(?:get|getlist)\(\s*["'](\w+)["']""")
# A floor, so the discovery cannot shrink unnoticed: the list's filters (provincie and sorteer
# among them), the map's state, the snapshot, paging, search and the CSV separator.
EXPECTED = {
    *("peildatum", "q", "page", "sep", "deel"),
    *("taakveld", "rechtsvorm", "soort", "grootte", "reikwijdte", "schaal", "provincie"),
    *("gemeente", "regio", "sorteer"),
    *("samenwerking", "weergave"),
    "gebied",
}


def site_modules():
    """Every module of the gemeenten package (not its migrations)."""
    yield gemeenten
    for info in pkgutil.walk_packages(gemeenten.__path__, "gemeenten."):
        if ".migrations" not in info.name:
            yield importlib.import_module(info.name)


def routed_views(patterns=None):
    """The view classes behind the URLconf, the admin's left out."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from routed_views(pattern.url_patterns)
        elif view := getattr(pattern.callback, "view_class", None):
            yield view


def parameter_names():
    names = set()
    for module in site_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if issubclass(cls, django_filters.FilterSet):
                names.update(cls.base_filters)
            elif issubclass(cls, forms.Form):
                names.update(cls.base_fields)
        names.update(READS.findall(Path(module.__file__).read_text(encoding="utf-8")))
    for view in routed_views():
        names.update(getattr(view, "parameters", ()))
        names.update(getattr(view, "enkelvoudige_parameters", ()))
        filterset = getattr(view, "filterset_class", None)
        if filterset is not None:
            names.update(filterset.base_filters)
    return sorted(names)


HOSTILE = [
    "",
    " ",
    "'",
    '"',
    "' OR '1'='1",
    "1; DROP TABLE gemeenten_gemeente; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "../../../../etc/passwd",
    "\x00",
    "\r\nSet-Cookie: x=1",
    "%",
    "%zz",
    "%%",
    "_",
    "*",
    "\\",
    "-1",
    "0",
    "00",
    "1e309",
    "NaN",
    "-0",
    "9" * 400,
    "a" * 5000,
    "2016",
    "2026",
    "2016-02-30",
    "t2026",
    "GM0014",
    "GM9999",
    "null",
    "true",
    "[]",
    "{}",
    "\u202egnp.exe",
    "Súdwest-Fryslân",
    "🗺️",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "zorg",
    "1",
    "2",
    "99999999999999999999",
    "tabel",
    "komma",
    "puntkomma",
    "excel",
    # Areas (gemeenten/gebied.py): valid ones, near misses, other spellings.
    "noord",
    "nederland",
    "limburg",
    "noord-holland",
    "NOORD",
    " fryslan ",
    "friesland",
    "Fryslân",
    "pv31",
]

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),
        max_size=60,
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.binary(max_size=20).map(lambda b: "".join(f"%{byte:02X}" for byte in b)),
)


@st.composite
def query_strings(draw, names):
    """A raw QUERY_STRING: pairs, some encoded properly, some raw, repeated or nameless."""
    known = st.sampled_from(names)
    keys = st.one_of(known, known, known, st.sampled_from(HOSTILE), st.text(max_size=10))
    pairs = draw(st.lists(st.tuples(keys, values), max_size=6))
    parts = []
    for key, value in pairs:
        encode = draw(st.sampled_from([quote_plus, quote, None]))
        if encode is None:
            # Raw: only what can be sent on a request line (printable ASCII, no space/#).
            key = "".join(c for c in key if 33 <= ord(c) < 127 and c != "#")
            value = "".join(c for c in value if 33 <= ord(c) < 127 and c != "#")
        else:
            key, value = encode(key), encode(value)
        parts.append(draw(st.sampled_from([f"{key}={value}", key, f"{key}=", f"={value}"])))
    separator = draw(st.sampled_from(["&", "&&", ";"]))
    return separator.join(parts)


def assert_readable_refusal(url, query, response):
    where = f"{url}?{query} → {response.status_code}"
    body = response.content.decode("utf-8")  # a UnicodeDecodeError fails the test too
    assert "Traceback" not in body, where
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        message = json.loads(body)
        assert isinstance(message, dict), where
        assert any(isinstance(v, str) and len(v) > 10 for v in message.values()), where
    else:
        text = re.sub(r"<[^>]+>", " ", body)
        assert len(text.split()) >= 5, where


class Counter:
    cases = 0
    by_status = {}
    server_errors = 0  # a 5xx answer or an exception out of the view
    unreadable = 0  # a 4xx refusal without a readable message


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    REPORT.parent.mkdir(exist_ok=True)
    line = (
        f"fuzz: {Counter.cases} cases, statuses {dict(sorted(Counter.by_status.items()))}, "
        f"{Counter.server_errors} server errors, {Counter.unreadable} unreadable refusals"
    )
    REPORT.write_text(line + "\n")
    print("\n" + line)


def test_hostile_query_strings_never_cause_a_server_error(client):
    from tests.test_security import public_routes

    routes = [url for _, url in public_routes()]
    names = parameter_names()
    assert EXPECTED <= set(names), f"parameters not found: {sorted(EXPECTED - set(names))}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(url=st.sampled_from(routes), query=query_strings(names))
    def check(url, query):
        Counter.cases += 1
        try:
            response = client.get(url, QUERY_STRING=query)
        except Exception:
            Counter.server_errors += 1
            raise
        Counter.by_status[response.status_code] = Counter.by_status.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            Counter.server_errors += 1
        assert response.status_code < 500, f"{url}?{query} → {response.status_code}"
        if 400 <= response.status_code < 500:
            try:
                assert_readable_refusal(url, query, response)
            except Exception:
                Counter.unreadable += 1
                raise

    check()
    assert Counter.cases >= EXAMPLES * 0.9


def test_the_fuzzer_can_fail(client):
    """A query string the site must refuse, checked with the fuzz test's own assertions."""
    response = client.get("/samenwerkingen/", QUERY_STRING="peildatum=1800")
    assert response.status_code == 400
    assert_readable_refusal("/samenwerkingen/", "peildatum=1800", response)
    with pytest.raises(AssertionError):
        assert_readable_refusal("/", "", type(response)(b"<p>kapot</p>", status=400))
