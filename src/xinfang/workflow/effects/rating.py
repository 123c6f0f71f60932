"""The effect of rating (满意度评价, process.md §7): one rating per target, within its window."""

from __future__ import annotations

from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import Rating, RatingTarget, RatingValue, RatingVia

from .. import actors
from .. import petition_deadlines as deadlines
from ..windows import eligible_for_rating, rating_window
from .common import Context, bureau_of, read_choice, read_text


def rate(ctx: Context) -> None:
    petition = ctx.petition
    if not eligible_for_rating(petition):
        ctx.refuse("该事项已导入法定途径或属于检举控告类，不参加满意度评价。", code="state")
    if not petition.reply_received_on:
        ctx.refuse("处理意见送达后才能评价。", code="state")
    target = read_choice(ctx, "target", RatingTarget, "评价对象应为信访部门或责任单位。")
    value = read_choice(ctx, "rating", RatingValue, "评价应为满意、基本满意或不满意。")
    reason = read_text(ctx, "reason", required=value == RatingValue.DISSATISFIED, max_length=2000)
    if actors.is_petitioner(ctx.actor):
        via = ctx.actor.via
    else:
        default = RatingVia.IMPORT if isinstance(ctx.actor, actors.UnitActor) else RatingVia.PHONE
        via = read_choice(ctx, "via", RatingVia, "评价渠道无效。", default=default)
    if Rating.objects.filter(petition=petition, target=target).exists():
        ctx.refuse(
            f"已对{RatingTarget(target).label}作出评价，每项只能评价一次。", field="target", code="state"
        )
    if ctx.day < petition.reply_received_on:
        ctx.refuse("处理意见送达后才能评价。", code="window")
    last_day = rating_window(petition, target)
    if not deadline_rules.is_on_time(ctx.at, last_day):
        ctx.refuse(f"评价期已于{last_day:%Y年%m月%d日}结束。", code="window")
    unit = bureau_of(petition) if target == RatingTarget.BUREAU else petition.responsible_unit
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
