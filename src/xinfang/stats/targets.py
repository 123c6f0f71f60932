"""Yearly targets (年度目标) on the figures, decomposed by month, and actual against target month by month.

`FIGURES` is the one list of figures a target or a creation indicator may name: every rate of `rates.RATES`
(read year-to-date over the same definition, in percent) and the counts below (batches or persons of the
petitions received, summed month by month). Each count is a filter on petitions, so its drill-down list is
built from the same filter and holds as many petitions as the batches counted.

Month decomposition (pure functions, `month_thresholds`):

* a count: the cumulative target of month m is yearly × (weights of months 1..m) / (all weights); evenly,
  every weight is 1 (so 1/12 a month);
* a rate: the same threshold every month, unless a profile gives the twelve monthly values.

Status of a month (`month_status`), judged on the year-to-date actual:

* count ceiling: missed when the year-to-date actual is past the yearly value (no month can bring it back);
  at risk when it is past the month's cumulative target; met otherwise;
* count floor: met when the year-to-date actual reaches the month's cumulative target; missed when December
  is over and it has not reached the yearly value; at risk otherwise (behind schedule);
* rate: missed when the year-to-date rate is past the month's threshold (below a floor, above a ceiling);
  at risk when it is not, but the month's own rate is (the month pulls the year down); met otherwise;
  no data when nothing was due (denominator 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, Substr

from xinfang import clock
from xinfang.petitions.models import Channel, Petition

from .metrics import Ctx, readable, received_in, shown_repeat
from .models import StatisticsPolicy, Target, TargetKind
from .periods import Period
from .rates import RATES, Rate, RateDef, petitions_behind, rate
from .scope import Scope, code_within
from .volumes import volume_filter

CENT = Decimal("0.01")
MET, AT_RISK, MISSED, NO_DATA = "met", "at_risk", "missed", "no_data"
STATUS_LABELS = {MET: "达标", AT_RISK: "有风险", MISSED: "未达标", NO_DATA: "暂无数据"}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # "%" for a rate, "批" or "人次" for a count
    rate: RateDef | None = None
    where: Callable[[Ctx], Q] | None = None  # a count: the petitions it counts
    measure: str = "batches"  # a count: "batches" or "persons"

    @property
    def is_rate(self) -> bool:
        return self.rate is not None

    @property
    def choice_label(self) -> str:
        return f"{self.label}（{self.unit}）"


def _skip_visits(*levels: str) -> Callable[[Ctx], Q]:
    def where(ctx: Ctx) -> Q:
        q = Q(pk__in=[])
        for level in levels:
            q |= volume_filter("skip_level_visit", level)
        return q

    return where


COUNTS: dict[str, tuple[str, Callable[[Ctx], Q]]] = {
    "volume": ("信访总量", lambda ctx: Q()),
    "skip_level": ("越级访（到京省市）", lambda ctx: volume_filter("skip_level")),
    "visits.national": ("进京访", _skip_visits("national")),
    "visits.province": ("赴省访", _skip_visits("province")),
    "visits.national_province": ("赴省进京访", _skip_visits("national", "province")),
    "collective": ("集体访", lambda ctx: volume_filter("collective", "collective")),
    "collective_skip_level": (
        "越级集体访",
        lambda ctx: volume_filter("skip_level") & volume_filter("collective", "collective"),
    ),
    "repeat": ("重复信访", lambda ctx: shown_repeat(ctx)),
    "repeat_visits": ("重复访", lambda ctx: Q(channel=Channel.VISIT) & shown_repeat(ctx)),
}


def _registry() -> dict[str, Figure]:
    figures = {key: Figure(key, defn.label, "%", rate=defn) for key, defn in RATES.items()}
    for base, (label, where) in COUNTS.items():
        for measure, unit in (("batches", "批"), ("persons", "人次")):
            key = f"{base}.{measure}"
            figures[key] = Figure(key, label, unit, where=where, measure=measure)
    return figures


FIGURES: dict[str, Figure] = _registry()
COUNT_FIGURES = {k: f for k, f in FIGURES.items() if not f.is_rate}


# --- reading a figure -----------------------------------------------------------------------------------------


def count(figure: Figure, scope: Scope, ctx: Ctx) -> int:
    qs = Petition.objects.filter(received_in(ctx) & readable(ctx) & scope.petition_q() & figure.where(ctx))
    agg = Count("pk") if figure.measure == "batches" else Sum("person_count")
    return qs.aggregate(n=agg)["n"] or 0


def counts_grouped(figure: Figure, base: Q, ctx: Ctx, group) -> dict:
    """A count per value of the expression `group` over the petitions of `base`, one grouped query."""
    agg = Count("pk") if figure.measure == "batches" else Sum("person_count")
    rows = (
        Petition.objects.filter(received_in(ctx) & readable(ctx) & base & figure.where(ctx))
        .annotate(_group=group)
        .order_by()
        .values("_group")
        .annotate(n=agg)
    )
    return {row["_group"]: row["n"] or 0 for row in rows}


def counts_by_area(figure: Figure, base: Q, ctx: Ctx, code_length: int) -> dict[str, int]:
    """A count per issue region cut to `code_length` digits (9: townships, 12: villages)."""
    return counts_grouped(figure, base, ctx, Substr("issue_region_code", 1, code_length))


def figure_petitions(figure: Figure, scope: Scope, ctx: Ctx, part: str = "numerator") -> QuerySet[Petition]:
    """The petitions behind a figure: a rate's numerator or denominator, a count's petitions."""
    if figure.is_rate:
        return petitions_behind(figure.rate, scope, ctx, part)
    return Petition.objects.filter(received_in(ctx) & readable(ctx) & scope.petition_q() & figure.where(ctx))


def area_petitions(figure: Figure, ctx: Ctx, area: str) -> QuerySet[Petition]:
    """A count's petitions by issue region (a creation indicator's township or village), whoever handles them."""
    return Petition.objects.filter(
        received_in(ctx) & readable(ctx) & code_within("issue_region_code", area) & figure.where(ctx)
    )


# --- arithmetic (pure) ----------------------------------------------------------------------------------------


def parse_profile(profile, is_rate: bool) -> list[Decimal]:
    """Twelve non-negative numbers (weights of a count, percent thresholds of a rate); ValueError in Chinese."""
    if not isinstance(profile, list | tuple) or len(profile) != 12:
        raise ValueError("月度分解表须为12个月的数值。")
    values = []
    for month, item in enumerate(profile, start=1):
        try:
            value = Decimal(str(item))
        except InvalidOperation:
            raise ValueError(f"月度分解表第{month}个月的数值无效。") from None
        if isinstance(item, bool) or not value.is_finite() or value < 0:
            raise ValueError(f"月度分解表第{month}个月的数值须为非负数。")
        if is_rate and value > 100:
            raise ValueError(f"月度分解表第{month}个月的目标值不能超过100%。")
        values.append(value)
    if not is_rate and not any(values):
        raise ValueError("月度分解表的权重不能全为0。")
    return values


def month_thresholds(is_rate: bool, yearly: Decimal, profile: list | None = None) -> list[Decimal]:
    """The twelve monthly targets: cumulative ones for a count, thresholds for a rate (module docstring)."""
    if is_rate:
        return [Decimal(str(v)) for v in profile] if profile else [Decimal(yearly)] * 12
    weights = [Decimal(str(v)) for v in profile] if profile else [Decimal(1)] * 12
    total = sum(weights)
    running, result = Decimal(0), []
    for weight in weights:
        running += weight
        result.append((Decimal(yearly) * running / total).quantize(CENT, rounding=ROUND_HALF_UP))
    return result


def _past(kind: str, value, threshold) -> bool:
    return value > threshold if kind == TargetKind.CEILING else value < threshold


def count_status(kind: str, yearly: Decimal, cumulative: Decimal, ytd: int, year_over: bool) -> str:
    if kind == TargetKind.CEILING:
        if ytd > yearly:
            return MISSED
        return AT_RISK if ytd > cumulative else MET
    if ytd >= cumulative:
        return MET
    return MISSED if year_over and ytd < yearly else AT_RISK


def rate_status(kind: str, threshold: Decimal, ytd: Decimal | None, month: Decimal | None) -> str:
    if ytd is None:
        return NO_DATA
    if _past(kind, ytd, threshold):
        return MISSED
    return AT_RISK if month is not None and _past(kind, month, threshold) else MET


def number_text(value) -> str:
    """80, 6.67, 98.5: at most two decimals, no trailing zeros."""
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


# --- evaluation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: int
    target: Decimal  # cumulative target of a count, threshold of a rate
    actual: int | Rate  # the month's own figure
    to_date: int | Rate  # year-to-date
    status: str

    def value(self, which: str = "to_date"):
        actual = getattr(self, which)
        return actual.percent if isinstance(actual, Rate) else actual

    def as_dict(self) -> dict:
        def plain(v):
            return v.as_dict() if isinstance(v, Rate) else v

        return {
            "month": self.month,
            "target": float(self.target),
            "actual": plain(self.actual),
            "to_date": plain(self.to_date),
            "status": self.status,
        }


@dataclass(frozen=True)
class Evaluation:
    target: Target
    figure: Figure
    as_of: dt.date
    months: list[MonthRow]

    @property
    def current(self) -> MonthRow | None:
        return self.months[-1] if self.months else None

    @property
    def operator(self) -> str:
        return "≤" if self.target.kind == TargetKind.CEILING else "≥"

    @property
    def scope_name(self) -> str:
        return (self.target.unit or self.target.region).name

    def sentence(self) -> str:
        """目标：进京访≤80人次，已45人次，按月分解应≤40，超出."""
        f, t, row, op = self.figure, self.target, self.current, self.operator
        head = f"目标：{f.label}{op}{number_text(t.value)}{f.unit}"
        if row is None:
            return f"{head}，{t.year}年尚未开始"
        if not f.is_rate:
            verdict = {
                MET: "符合进度",
                AT_RISK: "超出" if t.kind == TargetKind.CEILING else "落后于进度",
                MISSED: "已超过全年目标" if t.kind == TargetKind.CEILING else "未完成全年目标",
            }[row.status]
            return f"{head}，已{row.to_date}{f.unit}，按月分解应{op}{number_text(row.target)}，{verdict}"
        if row.status == NO_DATA:
            return f"{head}，截至{row.month}月暂无应统计事项"
        month = row.value("actual")
        month_text = f"，当月{number_text(month)}%" if month is not None else ""
        verdict = {MET: "达标", AT_RISK: "当月未达标", MISSED: "未达标"}[row.status]
        return (
            f"{head}，截至{row.month}月累计{number_text(row.value())}%{month_text}，"
            f"当月目标{op}{number_text(row.target)}%，{verdict}"
        )

    def as_dict(self) -> dict:
        t = self.target
        return {
            "id": t.pk,
            "year": t.year,
            "figure": t.figure,
            "label": self.figure.label,
            "unit": self.figure.unit,
            "scope": {"unit": t.unit.code} if t.unit_id else {"region": t.region.code},
            "kind": t.kind,
            "value": float(t.value),
            "status": self.current.status if self.current else None,
            "sentence": self.sentence(),
            "months": [row.as_dict() for row in self.months],
        }


def target_scope(target: Target) -> Scope:
    return Scope(unit=target.unit) if target.unit_id else Scope(region=target.region)


def months_due(year: int, as_of: dt.date) -> int:
    """How many months of `year` have begun by `as_of` (0 to 12)."""
    if as_of.year < year:
        return 0
    return 12 if as_of.year > year else as_of.month


def _read(figure: Figure, scope: Scope, ctx: Ctx):
    return rate(figure.rate, scope, ctx) if figure.is_rate else count(figure, scope, ctx)


def evaluate(target: Target, as_of: dt.date, reader_unit_id: int | None = None) -> Evaluation:
    """Actual against target for each month of the target's year up to `as_of` (the current month counts
    up to that day). A rate is read twice a month (the month, the year to date); a count once (summed)."""
    figure = FIGURES[target.figure]
    scope = target_scope(target)
    policy = StatisticsPolicy.current()
    thresholds = month_thresholds(figure.is_rate, target.value, target.profile or None)
    year_start = dt.date(target.year, 1, 1)
    due = months_due(target.year, as_of)
    if not figure.is_rate and due:
        # A count's months in one grouped query: the months partition the year to `as_of`.
        year_ctx = Ctx(
            Period.between(year_start, min(dt.date(target.year, 12, 31), as_of)),
            as_of,
            policy,
            reader_unit_id,
        )
        by_month = counts_grouped(
            figure, scope.petition_q(), year_ctx, ExtractMonth("received_at", tzinfo=clock.SHANGHAI)
        )
    rows, running = [], 0
    for month in range(1, due + 1):
        period = Period.month(target.year, month)
        end = min(period.end, as_of)
        ctx = Ctx(Period.between(period.start, end), as_of, policy, reader_unit_id)
        threshold = thresholds[month - 1]
        actual = _read(figure, scope, ctx) if figure.is_rate else by_month.get(month, 0)
        if figure.is_rate:
            to_date = _read(figure, scope, replace(ctx, period=Period.between(year_start, end)))
            status = rate_status(target.kind, threshold, to_date.percent, actual.percent)
        else:
            running += actual
            to_date = running
            year_over = month == 12 and as_of >= period.end
            status = count_status(target.kind, target.value, threshold, to_date, year_over)
        rows.append(MonthRow(month, threshold, actual, to_date, status))
    return Evaluation(target, figure, as_of, rows)


def targets_for(scope: Scope, year: int):
    """The targets set on exactly this scope for the year, in the registry's order."""
    qs = Target.objects.filter(year=year).select_related("unit", "region")
    qs = qs.filter(unit=scope.unit) if scope.unit is not None else qs.filter(region=scope.region)
    order = {key: i for i, key in enumerate(FIGURES)}
    return sorted(qs, key=lambda t: (order.get(t.figure, len(order)), t.pk))


def evaluations(
    scope: Scope, as_of: dt.date, year: int | None = None, reader_unit_id=None
) -> list[Evaluation]:
    return [evaluate(t, as_of, reader_unit_id) for t in targets_for(scope, year or as_of.year)]
