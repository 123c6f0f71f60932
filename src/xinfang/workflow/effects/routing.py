"""Effects of routing a registered matter (process.md §3): transfer, assign, handle it oneself, direct it to a
legal route, conclude a visit on the spot, or decline a repeat petition."""

from __future__ import annotations

import datetime as dt

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Channel, ClosedReason, LegalRoute, Petition, Status

from ..models import Routing, RoutingAction
from ..transitions import Notice
from ..units import current_routing
from ..windows import still_pending
from .common import (
    Context,
    close_stages,
    mark_accepted,
    open_stage,
    read_choice,
    read_date,
    read_int,
    read_text,
    read_track,
    read_unit,
    refuse_if_accused,
    set_responsible,
    start_handling,
)

ON_SPOT_OUTCOMES = {"explained": "解释说明", "resolved": "当场解决", "directed": "引导通过其他渠道"}


def _route(ctx: Context, action: str, to_unit: OrgUnit, report_due: dt.date | None = None) -> Routing:
    petition = ctx.petition
    from_unit = ctx.unit
    if to_unit.pk == from_unit.pk:
        ctx.refuse("不能转送、交办给本单位；本单位办理请选择直接受理。", field="to_unit")
    refuse_if_accused(ctx, to_unit, "to_unit")
    previous = current_routing(petition)
    if previous is not None:  # a bureau passing on what was sent to it: its own acceptance is done
        previous.is_current = False
        previous.accepted_at = previous.accepted_at or ctx.at
        previous.signed_for_at = previous.signed_for_at or ctx.at
        previous.save(update_fields=["is_current", "accepted_at", "signed_for_at"])
    close_stages(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.SIGN_FOR, Stage.ACCEPT), unit=from_unit)
    routing = Routing.objects.create(
        petition=petition,
        action=action,
        from_unit=from_unit,
        to_unit=to_unit,
        sent_at=ctx.at,
        report_due=report_due,
    )
    set_responsible(petition, to_unit)
    petition.routed_at = ctx.at
    open_stage(ctx, Stage.SIGN_FOR, to_unit)
    open_stage(ctx, Stage.ACCEPT, to_unit)
    ctx.record.update({"routing": routing.pk, "from_unit": from_unit.code, "to_unit": to_unit.code})
    return routing


def transfer(ctx: Context) -> None:
    _route(ctx, RoutingAction.TRANSFER, read_unit(ctx, "to_unit"))


def assign(ctx: Context) -> None:
    to_unit = read_unit(ctx, "to_unit")
    if ctx.data.get("report_due") not in (None, ""):
        report_due = read_date(ctx, "report_due")
        if report_due <= ctx.day:
            ctx.refuse("报结时限应晚于交办日期。", field="report_due")
    elif ctx.data.get("report_days") not in (None, ""):
        days = read_int(ctx, "report_days", 1, 365, "报结天数应在1至365日之间。")
        try:
            report_due = deadline_rules.compute_due(Stage.REPORT, ctx.day, days).due
        except (LookupError, ValueError) as exc:
            ctx.refuse(f"无法计算报结时限：{exc}", code="rules")
    else:
        ctx.refuse("交办须设定报结时限。", field="report_due")
    _route(ctx, RoutingAction.ASSIGN, to_unit, report_due)
    open_stage(ctx, Stage.REPORT, to_unit, due_on=report_due)
    ctx.record["report_due"] = report_due


def handle_self(ctx: Context) -> None:
    unit = ctx.unit
    refuse_if_accused(ctx, unit)
    track = read_track(ctx)
    closed = close_stages(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT), unit=unit)
    Routing.objects.create(
        petition=ctx.petition,
        action=RoutingAction.HANDLE_SELF,
        from_unit=unit,
        to_unit=unit,
        sent_at=ctx.at,
        accepted_at=ctx.at,
    )
    mark_accepted(ctx, unit, closed)
    ctx.petition.routed_at = ctx.at
    start_handling(ctx, unit, track)


def direct_to_legal_route(ctx: Context) -> None:
    legal_route = read_choice(ctx, "legal_route", LegalRoute, "请选择法定途径（条例第三十一条第一至四项）。")
    body = read_text(ctx, "body", max_length=200)
    text = read_text(ctx, "text", required=False)
    close_stages(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.SIGN_FOR, Stage.ACCEPT, Stage.REPORT))
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
    text = read_text(ctx, "text")
    outcome = read_choice(ctx, "outcome", ON_SPOT_OUTCOMES, "处理结果无效。", default="explained")
    close_stages(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT))
    petition.routed_at = ctx.at
    petition.concluded_at = ctx.at
    set_responsible(petition, ctx.unit)
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


def decline(ctx: Context) -> None:
    reason = read_choice(
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
    close_stages(ctx, (Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.SIGN_FOR, Stage.ACCEPT, Stage.REPORT))
    if petition.status == Status.REGISTERED:
        petition.routed_at = ctx.at
    petition.closed_at = ctx.at
    petition.closed_reason = reason
    ctx.reason = read_text(ctx, "text", required=False)
    ctx.record.update({"reason": reason, "earlier": match.registration_number, "unit": ctx.unit.code})
