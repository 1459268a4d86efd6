"""Uncached render time and SQL queries per page, in one process, with the Django test client.

Run by bench/run.py as `python -m bench.render REPEATS URL...` with production settings
(DJANGO_DEBUG=0), DJANGO_SETTINGS_MODULE=bench.settings and DJANGO_HTTP_CACHE_SECONDS=0: every
request goes through the full middleware stack and renders. The floor is a trivial view behind
the same middleware (bench/urls.py). Pages and floor are timed round-robin (REPEATS rounds),
medians reported. The client asks for gzip, as nginx does. Prints one JSON object.
"""

import json
import statistics
import sys
import time

import django


def timed(client, url):
    start = time.perf_counter()
    response = client.get(url, HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    return response.status_code, (time.perf_counter() - start) * 1000


def main():
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    repeats = int(sys.argv[1])
    urls = sys.argv[2:]
    client = Client()
    floor = "/__bench__/floor/"
    pages = {}
    for url in urls:
        timed(client, url)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            status, _ = timed(client, url)
        pages[url] = {"status": status, "queries": len(queries), "times": []}
    measured = [url for url in urls if pages[url]["status"] == 200]
    # Round-robin: every round times each page once and the floor 20 times, so that a burst
    # of other work on a shared machine falls on pages and floor alike.
    floors = []
    for _ in range(repeats):
        floors.append(statistics.median(timed(client, floor)[1] for _ in range(20)))
        for url in measured:
            pages[url]["times"].append(timed(client, url)[1])
    for url in measured:
        pages[url]["ms"] = statistics.median(pages[url].pop("times"))
    for url in urls:
        pages[url].pop("times", None)
    print(
        json.dumps(
            {
                "floor_ms": statistics.median(floors),
                "floor_range_ms": [min(floors), max(floors)],
                "pages": pages,
            }
        )
    )


if __name__ == "__main__":
    main()
