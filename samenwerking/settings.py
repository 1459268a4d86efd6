"""Settings for Samenwerkingsatlas Noord.

Every setting is read from the environment once, here. The README lists them all.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    # Django's own form templates, for FORM_RENDERER below.
    "django.forms",
    "django_filters",
    "gemeenten",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Issue 5: Permissions-Policy, CSP, 503 when the database is down, HTTP caching.
    "gemeenten.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "gemeenten.middleware.DatabaseUnavailableMiddleware",
    "gemeenten.middleware.DatasetCacheMiddleware",
    # Inside the cache: a page is compressed once, when rendered, and the gzip variant is
    # what the process cache and nginx's proxy_cache keep (deploy/nginx.conf.template asks
    # for gzip and gunzips for the rare client that refuses it). Public pages hold no secret
    # (no CSRF token, no session), so BREACH has nothing to recover; the admin's CSRF token
    # is masked per response and Django pads the gzip output.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "samenwerking.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gemeenten.context_processors.site",
            ],
        },
    },
]

# Form widgets render through TEMPLATES, so that templates/django/forms/widgets/select.html
# (Django's select with its options inline, the same bytes, measured faster) is used.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "samenwerking.wsgi.application"

# SpatiaLite file by default; PostgreSQL + PostGIS (psycopg 3) when DATABASE_URL is set,
# e.g. postgis://user:password@127.0.0.1:5432/samenwerking
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
        raise ImproperlyConfigured("DATABASE_URL must use the postgis:// scheme.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.contrib.gis.db.backends.spatialite",
            "NAME": os.environ.get("SPATIALITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Loading the SpatiaLite extension per request cost 3× throughput (docs/performance.md);
            # production keeps a connection per thread, debug and tests open one per request.
            "CONN_MAX_AGE": 0 if DEBUG else 60,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "") or BASE_DIR / "staticfiles")
# In debug (make run, tests) WhiteNoise serves straight from STATICFILES_DIRS.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The admin is for curators only; its path is configurable so it is not where bots look first.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "beheer/").strip("/") + "/"

# Basemap tiles. Empty URL = no basemap: the polygons stand on their own.
MAP_TILE_URL = os.environ.get(
    "MAP_TILE_URL",
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png",
)
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    'Kaartgegevens &copy; <a href="https://www.kadaster.nl">Kadaster</a>'
    " (BRT-Achtergrondkaart, via PDOK)",
)

# Debian 12 ships GDAL 3.6, which cannot block file/network access from spatial references.
# The site never parses user-supplied geometry or SRS strings (only the importers read the
# project's own source files), so the warning is acknowledged here rather than ignored.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


# --- Production hardening (issue 5; every variable is documented in docs/configuration.md) ---
# The defaults are the production values; DJANGO_DEBUG=1 relaxes only the HTTPS-bound ones.
# `make serve` runs production settings on plain-http loopback with DJANGO_SECURE_SSL_REDIRECT=0.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY") else None
)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent by gemeenten.middleware.PermissionsPolicyMiddleware: the site needs none of these.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def _tile_origin(url):
    """The scheme://host of the tile URL template, for the CSP ({s} subdomains → *)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "x-subdomain"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('x-subdomain', '*')}"


# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere, except the
# basemap tiles' host when a tile URL is configured.
_TILE_ORIGIN = _tile_origin(MAP_TILE_URL) if MAP_TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_TILE_ORIGIN] if _TILE_ORIGIN else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Static files: the site's own CSS and JavaScript minified, with hashed names and
# pre-compressed (gzip, Brotli if installed) copies, made by collectstatic and served by
# WhiteNoise with far-future caching (gemeenten/storage.py). Debug serves the sources.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "gemeenten.storage.MinifiedStaticFilesStorage"
    },
}

# HTTP caching tied to the dataset version (gemeenten.middleware.DatasetCacheMiddleware):
# public GET responses get an ETag made of the dataset's stamp (read from the database on
# every request) and the URL, Cache-Control max-age, and are kept in the process cache for
# that long. 0 switches it off (debug default).
HTTP_CACHE_SECONDS = env_int("DJANGO_HTTP_CACHE_SECONDS", 0 if DEBUG else 300)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "samenwerking",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
}

# Errors go to stderr (gunicorn's log), not to e-mail.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"production": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "filters": ["production"]}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"}},
}
