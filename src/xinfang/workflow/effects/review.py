"""Effects of review and re-review (复查、复核, Arts. 35-36): the petitioner's request, the hearing and the
opinion."""

from __future__ import annotations

import datetime as dt

from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import Review, ReviewDecision, ReviewLevel
from xinfang.orgs.models import OrgUnit

from .. import actors
from .. import petition_deadlines as deadlines
from ..models import Routing, RoutingAction
from ..windows import re_review_request_window, review_request_window
from .common import (
    Context,
    close_stages,
    open_stage,
    read_choice,
    read_int,
    read_received_on,
    read_text,
    refuse_if_accused,
)

MAX_HEARING_DAYS = 365


def _request(ctx: Context, level: str, original: OrgUnit, last_day: dt.date, window_text: str) -> Review:
    if not deadline_rules.is_on_time(ctx.at, last_day):
        ctx.refuse(f"已超过请求{window_text}的期限（至{last_day:%Y年%m月%d日}）。", code="window")
    unit = original.parent
    if unit is None:
        ctx.refuse(f"{original}没有上一级单位，无法{ReviewLevel(level).label}。", code="unit")
    refuse_if_accused(ctx, unit)
    text = read_text(ctx, "text", required=False)
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
    deadline = open_stage(ctx, stage, unit)
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
    decision = read_choice(ctx, "decision", ReviewDecision, "意见应为维持、变更或撤销原处理意见。")
    review.decision = decision
    review.text = read_text(ctx, "text", max_length=20000)
    review.received_on = read_received_on(ctx, ctx.day)
    review.decided_at = ctx.at
    review.decided_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
    ctx.delivered = ctx.notice  # the opinion is recorded with the date the petitioner received it
    ctx.record.update(
        {"review": review.pk, "decision": decision, "text": review.text, "received_on": review.received_on}
    )
    return review


def review_opinion(ctx: Context) -> None:
    review = _decide(ctx, ReviewLevel.REVIEW)
    review.save()
    closed = close_stages(ctx, (Stage.REVIEW,))
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
    days = read_int(ctx, "hearing_days", 1, MAX_HEARING_DAYS, f"听证天数应为1至{MAX_HEARING_DAYS}日。")
    _add_hearing(ctx, review, days)
    review.save(update_fields=["hearing_days"])
    ctx.reason = read_text(ctx, "text", required=False)


def re_review_opinion(ctx: Context) -> None:
    review = _decide(ctx, ReviewLevel.RE_REVIEW)
    days = read_int(
        ctx, "hearing_days", 0, MAX_HEARING_DAYS, f"听证天数应为0至{MAX_HEARING_DAYS}日。", default=0
    )
    if days:
        _add_hearing(ctx, review, days)
    review.save()
    closed = close_stages(ctx, (Stage.RE_REVIEW,))
    ctx.petition.terminated_at = ctx.at
    ctx.record["on_time"] = closed[0].on_time if closed else None
