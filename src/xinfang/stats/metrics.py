"""The figures of process.md §8, each defined once as a database aggregation.

Every rate is a `RateDef`: the rows it reads (deadlines, ratings or petitions), the unit each row belongs to,
and two filters, numerator and denominator. The same definition answers three questions, so they can never
disagree:

* `rate(defn, scope, ctx)`: one unit or jurisdiction, one query;
* `rates_by_unit(defn, ctx)`: every unit at once, one grouped query (the monthly table and the assessment);
* `petitions_behind(defn, scope, ctx, part)`: the petitions counted (the dashboard's drill-down).

Rates count distinct petitions, so "共受理280案" is 280 cases and the drill-down list has 280 rows.

The facts come from the workflow, recorded when transitions happen: one `workflow.Deadline` row per statutory
period (route, accept, handle, rating window, ...) with its unit, due date, status (open, met, missed,
cancelled) and completion time, and one `evaluation.Rating` per rated target. Nothing here replays history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from xinfang import clock
from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import SATISFIED_VALUES, Rating, RatingTarget
from xinfang.orgs.models import Level, UnitKind
from xinfang.petitions.models import ONLINE_CHANNELS, Category, Channel, Petition, PetitionParty
from xinfang.workflow.models import Deadline, DeadlineStatus

from .models import StatisticsPolicy
from .periods import Period
from .scope import Scope

PERCENT_PLACES = Decimal("0.01")

# Which deadlines are "acceptance" and "handling" (process.md §5). The bureau's acceptance is routing.
UNIT_ACCEPTANCE_STAGES = [Stage.ACCEPT, Stage.NOTIFY_DIRECT]
BUREAU_ACCEPTANCE_STAGES = [Stage.ROUTE]
HANDLING_STAGES = [Stage.HANDLE, Stage.SIMPLIFIED]

UPPER_LEVELS = [Level.NATIONAL, Level.PROVINCE, Level.CITY]  # 进京 / 赴省 / 到市
LOCAL_LEVELS = [Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]  # 本级
VISIT_LEVEL_KEYS = ["national", "province", "city", "local"]


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        """Two decimals, half up (as bureaus round by hand); None when nothing was due."""
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(
            PERCENT_PLACES, rounding=ROUND_HALF_UP
        )

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


@dataclass(frozen=True)
class Ctx:
    """Everything a figure depends on besides its scope: the period, the day it is computed on (what is
    overdue depends on it) and the administrator's statistics settings."""

    period: Period
    today: dt.date = field(default_factory=clock.today)
    policy: StatisticsPolicy = field(default_factory=StatisticsPolicy.current)

    @classmethod
    def of(cls, period: Period, today: dt.date | None = None) -> Ctx:
        return cls(period, today or clock.today())

    @cached_property
    def window_margin(self) -> int:
        return _window_margin_days()


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


def _received_in(ctx: Ctx, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}received_at__gte": ctx.period.start_at,
            f"{prefix}received_at__lt": ctx.period.end_before,
        }
    )


def answerable_unit():
    """The unit a petition is counted against: its responsible unit, or the unit that received it."""
    return Coalesce("responsible_unit_id", "receiving_unit_id")


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
        qs = self.model.objects.filter(self.rows(ctx, per_unit))
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
    return _handling_rows(ctx, per_unit) & Q(petition__is_repeat=False)


def _window_margin_days() -> int:
    """How long after its opening a rating window can close: the policy's days, plus a month for a last day
    moved past a holiday. A window rated in the period closes on or after the rating day, so its due date
    lies in [period start, period end + margin]: an index range that narrows the OR below."""
    from xinfang.deadlines.services import UnknownStage, policy_for

    try:
        days = policy_for(Stage.RATING).days
    except UnknownStage:
        days = 30
    return days + 31


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
    return _received_in(ctx)


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
    numerator=lambda ctx: Q(is_repeat=True),
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


# --- volumes ---------------------------------------------------------------------------------------------


@dataclass
class Count2:
    """A batch (批) and person (人次) count."""

    batches: int = 0
    persons: int = 0

    def add(self, batches: int, persons: int) -> None:
        self.batches += batches
        self.persons += persons

    def as_dict(self) -> dict:
        return {"batches": self.batches, "persons": self.persons}


@dataclass
class Volume:
    total: Count2
    by_channel: dict[str, Count2]
    by_visit_level: dict[str, Count2]
    by_category: dict[str, Count2]
    by_collective: dict[str, Count2]
    upper: Count2  # 到京省市: visits made at, or matters sent down from, the national/province/city level
    upper_online_letter_phone: Count2  # of which 网信电访 (every channel but the visit)
    upper_visits: dict[str, Count2]  # 京省市走访 by level
    repeat: Count2
    online: Count2
    local_handed: Count2  # local visits passed on to a unit (转送、交办)
    local_on_spot: Count2  # local visits concluded at reception the same day (现场协调处理)

    def as_dict(self) -> dict:
        return {
            "batches": self.total.batches,
            "persons": self.total.persons,
            "by_channel": {k: v.as_dict() for k, v in self.by_channel.items()},
            "by_visit_level": {k: v.as_dict() for k, v in self.by_visit_level.items()},
            "by_category": {k: v.as_dict() for k, v in self.by_category.items()},
        }


