"""Reading workflow facts for lists, detail pages and forms. Petitions themselves are read through
``petitions.selectors.visible_to``; these helpers take a petition the caller may already see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.petitions.models import Petition

from . import actors
from .models import Deadline, DeadlineStatus, Routing
from .transitions import TABLE, Transition
from .units import holder, unit_may_act
from .windows import object_window, rating_window, re_review_request_window, review_request_window


def sent_to(unit) -> Exists:
    """The petitions ever sent to ``unit`` (transferred, assigned, for review): the scope the workflow adds to
    ``petitions.selectors.visible_to`` for a unit that does not see a whole jurisdiction."""
    return Exists(Routing.objects.filter(petition=OuterRef("pk"), to_unit=unit))


def petition_colour(petition: Petition, today: dt.date | None = None, rules=None) -> str:
    """The colour of the petition's next duty (``next_due_on``): red, yellow or blue; green when none is open."""
    if petition.next_due_on is None:
        return deadline_rules.Colour.GREEN
    return deadline_rules.colour_for(petition.next_due_on, today=today, rules=rules)


@dataclass(frozen=True)
class DeadlineView:
    deadline: Deadline
    colour: str


def deadlines_of(petition: Petition, today: dt.date | None = None, rules=None) -> list[DeadlineView]:
    """Every period of the petition, oldest first, with its colour (green once closed)."""
    rows = petition.deadlines.select_related("unit").order_by("opened_at", "id")
    today = today or clock.today()
    rules = rules or deadline_rules.get_rules()  # once, not once per row
    return [
        DeadlineView(
            row,
            deadline_rules.colour_for(
                row.due_on,
                concluded=row.status != DeadlineStatus.OPEN,
                start=row.starts_on,
                today=today,
                rules=rules,
            ),
        )
        for row in rows
    ]


def available_actions(petition: Petition, actor) -> list[Transition]:
    """The actions this actor may offer on this petition now (state, role and unit; not the data rules)."""
    result = []
    unit_verdicts: dict = {}  # several rows share a unit rule; each rule's lookup (holder ...) runs once
    for row in TABLE.values():
        if not row.allows_state(petition.status):
            continue
        if actors.is_petitioner(actor):
            if row.petitioner:
                result.append(row)
            continue
        if row.unit is None or not actor.has_role(*row.roles):
            continue
        if row.unit not in unit_verdicts:
            unit_verdicts[row.unit] = unit_may_act(row.unit, petition, getattr(actor, "unit", None))
        if unit_verdicts[row.unit]:
            result.append(row)
    return result


__all__ = [
    "available_actions",
    "deadlines_of",
    "holder",
    "object_window",
    "petition_colour",
    "rating_window",
    "re_review_request_window",
    "review_request_window",
    "sent_to",
]
