"""Effects of sign-for (签收) and of the assigning bureau's hand on an assigned matter (process.md §3, as in the
national system): urging (催办), supplementary material (补充), and its review of the unit's result: confirmed
(审核认定办结, after which the unit may deliver the reply) or returned for rework (退回重办, with reasons and a
policy's handling period that runs again)."""

from __future__ import annotations

from xinfang.deadlines.models import Stage

from ..models import Routing
from ..units import assigning_routing, current_routing
from .common import Context, close_stages, open_stage, read_text


def sign(routing: Routing, ctx: Context) -> list[str]:
    """Sign for ``routing`` now unless signed already: accepting or objecting without signing first signs too,
    so the sign-for deadline is closed (met or missed) by whichever comes first. Returns the routing's
    fields to save (the caller saves them with its own)."""
    if routing.signed_for_at is not None:
        return []
    routing.signed_for_at = ctx.at
    close_stages(ctx, (Stage.SIGN_FOR,), unit=routing.to_unit)
    return ["signed_for_at"]


def sign_for(ctx: Context) -> None:
    routing = current_routing(ctx.petition)
    if routing is None:
        ctx.refuse("该事项没有待签收的转送、交办记录。", code="state")
    if routing.signed_for_at is not None:
        ctx.refuse("该事项已签收，请决定受理或提出异议。", code="state")
    closed = close_stages(ctx, (Stage.SIGN_FOR,), unit=routing.to_unit)
    routing.signed_for_at = ctx.at
    routing.save(update_fields=["signed_for_at"])
    ctx.record.update(
        {
            "routing": routing.pk,
            "on_time": closed[0].on_time if closed else None,
            "unit": routing.to_unit.code,
            "text": read_text(ctx, "text", required=False),
        }
    )


def _assignment(ctx: Context) -> Routing:
    routing = assigning_routing(ctx.petition)
    if routing is None:  # the unit rule already names the bureau; this is the "not assigned" case
        ctx.refuse("只有交办的事项由交办机关催办、补充材料或审核办理结果。", code="state")
    return routing


def urge(ctx: Context) -> None:
    routing = _assignment(ctx)
    text = read_text(ctx, "text", max_length=2000)
    ctx.record.update({"routing": routing.pk, "to_unit": routing.to_unit.code, "text": text})


def add_supplement(ctx: Context) -> None:
    routing = _assignment(ctx)
    text = read_text(ctx, "text", max_length=20000)
    ctx.record.update({"routing": routing.pk, "to_unit": routing.to_unit.code, "text": text})


def confirm_conclusion(ctx: Context) -> None:
    routing = _assignment(ctx)
    if routing.result_confirmed_at is not None:
        ctx.refuse("该办理结果已审核认定办结。", code="state")
    routing.result_confirmed_at = ctx.at
    routing.save(update_fields=["result_confirmed_at"])
    ctx.record.update(
        {
            "routing": routing.pk,
            "to_unit": routing.to_unit.code,
            "rework_count": routing.rework_count,
            "text": read_text(ctx, "text", required=False),
        }
    )


def return_for_rework(ctx: Context) -> None:
    petition = ctx.petition
    routing = _assignment(ctx)
    if routing.result_confirmed_at is not None:
        ctx.refuse("该办理结果已审核认定办结，不能退回重办。", code="state")
    reason = read_text(ctx, "reason", max_length=5000)
    routing.rework_count += 1
    routing.save(update_fields=["rework_count"])
    deadline = open_stage(ctx, Stage.REWORK, petition.responsible_unit)
    petition.handling_due_on = deadline.due_on
    ctx.reason = reason
    ctx.record.update(
        {
            "routing": routing.pk,
            "to_unit": routing.to_unit.code,
            "reason": reason,
            "rework_count": routing.rework_count,
            "handling_due_on": deadline.due_on,
        }
    )


def refuse_unconfirmed_delivery(ctx: Context) -> None:
    """An assigned matter is concluded only when the assigning bureau has confirmed the unit's result."""
    routing = assigning_routing(ctx.petition)
    if routing is not None and routing.result_confirmed_at is None:
        ctx.refuse(
            f"交办事项的办理结果须经{routing.from_unit.name}审核认定办结后才能送达。", code="confirmation"
        )
