"""Full-text search over petitions: the petitions whose indexed words contain every word of the text.

Lists show matches newest first (``-received_at, -id``), a page at a time, with a total capped at
"10000+". How that stays fast at millions of petitions depends on how many petitions match, so
`TextSearch` first asks the index for at most ``HITS_LIMIT + 1`` matching ids (cheap on both databases:
FTS5 streams its doclist, PostgreSQL stops its scan at the limit) and then:

- **few matches** (≤ ``HITS_LIMIT``, e.g. a unit name, a registration number): the list is filtered by
  those ids. The database reads at most ``HITS_LIMIT`` petitions by primary key and sorts them by date;
  the count is exact.
- **many matches** (a common word such as 工资): the list walks the date index newest first and keeps
  the rows that match, which for a word in ≥ 1 % of petitions finds a page within a few thousand rows.
  Sorting every match by date instead (what SQLite did) costs time in proportion to the matches. The
  count is taken over the ids already fetched: if ``cap + 1`` of them pass the list's other filters, the
  list says "10000+" without looking further; otherwise it counts every match (a filter that excludes
  most matches: that count is as slow as the number of matches).

Either way the rows and their order are exactly those of filtering by every match and sorting by date.
The API list has no count, so `search_petitions` asks for fewer ids (``PAGE_HITS_LIMIT``): enough to tell
a rare word, whose matches are sorted, from a common one, whose page is a walk.
"""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, QuerySet
from django.db.models.expressions import ExpressionWrapper, RawSQL

from .segment import query_words

HITS_LIMIT = 10_000  # the workbench list: its count needs up to 10,001 matches anyway
PAGE_HITS_LIMIT = 2_000  # a page without a count (the API)


def matching_ids_sql(words: list[str]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return (
            "SELECT petition_id FROM search_searchdocument WHERE document @@ to_tsquery('simple', %s)",
            [" & ".join(words)],
        )
    # Each word quoted: an FTS5 string, so words like AND or NEAR are not operators.
    return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [" ".join(f'"{w}"' for w in words)]


def first_hits(words: list[str], limit: int) -> list[int]:
    """At most `limit` ids of petitions matching every word, in no particular order (all of them if fewer)."""
    sql, params = matching_ids_sql(words)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


class InIds(Func):
    """``pk IN ids`` with the ids bound as one parameter (an array; JSON on SQLite), not one each: a list of
    10,000 placeholders costs more to build and parse than the lookups it asks for."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression, ids: list[int]):
        super().__init__(expression)
        self.ids = [int(i) for i in ids]

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{sql} = ANY(%s::bigint[])", [*params, "{" + ",".join(map(str, self.ids)) + "}"]
        # `sql` is the compiled column; the ids are one bound parameter.
        return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]  # nosec B608


def in_ids(queryset: QuerySet, ids: list[int]) -> QuerySet:
    return queryset.filter(InIds(F("pk"), ids))


class TextSearch:
    """One search text, looked up in the index once; filters list querysets and counts their matches."""

    def __init__(self, text: str, hits_limit: int | None = None):
        self.words = query_words(text)
        self.hits_limit = HITS_LIMIT if hits_limit is None else hits_limit
        self.hits = first_hits(self.words, self.hits_limit + 1) if self.words else []

    @property
    def complete(self) -> bool:
        """Whether `hits` holds every matching petition."""
        return len(self.hits) <= self.hits_limit

    def _every_match(self) -> RawSQL:
        # The words are bound parameters (matching_ids_sql).
        return RawSQL(*matching_ids_sql(self.words))  # nosec B611

    def filter(self, queryset: QuerySet) -> QuerySet:
        """The matching petitions of `queryset`, shaped for a page in date order."""
        if not self.words:
            return queryset
        if self.complete:
            return in_ids(queryset, self.hits)
        if connection.vendor == "sqlite":
            # `id + 0`: SQLite may not drive the query from the (large) list of matches, so it walks the
            # date index and checks each row against the list. PostgreSQL's planner makes that choice
            # itself from the tsvector statistics.
            return queryset.alias(
                _search_pk=ExpressionWrapper(F("pk") + 0, output_field=IntegerField())
            ).filter(_search_pk__in=self._every_match())
        return queryset.filter(pk__in=self._every_match())

    def count(self, queryset: QuerySet, cap: int) -> int:
        """How many petitions of `queryset` match, counting no further than ``cap + 1``."""
        rows = queryset.order_by().values("pk")
        if not self.words:
            return rows[: cap + 1].count()
        if self.complete:
            return in_ids(rows, self.hits)[: cap + 1].count()
        found = in_ids(rows, self.hits[: cap + 1])[: cap + 1].count()
        if found > cap:
            return found
        return rows.filter(pk__in=self._every_match())[: cap + 1].count()


def search_petitions(queryset: QuerySet, text: str, hits_limit: int | None = None) -> QuerySet:
    """`queryset` narrowed to the petitions matching `text`, for a page in date order (no count)."""
    return TextSearch(text, PAGE_HITS_LIMIT if hits_limit is None else hits_limit).filter(queryset)
