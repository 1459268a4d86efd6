"""Settings for the benchmark's in-process measurements (bench/render.py), never for the site.

The production settings (DJANGO_DEBUG=0 in the environment) with one change: the URLconf adds
the trivial view that is the floor of the render measurement (bench/urls.py), so the public
site never has it. Caching is switched off by the caller (DJANGO_HTTP_CACHE_SECONDS=0), so
every request renders.
"""

from samenwerking.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
