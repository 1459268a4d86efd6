"""Middleware that makes the public site boring to run: headers, outages and HTTP caching.

- PermissionsPolicyMiddleware: the one security header neither Django nor django-csp sends.
- DatabaseUnavailableMiddleware: a friendly 503 page instead of a 500 when the database is
  down (connection refused, server gone away), with Retry-After.
- DatasetCacheMiddleware: the site is read-only between dataset loads, so a public page is a
  function of (dataset version, URL). Its ETag is made of exactly that, which lets a
  conditional request be answered with 304 before any view runs, and the response is kept
  in the process cache for HTTP_CACHE_SECONDS. Loading a new dataset changes the version
  and so invalidates every ETag and cache entry.
"""

import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.template import loader
from django.utils.cache import parse_etags, patch_cache_control, patch_vary_headers

from .dataset import DATASET_MODELS

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


def database_unavailable_response():
    # Rendered without the request: no context processor may touch the database.
    body = loader.render_to_string("503.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    patch_cache_control(response, no_store=True)
    return response


class DatabaseUnavailableMiddleware:
    """Connection-level database failures become a 503 page; other errors stay 500s."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable for %s: %s", request.path, exception)
            return database_unavailable_response()
        return None


# --- dataset version ------------------------------------------------------------------------

_version_lock = threading.Lock()
_version = {"value": None, "computed_at": 0.0}


def compute_dataset_version():
    """A short hash over (row count, highest primary key) of every dataset table.

    `load_dataset` deletes and re-inserts every row, so a reload always moves the highest
    keys; an added or removed row changes a count. One aggregate query per dataset model.
    """
    digest = hashlib.sha256()
    for model in DATASET_MODELS:
        row = model.objects.aggregate(rows=Count("pk"), top=Max("pk"))
        digest.update(f"{model._meta.label}:{row['rows']}:{row['top']};".encode())
    return digest.hexdigest()[:16]


def dataset_version():
    """The dataset version, recomputed at most every DATASET_VERSION_SECONDS per process."""
    now = time.monotonic()
    with _version_lock:
        value = _version["value"]
        if value is not None and now - _version["computed_at"] < settings.DATASET_VERSION_SECONDS:
            return value
    value = compute_dataset_version()
    with _version_lock:
        _version.update(value=value, computed_at=now)
    return value


def forget_dataset_version(sender=None, **kwargs):
    """A dataset row saved or deleted in this process (admin, load_dataset): recompute."""
    if sender is None or sender in DATASET_MODELS:
        with _version_lock:
            _version.update(value=None, computed_at=0.0)


post_save.connect(forget_dataset_version, dispatch_uid="gemeenten.dataset_version.save")
post_delete.connect(forget_dataset_version, dispatch_uid="gemeenten.dataset_version.delete")


class DatasetCacheMiddleware:
    """ETag + Cache-Control + a process cache for public GET/HEAD responses (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def cacheable_request(self, request):
        return (
            settings.HTTP_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith("/" + settings.ADMIN_PATH)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        try:
            version = dataset_version()
        except DatabaseError:
            # Let the view meet the same error and answer 503 (DatabaseUnavailableMiddleware).
            return self.get_response(request)
        # gzip_page views answer differently to gzip and non-gzip clients: two variants.
        variant = "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "identity"
        # Absolute URLs (the CSV's page column) depend on scheme and host; get_host() also
        # refuses a host outside ALLOWED_HOSTS before anything is served from the cache.
        url = request.build_absolute_uri()
        digest = hashlib.sha256(f"{version}|{variant}|{url}".encode()).hexdigest()[:32]
        etag = f'"{digest}"'
        key = f"page:{digest}"
        cached = cache.get(key)

        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            if cached is not None:
                for header in ("Cache-Control", "Vary"):
                    if cached.has_header(header):
                        response[header] = cached[header]
            else:
                patch_cache_control(response, public=True, max_age=settings.HTTP_CACHE_SECONDS)
            return response
        if cached is not None:
            return cached

        response = self.get_response(request)
        if self.cacheable_response(response):
            response["ETag"] = etag
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, public=True, max_age=settings.HTTP_CACHE_SECONDS)
            patch_vary_headers(response, ["Accept-Encoding"])
            cache.set(key, response, settings.HTTP_CACHE_SECONDS)
        return response

    @staticmethod
    def cacheable_response(response):
        """A plain public 200: no cookies, not marked private or uncacheable by the view."""
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        directives = response.get("Cache-Control", "").lower()
        return not any(word in directives for word in ("private", "no-store", "no-cache"))
