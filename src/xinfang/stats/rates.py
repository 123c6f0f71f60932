"""The rates of process.md §8, each defined once as a `RateDef`.

A `RateDef` names the rows it reads (deadlines, ratings or petitions), the unit each row belongs to, and two
filters, numerator and denominator. The same definition answers three questions, so they can never disagree:

* `rate(defn, scope, ctx)`: one unit or jurisdiction, one query;
* `rates_by_unit(defn, ctx)`: every unit at once, one grouped query (the monthly table and the assessment);
* `petitions_behind(defn, scope, ctx, part)`: the petitions counted (the dashboard's drill-down).

Rates count distinct petitions, so "共受理280案" is 280 cases and the drill-down list has 280 rows.

`RATES` is the registry: its order is the order every report, export and screen lists the rates in, and each
definition carries its key and label, so adding a rate is one edit here. A dotted key ("participation.unit")
is nested in the CLI's JSON ("participation": {"unit": ...}).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DateTimeField, F, FloatField, Func, Q, QuerySet
from django.db.models.lookups import LessThan

from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import SATISFIED_VALUES, Rating, RatingTarget
from xinfang.orgs.models import UnitKind
from xinfang.percent import percent
from xinfang.petitions.models import ONLINE_CHANNELS, Petition
from xinfang.workflow.models import Deadline, DeadlineStatus

from .metrics import Ctx, answerable_unit, readable, received_in, shown_repeat
from .scope import Scope

# Which deadlines are "acceptance" and "handling" (process.md §5). The bureau's acceptance is routing.
UNIT_ACCEPTANCE_STAGES = [Stage.ACCEPT, Stage.NOTIFY_DIRECT]
BUREAU_ACCEPTANCE_STAGES = [Stage.ROUTE]
HANDLING_STAGES = [Stage.HANDLE, Stage.SIMPLIFIED]


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        """Two decimals, half up (``xinfang.percent``, the rule of every rate); None when nothing was due."""
        return percent(self.numerator, self.denominator)

    def as_dict(self) -> dict:
        percent = self.percent
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": None if percent is None else float(percent),
        }

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.numerator + other.numerator, self.denominator + other.denominator)


ZERO = Rate(0, 0)


# --- building blocks -------------------------------------------------------------------------------------


def _due_in(ctx: Ctx) -> Q:
    return Q(due_on__gte=ctx.period.start, due_on__lte=ctx.period.end)


def _closed_duty(ctx: Ctx) -> Q:
    """A unit's duty whose deadline fell in the period and that is decided: met, missed, or still open though
    overdue (counts against). Open ones not yet due are left out; cancelled ones (a transfer objected to and
    re-routed) never count."""
    return (
        _due_in(ctx)
        & Q(counts=True)
        & (
            Q(status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED])
            | Q(status=DeadlineStatus.OPEN, due_on__lt=ctx.today)
        )
    )


def _met() -> Q:
    return Q(status=DeadlineStatus.MET)


def _rated_in(ctx: Ctx) -> Q:
    return Q(status=DeadlineStatus.MET, done_at__gte=ctx.period.start_at, done_at__lt=ctx.period.end_before)


def _window_expired_in(ctx: Ctx) -> Q:
    return _due_in(ctx) & (
        Q(status=DeadlineStatus.MISSED) | Q(status=DeadlineStatus.OPEN, due_on__lt=ctx.today)
    )


class DaysAfterReceipt(Func):
    """Days from a petition's receipt to another of its instants, computed by the database itself: Django's
    `F() + timedelta` calls a Python function per row on SQLite, far too slow over a million petitions."""

    output_field = FloatField()

    def __init__(self, field: str):
        super().__init__(F("received_at"), F(field))

    def as_sql(self, compiler, connection, **extra):
        (earlier, earlier_params), (later, later_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        if connection.vendor == "sqlite":
            sql = f"(julianday({later}) - julianday({earlier}))"
        else:
            sql = f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
        return sql, [*later_params, *earlier_params]


class Unindexed(Func):
    """A column SQLite's planner will not answer from an index (`+col` is a no-op on any value there).

    For a range that covers most of the table (every petition older than a year) walking an index and
    fetching each row is several times slower than reading the table; PostgreSQL's planner knows that by
    itself, so elsewhere this is the plain column."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _settled_within(field: str, days: int) -> Q:
    return Q(**{f"{field}__isnull": False}) & Q(LessThan(DaysAfterReceipt(field), days))


