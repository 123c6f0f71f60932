"""我的待办 at size: page 1, a later page and a stage filter, for a bureau's roles and a unit's handler.

In process with Django's test client, as `measure.list_rows` does: 15 requests after one warm-up, p50/p95.
The later page is the deepest one reached by following 下一页 (at most `DEEPEST` pages in), found before the
timing starts: keyset paging means it should cost what page 1 costs. Each row also says how many tasks the
list had, since the cost follows the open tasks of the scope, not the archive.
"""

from __future__ import annotations

import html
import re
import statistics

from django.test import Client

from xinfang.orgs.models import User

from .measure import ms, percentile, timed, verdict

URL = "/workflow/todo/"
TARGET = 0.3
DEEPEST = 40
# (username, who, stage filtered on): demo accounts (xinfang.demo.data.county.DEMO_USERS).
PERSONAS = [
    ("bureau_leader", "bureau leader (every unit of the county)", "accept"),
    ("registrar", "bureau registrar (the bureau's own tasks)", "route"),
    ("handler_zjj", "unit handler (住建局)", "handle"),
]


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _get(client: Client, query: str = ""):
    response = client.get(f"{URL}?{query}" if query else URL)
    if response.status_code != 200:
        raise RuntimeError(f"GET {URL}?{query} → {response.status_code}: {response.content[:300]!r}")
    return response


# Read from the page itself (outside the test runner a response carries no context): the ids the
# template keeps stable for the browser tests.
TOTAL = re.compile(r'id="todo-total">(\d+)<')
NEXT = re.compile(r'rel="next" href="\?([^"]*)"')


def _count(page: str, stage: str) -> int:
    found = re.search(rf'id="todo-stage-{stage}"[^>]*>[^<]*<span[^>]*>(\d+)<', page)
    return int(found.group(1)) if found else 0


def deepest_page(client: Client) -> tuple[str, int]:
    """The query of the deepest page reached following 下一页, and its number."""
    query, number = "", 1
    while number < DEEPEST:
        following = NEXT.search(_get(client, query).content.decode())
        if not following:
            break
        query, number = html.unescape(following.group(1)), number + 1
    return query, number


def todo_rows(repeat: int = 15) -> list[tuple]:
    rows = []
    for username, who, stage in PERSONAS:
        client = _client(username)
        first = _get(client).content.decode()
        total = int(TOTAL.search(first).group(1))
        later, number = deepest_page(client)
        cases = [
            (f"page 1 ({total:,} tasks)", ""),
            (f"page {number} (keyset)", later),
            (f"stage={stage} ({_count(first, stage):,} tasks)", f"stage={stage}"),
        ]
        for label, query in cases:
            times = timed(lambda query=query, client=client: _get(client, query), repeat)
            p95 = percentile(times, 95)
            rows.append(
                (
                    f"我的待办, {who}: {label}",
                    f"p50 {ms(statistics.median(times))}, p95 {ms(p95)}",
                    f"≤ {ms(TARGET)}",
                    verdict(p95, TARGET),
                )
            )
    return rows
