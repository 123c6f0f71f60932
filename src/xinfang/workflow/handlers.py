"""The rules and effects of each action, beyond what its row in the transition table states.

A handler is called by ``services.perform`` inside the transaction, with the petition row locked and the
row's state, role and unit rules already checked. It validates the data (raising ``TransitionRefused`` with a
Chinese reason: the transaction rolls back, so nothing changes), then writes its records and deadlines and
sets fields on ``ctx.petition``; ``perform`` saves the petition and writes the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import (
    Rating,
    RatingTarget,
    RatingValue,
    RatingVia,
    Review,
    ReviewDecision,
    ReviewLevel,
)
from xinfang.orgs.models import OrgUnit, Role, UnitKind
from xinfang.petitions.models import (
    OPEN_STATUSES,
    Channel,
    ClosedReason,
    LegalRoute,
    Petition,
    PetitionClass,
    ReplyOpinion,
    Status,
    Track,
)

from . import actors
from . import petition_deadlines as deadlines
from .errors import TransitionRefused
from .models import DeadlineStatus, DeliveryMethod, Extension, Reply, ReplyForm, Routing, RoutingAction
from .transitions import Notice, Transition
from .units import current_routing, is_accused

CONFIDENTIALITY_REFUSAL = (
    "检举控告事项不得交由被检举控告的单位或人员所在单位办理（《信访工作条例》第三十条、第四十六条）。"
)

SIMPLIFIED_GROUNDS = {
    "clear_and_simple": "事实清楚、责任明确、争议不大的初信初访事项",
    "consultation": "咨询、建议、感谢类事项",
    "urgent_livelihood": "涉及群众日常生产生活的紧急事项",
    "already_settled": "已有明确处理意见或依法作出决定的事项",
}
ON_SPOT_OUTCOMES = {"explained": "解释说明", "resolved": "当场解决", "directed": "引导通过其他渠道"}
MAX_HEARING_DAYS = 365


@dataclass
class Context:
    petition: Petition  # locked
    row: Transition
    actor: Any
    at: dt.datetime
    data: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)  # what the event's ``data`` keeps
    reason: str = ""
    notice: str = ""

    @property
    def day(self) -> dt.date:
        return clock.local_date(self.at)

    @property
    def unit(self) -> OrgUnit | None:
        return getattr(self.actor, "unit", None)

    def refuse(self, message: str, *, code: str = "data", field: str | None = None):
        raise TransitionRefused(message, code=code, field=field)


# --- Reading the data ---------------------------------------------------------------------------------------


def _text(ctx: Context, key: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = ctx.data.get(key)
    text = "" if value is None else str(value).strip()
    if required and not text:
        ctx.refuse("请填写此项。", field=key)
    if len(text) > max_length:
        ctx.refuse(f"不超过{max_length}字。", field=key)
    return text


def _choice(ctx: Context, key: str, choices, message: str, *, default: str | None = None) -> str:
    value = ctx.data.get(key) or default
    allowed = choices.values if isinstance(choices, type) else list(choices)
    if value not in allowed:
        ctx.refuse(message, field=key)
    return value


def _int(ctx: Context, key: str, low: int, high: int, message: str, *, default: int | None = None) -> int:
    value = ctx.data.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        ctx.refuse("请填写整数。", field=key)
    if isinstance(value, float) and value != number:
        ctx.refuse("请填写整数。", field=key)
    if not low <= number <= high:
        ctx.refuse(message, field=key)
    return number


def _date(ctx: Context, key: str) -> dt.date:
    value = ctx.data.get(key)
    if isinstance(value, dt.datetime):
        return clock.local_date(value)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        ctx.refuse("日期格式应为 YYYY-MM-DD。", field=key)


def _unit(ctx: Context, key: str) -> OrgUnit:
    value = ctx.data.get(key)
    unit = None
    if isinstance(value, OrgUnit):
        unit = value
    elif isinstance(value, int) or (isinstance(value, str) and value.isdigit() and len(value) < 9):
        unit = OrgUnit.objects.filter(pk=int(value)).first()
    if unit is None and isinstance(value, str):
        unit = OrgUnit.objects.filter(code=value).first()
    if unit is None or not unit.is_active:
        ctx.refuse("单位不存在或已停用。", field=key)
    return unit


def _approver(ctx: Context, key: str):
    value = ctx.data.get(key)
    if isinstance(value, actors.UnitActor) or hasattr(value, "has_role"):
        return value
    user = get_user_model().objects.filter(pk=value).select_related("unit").first() if value else None
    if user is None:
        ctx.refuse("批准人不存在。", field=key)
    return user


# --- Shared effects -----------------------------------------------------------------------------------------


def _close(ctx: Context, stages, *, unit: OrgUnit | None = None, cancel: bool = False):
    filters = {"unit": unit} if unit is not None else {}
    return deadlines.close_stages(ctx.petition, stages, ctx.at, cancel=cancel, **filters)


def _open(ctx: Context, stage: str, unit: OrgUnit | None, starts_on: dt.date | None = None, **kwargs):
    try:
        return deadlines.open_deadline(ctx.petition, stage, unit, starts_on or ctx.day, ctx.at, **kwargs)
    except (LookupError, ValueError) as exc:
        ctx.refuse(f"无法计算期限：{exc}", code="rules")


def _refuse_if_accused(ctx: Context, unit: OrgUnit, key: str | None = None) -> None:
    if is_accused(ctx.petition, unit):
        ctx.refuse(CONFIDENTIALITY_REFUSAL, code="confidential", field=key)


def _set_responsible(petition: Petition, unit: OrgUnit | None) -> None:
    petition.responsible_unit = unit
    petition.responsible_region_code = unit.region.code if unit is not None else ""


def _start_handling(ctx: Context, unit: OrgUnit, track: str, starts_on: dt.date | None = None) -> None:
    stage = Stage.SIMPLIFIED if track == Track.SIMPLIFIED else Stage.HANDLE
    deadline = _open(ctx, stage, unit, starts_on)
    ctx.petition.track = track
    ctx.petition.handling_due_on = deadline.due_on
    ctx.record["handling_due_on"] = deadline.due_on


def _track(ctx: Context) -> str:
    track = _choice(ctx, "track", Track, "办理程序无效。", default=Track.ORDINARY)
    if track == Track.SIMPLIFIED:
        _simplified_ground(ctx)
    ctx.record["track"] = track
    return track


def _simplified_ground(ctx: Context) -> str:
    ground = ctx.data.get("ground")
    if ground not in SIMPLIFIED_GROUNDS:
        ctx.refuse("请选择适用简易办理的情形。", field="ground")
    if ground == "clear_and_simple" and ctx.petition.is_repeat:
        ctx.refuse("重复信访事项不能以“事实清楚简单的初信初访”适用简易办理。", field="ground")
    ctx.record["ground"] = ground
    return ground


def _accepted(ctx: Context, unit: OrgUnit, closed) -> None:
    petition = ctx.petition
    petition.accepted_at = ctx.at
    done = [d for d in closed if d.on_time is not None]
    petition.accepted_on_time = done[0].on_time if done else None
    _set_responsible(petition, unit)


def _bureau_of(petition: Petition) -> OrgUnit:
    receiving = petition.receiving_unit
    return receiving.bureau() or receiving


def _eligible_for_rating(petition: Petition) -> bool:
    return petition.petition_class != PetitionClass.ACCUSATION and not petition.legal_route


# --- Routing (process.md §3) --------------------------------------------------------------------------------


def _route(ctx: Context, action: str, to_unit: OrgUnit, report_due: dt.date | None = None) -> Routing:
    petition = ctx.petition
    from_unit = ctx.unit
    if to_unit.pk == from_unit.pk:
        ctx.refuse("不能转送、交办给本单位；本单位办理请选择直接受理。", field="to_unit")
    _refuse_if_accused(ctx, to_unit, "to_unit")
    previous = current_routing(petition)
    if previous is not None:  # a bureau passing on what was sent to it: its own acceptance is done
        previous.is_current = False
        previous.accepted_at = previous.accepted_at or ctx.at
        previous.save(update_fields=["is_current", "accepted_at"])
    _close(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.ACCEPT), unit=from_unit)
    routing = Routing.objects.create(
        petition=petition,
        action=action,
        from_unit=from_unit,
        to_unit=to_unit,
        sent_at=ctx.at,
        report_due=report_due,
    )
    _set_responsible(petition, to_unit)
    petition.routed_at = ctx.at
    _open(ctx, Stage.ACCEPT, to_unit)
    ctx.record.update({"routing": routing.pk, "from_unit": from_unit.code, "to_unit": to_unit.code})
    return routing


def transfer(ctx: Context) -> None:
    _route(ctx, RoutingAction.TRANSFER, _unit(ctx, "to_unit"))


def assign(ctx: Context) -> None:
    to_unit = _unit(ctx, "to_unit")
    if ctx.data.get("report_due") not in (None, ""):
        report_due = _date(ctx, "report_due")
        if report_due <= ctx.day:
            ctx.refuse("报结时限应晚于交办日期。", field="report_due")
    elif ctx.data.get("report_days") not in (None, ""):
        days = _int(ctx, "report_days", 1, 365, "报结天数应在1至365日之间。")
        try:
            report_due = deadline_rules.compute_due(Stage.REPORT, ctx.day, days).due
        except (LookupError, ValueError) as exc:
            ctx.refuse(f"无法计算报结时限：{exc}", code="rules")
    else:
        ctx.refuse("交办须设定报结时限。", field="report_due")
    _route(ctx, RoutingAction.ASSIGN, to_unit, report_due)
    _open(ctx, Stage.REPORT, to_unit, due_on=report_due)
    ctx.record["report_due"] = report_due


def handle_self(ctx: Context) -> None:
    unit = ctx.unit
    _refuse_if_accused(ctx, unit)
    track = _track(ctx)
    closed = _close(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT), unit=unit)
    Routing.objects.create(
        petition=ctx.petition,
        action=RoutingAction.HANDLE_SELF,
        from_unit=unit,
        to_unit=unit,
        sent_at=ctx.at,
        accepted_at=ctx.at,
    )
    _accepted(ctx, unit, closed)
    ctx.petition.routed_at = ctx.at
    _start_handling(ctx, unit, track)


def direct_to_legal_route(ctx: Context) -> None:
    legal_route = _choice(ctx, "legal_route", LegalRoute, "请选择法定途径（条例第三十一条第一至四项）。")
    body = _text(ctx, "body", max_length=200)
    text = _text(ctx, "text", required=False)
    _close(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.ACCEPT, Stage.REPORT))
    petition = ctx.petition
    if petition.status == Status.REGISTERED:
        petition.routed_at = ctx.at
    petition.legal_route = legal_route
    petition.closed_at = ctx.at
    petition.closed_reason = ClosedReason.LEGAL_ROUTE
    ctx.record.update({"legal_route": legal_route, "body": body, "text": text, "unit": ctx.unit.code})


def conclude_on_spot(ctx: Context) -> None:
    petition = ctx.petition
    if petition.channel != Channel.VISIT:
        ctx.refuse("只有来访事项可以现场协调处理。", code="state")
    if ctx.day != clock.local_date(petition.received_at):
        ctx.refuse("现场协调处理须在来访当日办结。", code="window")
    text = _text(ctx, "text")
    outcome = _choice(ctx, "outcome", ON_SPOT_OUTCOMES, "处理结果无效。", default="explained")
    _close(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT))
    petition.routed_at = ctx.at
    petition.concluded_at = ctx.at
    _set_responsible(petition, ctx.unit)
    if outcome == "resolved":
        petition.is_resolved = True
        petition.resolved_at = ctx.at
    ctx.record.update({"text": text, "outcome": outcome})


def _ancestors(petition: Petition, limit: int = 50):
    seen, current = set(), petition.repeat_of
    while current is not None and current.pk not in seen and len(seen) < limit:
        seen.add(current.pk)
        yield current
        current = current.repeat_of


def status_at(petition: Petition, at: dt.datetime) -> str:
    """The petition's state at a past instant, from its audit trail (the importer replays history later)."""
    from xinfang.audit.models import Event

    last = (
        Event.objects.filter(petition=petition, at__lte=at)
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values_list("to_status", flat=True)
        .first()
    )
    return last or petition.status


