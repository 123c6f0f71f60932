"""The board's colour, computed in SQL, agrees with the pure ``deadlines.arithmetic.colour``."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tests import factories as f
from tests.scenes import day
from xinfang import clock
from xinfang.deadlines.arithmetic import colour
from xinfang.deadlines.models import Stage
from xinfang.supervision.selectors import colour_counts, colour_expression, colour_q
from xinfang.workflow.models import Deadline, DeadlineStatus

TODAY = day("2026-03-18")


@pytest.fixture
def rows(people):
    petition = f.register(people.registrar)
    made = []
    for offset, length in itertools.product(range(-3, 12), (5, 15, 60)):
        due = TODAY + dt.timedelta(days=offset)
        made.append(
            Deadline(
                petition=petition,
                stage=Stage.HANDLE,
                unit=petition.receiving_unit,
                starts_on=due - dt.timedelta(days=length),
                due_on=due,
                opened_at=clock.now(),
            )
        )
    made.append(
        Deadline(
            petition=petition,
            stage=Stage.ACCEPT,
            unit=petition.receiving_unit,
            starts_on=TODAY,
            due_on=TODAY,
            opened_at=clock.now(),
            status=DeadlineStatus.MET,
            done_at=clock.now(),
        )
    )
    return Deadline.objects.bulk_create(made)


@pytest.mark.parametrize(
    ("yellow_days", "yellow_percent"), [(3, None), (0, None), (5, None), (3, 40.0), (1, 25.5)]
)
def test_sql_colour_matches_the_pure_function(rows, yellow_days, yellow_percent):
    annotated = (
        Deadline.objects.filter(pk__in=[row.pk for row in rows])
        .annotate(colour=colour_expression(TODAY, yellow_days=yellow_days, yellow_percent=yellow_percent))
        .values_list("due_on", "starts_on", "status", "colour")
    )
    checked = 0
    for due, start, status, sql_colour in annotated:
        expected = colour(
            due,
            TODAY,
            status != DeadlineStatus.OPEN,
            yellow_days=yellow_days,
            yellow_percent=yellow_percent,
            start=start,
        )
        assert sql_colour == expected, (due, start, status)
        checked += 1
    assert checked == len(rows)


def test_colour_counts_group_in_one_query(rows, django_assert_num_queries):
    qs = Deadline.objects.filter(pk__in=[row.pk for row in rows]).annotate(
        colour=colour_expression(TODAY, yellow_days=3)
    )
    with django_assert_num_queries(1):
        counts = colour_counts(qs)
    assert counts == {"red": 9, "yellow": 12, "blue": 24, "green": 1}


@pytest.mark.parametrize(("yellow_days", "yellow_percent"), [(3, None), (0, None), (3, 40.0)])
def test_each_colours_index_condition_keeps_every_row_of_that_colour(rows, yellow_days, yellow_percent):
    """`colour_q` is what the board adds so an index finds a colour's rows: never a row fewer."""
    annotated = Deadline.objects.filter(pk__in=[row.pk for row in rows]).annotate(
        colour=colour_expression(TODAY, yellow_days=yellow_days, yellow_percent=yellow_percent)
    )
    for c in ("red", "yellow", "blue", "green"):
        plain = set(annotated.filter(colour=c).values_list("pk", flat=True))
        assert plain and set(annotated.filter(colour_q(c, TODAY)).values_list("pk", flat=True)) >= plain, c
