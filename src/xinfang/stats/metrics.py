"""What every figure of process.md §8 is computed against, and the filters the figure families share.

The figures are defined once, each as a database aggregation, in three modules: `rates` (every rate as a
`RateDef`), `volumes` (batches and persons with their splits, and the counts that are not rates) and `trend`
(twelve months of both). They all take a `Ctx`: the period, the as-of day and the statistics settings.

The facts come from the workflow, recorded when transitions happen: one `workflow.Deadline` row per statutory
period (route, accept, handle, rating window, ...) with its unit, due date, status (open, met, missed,
cancelled) and completion time, and one `evaluation.Rating` per rated target. Nothing here replays history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.db.models.functions import Coalesce

from xinfang import clock
from xinfang.deadlines.models import Stage
from xinfang.deadlines.services import UnknownStage, policy_for
from xinfang.petitions.models import Petition, PetitionClass, Status

from .models import StatisticsPolicy
from .periods import Period
from .slices import Slice


@dataclass(frozen=True)
class Ctx:
    """Everything a figure depends on besides its scope: the period, the day it is computed on (what is
    overdue depends on it) and the administrator's statistics settings."""

    period: Period
    today: dt.date = field(default_factory=clock.today)
    policy: StatisticsPolicy = field(default_factory=StatisticsPolicy.current)
    # The unit of whoever reads the figures: accusations against it are left out of every count, as
    # `petitions.selectors.visible_to` leaves them out of every list, so no figure tells the accused unit
    # that one exists. None: nobody's view (the CLI, a superuser without a unit).
    reader_unit_id: int | None = None
    # Which petitions count at all (channel, source, category, ...): `readable` applies it to every figure.
    slice: Slice = field(default_factory=Slice)

    @classmethod
    def of(
        cls,
        period: Period,
        today: dt.date | None = None,
        reader_unit_id: int | None = None,
        slice: Slice | None = None,
    ) -> Ctx:
        return cls(period, today or clock.today(), reader_unit_id=reader_unit_id, slice=slice or Slice())

    @cached_property
    def window_margin(self) -> int:
        return _window_margin_days()


def _window_margin_days() -> int:
    """How long after its opening a rating window can close: the policy's days, plus a month for a last day
    moved past a holiday. A window rated in the period closes on or after the rating day, so its due date
    lies in [period start, period end + margin]: an index range that narrows the rated-or-expired test."""
    try:
        days = policy_for(Stage.RATING).days
    except UnknownStage:
        days = 30
    return days + 31


def received_in(ctx: Ctx, prefix: str = "") -> Q:
    """Petitions received in the period (`prefix` reaches them through a relation, e.g. "petition__")."""
    return Q(
        **{
            f"{prefix}received_at__gte": ctx.period.start_at,
            f"{prefix}received_at__lt": ctx.period.end_before,
        }
    )


def as_of_end(ctx: Ctx) -> dt.datetime:
    """The first instant after the as-of day: what happened before it had happened on the as-of day."""
    return dt.datetime.combine(ctx.today + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)


def readable(ctx: Ctx, petition_field: str = "") -> Q:
    """Rows the reader may count: all but those of accusations against the reader's unit, and only those of
    petitions in the slice. `petition_field` names the relation to the petition on other rows (deadlines,
    ratings); empty for petitions themselves. Every figure family filters through here, so a slice narrows
    every figure in one place and never redefines one. A duplicate registration merged into another
    (``merged``) is no batch of its own: petitions leave it out; other rows need no join for it, since the
    merge cancelled its deadlines and it was never rated."""
    rows = _unhidden(ctx, petition_field) & sliced(ctx, petition_field)
    return rows & ~Q(status=Status.MERGED) if not petition_field else rows


def sliced(ctx: Ctx, petition_field: str = "") -> Q:
    """Rows of petitions in the slice; an empty slice adds nothing (no join, no subquery)."""
    if ctx.slice.is_empty:
        return Q()
    hidden = None if ctx.reader_unit_id is None else hidden_from_reader(ctx)
    return ctx.slice.petition_q(f"{petition_field}__" if petition_field else "", hidden)


def _unhidden(ctx: Ctx, petition_field: str) -> Q:
    if ctx.reader_unit_id is None:
        return Q()
    if not petition_field:
        return ~hidden_q(ctx.reader_unit_id)
    # A subquery over the few hidden petitions, not a join of every deadline or rating to its petition.
    return ~Q(**{f"{petition_field}_id__in": hidden_from_reader(ctx)})


def hidden_q(unit_id: int) -> Q:
    """Petitions hidden from a unit's figures: the accusations against it."""
    return Q(petition_class=PetitionClass.ACCUSATION, subject_unit_id=unit_id)


def hidden_from_reader(ctx: Ctx):
    """The petitions hidden from the reader's unit, as a subquery of ids."""
    return Petition.objects.filter(hidden_q(ctx.reader_unit_id)).values("pk")


def shown_repeat(ctx: Ctx, prefix: str = "") -> Q:
    """Repeat petitions (重复信访) as the reader may count them: a repeat of a petition hidden from the
    reader is not marked as one, so no figure tells that a hidden earlier petition exists (the same rule
    as `petitions.selectors.visible_repeat_of`)."""
    repeat = Q(**{f"{prefix}is_repeat": True})
    if ctx.reader_unit_id is None:
        return repeat
    return repeat & ~Q(**{f"{prefix}repeat_of_id__in": hidden_from_reader(ctx)})


def answerable_unit():
    """The unit a petition is counted against: its responsible unit, or the unit that received it."""
    return Coalesce("responsible_unit_id", "receiving_unit_id")