def still_pending(earlier: Petition, day: dt.date, at: dt.datetime | None = None) -> bool:
    """Whether an earlier petition on the same matter is within its handling or review period (Art. 19(3)),
    judged at the moment of the decision (`at`), not today."""
    status = status_at(earlier, at) if at is not None else earlier.status
    if status in OPEN_STATUSES:
        return True
    try:
        if status == Status.CONCLUDED and earlier.reply_received_on:
            return day <= deadline_rules.compute_due(Stage.REQUEST_REVIEW, earlier.reply_received_on).due
        if status == Status.REVIEWED:
            review = Review.objects.filter(petition=earlier, level=ReviewLevel.REVIEW).first()
            if review is not None and review.received_on:
                return day <= deadline_rules.compute_due(Stage.REQUEST_RE_REVIEW, review.received_on).due
    except (LookupError, ValueError):
        return True
    return False


def decline(ctx: Context) -> None:
    reason = _choice(
        ctx,
        "reason",
        [ClosedReason.SAME_MATTER_PENDING, ClosedReason.MATTER_TERMINATED],
        "不予受理的理由只能是：同一事项正在办理或复查复核期内，或已三级终结。",
    )
    petition = ctx.petition
    if petition.repeat_of_id is None:
        ctx.refuse("只有关联了原信访事项的重复信访才能以此理由不予受理。", field="reason")
    earlier = list(_ancestors(petition))
    if reason == ClosedReason.MATTER_TERMINATED:
        match = next((p for p in earlier if p.status == Status.TERMINATED), None)
        if match is None:
            ctx.refuse("原信访事项尚未三级终结。", field="reason")
        ctx.notice = Notice.NO_REACCEPTANCE
    else:
        match = next((p for p in earlier if still_pending(p, ctx.day, ctx.at)), None)
        if match is None:
            ctx.refuse("原信访事项已不在办理或复查复核期内。", field="reason")
        ctx.notice = Notice.NON_ACCEPTANCE
    _close(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.ACCEPT, Stage.REPORT))
    if petition.status == Status.REGISTERED:
        petition.routed_at = ctx.at
    petition.closed_at = ctx.at
    petition.closed_reason = reason
    ctx.reason = _text(ctx, "text", required=False)
    ctx.record.update({"reason": reason, "earlier": match.registration_number, "unit": ctx.unit.code})


