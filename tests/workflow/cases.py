"""Every action of the transition table as a scene: the state to reach, who acts, what they submit, what must
follow. Shared by the workbench view tests and the API tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests import factories as f
from xinfang.evaluation.models import Rating
from xinfang.petitions.models import Channel, Status, Track


@dataclass
class Case:
    """One action: the state to drive a petition to, who acts, what they post, what must follow."""

    action: str
    state: str
    actor: str  # a persona on `people`, or "city_reviewer" on the scene
    data: Any  # dict, or fn(scene) -> dict
    expect: Any  # fn(petition) -> bool
    drive: dict = field(default_factory=dict)  # overrides for scene.drive


def _repeat_petition(scene):
    earlier = scene.drive("accepted")
    return scene.petition("2026-03-10 09:00", repeat_of=earlier)


CASES = [
    Case(
        "transfer",
        "registered",
        "registrar",
        lambda s: {"to_unit": s.org.qingbo_unit.pk},
        lambda p: p.status == Status.TRANSFERRED and p.responsible_unit.name == "清波街道办事处",
    ),
    Case(
        "assign",
        "registered",
        "registrar",
        lambda s: {"to_unit": s.org.housing.pk, "report_days": 20},
        lambda p: p.status == Status.ASSIGNED and p.routings.get(is_current=True).report_due is not None,
    ),
    Case(
        "handle_self",
        "registered",
        "registrar",
        {"track": "ordinary"},
        lambda p: p.status == Status.ACCEPTED and p.responsible_unit.kind == "bureau",
    ),
    Case(
        "direct_to_legal_route",
        "registered",
        "registrar",
        {"legal_route": "litigation", "body": "上城区人民法院", "text": "请向人民法院提起诉讼"},
        lambda p: p.status == Status.CLOSED and p.legal_route == "litigation",
    ),
    Case(
        "conclude_on_spot",
        "registered",
        "registrar",
        {"outcome": "explained", "text": "当场解释政策，信访人表示理解"},
        lambda p: p.status == Status.CONCLUDED,
        drive={"channel": Channel.VISIT},
    ),
    Case(
        "decline",
        "repeat",
        "registrar",
        {"reason": "same_matter_pending", "text": "原事项正在办理"},
        lambda p: p.status == Status.CLOSED and p.closed_reason == "same_matter_pending",
    ),
    Case(
        "accept",
        "transferred",
        "township_handler",
        {"track": "ordinary"},
        lambda p: p.status == Status.ACCEPTED and p.handling_due_on is not None,
    ),
    Case(
        "object",
        "transferred",
        "township_handler",
        {"reason": "该事项属于区住建局职责"},
        lambda p: p.status == Status.REGISTERED and p.responsible_unit is None,
    ),
    Case(
        "extend",
        "accepted",
        "township_handler",
        lambda s: {"days": 30, "reason": "需现场勘验", "approved_by": s.people.township_leader.pk},
        lambda p: p.status == Status.ACCEPTED and p.extension_days == 30,
    ),
    Case(
        "switch_to_simplified",
        "accepted",
        "township_handler",
        {"ground": "consultation"},
        lambda p: p.track == Track.SIMPLIFIED,
    ),
    Case(
        "switch_to_ordinary",
        "simplified",
        "township_handler",
        {"reason": "情况复杂，需调查核实"},
        lambda p: p.track == Track.ORDINARY,
    ),
    Case(
        "reply",
        "accepted",
        "township_handler",
        {"opinion": "support", "text": "经核查，予以支持。"},
        lambda p: p.status == Status.REPLIED and p.reply_opinion == "support",
    ),
    Case(
        "deliver",
        "replied",
        "township_handler",
        {"method": "post", "received_on": "2026-04-01"},
        lambda p: p.status == Status.CONCLUDED and str(p.reply_received_on) == "2026-04-01",
    ),
    Case(
        "rate",
        "concluded",
        "registrar",
        {"target": "unit", "rating": "satisfied", "via": "phone"},
        lambda p: Rating.objects.filter(petition=p, target="unit", rating="satisfied").exists(),
    ),
    Case(
        "request_review",
        "concluded",
        "reviewer",
        {"via": "reception", "text": "对处理意见不服"},
        lambda p: p.status == Status.UNDER_REVIEW,
    ),
    Case(
        "review_opinion",
        "under_review",
        "reviewer",
        {"decision": "uphold", "text": "维持原处理意见", "received_on": "2026-04-10"},
        lambda p: p.status == Status.REVIEWED,
    ),
    Case(
        "request_re_review",
        "reviewed",
        "city_registrar",
        {"via": "letter"},
        lambda p: p.status == Status.UNDER_RE_REVIEW,
    ),
    Case(
        "record_hearing",
        "under_re_review",
        "city_reviewer",
        {"hearing_days": 5, "text": "举行听证"},
        lambda p: p.deadlines.get(stage="re_review").paused_days == 5,
    ),
    Case(
        "re_review_opinion",
        "under_re_review",
        "city_reviewer",
        {"decision": "uphold", "text": "维持", "received_on": "2026-04-25"},
        lambda p: p.status == Status.TERMINATED,
    ),
    Case(
        "resolve",
        "accepted",
        "township_handler",
        {"text": "已达成和解"},
        lambda p: p.is_resolved,
    ),
    Case(
        "set_co_handlers",
        "accepted",
        "bureau_handler",
        lambda s: {
            "lead_unit": s.org.qingbo_unit.pk,
            "supporting_units": [s.org.housing.pk],
            "text": "经协商确定",
        },
        lambda p: p.co_handlers.filter(is_current=True, role="supporting", unit__code="330102-ZJJ").exists(),
    ),
    Case(
        "add_support_opinion",
        "co_handled",
        "department_handler",
        {"text": "建议依据住房保障政策予以解决"},
        lambda p: p.status == Status.ACCEPTED,
    ),
    Case(
        "record_settlement",
        "concluded",
        "bureau_handler",
        {"settlement": "agreement", "text": "双方签订和解协议，信访人息诉"},
        lambda p: p.settlement == "agreement" and p.settled_at is not None,
    ),
    Case(
        "sign_for",
        "transferred",
        "township_handler",
        {"text": "已签收"},
        lambda p: p.routings.get(is_current=True).signed_for_at is not None,
    ),
    Case(
        "urge",
        "assigned",
        "bureau_handler",
        {"text": "请于三日内受理并报告进展"},
        lambda p: p.status == Status.ASSIGNED,
        drive={"assigned": True},
    ),
    Case(
        "add_supplement",
        "accepted",
        "registrar",
        {"text": "信访人补充提交了房屋租赁合同复印件"},
        lambda p: p.status == Status.ACCEPTED,
        drive={"assigned": True},
    ),
    Case(
        "confirm_conclusion",
        "replied",
        "bureau_handler",
        {"text": "办理结果符合要求，同意办结"},
        lambda p: p.routings.get(is_current=True).result_confirmed_at is not None,
        drive={"assigned": True},
    ),
    Case(
        "return_for_rework",
        "replied",
        "bureau_handler",
        {"reason": "未说明补偿标准的政策依据"},
        lambda p: p.status == Status.ACCEPTED and p.routings.get(is_current=True).rework_count == 1,
        drive={"assigned": True},
    ),
    Case(
        "merge_into",
        "registered",
        "registrar",
        lambda s: {"survivor": f.register(s.people.registrar).registration_number},
        lambda p: p.status == Status.MERGED and p.merged_into_id is not None,
    ),
]
BY_ACTION = {case.action: case for case in CASES}


def prepare(scene, case: Case):
    if case.state == "repeat":
        petition = _repeat_petition(scene)
    elif case.state == "simplified":
        petition = scene.drive("transferred")
        scene.do(
            petition,
            "accept",
            scene.people.township_handler,
            "2026-03-05",
            track="simplified",
            ground="consultation",
        )
    elif case.state == "co_handled":
        petition = scene.drive("accepted")
        scene.do(
            petition,
            "set_co_handlers",
            scene.people.bureau_handler,
            "2026-03-05",
            lead_unit=scene.org.qingbo_unit,
            supporting_units=[scene.org.housing],
        )
    else:
        petition = scene.drive(case.state, **case.drive)
    actor = scene.city_reviewer if case.actor == "city_reviewer" else getattr(scene.people, case.actor)
    data = case.data(scene) if callable(case.data) else dict(case.data)
    return petition, actor, data