def visit_level_key(level: str) -> str:
    return "local" if level in LOCAL_LEVELS else level


def upper_level():
    """The level above the county a matter reached: where a visit was made, else who sent it down."""
    return Case(
        When(channel=Channel.VISIT, visit_level__in=UPPER_LEVELS, then=F("visit_level")),
        When(source_level__in=UPPER_LEVELS, then=F("source_level")),
        default=Value(""),
        output_field=CharField(),
    )


ON_SPOT = Q(
    concluded_at__isnull=False, accepted_at__isnull=True, replied_at__isnull=True, closed_at__isnull=True
)
HANDED = Q(routed_at__isnull=False, responsible_unit__isnull=False) & ~Q(responsible_unit=F("receiving_unit"))


def local_handling():
    """How a visit was dealt with at reception: concluded on the spot, or handed to a unit."""
    return Case(
        When(ON_SPOT, then=Value("on_spot")),
        When(HANDED, then=Value("handed")),
        default=Value(""),
        output_field=CharField(),
    )


def categories() -> tuple[dict[int, str], list[str]]:
    """{category id: its top-level name} and the active top-level names in display order, in one query."""
    rows = list(
        Category.objects.order_by("sort_order", "path").values_list("pk", "path", "parent_id", "is_active")
    )
    tops = {pk: path.split("/")[0] for pk, path, _, _ in rows}
    return tops, [path for _, path, parent, active in rows if parent is None and active]


def volume(scope: Scope, ctx: Ctx) -> Volume:
    """Batches and persons with every split, from one grouped query (the groups are few; their roll-up in
    Python adds up at most a few hundred aggregated rows, never petitions)."""
    rows = (
        Petition.objects.filter(_received_in(ctx) & scope.petition_q())
        .annotate(upper=upper_level(), handling=local_handling())
        .order_by()
        .values("channel", "visit_level", "upper", "category_id", "is_collective", "is_repeat", "handling")
        .annotate(batches=Count("pk"), persons=Sum("person_count"))
    )
    tops, top_names = categories()
    result = Volume(
        total=Count2(),
        by_channel={c: Count2() for c in Channel.values},
        by_visit_level={k: Count2() for k in VISIT_LEVEL_KEYS},
        by_category={name: Count2() for name in top_names},
        by_collective={"individual": Count2(), "collective": Count2()},
        upper=Count2(),
        upper_online_letter_phone=Count2(),
        upper_visits={k: Count2() for k in UPPER_LEVELS},
        repeat=Count2(),
        online=Count2(),
        local_handed=Count2(),
        local_on_spot=Count2(),
    )
    for row in rows:
        b, p = row["batches"], row["persons"] or 0
        result.total.add(b, p)
        result.by_channel.setdefault(row["channel"], Count2()).add(b, p)
        if row["channel"] == Channel.VISIT and row["visit_level"]:
            result.by_visit_level[visit_level_key(row["visit_level"])].add(b, p)
            if row["visit_level"] in LOCAL_LEVELS and row["handling"]:
                getattr(result, f"local_{row['handling']}").add(b, p)
        result.by_category.setdefault(tops.get(row["category_id"], "其他"), Count2()).add(b, p)
        result.by_collective["collective" if row["is_collective"] else "individual"].add(b, p)
        if row["upper"]:
            result.upper.add(b, p)
            if row["channel"] == Channel.VISIT:
                result.upper_visits[row["upper"]].add(b, p)
            else:
                result.upper_online_letter_phone.add(b, p)
        if row["is_repeat"]:
            result.repeat.add(b, p)
        if row["channel"] in ONLINE_CHANNELS:
            result.online.add(b, p)
    return result


def volume_filter(key: str, value: str | None = None) -> Q:
    """The petitions behind one volume figure (for drill-down): key is total, channel, online_letter_phone,
    local_visit (value on_spot or handed), visit_level, category, collective, issue_region, upper, upper_visit
    or upper_online_letter_phone."""
    if key == "total":
        return Q()
    if key == "channel":
        return Q(channel=value)
    if key == "visit_level":
        levels = LOCAL_LEVELS if value == "local" else [value]
        return Q(channel=Channel.VISIT, visit_level__in=levels)
    if key == "category":
        return Q(category__path=value) | Q(category__path__startswith=f"{value}/")
    if key == "collective":
        return Q(is_collective=value == "collective")
    if key == "issue_region":
        from .scope import code_within

        return code_within("issue_region_code", value or "")
    if key == "online_letter_phone":
        return ~Q(channel=Channel.VISIT)
    if key == "local_visit":
        local = Q(channel=Channel.VISIT, visit_level__in=LOCAL_LEVELS)
        if value == "on_spot":
            return local & ON_SPOT
        if value == "handed":
            return local & ~ON_SPOT & HANDED
        return local
    upper = Q(channel=Channel.VISIT, visit_level__in=UPPER_LEVELS) | Q(source_level__in=UPPER_LEVELS)
    if key == "upper":
        return upper
    if key == "upper_online_letter_phone":
        return upper & ~Q(channel=Channel.VISIT)
    if key == "upper_visit":
        return Q(channel=Channel.VISIT, visit_level=value) | (
            Q(channel=Channel.VISIT, source_level=value) & ~Q(visit_level__in=UPPER_LEVELS)
        )
    raise ValueError(f"未知的统计项：{key}")


