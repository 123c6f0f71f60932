"""合并重复登记: a petition registered twice becomes one; the duplicate's people and files move, both trails keep
what happened, the statistics count one batch; and the refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests import factories as f
from tests.scenes import day
from xinfang.audit.models import Event
from xinfang.petitions.models import Attachment, Petition, PetitionClass, Status
from xinfang.search.query import search_petitions
from xinfang.stats import volumes
from xinfang.stats.metrics import Ctx
from xinfang.stats.models import StatisticsPolicy
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.models import DeadlineStatus
from xinfang.workflow.transitions import TABLE


def _pair(scene, **overrides):
    first = scene.petition("2026-03-02 09:30", **overrides)
    second = scene.petition("2026-03-02 11:00", parties=[f.person(), f.person()], **overrides)
    return first, second


def test_merge_moves_parties_and_files_and_keeps_both_trails(scene, people):
    first, duplicate = _pair(scene, attachments=[f.services.AttachmentInput("证明.txt", b"proof text")])
    event = scene.do(
        duplicate, "merge_into", people.registrar, "2026-03-02 15:00", survivor=first.registration_number
    )
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into_id == first.pk
    assert event.data["survivor"] == first.registration_number
    assert first.parties.count() == 3  # its own principal and the duplicate's two
    assert not duplicate.parties.exists()
    assert Attachment.objects.filter(petition=first).count() == 2
    assert not duplicate.deadlines.filter(status=DeadlineStatus.OPEN).exists()
    assert duplicate.next_due_on is None
    (merged_from,) = Event.objects.filter(petition=first, action="merge_from")
    assert merged_from.data["duplicate"] == duplicate.registration_number
    assert len(merged_from.data["parties"]) == 2
    assert Event.objects.filter(
        petition=duplicate, action="register"
    ).exists()  # the duplicate's own trail stays


def test_a_merged_petition_is_no_batch(scene, people):
    first, duplicate = _pair(scene)
    period = Ctx(
        Period.between(day("2026-03-01"), day("2026-03-31")), day("2026-03-31"), StatisticsPolicy.current()
    )
    assert volumes.volume(Scope(region=scene.org.county), period).total.batches == 2
    scene.do(
        duplicate, "merge_into", people.registrar, "2026-03-02 15:00", survivor=first.registration_number
    )
    assert volumes.volume(Scope(region=scene.org.county), period).total.batches == 1


def test_refusals(scene, people):
    first, duplicate = _pair(scene)
    registrar = people.registrar

    def refused(petition, survivor, actor=registrar):
        with pytest.raises(TransitionRefused) as exc:
            scene.do(petition, "merge_into", actor, "2026-03-02 15:00", survivor=survivor)
        return str(exc.value)

    assert refused(duplicate, duplicate.registration_number) == "不能将信访事项合并到其自身。"
    assert "找不到登记编号为“XF-NOPE”" in refused(duplicate, "XF-NOPE")
    # Another county's petition: the registrar cannot see it, so it is not found (and nothing says it exists).
    other = f.register(people.other_county_registrar, received_at=first.received_at)
    assert "无权查看" in refused(duplicate, other.registration_number)
    # Another county's registrar may not act on this county's petition at all.
    assert "只有辖区信访部门" in refused(duplicate, first.registration_number, people.other_county_registrar)
    scene.do(duplicate, "merge_into", registrar, "2026-03-02 15:00", survivor=first.registration_number)
    assert "已合并" in refused(duplicate, first.registration_number)  # already merged: the row refuses
    third = scene.petition("2026-03-02 14:00")
    assert refused(third, duplicate.registration_number).startswith(
        f"事项{duplicate.registration_number}已合并至"
    )
    assert Event.objects.filter(action="merge_from").count() == 1


def test_a_concluded_petition_cannot_be_merged(scene, people):
    first, duplicate = _pair(scene, channel="visit")
    scene.do(duplicate, "conclude_on_spot", people.registrar, "2026-03-02 12:00", text="当场解释")
    with pytest.raises(TransitionRefused, match="已办结"):
        scene.do(
            duplicate, "merge_into", people.registrar, "2026-03-02 15:00", survivor=first.registration_number
        )


def test_accusations_merge_only_with_accusations_of_the_same_unit(scene, people):
    claim = scene.petition("2026-03-02 09:30")
    accusation = scene.petition(
        "2026-03-02 10:00", petition_class=PetitionClass.ACCUSATION, subject_unit=scene.org.housing
    )
    other_accusation = scene.petition(
        "2026-03-02 10:30", petition_class=PetitionClass.ACCUSATION, subject_unit=scene.org.qingbo_unit
    )
    with pytest.raises(TransitionRefused, match="只能与检举控告事项合并"):
        scene.do(
            accusation, "merge_into", people.registrar, "2026-03-02 15:00", survivor=claim.registration_number
        )
    with pytest.raises(TransitionRefused, match="被检举控告的单位不同"):
        scene.do(
            accusation,
            "merge_into",
            people.registrar,
            "2026-03-02 15:00",
            survivor=other_accusation.registration_number,
        )
    assert accusation.status == Status.REGISTERED


def test_the_row_is_in_the_table():
    row = TABLE["merge_into"]
    assert row.to_state == Status.MERGED and row.label == "合并重复登记"


def test_api_and_form_refuse_a_petition_of_another_county_in_chinese(scene, people, client):
    from rest_framework.test import APIClient

    first, duplicate = _pair(scene)
    other = f.register(people.other_county_registrar, received_at=first.received_at)
    api = APIClient()
    api.force_login(people.registrar)
    url = f"/api/v1/petitions/{duplicate.pk}/actions/merge_into/"
    answer = api.post(url, {"survivor": other.registration_number}, format="json")
    assert answer.status_code == 400
    assert "无权查看" in answer.json()["detail"]
    client.force_login(people.registrar)
    page = client.post(
        f"/workflow/petitions/{duplicate.pk}/actions/merge_into/",
        {"survivor": duplicate.registration_number, "expected_version": duplicate.version},
    )
    assert "不能将信访事项合并到其自身。" in page.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.REGISTERED
    answer = api.post(url, {"survivor": first.registration_number}, format="json")
    assert answer.status_code == 200 and answer.json()["petition"]["status"] == "merged"


def test_the_survivor_is_found_by_the_moved_partys_name(scene, people):
    first = scene.petition("2026-03-02 09:30")
    moved = replace(f.person(), name="欧阳明远")
    duplicate = scene.petition("2026-03-02 11:00", parties=[f.person(), moved])

    def found():
        return set(search_petitions(Petition.objects.all(), "欧阳明远").values_list("pk", flat=True))

    assert found() == {duplicate.pk}
    scene.do(
        duplicate, "merge_into", people.registrar, "2026-03-02 15:00", survivor=first.registration_number
    )
    assert found() == {first.pk}


def test_the_api_names_the_survivor_only_to_who_may_see_it(scene, people):
    from rest_framework.test import APIClient

    from xinfang import clock
    from xinfang.workflow.models import Routing, RoutingAction

    first, duplicate = _pair(scene)
    scene.do(
        duplicate, "merge_into", people.registrar, "2026-03-02 15:00", survivor=first.registration_number
    )
    # A township the duplicate alone was sent to sees the duplicate, never the survivor.
    Routing.objects.create(
        petition=duplicate,
        action=RoutingAction.TRANSFER,
        from_unit=duplicate.receiving_unit,
        to_unit=people.township_handler.unit,
        sent_at=clock.now(),
    )
    api = APIClient()
    api.force_login(people.registrar)
    body = api.get(f"/api/v1/petitions/{duplicate.pk}/").json()
    assert body["merged_into"] == first.registration_number
    assert body["is_urgent"] is False and body["urgent_phrases"] == []
    api.force_login(people.township_handler)
    body = api.get(f"/api/v1/petitions/{duplicate.pk}/").json()
    assert body["status"] == "merged"
    assert body["merged_into"] is None
