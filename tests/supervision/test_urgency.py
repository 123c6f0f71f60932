"""Urgent flags (扬言): the phrase match, the flag set at registration, the leaders told at once."""

from __future__ import annotations

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests import factories as f
from xinfang.notifications.models import Kind, Notification
from xinfang.petitions.models import Petition
from xinfang.supervision.models import UrgentPhrase
from xinfang.supervision.urgency import urgent_phrases


def test_urgent_phrases_finds_each_phrase_once_in_the_text_order():
    phrases = ["自杀", "跳楼", "堵路"]
    assert urgent_phrases("如果再不解决我就跳 楼，然后自杀，跳楼！", phrases) == ["跳楼", "自杀"]
    assert urgent_phrases("请求依法重新评估补偿标准。", phrases) == []
    assert urgent_phrases("", phrases) == []
    assert urgent_phrases("堵路", ["", "  ", "堵路"]) == ["堵路"]


@pytest.mark.django_db
def test_seeded_list_has_the_usual_phrases():
    seeded = set(UrgentPhrase.objects.values_list("phrase", flat=True))
    assert {
        "自杀",
        "跳楼",
        "喝农药",
        "自焚",
        "同归于尽",
        "炸",
        "杀了",
        "集体上访",
        "堵路",
        "聚集",
        "围堵",
    } <= seeded


@pytest.mark.django_db(transaction=True)
def test_registration_flags_the_matter_and_tells_the_bureau_leader(org, people, sms_outbox):
    people.bureau_leader.phone = "13900000001"
    people.bureau_leader.save()
    petition = f.register(
        people.registrar,
        summary="反映征收补偿问题",
        content="补偿再不落实，我们就组织集体上访，到县政府门口堵路。",
    )
    petition.refresh_from_db()
    assert petition.is_urgent is True
    assert petition.urgent_phrases == ["集体上访", "堵路"]
    (note,) = Notification.objects.filter(kind=Kind.URGENT)
    assert note.recipient == people.bureau_leader
    assert note.petition == petition
    assert "集体上访、堵路" in note.title
    # The SMS leaves after the registration committed.
    assert [phone for phone, _ in sms_outbox] == ["13900000001"]
    # Only the bureau's leaders: the registrar and the handlers are not told.
    assert not Notification.objects.filter(kind=Kind.URGENT).exclude(recipient=people.bureau_leader).exists()
    # The API carries the flag in the list and the phrases on the detail.
    api = APIClient()
    api.force_login(people.registrar)
    (row,) = [r for r in api.get("/api/v1/petitions/").json()["results"] if r["id"] == petition.pk]
    assert row["is_urgent"] is True
    assert api.get(f"/api/v1/petitions/{petition.pk}/").json()["urgent_phrases"] == ["集体上访", "堵路"]


@pytest.mark.django_db
def test_ordinary_text_is_not_flagged_and_nobody_is_told(org, people):
    petition = f.register(people.registrar)
    petition.refresh_from_db()
    assert petition.is_urgent is False
    assert petition.urgent_phrases == []
    assert not Notification.objects.filter(kind=Kind.URGENT).exists()


@pytest.mark.django_db
def test_inactive_phrase_flags_nothing(org, people):
    UrgentPhrase.objects.filter(phrase="自杀").update(is_active=False)
    petition = f.register(people.registrar, content="再不解决我就自杀。")
    assert Petition.objects.get(pk=petition.pk).is_urgent is False


@pytest.mark.django_db
def test_an_imported_history_is_flagged_but_announced_to_nobody(org, people):
    petition = f.register(people.registrar, content="扬言喝农药。", external_id="HIST-1")
    assert Petition.objects.get(pk=petition.pk).urgent_phrases == ["喝农药"]
    assert not Notification.objects.filter(kind=Kind.URGENT).exists()


@pytest.mark.django_db
def test_a_refused_registration_leaves_no_message(org, people):
    with pytest.raises(RuntimeError), transaction.atomic():
        f.register(people.registrar, content="扬言自焚。")
        raise RuntimeError("the caller's transaction fails after registering")
    assert not Notification.objects.filter(kind=Kind.URGENT).exists()


@pytest.mark.django_db
def test_urgent_matters_come_first_on_the_worklist_and_the_board(client, org, people, frozen_clock):
    from tests.scenes import when

    frozen_clock(when("2026-03-10 10:00"))
    urgent = f.register(people.registrar, received_at=when("2026-03-02 09:00"), content="不解决就去跳楼。")
    newer = [f.register(people.registrar, received_at=when(f"2026-03-0{d} 09:00")) for d in (3, 4)]
    client.force_login(people.bureau_handler)
    rows = client.get("/petitions/").context["rows"]
    assert [p.pk for p in rows] == [urgent.pk, newer[1].pk, newer[0].pk]  # pinned, then newest first
    page = client.get("/petitions/").content.decode()
    assert "紧急" in page

    board = client.get("/supervision/")
    assert [p.pk for p in board.context["urgent"]] == [urgent.pk]
    assert "紧急事项（扬言）" in board.content.decode()


@pytest.mark.django_db
def test_the_board_shows_no_urgent_matter_of_another_county(client, org, people):
    f.register(people.registrar, content="扬言自焚。")
    client.force_login(people.other_county_registrar)
    assert client.get("/supervision/").context["urgent"] == []
