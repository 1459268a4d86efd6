"""Property test: hostile and malformed query strings never make the site answer 5xx.

Every route comes from the URLconf (tests.test_security.public_routes), every parameter name
the code reads from the query string is found in the source (request.GET.get/getlist, filter
sets, forms), so new routes and parameters are fuzzed without anyone listing them.

`make test` runs a small sample; `make fuzz` runs FUZZ_EXAMPLES (10,000) cases and prints the
count. The assertion: no 5xx, and a refusal (4xx) comes with a readable message.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
REPORT = ROOT / "artifacts" / "fuzz.txt"

pytestmark = pytest.mark.django_db

READS = re.compile(r"""GET\.(?:get|getlist)\(\s*["'](\w+)["']""")
DECLARED = re.compile(r"^\s{4}(\w+)\s*=\s*(?:django_filters|forms|filters)\.\w+\(", re.MULTILINE)


def parameter_names():
    names = {"peildatum", "page", "q"}
    for source in (ROOT / "gemeenten").glob("*.py"):
        text = source.read_text()
        names.update(READS.findall(text))
        names.update(DECLARED.findall(text))
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


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    REPORT.parent.mkdir(exist_ok=True)
    line = (
        f"fuzz: {Counter.cases} cases, statuses {dict(sorted(Counter.by_status.items()))}, "
        "0 server errors"
    )
    REPORT.write_text(line + "\n")
    print("\n" + line)


def test_hostile_query_strings_never_cause_a_server_error(client):
    from tests.test_security import public_routes

    routes = [url for _, url in public_routes()]
    names = parameter_names()
    assert {"peildatum", "q"} <= set(names)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(url=st.sampled_from(routes), query=query_strings(names))
    def check(url, query):
        response = client.get(url, QUERY_STRING=query)
        Counter.cases += 1
        Counter.by_status[response.status_code] = Counter.by_status.get(response.status_code, 0) + 1
        assert response.status_code < 500, f"{url}?{query} → {response.status_code}"
        if 400 <= response.status_code < 500:
            assert_readable_refusal(url, query, response)

    check()
    assert Counter.cases >= EXAMPLES * 0.9


def test_the_fuzzer_can_fail(client):
    """A query string the site must refuse, checked with the fuzz test's own assertions."""
    response = client.get("/samenwerkingen/", QUERY_STRING="peildatum=1800")
    assert response.status_code == 400
    assert_readable_refusal("/samenwerkingen/", "peildatum=1800", response)
    with pytest.raises(AssertionError):
        assert_readable_refusal("/", "", type(response)(b"<p>kapot</p>", status=400))
