"""Petition lists with their deadline colour: the list's 期限 column and the 我的待办 (my tasks) page
(``todo``).

Colours are computed in SQL from dates the workflow keeps on the rows (``Petition.next_due_on``, a unit's
open ``Deadline``), with the same rule as ``selectors.petition_colour`` (red / yellow within the configured
days / blue; green when nothing is open), so a page of any length costs the same queries.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.petitions.models import Petition


def colour_case(field: str, today: dt.date, yellow_days: int, *, empty: str = "green") -> Case:
    """red / yellow / blue for the date in ``field``; ``empty`` (green: nothing open) when there is none."""
    return Case(
        When(**{f"{field}__isnull": True}, then=Value(empty)),
        When(**{f"{field}__lt": today}, then=Value("red")),
        When(**{f"{field}__lte": today + dt.timedelta(days=yellow_days)}, then=Value("yellow")),
        default=Value("blue"),
        output_field=CharField(),
    )


def colour_q(field: str, colour: str, today: dt.date, yellow_days: int, *, empty: str = "green") -> Q:
    """The rows whose date in ``field`` has ``colour`` by ``colour_case``'s rule, as a range on the date
    itself (a filter the database need not compute a CASE for)."""
    last_yellow = today + dt.timedelta(days=yellow_days)
    ranges = {
        "red": Q(**{f"{field}__lt": today}),
        "yellow": Q(**{f"{field}__gte": today, f"{field}__lte": last_yellow}),
        "blue": Q(**{f"{field}__gt": last_yellow}),
    }
    found = ranges.get(colour, Q(pk__in=[]))
    return found | Q(**{f"{field}__isnull": True}) if colour == empty else found


def with_due_colour(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet[Petition]:
    """Annotate ``due_colour``: the colour of each petition's next duty (``next_due_on``)."""
    rules = deadline_rules.get_rules()
    return qs.annotate(due_colour=colour_case("next_due_on", today or clock.today(), rules.yellow_days))
