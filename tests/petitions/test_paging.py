"""The one keyset pager (xinfang.paging) in its three shapes: by an instant newest first, by a value oldest
first (an instant or a date), by the id alone. Petitions are the rows; the supervision board and the message lists page the same way."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from xinfang import clock
from xinfang.paging import Keyset, decode_cursor, encode_cursor, page_query
from xinfang.petitions.models import Petition
from xinfang.workflow.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def petitions(people):
    base = clock.now() - dt.timedelta(days=1)
    # Two share a received time, so the id breaks the tie.
    times = [base - dt.timedelta(hours=h) for h in (0, 1, 1, 2, 3)]
    return [f.register(people.registrar, received_at=t) for t in times]


def walk(keyset: Keyset, qs, size: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        with CaptureQueriesContext(connection) as ctx:
            page = keyset.page(qs, after=cursor, size=size)
        assert len(ctx.captured_queries) == 1
        assert not any("OFFSET" in q["sql"].upper() for q in ctx.captured_queries)
        pages.append([p.pk for p in page.rows])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize(
    ("keyset", "key"),
    [
        (Keyset("received_at", descending=True), lambda p: (p.received_at, p.pk)),
        (Keyset("received_at", descending=False), lambda p: (-p.received_at.timestamp(), -p.pk)),
        (Keyset(), lambda p: p.pk),
    ],
    ids=["newest-first", "oldest-first", "by-id"],
)
def test_every_row_once_in_order(petitions, keyset, key):
    pages = walk(keyset, Petition.objects.all(), size=2)
    expected = [p.pk for p in sorted(petitions, key=key, reverse=True)]
    assert [pk for page in pages for pk in page] == expected
    assert [len(p) for p in pages] == [2, 2, 1]


def test_by_a_date_as_the_supervision_board_pages(petitions):
    # Registration opens deadlines, many due the same day: the id orders those.
    deadlines = Deadline.objects.all()
    assert deadlines.count() > 3
    pages = walk(Keyset("due_on", descending=False, parse=dt.date.fromisoformat), deadlines, size=3)
    assert [pk for page in pages for pk in page] == list(
        deadlines.order_by("due_on", "id").values_list("pk", flat=True)
    )


def test_back_from_the_last_page(petitions):
    keyset = Keyset("received_at")
    first = keyset.page(Petition.objects.all(), size=2)
    second = keyset.page(Petition.objects.all(), after=first.next_cursor, size=2)
    back = keyset.page(Petition.objects.all(), before=second.prev_cursor, size=2)
    assert [p.pk for p in back.rows] == [p.pk for p in first.rows]
    assert back.prev_cursor is None and back.next_cursor is not None


@pytest.mark.parametrize("cursor", ["", "not-a-cursor", "bm8tcGlwZQ", "²", "-3"])
def test_a_bad_cursor_means_the_first_page(petitions, cursor):
    for keyset in (Keyset("received_at"), Keyset()):
        first = keyset.page(Petition.objects.all(), size=2)
        assert keyset.page(Petition.objects.all(), after=cursor, size=2).rows == first.rows


def test_a_cursor_reads_back_what_it_wrote():
    day = dt.date(2026, 3, 1)
    assert decode_cursor(encode_cursor(day, 7), dt.date.fromisoformat) == (day, 7)
    naive = base64.urlsafe_b64encode(b"2026-03-01T08:30:00|7").decode()  # an instant without its zone
    assert decode_cursor(naive) is None


def test_the_filters_travel_and_the_old_cursor_does_not():
    params = QueryDict("channel=letter&after=old&before=older&q=%E7%94%B5%E6%A2%AF")
    assert QueryDict(page_query(params, after="new")) == QueryDict("channel=letter&q=电梯&after=new")
