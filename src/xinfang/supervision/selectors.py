"""Reading deadlines by colour and supervisions, scoped to what the user may see.

The colour of a deadline (process.md §5) is computed in the database with the same rule as
``xinfang.deadlines.arithmetic.colour``, so the board can filter, count and page by colour in SQL.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import LessThanOrEqual

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.orgs import picker
from xinfang.orgs.models import OrgUnit, UnitKind
from xinfang.petitions.models import OPEN_STATUSES, PetitionClass
from xinfang.petitions.selectors import visible_to
from xinfang.workflow.models import Deadline, DeadlineStatus

from .models import Supervision

COLOURS = ["red", "yellow", "blue", "green"]
COLOUR_LABELS = {
    "red": "红色（超期）",
    "yellow": "黄色（临期）",
    "blue": "蓝色（在办）",
    "green": "绿色（办结）",
}
# Green rows on the board: deadlines concluded within this many days; older ones are history, not work.
GREEN_DAYS = 30


class DaysBetween(Func):
    """``later - earlier`` in whole days, for two date expressions."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date - date is an integer number of days.
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"({later} - {earlier})", (*later_params, *earlier_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)", (*later_params, *earlier_params)


def colour_expression(today: dt.date, *, yellow_days: int, yellow_percent: float | None = None) -> Case:
    """The colour of a Deadline row on ``today``: green when no longer open, else red/yellow/blue."""
    whens = [
        When(~Q(status=DeadlineStatus.OPEN), then=Value("green")),
        When(due_on__lt=today, then=Value("red")),
        When(due_on__lte=today + dt.timedelta(days=yellow_days), then=Value("yellow")),
    ]
    if yellow_percent is not None:
        remaining = DaysBetween(F("due_on"), Value(today, output_field=DateField()))
        period = DaysBetween(F("due_on"), F("starts_on"))
        whens.append(
            When(
                LessThanOrEqual(remaining * 100, period * Value(yellow_percent, output_field=FloatField())),
                then=Value("yellow"),
            )
        )
    return Case(*whens, default=Value("blue"), output_field=CharField())


def colour_q(colour: str, today: dt.date) -> Q:
    """What `colour_expression` implies of the due date and status, said so that an index can use it (the
    CASE alone is opaque to the planner): red is open and past due, yellow and blue open and not yet due."""
    if colour == "green":
        return ~Q(status=DeadlineStatus.OPEN)
    if colour == "red":
        return Q(status=DeadlineStatus.OPEN, due_on__lt=today)
    return Q(status=DeadlineStatus.OPEN, due_on__gte=today)


def with_colour(qs: QuerySet[Deadline], today: dt.date | None = None, rules=None) -> QuerySet[Deadline]:
    rules = rules or deadline_rules.get_rules()
    return qs.annotate(
        colour=colour_expression(
            today or clock.today(), yellow_days=rules.yellow_days, yellow_percent=rules.yellow_percent
        )
    )


def board_deadlines(user, today: dt.date | None = None, rules=None, *, open_only: bool = False):
    """The staff deadlines on the supervision board: open ones, and those concluded lately (green), of the
    petitions this user may see (`open_only`: the open ones alone). A petitioner's own windows (rating,
    appeal) are not staff work."""
    today = today or clock.today()
    recent = clock.now() - dt.timedelta(days=GREEN_DAYS)
    shown = Q(status=DeadlineStatus.OPEN)
    if not open_only:
        shown |= Q(status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED], done_at__gte=recent)
    qs = Deadline.objects.filter(petition__in=visible_to(user), is_window=False).filter(shown)
    return with_colour(qs, today, rules)


def board_units(user, board: QuerySet[Deadline]) -> tuple[QuerySet[OrgUnit], bool]:
    """The units the board's unit filter offers, and whether they are too many to list (`orgs.picker`).

    A bureau or leadership unit with a large area (a city, a province) searches every unit of its area, the
    scope `visible_to` gives it: listing the units that have rows on ``board`` read the whole board once more
    (1.3 s of the province board's 2 s). Anyone else picks among the units with rows on the board."""
    unit = getattr(user, "unit", None)
    if unit is not None and unit.sees_jurisdiction and picker.is_large(unit.region):
        return OrgUnit.objects.filter(region__code__startswith=unit.region.prefix).order_by("code"), True
    if unit is None and getattr(user, "is_superuser", False):
        return OrgUnit.objects.order_by("code"), True
    return OrgUnit.objects.filter(pk__in=board.order_by().values("unit_id")).order_by("code"), False


URGENT_SHOWN = 20


def urgent_petitions(user, limit: int = URGENT_SHOWN) -> list:
    """The open urgent matters (扬言) this user may see, newest first: above the board, before any colour."""
    qs = visible_to(user).filter(is_urgent=True, status__in=OPEN_STATUSES)
    return list(qs.select_related("responsible_unit").order_by("-received_at", "-id")[:limit])


def colour_counts(qs: QuerySet[Deadline]) -> dict[str, int]:
    """{colour: rows} for an annotated queryset, in one grouped query."""
    counts = dict.fromkeys(COLOURS, 0)
    for row in qs.order_by().values("colour").annotate(n=Count("id")):
        counts[row["colour"]] = row["n"]
    return counts


def supervisions_visible_to(user) -> QuerySet[Supervision]:
    """A bureau or leadership unit sees the supervisions of units in its region; any other unit sees those
    addressed to it; nobody sees one about an accusation against their own unit. Superusers without a unit
    see all."""
    qs = Supervision.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    unit = user.unit
    if unit is None:
        return qs if user.is_superuser else qs.none()
    if unit.kind in (UnitKind.BUREAU, UnitKind.LEADERSHIP):
        prefix = unit.region.prefix
        qs = qs.filter(Q(unit__region__code__startswith=prefix) | Q(bureau=unit))
    else:
        qs = qs.filter(unit=unit)
    # An accusation is never shown to the unit it accuses, not even as a supervision (Arts. 30, 46).
    return qs.exclude(petition__petition_class=PetitionClass.ACCUSATION, petition__subject_unit=unit)


def supervision_counts(
    period_start: dt.date, period_end: dt.date, reader_unit_id: int | None = None
) -> QuerySet:
    """Per supervised unit, for supervisions opened from ``period_start`` to ``period_end`` (inclusive, days in
    Asia/Shanghai): opened, answered, answered on time, listed. One grouped query; rows are dicts with
    ``unit_id``, ``unit__name``, ``opened``, ``answered``, ``answered_on_time``, ``listed``. With
    ``reader_unit_id``, supervisions of accusations against that unit are not counted (the reader's view)."""
    start = dt.datetime.combine(period_start, dt.time.min, tzinfo=clock.SHANGHAI)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    qs = Supervision.objects.filter(opened_at__gte=start, opened_at__lt=end)
    if reader_unit_id is not None:
        qs = qs.exclude(
            petition__petition_class=PetitionClass.ACCUSATION, petition__subject_unit_id=reader_unit_id
        )
    return (
        qs.values("unit_id", "unit__name")
        .annotate(
            opened=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            answered_on_time=Count("id", filter=Q(answered_on_time=True)),
            listed=Count("id", filter=Q(is_listed=True)),
        )
        .order_by("unit__name", "unit_id")
    )
