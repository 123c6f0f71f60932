"""Setting targets and creation indicators, each one transaction and one audit event.

* ``set_target(actor, *, year, figure, kind, value, unit=None, region=None, decomposition="even",
  profile=None, note="") -> Target`` (one target per year, figure and scope: setting it again changes it)
* ``set_indicator(actor, *, name, level, region, year, conditions, note="") -> CreationIndicator``
* ``create_example(actor, example, region, year) -> list`` (``wulv``: the five rates of the monthly review,
  ``siwu`` / ``wufangcun``: the default creation indicators)

Bad input raises ValidationError with Chinese messages and writes nothing. A user with a unit may set
targets only inside the scope it sees (`Scope.of_user`); a superuser without a unit, or the command line
(actor None), anywhere.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.orgs.models import OrgUnit, Region

from .models import CreationIndicator, Decomposition, IndicatorLevel, Target, TargetKind
from .scope import Scope
from .targets import COUNT_FIGURES, FIGURES, parse_profile

MAX_YEAR_SPAN = (2000, 2100)
TARGET_FIELDS = [
    "year",
    "figure",
    "unit_id",
    "region_id",
    "kind",
    "value",
    "decomposition",
    "profile",
    "note",
]
INDICATOR_FIELDS = ["name", "level", "region_id", "year", "conditions", "note"]

# The five rates (五率) of seed 002's monthly review, with floors an administrator then adjusts.
WULV = [
    ("timely_acceptance", Decimal("98")),
    ("on_time_conclusion", Decimal("98")),
    ("participation.unit", Decimal("90")),
    ("satisfaction.unit", Decimal("90")),
    ("backlog_resolution", Decimal("90")),
]
# xinfang records no mass incidents (群体性事件), so no default condition names one.
SIWU_CONDITIONS = [
    {"figure": "visits.national_province.batches", "max": 0},
    {"figure": "collective_skip_level.batches", "max": 0},
    {"figure": "repeat_visits.batches", "max": 0},
]
EXAMPLE_INDICATORS = {
    "siwu": ("四无乡镇", IndicatorLevel.TOWNSHIP, SIWU_CONDITIONS),
    "wufangcun": ("无访村", IndicatorLevel.VILLAGE, [{"figure": "skip_level.batches", "max": 0}]),
}
EXAMPLES = ("wulv", *EXAMPLE_INDICATORS)


def _check_actor(actor, scope: Scope) -> None:
    if actor is None:  # the command line (`xinfang targets`), as `setup-bureau` runs
        return
    if getattr(actor, "unit", None) is None:
        if getattr(actor, "is_superuser", False):
            return
        raise PermissionDenied("没有所属单位，不能设置目标。")
    if not Scope.of_user(actor).contains(scope):
        raise PermissionDenied("无权为该单位或辖区设置目标。")


def _year_error(year) -> str:
    if (
        not isinstance(year, int)
        or isinstance(year, bool)
        or not MAX_YEAR_SPAN[0] <= year <= MAX_YEAR_SPAN[1]
    ):
        return f"年度须为{MAX_YEAR_SPAN[0]}至{MAX_YEAR_SPAN[1]}之间的整数。"
    return ""


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        return None
    return number if number.is_finite() else None


def check_target(*, year, figure, kind, value, unit, region, decomposition, profile) -> dict[str, str]:
    """The problems of a target, by field (empty when none)."""
    errors = {}
    if problem := _year_error(year):
        errors["year"] = problem
    spec = FIGURES.get(figure)
    if spec is None:
        errors["figure"] = f"未知的统计指标：{figure}。"
    if (unit is None) == (region is None):
        errors["unit"] = "目标须设在一个单位或一个辖区上（二者选一）。"
    if kind not in TargetKind.values:
        errors["kind"] = "请选择目标类型（不超过或不低于）。"
    number = _decimal(value)
    if number is None or number < 0:
        errors["value"] = "年度目标值须为非负数。"
    elif spec is not None and spec.is_rate and number > 100:
        errors["value"] = "比率指标的目标值不能超过100%。"
    elif spec is not None and not spec.is_rate and number != number.to_integral_value():
        errors["value"] = "数量指标的目标值须为整数。"
    if decomposition not in Decomposition.values:
        errors["decomposition"] = "请选择月度分解方式。"
    elif decomposition == Decomposition.PROFILE:
        try:
            parse_profile(profile, spec.is_rate if spec is not None else False)
        except ValueError as exc:
            errors["profile"] = str(exc)
    elif profile:
        errors["profile"] = "按月平均分解时不填月度分解表。"
    return errors


def set_target(
    actor,
    *,
    year: int,
    figure: str,
    kind: str,
    value,
    unit: OrgUnit | None = None,
    region: Region | None = None,
    decomposition: str = Decomposition.EVEN,
    profile: list | None = None,
    note: str = "",
) -> Target:
    errors = check_target(
        year=year, figure=figure, kind=kind, value=value, unit=unit, region=region,
        decomposition=decomposition, profile=profile,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    _check_actor(actor, Scope(unit=unit, region=region))
    with transaction.atomic():
        target = Target.objects.select_for_update().filter(year=year, figure=figure, unit=unit, region=region)
        target = target.first() or Target(year=year, figure=figure, unit=unit, region=region)
        before = audit.snapshot(target, TARGET_FIELDS) if target.pk else {}
        target.kind, target.value = kind, _decimal(value)
        target.decomposition = decomposition
        target.profile = [float(v) for v in profile] if decomposition == Decomposition.PROFILE else []
        target.note = (note or "").strip()
        target.updated_at = clock.now()
        target.save()
        audit.record(
            action="set_target",
            target=target,
            actor=actor,
            changes=audit.diff(before, audit.snapshot(target, TARGET_FIELDS)),
            data={"created": not before},
        )
    return target


def check_conditions(conditions) -> str:
    if not isinstance(conditions, list) or not conditions:
        return "请至少列出一项条件。"
    for i, item in enumerate(conditions, start=1):
        if not isinstance(item, dict) or set(item) != {"figure", "max"}:
            return f"第{i}项条件须写明指标（figure）和上限（max）。"
        if item["figure"] not in COUNT_FIGURES:
            return f"第{i}项条件：未知的计数指标：{item['figure']}。"
        if not isinstance(item["max"], int) or isinstance(item["max"], bool) or item["max"] < 0:
            return f"第{i}项条件：上限须为非负整数。"
    return ""


def set_indicator(
    actor, *, name: str, level: str, region: Region, year: int, conditions: list, note: str = ""
) -> CreationIndicator:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写名称。"
    if level not in IndicatorLevel.values:
        errors["level"] = "请选择评定对象（乡镇、村或单位）。"
    if region is None:
        errors["region"] = "请选择评定范围。"
    if problem := _year_error(year):
        errors["year"] = problem
    if problem := check_conditions(conditions):
        errors["conditions"] = problem
    if errors:
        raise ValidationError(errors)
    _check_actor(actor, Scope(region=region))
    with transaction.atomic():
        indicator = CreationIndicator.objects.select_for_update().filter(name=name, region=region, year=year)
        indicator = indicator.first() or CreationIndicator(name=name, region=region, year=year)
        before = audit.snapshot(indicator, INDICATOR_FIELDS) if indicator.pk else {}
        indicator.level, indicator.conditions = level, conditions
        indicator.note = (note or "").strip()
        indicator.updated_at = clock.now()
        indicator.save()
        audit.record(
            action="set_creation_indicator",
            target=indicator,
            actor=actor,
            changes=audit.diff(before, audit.snapshot(indicator, INDICATOR_FIELDS)),
            data={"created": not before},
        )
    return indicator


def create_example(actor, example: str, region: Region, year: int) -> list:
    """`wulv`: the five rates as floors on the region; `siwu`, `wufangcun`: the default indicators."""
    if example == "wulv":
        with transaction.atomic():
            return [
                set_target(actor, year=year, figure=key, kind=TargetKind.FLOOR, value=value, region=region,
                           note="信访“五率”月督导：逐月实现年度分解目标。")
                for key, value in WULV
            ]  # fmt: skip
    if example in EXAMPLE_INDICATORS:
        name, level, conditions = EXAMPLE_INDICATORS[example]
        return [set_indicator(actor, name=name, level=level, region=region, year=year, conditions=conditions)]
    raise ValidationError({"example": f"未知的示例：{example}（可选：{'、'.join(EXAMPLES)}）。"})
