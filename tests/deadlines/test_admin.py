"""The admin pages of the deadline rules open for a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["calendarday", "calendaryear", "deadlinepolicy", "colourpolicy"])
def test_admin_changelist_and_add_pages(client, settings, model):
    # Plain static storage: the manifest only exists after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    admin = get_user_model().objects.create_superuser(username="admin", password="x-secret-123")
    client.force_login(admin)
    response = client.get(reverse(f"admin:deadlines_{model}_changelist"))
    assert response.status_code == 200
    if model != "colourpolicy":  # the singleton row exists already: no add page
        assert client.get(reverse(f"admin:deadlines_{model}_add")).status_code == 200
