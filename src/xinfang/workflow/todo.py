"""我的待办: the tasks a person must act on, their filters and the counts per stage.

A task is a petition on which a unit must act now: one of the unit's periods is open (route, notify, sign for,
accept, report, handle, rework, review, re-review), or a reply it gave is not yet delivered (delivery has no
period of its own; its stage here is ``DELIVERY``), or, for a bureau, the result of a matter it assigned waits
for its review (``CONFIRMATION``). Each row carries the task's stage, due date, unit and colour from the
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
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.arithmetic import colour
from xinfang.deadlines.models import Stage
from xinfang.orgs.models import OrgUnit, Role
from xinfang.paging import Keyset
from xinfang.petitions.models import Petition, Status
from xinfang.petitions.selectors import visible_to

from .co_handling import supporting
from .models import Deadline, DeadlineStatus, Routing, RoutingAction
from .transitions import TABLE
from .worklist import colour_q

# The pseudo-stage of a reply waiting to be delivered, named by the table's ``deliver`` row.
DELIVERY = "delivery"
# The pseudo-stage of a matter the unit supports (协办): its due date is the lead unit's next one.
SUPPORT = "support"
# The pseudo-stage of an assigned matter's reported result waiting for the assigning bureau's review
# (审核认定办结, process.md §3); like a delivery it has no period of its own.
CONFIRMATION = "confirmation"


def _task_stages() -> list[str]:
    """The stages a unit's own period can be in: every stage the table starts or stops, but the petitioner's
    windows; in the order of ``Stage``."""
    named = {stage for row in TABLE.values() for stage in (*row.starts, *row.stops)}
    named.discard(Stage.RATING)
    return [stage.value for stage in Stage if stage in named]


TASK_STAGES = _task_stages()
STAGE_LABELS = {
    **{code: Stage(code).label for code in TASK_STAGES},
    DELIVERY: TABLE["deliver"].label,
    CONFIRMATION: TABLE["confirm_conclusion"].label,
    SUPPORT: "协办",
}
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


def unconfirmed_assignments(**filters) -> QuerySet[Routing]:
    """Assignments whose reported result waits for the assigning bureau (the matter is replied, the
    routing not yet confirmed)."""
    return Routing.objects.filter(
        is_current=True,
        action=RoutingAction.ASSIGN,
        result_confirmed_at__isnull=True,
        petition__status=Status.REPLIED,
        **filters,
    )


def _awaiting_confirmation() -> Exists:
    return Exists(unconfirmed_assignments(petition=OuterRef("pk")))


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


def tasks(user, *, unit: OrgUnit | None = None) -> QuerySet[Petition]:
    """The tasks of the user's unit, or, for an overseer, of every unit of the area (or of ``unit``).

    Annotated: ``task_due_on`` (None for a delivery), ``task_stage`` and ``task_sort`` (the due date,
    ``NO_DUE`` for a delivery); ``finish_rows`` adds a page's colours and units. Unordered: ``SORTS``
    orders and pages.
    """
    own_unit_id = getattr(user, "unit_id", None)
    if own_unit_id is None:
        return Petition.objects.none()
    # An overseer may name one unit (None: all of the area's); a unit's staff never widen their list.
    unit_id = own_unit_id if not oversees(user) else getattr(unit, "pk", None)
    qs = _every_units_tasks(user) if unit_id is None else _one_units_tasks(user, unit_id)
    return qs.annotate(task_sort=Coalesce("task_due_on", Value(NO_DUE), output_field=DateField()))


def _every_units_tasks(user) -> QuerySet[Petition]:
    """Every unit's: a petition's earliest open duty of any unit is the one the workflow copies onto it
    (``next_due_on``, ``next_due_stage``: petition_deadlines.refresh_petition), so no subquery is needed."""
    return (
        visible_to(user)
        # A range, not IS NOT NULL: SQLite then reads both branches from their indexes (next_due_on, status).
        .filter(Q(next_due_on__gt=NO_DUE) | Q(status=Status.REPLIED))
        .annotate(
            task_due_on=F("next_due_on"),
            task_stage=Case(
                When(Q(next_due_on__isnull=True) & _awaiting_confirmation(), then=Value(CONFIRMATION)),
                When(next_due_on__isnull=True, then=Value(DELIVERY)),
                default=F("next_due_stage"),
                output_field=CharField(),
            ),
        )
    )


def _one_units_tasks(user, unit_id: int) -> QuerySet[Petition]:
    """One unit's: found from its open duties (the partial index ``deadline_open_duty``) and its replies
    waiting for delivery (``petition_replied_unit``), each with the unit's own earliest duty."""
    duties = Deadline.objects.filter(status=DeadlineStatus.OPEN, is_window=False, unit_id=unit_id)
    # A reply the unit may deliver: not an assigned matter's result still waiting for the bureau's review.
    own_delivery = Q(status=Status.REPLIED, responsible_unit_id=unit_id) & ~_awaiting_confirmation()
    waiting = Petition.objects.filter(own_delivery)
    confirming = unconfirmed_assignments(from_unit_id=unit_id).values("petition_id")
    # Matters the unit supports while the lead unit still works them (协办: process.md §3).
    supported = supporting(unit_id=unit_id, petition__status__in=TABLE["add_support_opinion"].from_states)
    earliest = duties.filter(petition=OuterRef("pk")).order_by("due_on", "id")
    ids = (
        duties.order_by()
        .values("petition_id")
        .union(
            waiting.order_by().values("pk"),
            confirming.order_by(),
            supported.order_by().values("petition_id"),
        )
    )
    own_confirmation = Q(pk__in=confirming)
    return (
        visible_to(user)
        # One IN over a UNION, not an OR of conditions: PostgreSQL then joins the few ids to the
        # primary key instead of scanning the petitions (an OR with a subquery cannot use an index).
        .filter(pk__in=ids)
        .annotate(
            task_due_on=Coalesce(
                Subquery(earliest.values("due_on")[:1], output_field=DateField()),
                Case(
                    When(own_delivery | own_confirmation, then=Value(None)),
                    default=F("next_due_on"),
                    output_field=DateField(),
                ),
                output_field=DateField(),
            ),
            task_stage=Coalesce(
                Subquery(earliest.values("stage")[:1], output_field=CharField()),
                Case(
                    When(own_delivery, then=Value(DELIVERY)),
                    When(own_confirmation, then=Value(CONFIRMATION)),
                    default=Value(SUPPORT),
                    output_field=CharField(),
                ),
                output_field=CharField(),
            ),
        )
    )