# --- Acceptance (Art. 23) -----------------------------------------------------------------------------------


def accept(ctx: Context) -> None:
    unit = ctx.unit
    _refuse_if_accused(ctx, unit)
    track = _track(ctx)
    routing = current_routing(ctx.petition)
    routing.accepted_at = ctx.at
    routing.save(update_fields=["accepted_at"])
    closed = _close(ctx, (Stage.ACCEPT,), unit=unit)
    _accepted(ctx, unit, closed)
    _start_handling(ctx, unit, track)


def object_window(petition: Petition, routing: Routing | None = None) -> dt.date:
    """The last day a unit may object to a transfer or assignment (5 working days from receipt)."""
    routing = routing or current_routing(petition)
    return deadline_rules.compute_due(Stage.OBJECT, clock.local_date(routing.sent_at)).due


def object_(ctx: Context) -> None:
    reason = _text(ctx, "reason")
    routing = current_routing(ctx.petition)
    last_day = object_window(ctx.petition, routing)
    if not deadline_rules.is_on_time(ctx.at, last_day):
        ctx.refuse(f"已超过提出异议的期限（收到之日起5个工作日，至{last_day:%Y年%m月%d日}）。", code="window")
    routing.objected_at = ctx.at
    routing.objection_reason = reason
    routing.is_current = False
    routing.save(update_fields=["objected_at", "objection_reason", "is_current"])
    _close(ctx, (Stage.ACCEPT, Stage.REPORT), unit=routing.to_unit, cancel=True)
    _set_responsible(ctx.petition, None)
    # The bureau must route it again; that period is not counted again in its timely-acceptance rate.
    _open(ctx, Stage.ROUTE, routing.from_unit, counts=False)
    ctx.reason = reason
    ctx.record.update({"routing": routing.pk, "returned_to": routing.from_unit.code})


