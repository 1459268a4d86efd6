"""Middleware that makes the public site boring to run: headers, outages and HTTP caching.

- PermissionsPolicyMiddleware: the one security header neither Django nor django-csp sends.
- DatabaseUnavailableMiddleware: a friendly 503 page instead of a 500 when the database is
  down (connection refused, server gone away), with Retry-After.
- DatasetCacheMiddleware: a public page is a function of (dataset version, URL). Its ETag is
  made of exactly that, which lets a conditional request be answered with 304 before any
  view runs, and the response is kept in the process cache for HTTP_CACHE_SECONDS. The
  version is a stamp in the database (DatasetVersie) that every write to the dataset
  replaces: a save or delete of any dataset row (the admin), load_dataset, build_dataset.
  Every process reads it once per request (one primary-key query), so a write anywhere
  invalidates every ETag and cache entry in every process at once.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.template import loader
from django.utils.cache import parse_etags, patch_cache_control, patch_vary_headers

from .dataset import DATASET_MODELS
from .models import DatasetVersie

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


def dataset_version():
    """The dataset's edit stamp (DatasetVersie.token), or "" before the first write.

    Read from the database on every request, not remembered per process: gunicorn runs
    several worker processes, and a signal only reaches the one that wrote. A plain cursor,
    not the ORM: this runs on every cache hit, and building the queryset costs about ten
    times the query itself (170 against 14 us on SpatiaLite). The statement is portable SQL
    with the backend's own quoting, and the suite runs it on SpatiaLite and PostGIS.
    """
    meta, quote = DatasetVersie._meta, connection.ops.quote_name
    sql = (
        f"SELECT {quote(meta.get_field('token').column)} FROM {quote(meta.db_table)}"
        f" WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [1])
        row = cursor.fetchone()
    return row[0] if row else ""


def bump_dataset_version(sender, **kwargs):
    """A dataset row saved or deleted (admin, shell, loaddata): a new stamp."""
    if not DatasetVersie.bezig_in_een_keer():
        DatasetVersie.vernieuw()


def bump_dataset_version_m2m(sender, action, **kwargs):
    """A dataset many-to-many relation changed (the admin saves those after the row)."""
    if action in ("post_add", "post_remove", "post_clear"):
        bump_dataset_version(sender)


def connect_dataset_version():
    """Connect the receivers above to every dataset model (GemeentenConfig.ready).

    Per sender, so other models (sessions, users) keep Django's fast deletes. Bulk writes
    (bulk_create, QuerySet.update) send no signals, and a signal per row would cost a query
    per row: load_dataset and build_dataset run in DatasetVersie.in_een_keer(),
    which renews the stamp once at the end.
    """
    for model in DATASET_MODELS:
        label = model._meta.label_lower
        post_save.connect(bump_dataset_version, sender=model, dispatch_uid=f"stamp.save.{label}")
        post_delete.connect(
            bump_dataset_version, sender=model, dispatch_uid=f"stamp.delete.{label}"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                bump_dataset_version_m2m,
                sender=through,
                dispatch_uid=f"stamp.m2m.{through._meta.label_lower}",
            )


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
