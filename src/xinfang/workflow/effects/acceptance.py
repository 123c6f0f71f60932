"""Effects of accepting a transferred or assigned matter, or objecting to it (Art. 23)."""

from __future__ import annotations

from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage

from ..units import current_routing
from ..windows import object_window
from .common import (
    Context,
    close_stages,
    mark_accepted,
    open_stage,
    read_text,
    read_track,
    refuse_if_accused,
    set_responsible,
    start_handling,
)
from .upper_review import sign


def accept(ctx: Context) -> None:
    unit = ctx.unit
    refuse_if_accused(ctx, unit)
    track = read_track(ctx)
    routing = current_routing(ctx.petition)
    signed = sign(routing, ctx)
    routing.accepted_at = ctx.at
    routing.save(update_fields=["accepted_at", *signed])
    closed = close_stages(ctx, (Stage.ACCEPT,), unit=unit)
    mark_accepted(ctx, unit, closed)
    start_handling(ctx, unit, track)


def object_(ctx: Context) -> None:
    reason = read_text(ctx, "reason")
    routing = current_routing(ctx.petition)
    last_day = object_window(ctx.petition, routing)
    if not deadline_rules.is_on_time(ctx.at, last_day):
        ctx.refuse(f"已超过提出异议的期限（收到之日起5个工作日，至{last_day:%Y年%m月%d日}）。", code="window")
    signed = sign(routing, ctx)
    routing.objected_at = ctx.at
    routing.objection_reason = reason
    routing.is_current = False
    routing.save(update_fields=["objected_at", "objection_reason", "is_current", *signed])
    close_stages(ctx, (Stage.ACCEPT, Stage.REPORT), unit=routing.to_unit, cancel=True)
    set_responsible(ctx.petition, None)
    # The bureau must route it again; that period is not counted again in its timely-acceptance rate.
    open_stage(ctx, Stage.ROUTE, routing.from_unit, counts=False)
    ctx.reason = reason
    ctx.record.update({"routing": routing.pk, "returned_to": routing.from_unit.code})
