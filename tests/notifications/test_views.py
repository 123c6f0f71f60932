"""The bell, the list and marking read: each user sees and touches only their own messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import viewtests
from xinfang.notifications import services
from xinfang.notifications.models import Kind, Notification


@pytest.fixture
def inbox(people):
    rows = [
        services.notify(
            [people.township_handler], kind=Kind.GENERAL, title=f"消息{n}", url="/petitions/", email=False
        )[0]
        for n in range(3)
    ]
    services.notify([people.other_township_handler], kind=Kind.GENERAL, title="别人的消息", email=False)
    return rows


def test_the_bell_counts_unread(client, people, inbox):
    client.force_login(people.township_handler)
    page = client.get(reverse("notifications:bell")).content.decode()
    assert ">3<" in page
    services.mark_read(people.township_handler)
    assert "badge" not in client.get(reverse("notifications:bell")).content.decode()


def test_ordinary_pages_do_not_query_for_the_bell(client, people, inbox):
    """The bell is fetched by htmx after load, so it costs other pages' query bounds nothing."""
    client.force_login(people.township_handler)
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'hx-get="{reverse("notifications:bell")}"' in page


def test_the_list_shows_only_the_users_own(client, people, inbox):
    response = viewtests.assert_ok_within(client, reverse("notifications:list"), people.township_handler, 6)
    page = response.content.decode()
    assert all(f"消息{n}" in page for n in range(3))
    assert "别人的消息" not in page
    viewtests.assert_login_required(client, reverse("notifications:list"))


def test_marking_read_and_following_the_link(client, people, inbox):
    client.force_login(people.township_handler)
    response = client.post(reverse("notifications:read", args=[inbox[0].pk]), {"go": "1"})
    assert response.status_code == 302 and response.url == "/petitions/"
    inbox[0].refresh_from_db()
    assert inbox[0].read_at is not None
    response = client.post(reverse("notifications:read", args=[inbox[1].pk]), HTTP_HX_REQUEST="true")
    assert "未读" not in response.content.decode() and "消息1" in response.content.decode()


def test_someone_elses_message_is_not_found(client, people, inbox):
    client.force_login(people.other_township_handler)
    assert client.post(reverse("notifications:read", args=[inbox[0].pk])).status_code == 404
    inbox[0].refresh_from_db()
    assert inbox[0].read_at is None


def test_an_outside_link_is_not_followed(client, people):
    (row,) = services.notify(
        [people.township_handler], kind=Kind.GENERAL, title="外链", url="https://evil.example/", email=False
    )
    client.force_login(people.township_handler)
    response = client.post(reverse("notifications:read", args=[row.pk]), {"go": "1"})
    assert response.url == reverse("notifications:list")


def test_read_all(client, people, inbox):
    client.force_login(people.township_handler)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=people.township_handler, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=people.other_township_handler, read_at__isnull=True).exists()