def _backlog_set(ctx: Ctx) -> Q:
    """Backlog cases (积案) at the end of the period: registered more than `backlog_days` before it, and not
    resolved, concluded or closed within `backlog_days` of registration."""
    days = ctx.policy.backlog_days
    settled_early = (
        _settled_within("resolved_at", days)
        | _settled_within("concluded_at", days)
        | _settled_within("closed_at", days)
    )
    cutoff = ctx.period.end_before - dt.timedelta(days=days)
    return Q(LessThan(Unindexed(F("received_at"), output_field=DateTimeField()), cutoff)) & ~settled_early


# --- rate definitions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateDef:
    key: str
    label: str
    model: type
    rows: Callable[[Ctx, bool], Q]  # (ctx, per_unit) -> the rows that can count at all
    numerator: Callable[[Ctx], Q]
    denominator: Callable[[Ctx], Q]
    unit_field: str = "unit"  # rows of deadlines and ratings belong to this unit
    petition_field: str = "petition"  # "pk" when the rows are petitions
    numerator_label: str = ""
    denominator_label: str = ""
    scope_indexed: bool = True  # False: the rows are most of the table; scan rather than seek by region

    @property
    def on_petitions(self) -> bool:
        return self.petition_field == "pk"

    def scope_q(self, scope: Scope) -> Q:
        if self.on_petitions:
            return scope.petition_q(indexed=self.scope_indexed)
        return scope.unit_q(self.unit_field)

    def queryset(self, scope: Scope | None, ctx: Ctx) -> QuerySet:
        per_unit = scope is None or scope.unit is not None
        qs = self.model.objects.filter(
            self.rows(ctx, per_unit), readable(ctx, "" if self.on_petitions else self.petition_field)
        )
        return qs if scope is None else qs.filter(self.scope_q(scope))

    def aggregates(self, ctx: Ctx) -> dict:
        distinct = not self.on_petitions
        return {
            "n": Count(self.petition_field, filter=self.numerator(ctx), distinct=distinct),
            "d": Count(self.petition_field, filter=self.denominator(ctx), distinct=distinct),
        }

    def group_key(self):
        return answerable_unit() if self.on_petitions else F(f"{self.unit_field}_id")


def _acceptance_rows(ctx: Ctx, per_unit: bool) -> Q:
    # A unit's own figure: its acceptances, and for a bureau its routing (a bureau's "acceptance", also of
    # matters sent down to it). A jurisdiction's figure is that of its responsible units
    # (全县责任单位及时受理率), so the bureaus' own periods are left out there.
    if per_unit:
        return Q(stage__in=UNIT_ACCEPTANCE_STAGES + BUREAU_ACCEPTANCE_STAGES) & _closed_duty(ctx)
    return Q(stage__in=UNIT_ACCEPTANCE_STAGES) & ~Q(unit__kind=UnitKind.BUREAU) & _closed_duty(ctx)


def _handling_rows(ctx: Ctx, per_unit: bool) -> Q:
    return Q(stage__in=HANDLING_STAGES) & _closed_duty(ctx)


def _first_handling_rows(ctx: Ctx, per_unit: bool) -> Q:
    return _handling_rows(ctx, per_unit) & ~shown_repeat(ctx, "petition__")


def _window_rows(target: str) -> Callable[[Ctx, bool], Q]:
    def rows(ctx: Ctx, per_unit: bool) -> Q:
        reach = ctx.period.end + dt.timedelta(days=ctx.window_margin)
        return (
            Q(stage=Stage.RATING, due_on__gte=ctx.period.start, due_on__lte=reach)
            & Q(rating_target=target, counts=True)
            & (_rated_in(ctx) | _window_expired_in(ctx))
        )

    return rows


def _rating_rows(target: str) -> Callable[[Ctx, bool], Q]:
    def rows(ctx: Ctx, per_unit: bool) -> Q:
        return Q(target=target, rated_at__gte=ctx.period.start_at, rated_at__lt=ctx.period.end_before)

    return rows


def _everything(ctx: Ctx) -> Q:
    return Q()


def _received_rows(ctx: Ctx, per_unit: bool) -> Q:
    return received_in(ctx)


TIMELY_ACCEPTANCE = RateDef(
    "timely_acceptance",
    "及时受理率",
    Deadline,
    _acceptance_rows,
    numerator=lambda ctx: _met(),
    denominator=_everything,
    numerator_label="及时受理",
    denominator_label="应受理",
)
ON_TIME_CONCLUSION = RateDef(
    "on_time_conclusion",
    "按期办结率",
    Deadline,
    _handling_rows,
    numerator=lambda ctx: _met(),
    denominator=_everything,
    numerator_label="按期答复",
    denominator_label="到期应结",
)
FIRST_PETITION_ON_TIME = RateDef(
    "first_petition_on_time",
    "初信初访按期办结率",
    Deadline,
    _first_handling_rows,
    numerator=lambda ctx: _met(),
    denominator=_everything,
    numerator_label="按期办结",
    denominator_label="到期应结",
)


