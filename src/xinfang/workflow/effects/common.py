"""What every action's effect shares: the ``Context`` it is called with, the readers that check its data
(raising ``TransitionRefused`` with a Chinese reason) and the effects several actions have in common (closing
and opening deadlines, the confidentiality rule, setting the responsible unit, starting the handling period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from xinfang import clock, inputs
from xinfang.deadlines.models import Stage
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Petition, Track

from .. import actors
from .. import petition_deadlines as deadlines
from ..errors import TransitionRefused
from ..transitions import Transition
from ..units import is_accused

CONFIDENTIALITY_REFUSAL = (
    "检举控告事项不得交由被检举控告的单位或人员所在单位办理（《信访工作条例》第三十条、第四十六条）。"
)

SIMPLIFIED_GROUNDS = {
    "clear_and_simple": "事实清楚、责任明确、争议不大的初信初访事项",
    "consultation": "咨询、建议、感谢类事项",
    "urgent_livelihood": "涉及群众日常生产生活的紧急事项",
    "already_settled": "已有明确处理意见或依法作出决定的事项",
}


@dataclass
class Context:
    """One performance of an action: what its effect reads, and what it leaves for ``perform`` to record."""

    petition: Petition  # locked
    row: Transition
    actor: Any
    at: dt.datetime
    data: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)  # what the event's ``data`` keeps
    reason: str = ""
    notice: str = ""
    delivered: str = ""  # the notice kind whose delivery this action records (its event data says how)

    @property
    def day(self) -> dt.date:
        return clock.local_date(self.at)

    @property
    def unit(self) -> OrgUnit | None:
        return getattr(self.actor, "unit", None)

    def refuse(self, message: str, *, code: str = "data", field: str | None = None):
        raise TransitionRefused(message, code=code, field=field)


def read_text(ctx: Context, key: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = ctx.data.get(key)
    text = "" if value is None else str(value).strip()
    if required and not text:
        ctx.refuse("请填写此项。", field=key)
    if len(text) > max_length:
        ctx.refuse(f"不超过{max_length}字。", field=key)
    return text


def read_choice(ctx: Context, key: str, choices, message: str, *, default: str | None = None) -> str:
    value = ctx.data.get(key) or default
    allowed = choices.values if isinstance(choices, type) else list(choices)
    if value not in allowed:
        ctx.refuse(message, field=key)
    return value


def read_int(ctx: Context, key: str, low: int, high: int, message: str, *, default: int | None = None) -> int:
    value = ctx.data.get(key, default)
    if isinstance(value, str) and not inputs.is_ascii_int(value.strip()):
        ctx.refuse("请填写整数（阿拉伯数字）。", field=key)
    try:
        number = int(value)
    except (TypeError, ValueError):
        ctx.refuse("请填写整数。", field=key)
    if isinstance(value, float) and value != number:
        ctx.refuse("请填写整数。", field=key)
    if not low <= number <= high:
        ctx.refuse(message, field=key)
    return number


def read_date(ctx: Context, key: str) -> dt.date:
    value = ctx.data.get(key)
    try:
        if isinstance(value, dt.datetime):
            inputs.check_date(value.date())
            return clock.local_date(value)
        if isinstance(value, dt.date):
            return inputs.check_date(value)
        return inputs.parse_date(str(value))
    except inputs.InputError as exc:
        ctx.refuse(str(exc), field=key)


def read_unit(ctx: Context, key: str) -> OrgUnit:
    value = ctx.data.get(key)
    unit = None
    if isinstance(value, OrgUnit):
        unit = value
    elif isinstance(value, int) or (isinstance(value, str) and inputs.is_ascii_int(value) and len(value) < 9):
        unit = OrgUnit.objects.filter(pk=int(value)).first()
    if unit is None and isinstance(value, str):
        unit = OrgUnit.objects.filter(code=value).first()
    if unit is None or not unit.is_active:
        ctx.refuse("单位不存在或已停用。", field=key)
    return unit


def read_approver(ctx: Context, key: str):
    value = ctx.data.get(key)
    if isinstance(value, actors.UnitActor) or hasattr(value, "has_role"):
        return value
    user = get_user_model().objects.filter(pk=value).select_related("unit").first() if value else None
    if user is None:
        ctx.refuse("批准人不存在。", field=key)
    return user


def read_received_on(ctx: Context, earliest: dt.date) -> dt.date:
    received_on = read_date(ctx, "received_on")
    if received_on < earliest:
        ctx.refuse("收到日期不能早于作出意见的日期。", field="received_on")
    if received_on > clock.today():
        ctx.refuse("收到日期不能晚于今天。", field="received_on")
    return received_on


def close_stages(ctx: Context, stages, *, unit: OrgUnit | None = None, cancel: bool = False):
    filters = {"unit": unit} if unit is not None else {}
    return deadlines.close_stages(ctx.petition, stages, ctx.at, cancel=cancel, **filters)


def open_stage(ctx: Context, stage: str, unit: OrgUnit | None, starts_on: dt.date | None = None, **kwargs):
    try:
        return deadlines.open_deadline(ctx.petition, stage, unit, starts_on or ctx.day, ctx.at, **kwargs)
    except (LookupError, ValueError) as exc:
        ctx.refuse(f"无法计算期限：{exc}", code="rules")


def refuse_if_accused(ctx: Context, unit: OrgUnit, key: str | None = None) -> None:
    if is_accused(ctx.petition, unit):
        ctx.refuse(CONFIDENTIALITY_REFUSAL, code="confidential", field=key)


def set_responsible(petition: Petition, unit: OrgUnit | None) -> None:
    petition.responsible_unit = unit
    petition.responsible_region_code = unit.region.code if unit is not None else ""


def start_handling(ctx: Context, unit: OrgUnit, track: str, starts_on: dt.date | None = None) -> None:
    stage = Stage.SIMPLIFIED if track == Track.SIMPLIFIED else Stage.HANDLE
    deadline = open_stage(ctx, stage, unit, starts_on)
    ctx.petition.track = track
    ctx.petition.handling_due_on = deadline.due_on
    ctx.record["handling_due_on"] = deadline.due_on


def read_track(ctx: Context) -> str:
    track = read_choice(ctx, "track", Track, "办理程序无效。", default=Track.ORDINARY)
    if track == Track.SIMPLIFIED:
        read_simplified_ground(ctx)
    ctx.record["track"] = track
    return track


def read_simplified_ground(ctx: Context) -> str:
    ground = ctx.data.get("ground")
    if ground not in SIMPLIFIED_GROUNDS:
        ctx.refuse("请选择适用简易办理的情形。", field="ground")
    if ground == "clear_and_simple" and ctx.petition.is_repeat:
        ctx.refuse("重复信访事项不能以“事实清楚简单的初信初访”适用简易办理。", field="ground")
    ctx.record["ground"] = ground
    return ground


def mark_accepted(ctx: Context, unit: OrgUnit, closed) -> None:
    petition = ctx.petition
    petition.accepted_at = ctx.at
    done = [d for d in closed if d.on_time is not None]
    petition.accepted_on_time = done[0].on_time if done else None
    set_responsible(petition, unit)


def bureau_of(petition: Petition) -> OrgUnit:
    receiving = petition.receiving_unit
    return receiving.bureau() or receiving
