"""Effects of handling an accepted matter (Arts. 32-34, simplified handling): extend, switch track, reply and
deliver the reply (which opens the rating windows)."""

from __future__ import annotations

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import RatingTarget
from xinfang.petitions.models import DeliveryMethod, ReplyOpinion, Track

from .. import actors
from .. import petition_deadlines as deadlines
from ..models import Extension, Reply, ReplyForm
from ..transitions import Notice
from ..units import extension_approving_unit, head_roles
from ..windows import eligible_for_rating
from .common import (
    Context,
    bureau_of,
    close_stages,
    open_stage,
    read_approver,
    read_choice,
    read_int,
    read_received_on,
    read_simplified_ground,
    read_text,
    start_handling,
)
from .upper_review import refuse_unconfirmed_delivery


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
    days = read_int(
        ctx, "days", 1, policy.max_extension_days, f"延长期限应为1至{policy.max_extension_days}日。"
    )
    reason = read_text(ctx, "reason")
    if not deadline_rules.is_on_time(ctx.at, handle.due_on):
        ctx.refuse(f"办理期限已于{handle.due_on:%Y年%m月%d日}届满，不能再延期。", code="window")
    approver = read_approver(ctx, "approved_by")
    # An assigned matter's extension is approved by the bureau that assigned it (process.md §3).
    unit = extension_approving_unit(petition)
    if isinstance(approver, actors.UnitActor) and approver.unit_id == petition.responsible_unit_id:
        # A replayed history names its approver only (docs/exchange.md): the approval is that of the unit
        # whose head must give it.
        approver = actors.UnitActor(unit, name=approver.name)
    if getattr(approver, "unit_id", None) != unit.pk or not approver.has_role(*head_roles(unit)):
        who = "本单位负责人" if unit.pk == petition.responsible_unit_id else f"交办的{unit.name}负责人"
        ctx.refuse(f"延期须经{who}批准。", field="approved_by", code="approval")
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
    read_simplified_ground(ctx)
    accepted_on = clock.local_date(petition.accepted_at)
    due = deadline_rules.compute_due(Stage.SIMPLIFIED, accepted_on).due
    if not deadline_rules.is_on_time(ctx.at, due):
        ctx.refuse(
            f"简易办理期限（受理之日起10个工作日，至{due:%Y年%m月%d日}）已过，不能转为简易办理。",
            code="window",
        )
    deadlines.close(handle, ctx.at, cancel=True)
    start_handling(ctx, petition.responsible_unit, Track.SIMPLIFIED, accepted_on)
    ctx.reason = read_text(ctx, "reason", required=False)


def switch_to_ordinary(ctx: Context) -> None:
    petition = ctx.petition
    if petition.track != Track.SIMPLIFIED:
        ctx.refuse("该事项已适用普通程序。", code="state")
    simplified = _handling_deadline(ctx, Stage.SIMPLIFIED)
    ctx.reason = read_text(ctx, "reason")
    deadlines.close(simplified, ctx.at, cancel=True)
    start_handling(ctx, petition.responsible_unit, Track.ORDINARY, clock.local_date(petition.accepted_at))


def reply(ctx: Context) -> None:
    petition = ctx.petition
    opinion = read_choice(
        ctx, "opinion", ReplyOpinion, "处理意见应为予以支持、解释说明、不予支持或调解协议。"
    )
    text = read_text(ctx, "text", max_length=20000)
    form = read_choice(ctx, "form", ReplyForm, "答复形式无效。", default=ReplyForm.WRITTEN)
    if form != ReplyForm.WRITTEN and petition.track != Track.SIMPLIFIED:
        ctx.refuse("普通程序须出具书面处理意见；电话、短信、网上答复仅适用于简易办理。", field="form")
    closed = close_stages(ctx, (Stage.HANDLE, Stage.SIMPLIFIED))
    close_stages(ctx, (Stage.REPORT,))
    # A result returned for rework (退回重办) is reported again within the rework period; the on-time reply
    # of the first handling is what the on-time rate counted, and stays.
    reworked = close_stages(ctx, (Stage.REWORK,))
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
    petition.replied_on_time = (
        closed[0].on_time if closed else (petition.replied_on_time if reworked else None)
    )
    petition.reply_opinion = opinion
    ctx.record.update(
        {"reply": row.pk, "opinion": opinion, "text": text, "form": form, "on_time": petition.replied_on_time}
    )
    if reworked:
        ctx.record["rework_on_time"] = reworked[0].on_time


def deliver(ctx: Context) -> None:
    petition = ctx.petition
    refuse_unconfirmed_delivery(ctx)
    method = read_choice(ctx, "method", DeliveryMethod, "送达方式应为直接送达、邮寄、网上或短信。")
    row = petition.replies.order_by("-replied_at", "-id").first()
    received_on = read_received_on(ctx, clock.local_date(row.replied_at))
    row.delivery_method = method
    row.delivered_at = ctx.at
    row.received_on = received_on
    row.save(update_fields=["delivery_method", "delivered_at", "received_on"])
    petition.reply_received_on = received_on
    petition.concluded_at = ctx.at
    if eligible_for_rating(petition):
        targets = [
            (RatingTarget.BUREAU, bureau_of(petition)),
            (RatingTarget.UNIT, petition.responsible_unit),
        ]
        for target, unit in targets:
            window = open_stage(ctx, Stage.RATING, unit, received_on, is_window=True, rating_target=target)
        petition.rating_window_ends_on = window.due_on
        ctx.record["rating_window_ends_on"] = window.due_on
    ctx.record.update({"method": method, "received_on": received_on})
    ctx.delivered = Notice.HANDLING_OPINION  # the reply's document, delivered with it
