"""What the petitioner is told about their petition: the dated steps, in plain Chinese.

Built from the petition's audit events and documents through a whitelist: an event whose action is not listed
here (corrections, objections between units, supervision, resolution marks, internal notes, anything added
later) is not shown. Staff are named by their unit, never by name; event data is read key by key, so an
internal note, an approver's name or another person's petition number never reaches the page.

For an accusation the accuser sees that the matter was registered, where it went and what was decided, and
the notices addressed to them — nothing about the accused unit's side (Arts. 30, 46).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from xinfang import clock
from xinfang.audit.models import Event
from xinfang.deadlines.models import Stage
from xinfang.documents.models import Document, DocumentKind
from xinfang.evaluation.models import RatingTarget, RatingValue, ReviewDecision, ReviewLevel
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import (
    ClosedReason,
    LegalRoute,
    Petition,
    PetitionClass,
    ReplyOpinion,
    Status,
    Track,
)
from xinfang.workflow.review_bodies import body_name

# Documents addressed to the petitioner; a supervision letter goes between offices.
PUBLIC_DOCUMENT_KINDS = [kind for kind in DocumentKind.values if kind != DocumentKind.SUPERVISION_LETTER]

STATUS_TEXT = {
    Status.REGISTERED: "已登记，信访部门正在分类处理",
    Status.TRANSFERRED: "已转送有权处理的单位，等待其决定是否受理",
    Status.ASSIGNED: "已交办有关单位，等待其决定是否受理",
    Status.ACCEPTED: "已受理，正在办理",
    Status.REPLIED: "已作出处理意见，正在送达",
    Status.CONCLUDED: "已办结，处理意见已送达",
    Status.CLOSED: "已书面告知，不再按信访程序办理",
    Status.UNDER_REVIEW: "复查中",
    Status.REVIEWED: "已作出复查意见",
    Status.UNDER_RE_REVIEW: "复核中",
    Status.TERMINATED: "已复核，信访程序终结",
    Status.MERGED: "与重复登记的同一事项合并办理",
}

# What the unit that owes the next step must do by its due date (internal stages such as the report to a
# higher bureau or a unit's objection window are not the petitioner's business).
DUTY_TEXT = {
    Stage.ROUTE: "决定转送、交办或直接受理，并告知您",
    Stage.NOTIFY_DIRECT: "书面告知您是否受理",
    Stage.ACCEPT: "决定是否受理，并书面告知您",
    Stage.HANDLE: "办理完毕并出具处理意见",
    Stage.SIMPLIFIED: "简易办理并答复您",
    Stage.REVIEW: "作出复查意见",
    Stage.RE_REVIEW: "作出复核意见",
}


@dataclass
class Step:
    at: dt.datetime
    title: str
    detail: str = ""
    unit: str = ""
    documents: list[Document] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return clock.local_date(self.at)


def _unit_name(code) -> str:
    if not code:
        return ""
    unit = OrgUnit.objects.filter(code=str(code)).only("name").first()
    return unit.name if unit else ""


def _body_name(code) -> str:
    """The review body a request went to, named as process.md §4 says."""
    unit = OrgUnit.objects.filter(code=str(code)).first() if code else None
    return body_name(unit)


def _date(value) -> str:
    if not value:
        return ""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def _label(choices, value) -> str:
    return choices(value).label if value in choices.values else ""


Describe = Callable[[Event, Petition], tuple[str, str] | None]


def _register(event: Event, petition: Petition) -> tuple[str, str]:
    return "收到并登记", f"登记编号 {petition.registration_number}。"


def _route(verb: str) -> Describe:
    def describe(event: Event, petition: Petition) -> tuple[str, str]:
        name = _unit_name(event.data.get("to_unit"))
        return f"已{verb}", f"{verb}至{name}办理。" if name else f"已{verb}有权处理的单位。"

    return describe


def _accepted(event: Event, petition: Petition) -> tuple[str, str]:
    due = _date(event.data.get("handling_due_on"))
    track = "（简易办理）" if event.data.get("track") == Track.SIMPLIFIED else ""
    return f"已受理{track}", f"应于{due}前办理完毕并出具处理意见。" if due else ""


def _legal_route(event: Event, petition: Petition) -> tuple[str, str]:
    route = _label(LegalRoute, event.data.get("legal_route"))
    body = str(event.data.get("body") or "")
    detail = f"该事项应通过{route}解决" + (f"，请向{body}提出。" if body else "。")
    return "已告知通过法定途径解决", detail


def _declined(event: Event, petition: Petition) -> tuple[str, str]:
    if event.data.get("reason") == ClosedReason.MATTER_TERMINATED:
        return "不再受理", "同一事项已经复核终结，依法不再受理（《信访工作条例》第三十六条）。"
    return "不予受理", "同一事项正在办理或者仍在复查、复核期限内，不重复受理（《信访工作条例》第十九条）。"


def _on_spot(event: Event, petition: Petition) -> tuple[str, str]:
    return "已现场办结", "接待时已当场协调处理。"


def _extended(event: Event, petition: Petition) -> tuple[str, str]:
    days = event.data.get("days")
    due = _date(event.data.get("new_due_on") or event.data.get("due_on"))
    detail = f"办理期限延长{days}日，至{due}。" if days and due else "办理期限已依法延长。"
    if event.reason:
        detail += f"延期理由：{event.reason}"
    return "延长办理期限", detail


def _simplified(event: Event, petition: Petition) -> tuple[str, str]:
    due = _date(event.data.get("handling_due_on"))
    return "适用简易办理", f"应于{due}前答复。" if due else ""


def _ordinary(event: Event, petition: Petition) -> tuple[str, str]:
    due = _date(event.data.get("handling_due_on"))
    return "转为普通程序办理", f"应于{due}前办理完毕。" if due else ""


def _replied(event: Event, petition: Petition) -> tuple[str, str]:
    opinion = _label(ReplyOpinion, event.data.get("opinion"))
    return "作出处理意见", f"处理意见：{opinion}。" if opinion else ""


def _delivered(event: Event, petition: Petition) -> tuple[str, str]:
    received = _date(event.data.get("received_on"))
    return "处理意见已送达", f"您于{received}收到处理意见。" if received else ""


def _rated(event: Event, petition: Petition) -> tuple[str, str]:
    target = _label(RatingTarget, event.data.get("target"))
    value = _label(RatingValue, event.data.get("value"))
    return "您作出了评价", f"对{target}的评价：{value}。" if target and value else ""


def _requested(level: str) -> Describe:
    def describe(event: Event, petition: Petition) -> tuple[str, str]:
        name, due = _body_name(event.data.get("unit")), _date(event.data.get("due_on"))
        detail = f"由{name}{level}" if name else ""
        if due:
            detail += f"，应于{due}前作出{level}意见"
        return f"您请求{level}", f"{detail}。" if detail else ""

    return describe


def _decided(level: str) -> Describe:
    def describe(event: Event, petition: Petition) -> tuple[str, str]:
        decision = _label(ReviewDecision, event.data.get("decision"))
        title = f"作出{level}意见"
        if level == ReviewLevel.RE_REVIEW.label:
            return title, (f"{decision}。" if decision else "") + "复核意见为最终意见，信访程序终结。"
        return title, f"{decision}。" if decision else ""

    return describe


def _hearing(event: Event, petition: Petition) -> tuple[str, str]:
    due = _date(event.data.get("due_on"))
    return "举行听证", f"听证时间不计入复核期限，复核期限顺延至{due}。" if due else "听证时间不计入复核期限。"


DESCRIBE: dict[str, Describe] = {
    "register": _register,
    "transfer": _route("转送"),
    "assign": _route("交办"),
    "handle_self": _accepted,
    "accept": _accepted,
    "direct_to_legal_route": _legal_route,
    "decline": _declined,
    "conclude_on_spot": _on_spot,
    "extend": _extended,
    "switch_to_simplified": _simplified,
    "switch_to_ordinary": _ordinary,
    "reply": _replied,
    "deliver": _delivered,
    "rate": _rated,
    "request_review": _requested("复查"),
    "review_opinion": _decided("复查"),
    "request_re_review": _requested("复核"),
    "record_hearing": _hearing,
    "re_review_opinion": _decided("复核"),
}
# What an accuser is shown: where the matter went and what was decided; no extension reasons, no hearing.
ACCUSATION_ACTIONS = {
    "register",
    "transfer",
    "assign",
    "handle_self",
    "accept",
    "direct_to_legal_route",
    "decline",
    "reply",
    "deliver",
}


def public_documents(petition: Petition):
    return (
        Document.objects.filter(petition=petition, kind__in=PUBLIC_DOCUMENT_KINDS)
        .select_related("issuing_unit")
        .order_by("issued_at", "id")
    )


def steps(petition: Petition) -> list[Step]:
    allowed = ACCUSATION_ACTIONS if petition.petition_class == PetitionClass.ACCUSATION else set(DESCRIBE)
    events = Event.objects.filter(petition=petition, action__in=allowed).select_related("actor_unit")
    documents = list(public_documents(petition))
    by_event: dict[int, list[Document]] = {}
    for document in documents:
        if document.event_id:
            by_event.setdefault(document.event_id, []).append(document)
    shown: list[Step] = []
    for event in events.order_by("at", "id"):
        described = DESCRIBE[event.action](event, petition)
        if described is None:
            continue
        title, detail = described
        unit = event.actor_unit.name if event.actor_unit else ""
        if event.action == "register":
            unit = petition.receiving_unit.name
        shown.append(Step(event.at, title, detail, unit, by_event.pop(event.pk, [])))
    attached = {d.pk for step in shown for d in step.documents}
    for document in documents:
        if document.pk not in attached:
            shown.append(
                Step(
                    document.issued_at,
                    f"出具《{document.title}》",
                    "",
                    document.issuing_unit.name,
                    [document],
                )
            )
    shown.sort(key=lambda step: step.at)
    return shown


def status_text(petition: Petition) -> str:
    return STATUS_TEXT.get(petition.status, petition.get_status_display())
