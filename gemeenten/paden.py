"""`pad(viewname, *slugs)`: `reverse()` for the site's own links, at a fraction of its cost.

A national page links to thousands of municipalities and arrangements, and `reverse()` costs
about 15 µs a call (a tenth of the map page, measured: docs/performance.md). Every such link
is a view with slug arguments, so the URL is reversed once per view with placeholder slugs and
the slugs are put in its place: the same URL `reverse()` gives, because a slug has nothing to
quote. What is kept per process is the URL pattern, never data, for the URLconf and script
prefix in use (a test's `override_settings(ROOT_URLCONF=…)` gets its own). An argument that
is not a slug goes through `reverse()` itself.
"""

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.urls.converters import SlugConverter

# What Django's <slug:> converter accepts, whole.
SLUG = re.compile(rf"(?:{SlugConverter.regex})\Z")
# Placeholders that a slug converter accepts and no URL of the site contains.
PLEKKEN = ("paden0plek", "paden1plek", "paden2plek")


@lru_cache(maxsize=256)
def _sjabloon(viewname, aantal, urlconf, prefix):
    """The URL of `viewname` with the first `aantal` placeholders as arguments, or None
    when the view does not take slugs there (then `pad` calls `reverse()`)."""
    try:
        url = reverse(viewname, urlconf=urlconf, args=PLEKKEN[:aantal])
    except NoReverseMatch:
        return None
    # A placeholder that does not appear exactly once cannot be replaced safely.
    if any(url.count(plek) != 1 for plek in PLEKKEN[:aantal]):
        return None
    return url


def pad(viewname, *args):
    """`reverse(viewname, args=args)` for slug arguments (see the module docstring)."""
    if len(args) > len(PLEKKEN) or not all(isinstance(a, str) and SLUG.match(a) for a in args):
        return reverse(viewname, args=args)
    sjabloon = _sjabloon(viewname, len(args), get_urlconf(), get_script_prefix())
    if sjabloon is None:
        return reverse(viewname, args=args)
    for plek, slug in zip(PLEKKEN, args, strict=False):
        sjabloon = sjabloon.replace(plek, slug)
    return sjabloon
