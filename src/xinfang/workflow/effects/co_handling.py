"""Effects of co-handling (主办 / 协办, process.md §3) and of recording how a concluded matter ended
(案结事了 / 息诉息访, process.md §4)."""

from __future__ import annotations

from xinfang import inputs
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Settlement, Status

from ..models import CoHandler, CoHandlerRole
from ..units import holder, is_accused
from .common import Context, read_choice, read_text, read_unit

MAX_SUPPORTING = 10


def _supporting_units(ctx: Context) -> list[OrgUnit]:
    """The ``supporting_units`` value as units: a list of units, codes or ids (a form's comma-separated
    codes too), in the order given, each once."""
    value = ctx.data.get("supporting_units")
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").split(",") if part.strip()]
    elif isinstance(value, OrgUnit):
        value = [value]
    units: list[OrgUnit] = []
    for item in value or []:
        unit = item if isinstance(item, OrgUnit) else None
        if unit is None and isinstance(item, int):
            unit = OrgUnit.objects.filter(pk=item).first()
        elif unit is None and isinstance(item, str) and item.strip():
            code = item.strip()
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None and inputs.is_ascii_int(code) and len(code) < 9:
                unit = OrgUnit.objects.filter(pk=int(code)).first()
        if unit is None or not unit.is_active:
            ctx.refuse(f"协办单位“{str(item)[:40]}”不存在或已停用。", field="supporting_units")
        if unit.pk not in {u.pk for u in units}:
            units.append(unit)
    if not units:
        ctx.refuse("请至少指定一个协办单位。", field="supporting_units")
    if len(units) > MAX_SUPPORTING:
        ctx.refuse(f"协办单位不超过{MAX_SUPPORTING}个。", field="supporting_units")
    return units


def set_co_handlers(ctx: Context) -> None:
    petition = ctx.petition
    lead = read_unit(ctx, "lead_unit")
    handling = holder(petition)
    if handling is None or lead.pk != handling.pk:
        name = handling.name if handling is not None else "承办单位"
        ctx.refuse(
            f"主办单位应为承办该事项的{name}；由其他单位主办的，请先将事项转送或交办给该单位。",
            field="lead_unit",
        )
    units = _supporting_units(ctx)
    if any(unit.pk == lead.pk for unit in units):
        ctx.refuse("主办单位不能同时是协办单位。", field="supporting_units")
    region = ctx.unit.region
    for unit in units:
        if is_accused(petition, unit):
            ctx.refuse(
                f"检举控告事项不得由被检举控告的单位协办（{unit.name}）（《信访工作条例》第三十条、第四十六条）。",
                code="confidential",
                field="supporting_units",
            )
        if not region.contains(unit.region):
            ctx.refuse(
                f"协办单位须为本辖区的单位（{unit.name}不在{region.name}）。", field="supporting_units"
            )
    CoHandler.objects.filter(petition=petition, is_current=True).update(is_current=False)
    CoHandler.objects.bulk_create(
        [CoHandler(petition=petition, unit=lead, role=CoHandlerRole.LEAD, set_at=ctx.at)]
        + [CoHandler(petition=petition, unit=u, role=CoHandlerRole.SUPPORTING, set_at=ctx.at) for u in units]
    )
    ctx.record["lead_unit"] = lead.code
    ctx.record["supporting_units"] = [unit.code for unit in units]
    ctx.reason = read_text(ctx, "text", required=False)


def add_support_opinion(ctx: Context) -> None:
    ctx.reason = read_text(ctx, "text")
    ctx.record["unit"] = ctx.unit.code


SETTLEMENT_REFUSAL = "案结事了方式无效，应为依法终结、听证、协议化解、救助息访或程序性办结之一。"


def record_settlement(ctx: Context) -> None:
    petition = ctx.petition
    if petition.settlement:
        ctx.refuse(f"该事项已记录案结事了（{petition.get_settlement_display()}）。", code="state")
    kind = read_choice(ctx, "settlement", Settlement, SETTLEMENT_REFUSAL)
    if kind == Settlement.TERMINATED_BY_LAW and petition.status != Status.TERMINATED:
        ctx.refuse("“依法终结”限于已三级终结（复核后不再受理）的事项。", field="settlement")
    petition.settlement = kind
    petition.settled_at = ctx.at
    ctx.record["settlement"] = kind
    ctx.reason = read_text(ctx, "text", required=False)
