"""Where an uncached page spends its time: cProfile over repeated renders of one URL.

    DJANGO_SETTINGS_MODULE=bench.settings DJANGO_DEBUG=0 DJANGO_HTTP_CACHE_SECONDS=0 \\
      DJANGO_SECRET_KEY=… DJANGO_ALLOWED_HOSTS=127.0.0.1 \\
      .venv/bin/python -m bench.profile URL [REPEATS] [LINES]

Prints the functions with the most cumulative time, and the share of the total spent in
template rendering, SQL execution and serialisation-like code (by module), as recorded in
docs/performance.md.
"""

import cProfile
import pstats
import sys
import time

import django


def main():
    django.setup()
    from django.test import Client

    url = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    lines = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    client = Client()
    client.get(url, HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    for _ in range(repeats):
        client.get(url, HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    profile.disable()
    wall = (time.perf_counter() - start) / repeats * 1000
    stats = pstats.Stats(profile)
    total = sum(tt for _, (_, _, tt, _, _) in stats.stats.items())
    buckets = {
        "templates (django/template)": "django/template/",
        "SQL (db/backends, sqlite3/psycopg)": "django/db/backends/",
        "ORM (db/models)": "django/db/models/",
        "GIS (contrib/gis)": "django/contrib/gis/",
        "gzip": "gzip",
        "project code (gemeenten/)": "gemeenten/",
    }
    print(f"{url}: {wall:.1f} ms per request with the profiler on ({repeats} requests)")
    for label, fragment in buckets.items():
        own = sum(
            tt
            for (filename, _, name), (_, _, tt, _, _) in stats.stats.items()
            if fragment in filename or fragment in name
        )
        print(f"  own time in {label:36} {own / total:5.1%}")
    stats.sort_stats("cumulative").print_stats(lines)


if __name__ == "__main__":
    main()