# --- Handling (Arts. 32-34, simplified handling) -------------------------------------------------------------


def _handling_deadline(ctx: Context, stage: str):
    rows = deadlines.open_deadlines(ctx.petition, (stage,))
    if not rows:
        ctx.refuse("没有正在计算的办理期限。", code="state")
    return rows[0]


def extend(ctx: Context) -> None:
    petition = ctx.petition
    if petition.track != Track.ORDINARY:
        ctx.refuse("简易办理的事项不能延期；确需延期的，请先转为普通程序。", code="state")
    handle = _handling_deadline(ctx, Stage.HANDLE)
    if Extension.objects.filter(petition=petition).exists() or handle.extension_days:
        ctx.refuse("办理期限只能延长一次。", code="state")
    policy = deadline_rules.policy_for(Stage.HANDLE)
    days = _int(ctx, "days", 1, policy.max_extension_days, f"延长期限应为1至{policy.max_extension_days}日。")
    reason = _text(ctx, "reason")
    if not deadline_rules.is_on_time(ctx.at, handle.due_on):
        ctx.refuse(f"办理期限已于{handle.due_on:%Y年%m月%d日}届满，不能再延期。", code="window")
    approver = _approver(ctx, "approved_by")
    unit = petition.responsible_unit
    head_roles = (
        (Role.UNIT_LEADER, Role.BUREAU_LEADER) if unit.kind == UnitKind.BUREAU else (Role.UNIT_LEADER,)
    )
    if getattr(approver, "unit_id", None) != unit.pk or not approver.has_role(*head_roles):
        ctx.refuse("延期须经本单位负责人批准。", field="approved_by", code="approval")
    previous_due = handle.due_on
    handle.extension_days = days
    due = deadlines.compute(handle)
    handle.due_on, handle.provisional = due.due, due.provisional
    handle.save(update_fields=["extension_days", "due_on", "provisional"])
    Extension.objects.create(
        petition=petition,
        deadline=handle,
        days=days,
        reason=reason,
        approved_by=approver if getattr(approver, "pk", None) else None,
        approver_name=str(approver),
        at=ctx.at,
        previous_due_on=previous_due,
        new_due_on=due.due,
    )
    petition.extension_days = days
    petition.handling_due_on = due.due
    ctx.reason = reason
    ctx.record.update(
        {
            "days": days,
            "reason": reason,
            "approved_by": str(approver),
            "previous_due_on": previous_due,
            "new_due_on": due.due,
        }
    )


