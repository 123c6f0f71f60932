"""GET /api/v1/petitions/ and /{id}/: content, filters, cursor pagination and a fixed query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from xinfang.petitions.models import Category, Channel, PetitionClass

from .conftest import NOW, PETITIONS_URL

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def hours_ago(hours: int) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


def test_list_is_newest_first_without_the_long_text(client_for, people, org, now):
    older = f.register(people.registrar, received_at=hours_ago(5))
    newer = f.register(people.registrar, received_at=hours_ago(1))

    response = client_for(people.registrar).get(PETITIONS_URL)

    assert ids(response) == [newer.pk, older.pk]
    row = response.json()["results"][0]
    assert row["registration_number"] == newer.registration_number
    assert row["receiving_unit"] == "330102-XFJ"
    assert row["category"] == "城乡建设/征收拆迁"
    assert row["status_label"] == "已登记"
    assert len(row["petitioners"]) == 1
    assert "content" not in row and "events" not in row


def test_detail_has_parties_attachments_and_history(client_for, people, org, now):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    petition = f.register(
        people.registrar,
        parties=[f.person(1), f.person(2)],
        attachments=[f.services.AttachmentInput("现场照片.png", png)],
    )

    response = client_for(people.registrar).get(f"{PETITIONS_URL}{petition.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["content"] == petition.content
    assert [p["role"] for p in data["petitioners"]] == ["principal", "principal"]
    assert data["attachments"] == [
        {
            "id": petition.attachments.get().pk,
            "original_name": "现场照片.png",
            "content_type": "image/png",
            "size": len(png),
            "sha256": petition.attachments.get().sha256,
            "uploaded_at": data["attachments"][0]["uploaded_at"],
            "uploaded_by": "王登记",
        }
    ]
    actions = [e["action"] for e in data["events"]]
    assert actions[0] == "register"
    assert actions.count("add_party") == 2 and "add_attachment" in actions
    assert data["events"][0]["actor"] == "王登记"
    assert data["events"][0]["actor_unit"] == "330102-XFJ"


def test_missing_petition_is_a_problem_404(client_for, people, org, now):
    for pk in ("999999", "abc"):
        response = client_for(people.registrar).get(f"{PETITIONS_URL}{pk}/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["status"] == 404


@pytest.fixture
def scene(people, org, now):
    """Petitions the city registrar sees from both counties, differing in every filtered field."""
    letter = f.register(people.registrar, received_at=hours_ago(30), external_id="EXT-1")
    visit = f.register(
        people.registrar,
        channel=Channel.VISIT,
        received_at=hours_ago(20),
        person_count=6,
        parties=[f.representative(), f.representative()],
        category=Category.objects.get(path="城乡建设/住房"),
    )
    repeat = f.register(
        people.registrar,
        received_at=hours_ago(10),
        repeat_of=letter,
        petition_class=PetitionClass.SUGGESTION,
        category=Category.objects.get(path="教育"),
    )
    elsewhere = f.register(
        people.other_county_registrar, received_at=hours_ago(5), issue_region=org.other_county
    )
    return {"letter": letter, "visit": visit, "repeat": repeat, "elsewhere": elsewhere}


FILTERS = {
    "channel": ({"channel": "visit"}, ["visit"]),
    "channels": ("channel=visit&channel=letter", ["elsewhere", "repeat", "visit", "letter"]),
    "status": ({"status": "registered"}, ["elsewhere", "repeat", "visit", "letter"]),
    "other_status": ({"status": "accepted"}, []),
    "class": ({"petition_class": "suggestion"}, ["repeat"]),
    "category_subtree": ({"category": "城乡建设"}, ["elsewhere", "visit", "letter"]),
    "category_leaf": ({"category": "城乡建设/住房"}, ["visit"]),
    "category_prefix_is_not_a_parent": ({"category": "城乡"}, []),
    "receiving_unit": ({"receiving_unit": "330105-XFJ"}, ["elsewhere"]),
    "responsible_unit": ({"responsible_unit": "330102-ZJJ"}, []),
    "received_after": ({"received_after": "2026-03-09T20:00:00+08:00"}, ["elsewhere", "repeat"]),
    "received_before": ({"received_before": "2026-03-09T15:00:00+08:00"}, ["visit", "letter"]),
    # After is inclusive, before exclusive: the visit at 14:00 is in, the repeat at midnight is out.
    "received_between": (
        {"received_after": "2026-03-09T14:00:00+08:00", "received_before": "2026-03-10T00:00:00+08:00"},
        ["visit"],
    ),
    "is_repeat": ({"is_repeat": "true"}, ["repeat"]),
    "is_collective": ({"is_collective": "true"}, ["visit"]),
    "not_collective": ({"is_collective": "false"}, ["elsewhere", "repeat", "letter"]),
    "external_id": ({"external_id": "EXT-1"}, ["letter"]),
}


@pytest.mark.parametrize("case", FILTERS, ids=list(FILTERS))
def test_filters(case, scene, client_for, people):
    query, expected = FILTERS[case]
    url = f"{PETITIONS_URL}?{query}" if isinstance(query, str) else PETITIONS_URL

    response = client_for(people.city_registrar).get(url, None if isinstance(query, str) else query)

    assert ids(response) == [scene[name].pk for name in expected]


def test_filter_by_category_id_and_registration_number(scene, client_for, people):
    client = client_for(people.city_registrar)
    education = Category.objects.get(path="教育")

    assert ids(client.get(PETITIONS_URL, {"category": str(education.pk)})) == [scene["repeat"].pk]
    assert ids(client.get(PETITIONS_URL, {"category": "999999"})) == []
    number = scene["visit"].registration_number
    assert ids(client.get(PETITIONS_URL, {"registration_number": number})) == [scene["visit"].pk]


def test_filters_never_widen_visibility(scene, client_for, people):
    response = client_for(people.registrar).get(PETITIONS_URL, {"receiving_unit": "330105-XFJ"})

    assert ids(response) == []


def test_bad_filter_value_is_a_problem_400(client_for, people, org, now):
    response = client_for(people.registrar).get(
        PETITIONS_URL, {"status": "bogus", "received_after": "2026-02-30"}
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert {"status", "received_after"} <= set(response.json()["errors"])


def test_cursor_pagination_walks_every_petition_once(client_for, people, org, now):
    # Two share a received time: the cursor must order ties by id and neither repeat nor skip them.
    same_time = hours_ago(3)
    created = [f.register(people.registrar, received_at=same_time) for _ in range(2)]
    created += [f.register(people.registrar, received_at=hours_ago(h)) for h in (1, 2, 4)]
    client = client_for(people.registrar)

    seen, url = [], f"{PETITIONS_URL}?page_size=2"
    while url:
        page = client.get(url)
        seen += ids(page)
        url = page.json()["next"]

    expected = sorted(created, key=lambda p: (p.received_at, p.pk), reverse=True)
    assert seen == [p.pk for p in expected]


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PETITIONS_URL)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["registrar", "township_handler"])
def test_list_query_count_does_not_grow_with_rows(persona, client_for, people, org, now, route_to):
    user = getattr(people, persona)

    def add(n):
        for _ in range(n):
            petition = f.register(people.registrar, parties=[f.person(), f.person()])
            route_to(petition, org.qingbo_unit)

    add(5)
    client = client_for(user)
    with_five = list_queries(client)
    assert len(client.get(PETITIONS_URL).json()["results"]) == 5
    add(25)
    with_thirty = list_queries(client)

    assert len(client.get(PETITIONS_URL).json()["results"]) == 30
    assert with_five == with_thirty
    assert with_thirty <= 6
