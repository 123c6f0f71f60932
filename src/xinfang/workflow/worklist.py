"""Petition lists with their deadline colour: the list's 期限 column and the 我的待办 (my tasks) page.

Colours are computed in SQL from dates the workflow keeps on the rows (``Petition.next_due_on``, a unit's
open ``Deadline``), with the same rule as ``selectors.petition_colour`` (red / yellow within the configured
days / blue; green when nothing is open), so a page of any length costs the same queries.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    CharField,
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

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.petitions.models import Petition, Status
from xinfang.petitions.selectors import visible_to

from .models import Deadline, DeadlineStatus


def colour_case(field: str, today: dt.date, yellow_days: int, *, empty: str = "green") -> Case:
    """red / yellow / blue for the date in ``field``; ``empty`` (green: nothing open) when there is none."""
    return Case(
        When(**{f"{field}__isnull": True}, then=Value(empty)),
        When(**{f"{field}__lt": today}, then=Value("red")),
        When(**{f"{field}__lte": today + dt.timedelta(days=yellow_days)}, then=Value("yellow")),
        default=Value("blue"),
        output_field=CharField(),
    )


def with_due_colour(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet[Petition]:
    """Annotate ``due_colour``: the colour of each petition's next duty (``next_due_on``)."""
    rules = deadline_rules.get_rules()
    return qs.annotate(due_colour=colour_case("next_due_on", today or clock.today(), rules.yellow_days))


def _unit_duties(unit_id: int):
    return Deadline.objects.filter(
        petition=OuterRef("pk"), unit_id=unit_id, status=DeadlineStatus.OPEN, is_window=False
    ).order_by("due_on", "id")


def my_tasks(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """The petitions the user's unit must act on now, earliest duty first.

    A unit must act while one of its own periods is open (route, notify, accept, report, handle, review,
    re-review) and while a reply it gave is not yet delivered (delivery has no period of its own). Each row
    carries ``task_due_on`` / ``task_stage`` (the unit's earliest open period) and ``task_colour``.
    """
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return Petition.objects.none()
    duties = _unit_duties(unit_id)
    rules = deadline_rules.get_rules()
    qs = (
        visible_to(user)
        .filter(Q(Exists(duties)) | Q(status=Status.REPLIED, responsible_unit_id=unit_id))
        .annotate(
            task_due_on=Subquery(duties.values("due_on")[:1], output_field=DateField()),
            task_stage=Subquery(duties.values("stage")[:1], output_field=CharField()),
        )
    )
    # A reply waiting to be delivered has no period of its own: it is running work (blue), listed first.
    colour = colour_case("task_due_on", today or clock.today(), rules.yellow_days, empty="blue")
    qs = qs.annotate(task_colour=colour)
    return qs.order_by(F("task_due_on").asc(nulls_first=True), "id")