def switch_to_simplified(ctx: Context) -> None:
    petition = ctx.petition
    if petition.track != Track.ORDINARY:
        ctx.refuse("该事项已适用简易办理。", code="state")
    handle = _handling_deadline(ctx, Stage.HANDLE)
    if handle.extension_days:
        ctx.refuse("已延期的事项不能转为简易办理。", code="state")
    _simplified_ground(ctx)
    accepted_on = clock.local_date(petition.accepted_at)
    due = deadline_rules.compute_due(Stage.SIMPLIFIED, accepted_on).due
    if not deadline_rules.is_on_time(ctx.at, due):
        ctx.refuse(
            f"简易办理期限（受理之日起10个工作日，至{due:%Y年%m月%d日}）已过，不能转为简易办理。",
            code="window",
        )
    deadlines.close(handle, ctx.at, cancel=True)
    _start_handling(ctx, petition.responsible_unit, Track.SIMPLIFIED, accepted_on)
    ctx.reason = _text(ctx, "reason", required=False)


def switch_to_ordinary(ctx: Context) -> None:
    petition = ctx.petition
    if petition.track != Track.SIMPLIFIED:
        ctx.refuse("该事项已适用普通程序。", code="state")
    simplified = _handling_deadline(ctx, Stage.SIMPLIFIED)
    ctx.reason = _text(ctx, "reason")
    deadlines.close(simplified, ctx.at, cancel=True)
    _start_handling(ctx, petition.responsible_unit, Track.ORDINARY, clock.local_date(petition.accepted_at))


