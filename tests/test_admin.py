import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User

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