def _participation(target: str, label: str) -> RateDef:
    return RateDef(
        f"participation.{target}",
        label,
        Deadline,
        _window_rows(target),
        numerator=_rated_in,
        denominator=_everything,
        numerator_label="参评",
        denominator_label="应参评",
    )


def _satisfaction(target: str, label: str) -> RateDef:
    return RateDef(
        f"satisfaction.{target}",
        label,
        Rating,
        _rating_rows(target),
        numerator=lambda ctx: Q(rating__in=SATISFIED_VALUES),
        denominator=_everything,
        numerator_label="满意及基本满意",
        denominator_label="参评",
    )


PARTICIPATION_BUREAU = _participation(RatingTarget.BUREAU, "信访部门参评率")
PARTICIPATION_UNIT = _participation(RatingTarget.UNIT, "责任单位参评率")
SATISFACTION_BUREAU = _satisfaction(RatingTarget.BUREAU, "信访部门满意率")
SATISFACTION_UNIT = _satisfaction(RatingTarget.UNIT, "责任单位满意率")

REPEAT = RateDef(
    "repeat",
    "重复信访率",
    Petition,
    _received_rows,
    numerator=lambda ctx: shown_repeat(ctx),
    denominator=_everything,
    petition_field="pk",
    numerator_label="重复信访",
    denominator_label="信访总量",
)
ONLINE_SHARE = RateDef(
    "online_share",
    "网上信访占比",
    Petition,
    _received_rows,
    numerator=lambda ctx: Q(channel__in=ONLINE_CHANNELS),
    denominator=_everything,
    petition_field="pk",
    numerator_label="网上信访",
    denominator_label="信访总量",
)
BACKLOG_RESOLUTION = RateDef(
    "backlog_resolution",
    "积案化解率",
    Petition,
    lambda ctx, per_unit: _backlog_set(ctx),
    numerator=lambda ctx: Q(is_resolved=True, resolved_at__lt=ctx.period.end_before),
    denominator=_everything,
    petition_field="pk",
    numerator_label="已化解",
    denominator_label="积案",
    scope_indexed=False,
)

RATES: dict[str, RateDef] = {
    d.key: d
    for d in (
        TIMELY_ACCEPTANCE,
        ON_TIME_CONCLUSION,
        PARTICIPATION_BUREAU,
        PARTICIPATION_UNIT,
        SATISFACTION_BUREAU,
        SATISFACTION_UNIT,
        REPEAT,
        ONLINE_SHARE,
        FIRST_PETITION_ON_TIME,
        BACKLOG_RESOLUTION,
    )
}

# The three rates (三率) and their companions, as shown per unit and scored by the assessment.
UNIT_TABLE_RATES = [
    TIMELY_ACCEPTANCE,
    ON_TIME_CONCLUSION,
    PARTICIPATION_UNIT,
    SATISFACTION_UNIT,
    FIRST_PETITION_ON_TIME,
]


def rate(defn: RateDef, scope: Scope, ctx: Ctx) -> Rate:
    row = defn.queryset(scope, ctx).aggregate(**defn.aggregates(ctx))
    return Rate(row["n"] or 0, row["d"] or 0)


def rates_by_unit(defn: RateDef, ctx: Ctx, unit_ids: list[int] | None = None) -> dict[int, Rate]:
    """Every unit's figure in one grouped query. Units without any row are absent (read them as ZERO)."""
    qs = defn.queryset(None, ctx)
    if unit_ids is not None:
        qs = qs.annotate(_unit=defn.group_key()).filter(_unit__in=unit_ids)
    else:
        qs = qs.annotate(_unit=defn.group_key())
    rows = qs.order_by().values("_unit").annotate(**defn.aggregates(ctx))
    return {row["_unit"]: Rate(row["n"] or 0, row["d"] or 0) for row in rows if row["_unit"] is not None}


def petitions_behind(defn: RateDef, scope: Scope, ctx: Ctx, part: str = "denominator") -> QuerySet[Petition]:
    """The petitions a rate counted: part is "numerator" or "denominator"."""
    condition = defn.numerator(ctx) if part == "numerator" else defn.denominator(ctx)
    rows = defn.queryset(scope, ctx).filter(condition)
    if defn.on_petitions:
        return Petition.objects.filter(pk__in=rows.values("pk"))
    return Petition.objects.filter(pk__in=rows.values(defn.petition_field))