def reply(ctx: Context) -> None:
    petition = ctx.petition
    opinion = _choice(ctx, "opinion", ReplyOpinion, "处理意见应为予以支持、解释说明、不予支持或调解协议。")
    text = _text(ctx, "text", max_length=20000)
    form = _choice(ctx, "form", ReplyForm, "答复形式无效。", default=ReplyForm.WRITTEN)
    if form != ReplyForm.WRITTEN and petition.track != Track.SIMPLIFIED:
        ctx.refuse("普通程序须出具书面处理意见；电话、短信、网上答复仅适用于简易办理。", field="form")
    closed = _close(ctx, (Stage.HANDLE, Stage.SIMPLIFIED))
    _close(ctx, (Stage.REPORT,))
    row = Reply.objects.create(
        petition=petition,
        unit=petition.responsible_unit,
        opinion=opinion,
        text=text,
        form=form,
        track=petition.track,
        replied_at=ctx.at,
        replied_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )
    petition.replied_at = ctx.at
    petition.replied_on_time = closed[0].on_time if closed else None
    petition.reply_opinion = opinion
    ctx.record.update(
        {"reply": row.pk, "opinion": opinion, "text": text, "form": form, "on_time": petition.replied_on_time}
    )


def _received_on(ctx: Context, earliest: dt.date) -> dt.date:
    received_on = _date(ctx, "received_on")
    if received_on < earliest:
        ctx.refuse("收到日期不能早于作出意见的日期。", field="received_on")
    if received_on > clock.today():
        ctx.refuse("收到日期不能晚于今天。", field="received_on")
    return received_on


def deliver(ctx: Context) -> None:
    petition = ctx.petition
    method = _choice(ctx, "method", DeliveryMethod, "送达方式应为直接送达、邮寄、网上或短信。")
    row = petition.replies.order_by("-replied_at", "-id").first()
    received_on = _received_on(ctx, clock.local_date(row.replied_at))
    row.delivery_method = method
    row.delivered_at = ctx.at
    row.received_on = received_on
    row.save(update_fields=["delivery_method", "delivered_at", "received_on"])
    petition.reply_received_on = received_on
    petition.concluded_at = ctx.at
    if _eligible_for_rating(petition):
        targets = [
            (RatingTarget.BUREAU, _bureau_of(petition)),
            (RatingTarget.UNIT, petition.responsible_unit),
        ]
        for target, unit in targets:
            window = _open(ctx, Stage.RATING, unit, received_on, is_window=True, rating_target=target)
        petition.rating_window_ends_on = window.due_on
        ctx.record["rating_window_ends_on"] = window.due_on
    ctx.record.update({"method": method, "received_on": received_on})


# --- Rating (process.md §7) ---------------------------------------------------------------------------------


def rating_window(petition: Petition, target: str) -> dt.date | None:
    """The last day the petitioner may rate ``target``; None when the petition is not eligible."""
    if not petition.reply_received_on or not _eligible_for_rating(petition):
        return None
    row = petition.deadlines.filter(stage=Stage.RATING, rating_target=target).first()
    if row is not None:
        return row.due_on
    return deadline_rules.compute_due(Stage.RATING, petition.reply_received_on).due


