"""The dispute ledger: record, the four-level path (a skipped level says why), mediation, the three outcomes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.scenes import day, make_leaders, when
from xinfang.audit.models import Event
from xinfang.disputes import services
from xinfang.disputes.models import Dispute, DisputeStatus, Escalation, HandlingLevel, Mediation, Outcome
from xinfang.disputes.selectors import disputes_visible_to


def new_dispute(actor, region, level=HandlingLevel.VILLAGE, **overrides):
    data = {
        "kind": "land",
        "region": region,
        "title": "清波社区两户宅基地边界纠纷",
        "parties": "相邻两户村民，因翻建房屋对宅基地边界各执一词。",
        "matter": "宅基地东侧边界约0.8米的归属",
        "risk_level": "medium",
        "found_via": "screening",
        "found_on": day("2026-03-02"),
        "level": level,
    }
    data.update(overrides)
    return services.record_dispute(actor, **data)


def test_a_dispute_climbs_all_four_levels_and_is_settled(org, people, village, frozen_clock):
    leaders = make_leaders(org)
    frozen_clock(when("2026-03-02 09:00"))
    dispute = new_dispute(village.handler, village.region)
    assert (dispute.level, dispute.handling_unit) == (HandlingLevel.VILLAGE, village.unit)
    services.mediate(
        dispute, village.handler, kind="people", body="清波社区人民调解委员会", mediated_on=day("2026-03-02"),
        agreed=False,
    )  # fmt: skip
    frozen_clock(when("2026-03-03 09:00"))
    services.escalate(
        dispute, village.handler, to_level="township", to_unit=org.qingbo_unit, reason="社区调解未果"
    )
    frozen_clock(when("2026-03-05 09:00"))
    services.escalate(
        dispute, people.township_handler, to_level="county_meeting", to_unit=org.bureau, reason="涉及规划部门"
    )
    frozen_clock(when("2026-03-10 09:00"))
    services.escalate(
        dispute,
        people.bureau_leader,
        to_level="leadership",
        to_unit=leaders.committee,
        reason="联席会议无法解决",
    )
    frozen_clock(when("2026-03-20 09:00"))
    services.close(
        dispute,
        leaders.secretary,
        outcome=Outcome.RESOLVED,
        note="区委常委会研究，重新测绘确界，双方签字认可。",
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.level) == (
        DisputeStatus.CLOSED,
        "resolved",
        "leadership",
    )
    path = list(
        Escalation.objects.filter(dispute=dispute).values_list("from_level", "to_level", "by__username")
    )
    assert path == [
        ("village", "township", "village_handler"),
        ("township", "county_meeting", "qingbo_handler"),
        ("county_meeting", "leadership", "bureau_leader"),
    ]
    actions = list(
        Event.objects.filter(target_type="dispute").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["record_dispute", "mediate_dispute", *["escalate_dispute"] * 3, "close_dispute"]
    # Everyone on the way still sees it; a neighbouring township does not.
    for user in (village.handler, people.township_handler, people.bureau_leader, leaders.secretary):
        assert disputes_visible_to(user).filter(pk=dispute.pk).exists()
    assert not disputes_visible_to(people.other_township_handler).exists()


def test_skipping_a_level_needs_a_reason(org, people, village):
    dispute = new_dispute(village.handler, village.region)
    with pytest.raises(ValidationError) as caught:
        services.escalate(
            dispute, village.handler, to_level="county_meeting", to_unit=org.bureau, reason="涉及多部门"
        )
    assert "乡镇(街道)" in caught.value.message_dict["skip_reason"][0]
    assert not Escalation.objects.exists() and not Event.objects.filter(action="escalate_dispute").exists()
    services.escalate(
        dispute, village.handler, to_level="county_meeting", to_unit=org.bureau, reason="涉及多部门",
        skip_reason="涉及区规划和资源部门，街道无权协调。",
    )  # fmt: skip
    dispute.refresh_from_db()
    assert (dispute.level, dispute.handling_unit) == ("county_meeting", org.bureau)


def test_escalation_goes_up_only(org, people):
    dispute = new_dispute(people.township_handler, org.qingbo, level="township")
    with pytest.raises(ValidationError):
        services.escalate(
            dispute, people.township_handler, to_level="village", to_unit=org.qingbo_unit, reason="x"
        )
    with pytest.raises(ValidationError):  # a unit that does not govern the place
        services.escalate(
            dispute, people.township_handler, to_level="county_meeting", to_unit=org.other_bureau, reason="x"
        )


def test_closing_as_resolved_without_an_outcome_is_refused(org, people):
    dispute = new_dispute(people.township_handler, org.qingbo, level="township")
    with pytest.raises(ValidationError) as caught:
        services.close(dispute, people.township_handler, outcome="resolved", note="  ")
    assert "化解结果" in caught.value.message_dict["note"][0]
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN and not Event.objects.filter(action="close_dispute").exists()


def test_entering_the_petition_procedure_links_a_registered_petition(org, people, frozen_clock):
    frozen_clock(when("2026-03-05 09:00"))
    dispute = new_dispute(people.bureau_handler, org.qingbo, level="county_meeting")
    with pytest.raises(ValidationError):
        services.close(dispute, people.bureau_handler, outcome="petition")
    from tests import factories as f

    petition = f.register(people.registrar)
    services.close(dispute, people.bureau_handler, outcome="petition", petition=petition)
    dispute.refresh_from_db()
    assert dispute.petition == petition and dispute.outcome == Outcome.PETITION
    assert Event.objects.get(action="close_dispute").petition == petition


def test_an_agreement_reached_must_be_written_down(org, people):
    dispute = new_dispute(people.township_handler, org.qingbo, level="township")
    with pytest.raises(ValidationError):
        services.mediate(dispute, people.township_handler, kind="judicial", body="区法院诉调对接中心",
                         mediated_on=day("2026-03-01"), agreed=True)  # fmt: skip
    assert not Mediation.objects.exists()


def test_a_unit_cannot_record_outside_its_area_or_work_on_others(org, people):
    with pytest.raises(ValidationError):
        new_dispute(people.other_township_handler, org.qingbo, level="township")
    dispute = new_dispute(people.township_handler, org.qingbo, level="township")
    with pytest.raises(PermissionDenied):
        services.close(dispute, people.other_township_handler, outcome="resolved", note="x")
    assert Dispute.objects.count() == 1


def test_the_ledger_holds_no_register_of_people():
    names = {field.name for field in Dispute._meta.get_fields()}
    assert not names & {"petitioner", "person", "watch", "key_person", "stability_control"}
    assert {"parties", "matter"} <= names
