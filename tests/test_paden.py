"""gemeenten/paden.py: `pad()` gives exactly what `reverse()` gives, or calls it."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.base import set_script_prefix
from django.urls.converters import SlugConverter

from gemeenten.paden import pad


def _views_met_slugs():
    """Every named view of the site whose URL takes only slug arguments."""
    uit = []
    resolver = get_resolver()
    for patroon in resolver.url_patterns:
        if not isinstance(patroon, URLResolver) or patroon.namespace != "gemeenten":
            continue
        for sub in patroon.url_patterns:
            if isinstance(sub, URLPattern) and sub.name:
                converters = sub.pattern.converters
                if all(isinstance(c, SlugConverter) for c in converters.values()):
                    uit.append((f"gemeenten:{sub.name}", len(converters)))
    return uit


VIEWS = _views_met_slugs()


def test_the_site_has_views_with_and_without_slugs():
    aantallen = {n for _, n in VIEWS}
    assert 0 in aantallen and 1 in aantallen, VIEWS


@pytest.mark.parametrize(("viewname", "aantal"), VIEWS)
def test_pad_is_reverse_for_every_view(viewname, aantal):
    args = ["aa-en-hunze", "gr_2016", "x-1"][:aantal]
    assert pad(viewname, *args) == reverse(viewname, args=args)


def test_script_prefix_is_honoured():
    try:
        set_script_prefix("/atlas/")
        assert pad("gemeenten:gemeente", "groningen") == "/atlas/gemeenten/groningen/"
        assert pad("gemeenten:gemeente", "groningen") == reverse(
            "gemeenten:gemeente", args=["groningen"]
        )
    finally:
        set_script_prefix("/")
    assert pad("gemeenten:gemeente", "groningen") == "/gemeenten/groningen/"


def test_a_value_that_is_not_a_slug_goes_through_reverse():
    # reverse() refuses it (the slug converter does not match): so does pad().
    with pytest.raises(NoReverseMatch):
        pad("gemeenten:gemeente", "twee woorden")
    # Not a string: reverse() decides (here a slug converter takes "12").
    assert pad("gemeenten:gemeente", 12) == reverse("gemeenten:gemeente", args=[12])


def test_wrong_number_of_arguments_is_an_error_as_in_reverse():
    with pytest.raises(NoReverseMatch):
        pad("gemeenten:gemeente")
    with pytest.raises(NoReverseMatch):
        pad("gemeenten:home", "extra")