def volume_petitions(
    scope: Scope, ctx: Ctx, key: str = "total", value: str | None = None
) -> QuerySet[Petition]:
    return Petition.objects.filter(_received_in(ctx) & scope.petition_q() & volume_filter(key, value))


def volumes_by_unit(ctx: Ctx, unit_ids: list[int] | None = None) -> dict[int, Count2]:
    """Batches and persons per answerable unit, one grouped query."""
    qs = Petition.objects.filter(_received_in(ctx)).annotate(_unit=answerable_unit())
    if unit_ids is not None:
        qs = qs.filter(_unit__in=unit_ids)
    rows = qs.order_by().values("_unit").annotate(batches=Count("pk"), persons=Sum("person_count"))
    return {row["_unit"]: Count2(row["batches"], row["persons"] or 0) for row in rows}


def volume_by_issue_region(scope: Scope, ctx: Ctx, level_length: int) -> dict[str, Count2]:
    """Batches and persons by the issue region's code cut to `level_length` digits (e.g. 9 for townships)."""
    from django.db.models.functions import Substr

    rows = (
        Petition.objects.filter(_received_in(ctx) & scope.petition_q())
        .annotate(area=Substr("issue_region_code", 1, level_length))
        .order_by()
        .values("area")
        .annotate(batches=Count("pk"), persons=Sum("person_count"))
    )
    return {row["area"]: Count2(row["batches"], row["persons"] or 0) for row in rows}


# --- counts that are not rates ---------------------------------------------------------------------------


def long_term_petitioner_count(scope: Scope, ctx: Ctx) -> int:
    """People with at least `long_term_visits` visits to the province or national bureau (and the city, if
    configured) in the `long_term_window_days` up to the end of the period. A number, never a list."""
    policy = ctx.policy
    levels = [Level.NATIONAL, Level.PROVINCE] + ([Level.CITY] if policy.long_term_includes_city else [])
    since = ctx.period.end_before - dt.timedelta(days=policy.long_term_window_days)
    return (
        PetitionParty.objects.filter(
            scope.petition_q("petition__"),
            petition__channel=Channel.VISIT,
            petition__visit_level__in=levels,
            petition__received_at__gte=since,
            petition__received_at__lt=ctx.period.end_before,
        )
        .order_by()
        .values("petitioner_id")
        .annotate(visits=Count("petition_id", distinct=True))
        .filter(visits__gte=policy.long_term_visits)
        .count()
    )


def backlog_open_count(scope: Scope, ctx: Ctx) -> int:
    r = rate(BACKLOG_RESOLUTION, scope, ctx)
    return r.denominator - r.numerator


# --- trends ------------------------------------------------------------------------------------------------


def _month_key(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(clock.SHANGHAI).date()
    return f"{value.year:04d}-{value.month:02d}"


def monthly_trend(scope: Scope, ctx: Ctx, months: int = 12) -> dict:
    """Batches, persons and the two deadline rates for the `months` months ending with the period's last
    month: one grouped query each (grouped by the month of receipt, or of the due date)."""
    from dataclasses import replace

    from django.db.models.functions import TruncMonth

    last = Period.month(ctx.period.end.year, ctx.period.end.month)
    first = last
    for _ in range(months - 1):
        first = first.previous()
    span = replace(ctx, period=Period(first.start, last.end))
    keys, month = [], first
    while month.start <= last.start:
        keys.append(_month_key(month.start))
        month = Period.of("month", month.end + dt.timedelta(days=1))
    volume_rows = (
        Petition.objects.filter(_received_in(span) & scope.petition_q())
        .annotate(month=TruncMonth("received_at", tzinfo=clock.SHANGHAI))
        .order_by()
        .values("month")
        .annotate(batches=Count("pk"), persons=Sum("person_count"))
    )
    volumes = {_month_key(r["month"]): r for r in volume_rows}
    result = {
        "months": keys,
        "batches": [volumes.get(k, {}).get("batches", 0) for k in keys],
        "persons": [volumes.get(k, {}).get("persons") or 0 for k in keys],
    }
    for defn in (TIMELY_ACCEPTANCE, ON_TIME_CONCLUSION):
        rows = (
            defn.queryset(scope, span)
            .annotate(month=TruncMonth("due_on"))
            .order_by()
            .values("month")
            .annotate(**defn.aggregates(span))
        )
        by_month = {_month_key(r["month"]): Rate(r["n"], r["d"]) for r in rows}
        result[defn.key] = [
            None if (rate := by_month.get(k, ZERO)).percent is None else float(rate.percent) for k in keys
        ]
    return result