def rate(ctx: Context) -> None:
    petition = ctx.petition
    if not _eligible_for_rating(petition):
        ctx.refuse("该事项已导入法定途径或属于检举控告类，不参加满意度评价。", code="state")
    if not petition.reply_received_on:
        ctx.refuse("处理意见送达后才能评价。", code="state")
    target = _choice(ctx, "target", RatingTarget, "评价对象应为信访部门或责任单位。")
    value = _choice(ctx, "rating", RatingValue, "评价应为满意、基本满意或不满意。")
    reason = _text(ctx, "reason", required=value == RatingValue.DISSATISFIED, max_length=2000)
    if actors.is_petitioner(ctx.actor):
        via = ctx.actor.via
    else:
        default = RatingVia.IMPORT if isinstance(ctx.actor, actors.UnitActor) else RatingVia.PHONE
        via = _choice(ctx, "via", RatingVia, "评价渠道无效。", default=default)
    if Rating.objects.filter(petition=petition, target=target).exists():
        ctx.refuse(
            f"已对{RatingTarget(target).label}作出评价，每项只能评价一次。", field="target", code="state"
        )
    if ctx.day < petition.reply_received_on:
        ctx.refuse("处理意见送达后才能评价。", code="window")
    last_day = rating_window(petition, target)
    if not deadline_rules.is_on_time(ctx.at, last_day):
        ctx.refuse(f"评价期已于{last_day:%Y年%m月%d日}结束。", code="window")
    unit = _bureau_of(petition) if target == RatingTarget.BUREAU else petition.responsible_unit
    row = Rating.objects.create(
        petition=petition,
        target=target,
        unit=unit,
        rating=value,
        reason=reason,
        via=via,
        rated_at=ctx.at,
        recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )
    deadlines.close_stages(petition, (Stage.RATING,), ctx.at, rating_target=target)
    ctx.reason = reason
    ctx.record.update(
        {
            "rating": row.pk,
            "target": target,
            "value": value,
            "unit": unit.code,
            "via": via,
            "dissatisfied": value == RatingValue.DISSATISFIED,
        }
    )


# --- Review and re-review (Arts. 35-36) ---------------------------------------------------------------------


def review_request_window(petition: Petition) -> dt.date | None:
    if not petition.reply_received_on:
        return None
    return deadline_rules.compute_due(Stage.REQUEST_REVIEW, petition.reply_received_on).due


def re_review_request_window(petition: Petition) -> dt.date | None:
    review = Review.objects.filter(petition=petition, level=ReviewLevel.REVIEW).first()
    if review is None or not review.received_on:
        return None
    return deadline_rules.compute_due(Stage.REQUEST_RE_REVIEW, review.received_on).due


def _request(ctx: Context, level: str, original: OrgUnit, last_day: dt.date, window_text: str) -> Review:
    if not deadline_rules.is_on_time(ctx.at, last_day):
        ctx.refuse(f"已超过请求{window_text}的期限（至{last_day:%Y年%m月%d日}）。", code="window")
    unit = original.parent
    if unit is None:
        ctx.refuse(f"{original}没有上一级单位，无法{ReviewLevel(level).label}。", code="unit")
    _refuse_if_accused(ctx, unit)
    text = _text(ctx, "text", required=False)
    review = Review.objects.create(
        petition=ctx.petition,
        level=level,
        unit=unit,
        original_unit=original,
        requested_at=ctx.at,
        request_text=text,
    )
    Routing.objects.create(
        petition=ctx.petition,
        action=RoutingAction.REVIEW if level == ReviewLevel.REVIEW else RoutingAction.RE_REVIEW,
        from_unit=original,
        to_unit=unit,
        sent_at=ctx.at,
        is_current=False,
    )
    stage = Stage.REVIEW if level == ReviewLevel.REVIEW else Stage.RE_REVIEW
    deadline = _open(ctx, stage, unit)
    via = ctx.actor.via if actors.is_petitioner(ctx.actor) else (ctx.data.get("via") or "staff")
    ctx.reason = text
    ctx.record.update({"review": review.pk, "unit": unit.code, "due_on": deadline.due_on, "via": via})
    return review