def finish_rows(
    rows: list[Petition], unit: OrgUnit | None = None, today: dt.date | None = None
) -> list[Petition]:
    """Set ``task_colour`` and ``task_unit_id`` on a page's rows, in Python (in SQL each would repeat the
    subquery for every task, not only the page's): the unit is ``unit`` when the list is one unit's, else
    the unit of each row's earliest open duty (one query), the responsible unit for a delivery."""
    rules = deadline_rules.get_rules()
    today = today or clock.today()
    if unit is None:
        first: dict[int, int] = {}
        found = (
            Deadline.objects.filter(
                petition_id__in=[row.pk for row in rows], status=DeadlineStatus.OPEN, is_window=False
            )
            .order_by("petition_id", "due_on", "id")
            .values_list("petition_id", "unit_id")
        )
        for petition_id, unit_id in found:
            first.setdefault(petition_id, unit_id)
        confirming = [row.pk for row in rows if getattr(row, "task_stage", "") == CONFIRMATION]
        if confirming:  # the assigning bureau's task, not the responsible unit's
            first.update(
                unconfirmed_assignments(petition_id__in=confirming).values_list("petition_id", "from_unit_id")
            )
    for row in rows:
        if unit is not None:
            row.task_unit_id = unit.pk
        else:
            row.task_unit_id = first.get(row.pk, row.responsible_unit_id)
        # A reply waiting for delivery has no period of its own: running work (blue).
        due = row.task_due_on
        row.task_colour = "blue" if due is None else colour(due, today, False, rules.yellow_days).value
    return rows


def narrow(
    qs: QuerySet[Petition], *, status=None, colour=None, category=None, today: dt.date | None = None
) -> QuerySet[Petition]:
    """The tasks filtered by everything but the stage (the counts per stage are over this)."""
    if status:
        qs = qs.filter(status=status)
    if colour:
        rules = deadline_rules.get_rules()
        qs = qs.filter(
            colour_q("task_due_on", colour, today or clock.today(), rules.yellow_days, empty="blue")
        )
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
    return narrow(tasks(user), today=today).order_by("task_sort", "id")
