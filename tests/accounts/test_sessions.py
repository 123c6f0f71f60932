"""A staff session ends after the idle timeout and, however busy, at its absolute lifetime."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang import clock
from xinfang import settings as project_settings
from xinfang.audit.models import Event

from .. import factories as f

PASSWORD = "xinfang-test-pw"
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def real_limits(settings):
    settings.XF_SESSION_IDLE_MINUTES = project_settings.XF_SESSION_IDLE_MINUTES
    settings.XF_SESSION_ABSOLUTE_MINUTES = project_settings.XF_SESSION_ABSOLUTE_MINUTES


@pytest.fixture
def staff(client):
    user = f.UserFactory(username="chen")
    with clock.frozen(START):
        assert client.post("/login/", {"username": "chen", "password": PASSWORD}).status_code == 302
    return user


@pytest.mark.django_db
def test_idle_session_ends_after_the_idle_timeout(client, staff):
    with clock.frozen(START + dt.timedelta(minutes=29)):
        assert client.get("/notifications/").status_code == 200
    with clock.frozen(START + dt.timedelta(minutes=58)):
        assert client.get("/notifications/").status_code == 200
    with clock.frozen(START + dt.timedelta(minutes=89)):
        response = client.get("/notifications/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not logged_in(client)
    event = Event.objects.get(action="logout", actor=staff)
    assert event.reason.startswith("会话超时") and "30分钟未操作" in event.reason


@pytest.mark.django_db
def test_busy_session_ends_at_its_absolute_lifetime(client, staff, settings):
    for minutes in range(20, 12 * 60, 20):
        with clock.frozen(START + dt.timedelta(minutes=minutes)):
            assert client.get("/notifications/").status_code == 200
    with clock.frozen(START + dt.timedelta(hours=12, minutes=5)):
        response = client.get("/notifications/")
    assert response.status_code == 302
    assert "12小时" in Event.objects.get(action="logout", actor=staff).reason


def test_session_settings_follow_the_idle_timeout():
    assert project_settings.SESSION_COOKIE_AGE == project_settings.XF_SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert project_settings.XF_SESSION_ABSOLUTE_MINUTES == 12 * 60