def request_review(ctx: Context) -> None:
    petition = ctx.petition
    last_day = review_request_window(petition)
    if last_day is None:
        ctx.refuse("处理意见送达后才能请求复查。", code="state")
    _request(ctx, ReviewLevel.REVIEW, petition.responsible_unit, last_day, "复查")


def request_re_review(ctx: Context) -> None:
    review = Review.objects.select_related("unit__parent").get(
        petition=ctx.petition, level=ReviewLevel.REVIEW
    )
    _request(ctx, ReviewLevel.RE_REVIEW, review.unit, re_review_request_window(ctx.petition), "复核")


def _decide(ctx: Context, level: str) -> Review:
    review = Review.objects.get(petition=ctx.petition, level=level)
    decision = _choice(ctx, "decision", ReviewDecision, "意见应为维持、变更或撤销原处理意见。")
    review.decision = decision
    review.text = _text(ctx, "text", max_length=20000)
    review.received_on = _received_on(ctx, ctx.day)
    review.decided_at = ctx.at
    review.decided_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
    ctx.record.update(
        {"review": review.pk, "decision": decision, "text": review.text, "received_on": review.received_on}
    )
    return review


def review_opinion(ctx: Context) -> None:
    review = _decide(ctx, ReviewLevel.REVIEW)
    review.save()
    closed = _close(ctx, (Stage.REVIEW,))
    ctx.record["on_time"] = closed[0].on_time if closed else None


def _add_hearing(ctx: Context, review: Review, days: int) -> None:
    rows = deadlines.open_deadlines(ctx.petition, (Stage.RE_REVIEW,))
    for row in rows:
        row.paused_days += days
        due = deadlines.compute(row)
        row.due_on, row.provisional = due.due, due.provisional
        row.save(update_fields=["paused_days", "due_on", "provisional"])
        ctx.record["due_on"] = row.due_on
    review.hearing_days += days
    ctx.record["hearing_days"] = review.hearing_days


def record_hearing(ctx: Context) -> None:
    review = Review.objects.get(petition=ctx.petition, level=ReviewLevel.RE_REVIEW)
    days = _int(ctx, "hearing_days", 1, MAX_HEARING_DAYS, f"听证天数应为1至{MAX_HEARING_DAYS}日。")
    _add_hearing(ctx, review, days)
    review.save(update_fields=["hearing_days"])
    ctx.reason = _text(ctx, "text", required=False)


def re_review_opinion(ctx: Context) -> None:
    review = _decide(ctx, ReviewLevel.RE_REVIEW)
    days = _int(ctx, "hearing_days", 0, MAX_HEARING_DAYS, f"听证天数应为0至{MAX_HEARING_DAYS}日。", default=0)
    if days:
        _add_hearing(ctx, review, days)
    review.save()
    closed = _close(ctx, (Stage.RE_REVIEW,))
    ctx.petition.terminated_at = ctx.at
    ctx.record["on_time"] = closed[0].on_time if closed else None


def resolve(ctx: Context) -> None:
    petition = ctx.petition
    if petition.is_resolved:
        ctx.refuse("该事项已标记为化解。", code="state")
    petition.is_resolved = True
    petition.resolved_at = ctx.at
    ctx.reason = _text(ctx, "text", required=False)


HANDLERS: dict[str, Callable[[Context], None]] = {
    "transfer": transfer,
    "assign": assign,
    "handle_self": handle_self,
    "direct_to_legal_route": direct_to_legal_route,
    "conclude_on_spot": conclude_on_spot,
    "decline": decline,
    "accept": accept,
    "object": object_,
    "extend": extend,
    "switch_to_simplified": switch_to_simplified,
    "switch_to_ordinary": switch_to_ordinary,
    "reply": reply,
    "deliver": deliver,
    "rate": rate,
    "request_review": request_review,
    "review_opinion": review_opinion,
    "request_re_review": request_re_review,
    "record_hearing": record_hearing,
    "re_review_opinion": re_review_opinion,
    "resolve": resolve,
}

__all__ = ["HANDLERS", "Context", "DeadlineStatus", "SIMPLIFIED_GROUNDS", "still_pending"]
