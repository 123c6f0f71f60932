"""我的待办: the tasks a person must act on, their filters and the counts per stage.

A task is a petition on which a unit must act now: one of the unit's periods is open (route, notify, accept,
report, handle, review, re-review), or a reply it gave is not yet delivered (delivery has no period of its
own; its stage here is ``DELIVERY``). Each row carries the task's stage, due date, unit and colour from the
unit's earliest open period, so a filter by stage or colour is a filter on the same columns the page shows and
the count above a stage is the length of the list that stage's link opens.

Whose tasks: a person's own unit's. Supervisors and leaders of a bureau or a leadership unit oversee every
unit of their area (``oversees``) and may narrow the list to one unit.

Cost: the rows are found from the open periods (the partial index ``deadline_open_duty``), not by scanning the
area's petitions, and are ordered by a key computed per task, so every page (the first, a later one, a filtered
one) costs one pass over the open tasks of the scope, however large the archive (bench/todo.py).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    CharField,
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.orgs.models import OrgUnit, Role
from xinfang.paging import Keyset
from xinfang.petitions.models import Petition, Status
from xinfang.petitions.selectors import visible_to

from .models import Deadline, DeadlineStatus
from .transitions import TABLE
from .worklist import colour_case

# The pseudo-stage of a reply waiting to be delivered, named by the table's ``deliver`` row.
DELIVERY = "delivery"


def _task_stages() -> list[str]:
    """The stages a unit's own period can be in: every stage the table starts or stops, but the petitioner's
    windows; in the order of ``Stage``."""
    named = {stage for row in TABLE.values() for stage in (*row.starts, *row.stops)}
    named.discard(Stage.RATING)
    return [stage.value for stage in Stage if stage in named]


TASK_STAGES = _task_stages()
STAGE_LABELS = {**{code: Stage(code).label for code in TASK_STAGES}, DELIVERY: TABLE["deliver"].label}
STAGE_CHOICES = list(STAGE_LABELS.items())

# Those who oversee their area's units rather than work one unit's list.
OVERSEER_ROLES = (Role.SUPERVISOR, Role.BUREAU_LEADER, Role.PARTY_LEADER)

SORTS = {
    "due": Keyset("task_sort", descending=False, parse=dt.date.fromisoformat),
    "received": Keyset("received_at", descending=False),
}
SORT_CHOICES = [("due", "按期满日（早的在前）"), ("received", "按收到日期（早的在前）")]
# Before any due date: replies waiting for delivery have none and come first.
NO_DUE = dt.date(1900, 1, 1)


def task_stage_label(code: str | None) -> str:
    return STAGE_LABELS.get(code or "", code or "")


def oversees(user) -> bool:
    unit = getattr(user, "unit", None)
    return unit is not None and unit.sees_jurisdiction and user.has_role(*OVERSEER_ROLES)


def overseen_units(user) -> QuerySet[OrgUnit]:
    """The units whose tasks an overseer may list (their area's), in code order; none for anyone else."""
    if not oversees(user):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(is_active=True, region__code__startswith=user.unit.region.prefix).order_by(
        "code"
    )


def _open_duties(unit_id: int | None):
    duties = Deadline.objects.filter(status=DeadlineStatus.OPEN, is_window=False)
    return duties if unit_id is None else duties.filter(unit_id=unit_id)


def tasks(user, *, unit: OrgUnit | None = None, today: dt.date | None = None) -> QuerySet[Petition]:
    """The tasks of the user's unit, or, for an overseer, of every unit of the area (or of ``unit``).

    Annotated: ``task_due_on`` (None for a delivery), ``task_stage``, ``task_unit_id``, ``task_colour``
    and ``task_sort`` (the due date, ``NO_DUE`` for a delivery). Unordered: ``SORTS`` orders and pages.
    """
    own_unit_id = getattr(user, "unit_id", None)
    if own_unit_id is None:
        return Petition.objects.none()
    # An overseer may name one unit (None: all of the area's); a unit's staff never widen their list.
    unit_id = own_unit_id if not oversees(user) else getattr(unit, "pk", None)
    duties = _open_duties(unit_id)
    delivery = Q(status=Status.REPLIED)
    if unit_id is not None:
        delivery &= Q(responsible_unit_id=unit_id)
    earliest = duties.filter(petition=OuterRef("pk")).order_by("due_on", "id")
    rules = deadline_rules.get_rules()
    today = today or clock.today()
    return (
        visible_to(user)
        .filter(Q(pk__in=duties.values("petition_id")) | delivery)
        .annotate(
            task_due_on=Subquery(earliest.values("due_on")[:1], output_field=DateField()),
            task_stage=Coalesce(
                Subquery(earliest.values("stage")[:1], output_field=CharField()),
                Value(DELIVERY),
                output_field=CharField(),
            ),
            task_unit_id=Coalesce(
                Subquery(earliest.values("unit_id")[:1], output_field=IntegerField()),
                "responsible_unit_id",
                output_field=IntegerField(),
            ),
        )
        .annotate(
            task_sort=Coalesce("task_due_on", Value(NO_DUE), output_field=DateField()),
            # A reply waiting for delivery has no period of its own: running work (blue).
            task_colour=colour_case("task_due_on", today, rules.yellow_days, empty="blue"),
        )
    )


def narrow(qs: QuerySet[Petition], *, status=None, colour=None, category=None) -> QuerySet[Petition]:
    """The tasks filtered by everything but the stage (the counts per stage are over this)."""
    if status:
        qs = qs.filter(status=status)
    if colour:
        qs = qs.filter(task_colour=colour)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__path__startswith=f"{category.path}/"))
    return qs


def counts_by_stage(qs: QuerySet[Petition]) -> dict[str, int]:
    """How many tasks each stage has, in one grouped query; every stage named, zero when empty."""
    rows = qs.order_by().values("task_stage").annotate(n=Count("pk")).values_list("task_stage", "n")
    found = dict(rows)
    return {code: found.get(code, 0) for code in STAGE_LABELS}


def my_tasks(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """The user's tasks (an overseer's: the area's), earliest due first, deliveries before all."""
    return tasks(user, today=today).order_by("task_sort", "id")
