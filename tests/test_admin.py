import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.test import Client

from gemeenten import models

from . import factories


@pytest.fixture
def beheerder(client):
    user = User.objects.create_user("test-beheerder", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="gemeenten"))
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_staff_can_view_but_not_add_change_or_delete(beheerder):
    gemeente = factories.gemeente(factories.provincie())
    base = f"/{settings.ADMIN_PATH}gemeenten/gemeente/"
    assert beheerder.get(base).status_code == 200
    assert beheerder.get(f"{base}{gemeente.pk}/change/").status_code == 200  # view only
    assert beheerder.get(f"{base}add/").status_code == 403
    assert beheerder.get(f"{base}{gemeente.pk}/delete/").status_code == 403
    response = beheerder.post(f"{base}{gemeente.pk}/change/", {"naam": "Anders"})
    assert response.status_code == 403
    gemeente.refresh_from_db()
    assert gemeente.naam != "Anders"
    assert models.Gemeente.objects.filter(pk=gemeente.pk).exists()


def _form_data(response):
    """The change form's current values, as the browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[name] = value
    return data


@pytest.fixture
def http_cache(settings):
    """The production HTTP cache (debug, the test session's mode, switches it off)."""
    settings.HTTP_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_a_superusers_correction_is_on_the_public_page_at_once(client, settings, http_cache):
    """Nothing but one field changes (no row count, no key), and the page follows at once."""
    gemeente = models.Gemeente.objects.get(cbs_code="GM0014")
    url = gemeente.get_absolute_url()
    visitor = Client()  # no session cookie: the cached path
    first = visitor.get(url)
    assert first.status_code == 200 and first.has_header("ETag")
    assert visitor.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    admin = User.objects.create_superuser("test-super", password="x")
    client.force_login(admin)
    change = f"/{settings.ADMIN_PATH}gemeenten/gemeente/{gemeente.pk}/change/"
    data = _form_data(client.get(change))
    assert data["naam"] == gemeente.naam
    data["naam"] = "Groningen (gecorrigeerd)"
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    second = visitor.get(url)
    assert second["ETag"] != first["ETag"]
    assert "Groningen (gecorrigeerd)" in second.content.decode()
    revalidated = visitor.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 200
    assert "Groningen (gecorrigeerd)" in revalidated.content.decode()
