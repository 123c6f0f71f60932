"""Workflow events someone must hear about, on ``workflow.hooks.after_transition`` (run after commit).

* every hand-over of the transition table → the people whose turn it is (``workflow.handovers`` says who,
  ``HANDOVER_MESSAGES`` what they read): the receiving unit after a transfer, the bureau after an objection,
  the handlers after acceptance, whoever delivers after a reply, the reviewers after a review request;
* a petitioner is dissatisfied → the supervisors of the bureau that received the petition;
* every step the petitioner must know of → the petitioner, by SMS with the query-code hint (Arts. 18, 21).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.urls import reverse

from xinfang.orgs.models import OrgUnit, Role
from xinfang.workflow import actors, handovers, hooks
from xinfang.workflow.units import awaiting_confirmation

from . import services
from .models import Kind
from .recipients import staff_by_unit

logger = logging.getLogger(__name__)

SUPERVISING_ROLES = (Role.SUPERVISOR,)


def connect() -> None:
    hooks.register_after_transition(on_transition)


def on_transition(performed) -> None:
    # Runs after the transition committed: a failure here must not reach the user whose action succeeded.
    try:
        _dispatch(performed)
    except Exception:
        logger.exception("notifying about %s on petition %s failed", performed.action, performed.petition.pk)


def _unit(code) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first() if code else None


def _cn_date(value) -> str:
    if isinstance(value, str):  # a date as the audit record keeps it
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return ""
    return f"{value:%Y年%m月%d日}" if value else ""


# What the petitioner is told at each step. Plain words, no staff names, nothing about the accused: the same
# text goes to an accuser. Steps the petitioner takes themselves (rating, appeals) are not echoed back.
PETITIONER_MESSAGES = {
    "transfer": lambda p, d: f"您的信访事项已转送{_unit_name(d.get('to_unit'), p)}办理。",
    "assign": lambda p, d: f"您的信访事项已交办{_unit_name(d.get('to_unit'), p)}办理。",
    "handle_self": lambda p, d: "信访部门已受理您的信访事项。",
    "accept": lambda p, d: f"您的信访事项已受理，将于{_cn_date(p.handling_due_on)}前作出处理意见。",
    "extend": lambda p, d: f"您的信访事项办理期限延长至{_cn_date(p.handling_due_on)}，延期理由见书面告知。",
    "reply": lambda p, d: "您的信访事项已作出处理意见，请查收处理意见书。",
    "deliver": lambda p, d: (
        "处理意见书已送达。如不服，可在收到之日起30日内请求复查；也可在网上对办理情况进行评价。"
    ),
    "direct_to_legal_route": lambda p, d: (
        "您反映的事项应通过法定途径解决，请按告知书所列途径向有关机关提出。"
    ),
    "decline": lambda p, d: "您的信访事项不予受理，理由见书面告知。",
    "review_opinion": lambda p, d: "复查意见已作出。如不服，可在收到之日起30日内请求复核。",
    "re_review_opinion": lambda p, d: "复核意见已作出。该信访事项已经复核，同一事实和理由不再受理。",
}


def _unit_name(code, petition) -> str:
    unit = _unit(code) or petition.responsible_unit
    return unit.name if unit else "有关单位"


def _tell_petitioner(performed) -> None:
    message = PETITIONER_MESSAGES.get(performed.action)
    if message is None or not getattr(performed.actor, "pk", None):
        # Not a step to report; or the petitioner acted themselves (portal, phone); or the importer is
        # replaying history, which the petitioner was told of at the time.
        return
    services.notify_petitioner(performed.petition, message(performed.petition, performed.data or {}))


def _routed(label: str):
    def text(petition, performed) -> tuple[str, str]:
        due = f"，请于{petition.report_due_on:%Y年%m月%d日}前报告办理结果" if petition.report_due_on else ""
        return (
            f"收到{label}信访事项 {petition.registration_number}",
            f"{petition.summary}\n请在收到之日起15日内决定是否受理{due}。",
        )

    return text


def _replied(petition) -> tuple[str, str]:
    if awaiting_confirmation(petition):
        return (
            f"信访事项 {petition.registration_number} 已报结，待交办机关审核认定办结",
            "交办机关审核认定办结后，由承办单位将处理意见书送达信访人；不符合要求的退回重办。",
        )
    return (
        f"信访事项 {petition.registration_number} 已答复，待送达",
        "请将处理意见书送达信访人，并记录送达方式和收到日期。",
    )


def _due(petition) -> str:
    return f"，办理期限至{_cn_date(petition.handling_due_on)}" if petition.handling_due_on else ""


def _review_due(stage: str):
    def text(petition, performed) -> tuple[str, str]:
        due = _cn_date((performed.data or {}).get("due_on"))
        level = "复查" if stage == "review" else "复核"
        return (
            f"收到{level}请求 {petition.registration_number}",
            f"{petition.summary}\n请{f'于{due}前' if due else '在30日内'}作出{level}意见。",
        )

    return text


# What the people whose turn it is are told, per hand-over (``workflow.handovers.HANDOVERS`` says who).
HANDOVER_MESSAGES = {
    "transfer": (Kind.ROUTED, _routed("转送")),
    "assign": (Kind.ROUTED, _routed("交办")),
    "object": (
        Kind.OBJECTED,
        lambda p, e: (
            f"信访事项 {p.registration_number} 被退回：承办单位提出异议",
            f"异议理由：{e.event.reason}\n请重新分类处理。",
        ),
    ),
    "accept": (
        Kind.ACCEPTED,
        lambda p, e: (f"信访事项 {p.registration_number} 已受理，待办理答复", f"{p.summary}{_due(p)}。"),
    ),
    "handle_self": (
        Kind.ACCEPTED,
        lambda p, e: (f"信访事项 {p.registration_number} 已直接受理，待办理答复", f"{p.summary}{_due(p)}。"),
    ),
    "reply": (Kind.REPLIED, lambda p, e: _replied(p)),
    "urge": (
        Kind.URGED,
        lambda p, e: (f"交办机关催办信访事项 {p.registration_number}", f"催办内容：{e.data.get('text', '')}"),
    ),
    "add_supplement": (
        Kind.SUPPLEMENTED,
        lambda p, e: (
            f"交办机关补充了信访事项 {p.registration_number} 的材料",
            f"补充内容：{e.data.get('text', '')}",
        ),
    ),
    "confirm_conclusion": (
        Kind.CONFIRMED,
        lambda p, e: (
            f"信访事项 {p.registration_number} 已审核认定办结，待送达",
            "请将处理意见书送达信访人，并记录送达方式和收到日期。",
        ),
    ),
    "return_for_rework": (
        Kind.RETURNED,
        lambda p, e: (
            f"信访事项 {p.registration_number} 被退回重办",
            f"退回理由：{e.event.reason}\n请重新办理并报结{_due(p)}。",
        ),
    ),
    "request_review": (Kind.REVIEW_REQUESTED, _review_due("review")),
    "request_re_review": (Kind.REVIEW_REQUESTED, _review_due("re_review")),
}


def _replayed(actor) -> bool:
    """History replayed by the importer or the demo (a unit as such, or the petitioner "via import"): its
    hand-overs happened long ago and nobody's turn comes from them."""
    return isinstance(actor, actors.UnitActor) or (actors.is_petitioner(actor) and actor.via == "import")


def _hand_over(performed) -> None:
    message = HANDOVER_MESSAGES.get(performed.action)
    if message is None or _replayed(performed.actor):
        return
    people = handovers.recipients(performed.petition, performed.action, performed.actor)
    kind, text = message
    title, body = text(performed.petition, performed)
    services.notify(
        people,
        kind=kind,
        title=title,
        body=body,
        petition=performed.petition,
        url=reverse("petitions:detail", args=[performed.petition.pk]),
    )


def _dispatch(performed) -> None:
    _tell_petitioner(performed)
    _hand_over(performed)
    petition, data = performed.petition, performed.data or {}
    url = reverse("petitions:detail", args=[petition.pk])
    number = petition.registration_number
    if performed.action == "rate" and data.get("dissatisfied"):
        receiving = petition.receiving_unit
        bureau = receiving.bureau() or receiving
        people = staff_by_unit([bureau.pk], SUPERVISING_ROLES, fallback=[Role.BUREAU_LEADER])[bureau.pk]
        services.notify(
            people,
            kind=Kind.DISSATISFIED,
            title=f"信访事项 {number} 评价为不满意",
            body=f"评价理由：{performed.event.reason or '未说明'}",
            petition=petition,
            url=url,
        )
