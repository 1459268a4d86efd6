"""CSV injection, over every CSV route of the URLconf, on the real dataset, both dialects.

Every export, for every snapshot, opened with Python's csv module in the Excel variant
(`;`, BOM) and the RFC 4180 variant (`?sep=comma`): no cell may start with a character a
spreadsheet would run as a formula.
"""

import csv
import io

import pytest

from gemeenten.models import Peildatum

pytestmark = pytest.mark.django_db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DIALECTS = {"": (";", True), "sep=comma": (",", False)}


def csv_urls():
    from tests.test_security import public_routes

    routes = [url for _, url in public_routes() if url.endswith(".csv")]
    codes = Peildatum.objects.exclude(code__startswith="t").values_list("code", flat=True)
    return routes, list(codes)


def dangerous_cells(text, delimiter):
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows, [
        (number, cell)
        for number, row in enumerate(rows)
        for cell in row
        if cell.startswith(FORMULA_START)
    ]


def test_every_csv_export_is_safe_in_both_dialects(client):
    routes, codes = csv_urls()
    assert routes, "no CSV routes found in the URLconf"
    checked = 0
    for url in routes:
        for code in codes or [""]:
            for extra, (delimiter, bom) in DIALECTS.items():
                query = "&".join(
                    part for part in (f"peildatum={code}" if code else "", extra) if part
                )
                response = client.get(url, QUERY_STRING=query)
                where = f"{url}?{query}"
                assert response.status_code == 200, (where, response.status_code)
                assert response["Content-Type"].startswith("text/csv"), where
                body = response.content.decode("utf-8")
                assert body.startswith("\ufeff") is bom, where
                rows, dangerous = dangerous_cells(body.removeprefix("\ufeff"), delimiter)
                assert len(rows) >= 2, f"{where}: no data rows"
                width = len(rows[0])
                assert all(len(row) == width for row in rows), f"{where}: ragged rows"
                assert not dangerous, f"{where}: {dangerous[:5]}"
                checked += 1
    assert checked >= len(routes) * 2


def test_the_check_can_fail():
    _, dangerous = dangerous_cells('naam;doel\r\n"=HYPERLINK(""x"")";ok\r\n', ";")
    assert dangerous == [(1, '=HYPERLINK("x")')]
    _, safe = dangerous_cells("naam;doel\r\n'=1+1;ok\r\n", ";")
    assert safe == []
