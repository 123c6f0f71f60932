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

What is typed is matched by prefix (FTS5 ``"词"*``, PostgreSQL ``词:*``): each space-separated part must
match, either as its jieba words (every word a prefix of an indexed word: 征收拆 finds 征收拆迁, whose search-
mode words are 征收, 拆迁, 征收拆迁) or whole as a prefix of a petitioner's name (`people`: 张, 张建, 建国). An ID
number or a phone is looked up exactly through the petitioners' digests instead, and a phone's last four
digits through their digest in the index (`identity`); such a search is recorded.
The API list has no count, so it need not fetch 10,001 ids for a common word (about 100 ms more than 2,001
at a million petitions), but it must not walk for a word that is merely frequent: a petitioner's full name
matching 3,250 of a million petitions took the walk when the API stopped at 2,000 ids, and the walk checks
the words of every petition it passes (0.3 % match: some 24,000 documents read for a page of 26, 400 ms on
PostgreSQL) where sorting the 3,250 by date takes 15 ms. So `search_petitions` asks for ``PROBE_HITS + 1``
ids first and, past them, estimates how many match from how much of the index's storage it read to find
them (`probe_hits`): a dense word (more than twice ``HITS_LIMIT`` expected) walks, anything else fetches up to
``HITS_LIMIT + 1`` ids as the workbench does.
bench/search_limits.py times both; a wrong estimate costs time, never a wrong row.
"""

from __future__ import annotations

import json
import re

from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, Max, QuerySet
from django.db.models.expressions import ExpressionWrapper, RawSQL

from xinfang.petitions.models import Petition

from . import identity
from .people import NAME_MARK
from .segment import plain, query_words

HITS_LIMIT = 10_000  # the workbench list: its count needs up to 10,001 matches anyway
PROBE_HITS = 2_000  # a page without a count (the API) looks at this many first (above)


NAME_MAX = 10  # a part longer than this is not tried as a name
REGISTRATION_NUMBER = re.compile(r"XF-[0-9]{6,12}-[0-9]{4}-[0-9]{6,}", re.IGNORECASE)


# A match expression: ("term", word, prefix) | ("and", [nodes]) | ("or", [nodes]). Words are letters and
# digits only (segment.WORD), so they are safe inside an FTS5 string and as a tsquery operand.
def term(word: str, prefix: bool = True) -> tuple:
    return ("term", word, prefix)


def all_of(nodes: list) -> tuple:
    return nodes[0] if len(nodes) == 1 else ("and", nodes)


def any_of(nodes: list) -> tuple:
    return nodes[0] if len(nodes) == 1 else ("or", nodes)


def text_match(text: str) -> tuple | None:
    """Every space-separated part of `text`: its words as prefixes, or the part as a name's prefix."""
    clauses = []
    for part in (text or "").split():
        options = []
        words = query_words(part)
        if words:
            options.append(all_of([term(w) for w in words]))
        name = plain(part)
        if name and len(name) <= NAME_MAX and not name.isascii():
            options.append(term(NAME_MARK + name))
        if options:
            clauses.append(any_of(options))
    return all_of(clauses) if clauses else None


def render(node: tuple, vendor: str) -> str:
    kind = node[0]
    if kind == "term":
        _, word, prefix = node
        if vendor == "postgresql":
            return f"{word}:*" if prefix else word
        # Quoted: an FTS5 string, so words like AND or NEAR are not operators.
        return f'"{word}"*' if prefix else f'"{word}"'
    joiner = {"and": {"postgresql": " & ", "sqlite": " AND "}, "or": {"postgresql": " | ", "sqlite": " OR "}}
    return "(" + joiner[kind][vendor].join(render(child, vendor) for child in node[1]) + ")"


def matching_ids_sql(match) -> tuple[str, list]:
    """The ids of the petitions matching `match` (a match expression, or a list of words all required
    exactly, as before prefixes)."""
    if isinstance(match, list):
        match = all_of([term(w, prefix=False) for w in match])
    if connection.vendor == "postgresql":
        return (
            "SELECT petition_id FROM search_searchdocument WHERE document @@ to_tsquery('simple', %s)",
            [render(match, "postgresql")],
        )
    return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [render(match, "sqlite")]


def probe_hits(match, limit: int) -> tuple[list[int], float]:
    """At most `limit` matching ids, as `first_hits`, and how many petitions match judged from how far the
    index had to read to find them: it reads in storage order (PostgreSQL: heap blocks, by ``ctid``; SQLite's
    FTS5: rowid, the petition's id), so `limit` matches found within a fraction f of the storage expect
    ``limit / f`` in all. Only a choice of plan depends on it, never a row."""
    sql, params = matching_ids_sql(match)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            probe_sql = sql.replace("SELECT petition_id ", "SELECT petition_id, (ctid::text::point)[0] ", 1)
            cursor.execute(f"{probe_sql} LIMIT %s", [*params, limit])
            rows = cursor.fetchall()
            cursor.execute("SELECT relpages FROM pg_class WHERE oid = 'search_searchdocument'::regclass")
            total, where = cursor.fetchone()[0], [r[1] for r in rows]
        else:
            cursor.execute(f"{sql} LIMIT %s", [*params, limit])
            rows = cursor.fetchall()
            total, where = Petition.objects.aggregate(top=Max("pk"))["top"] or 0, [r[0] for r in rows]
    ids = [int(r[0]) for r in rows]
    # The span read, not the last position: a sequential scan may start mid-table (synchronised scans).
    read = max(where) - min(where) + 1 if where else 1
    return ids, len(ids) * max(total, read) / read


def first_hits(match, limit: int) -> list[int]:
    """At most `limit` ids of petitions matching, in no particular order (all of them if fewer)."""
    sql, params = matching_ids_sql(match)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def number_hits(text: str) -> list[int]:
    """The petition a whole registration number names, read from the petitions: one registered a moment ago
    has no document until the worker writes it (``petitions.deferral``)."""
    typed = (text or "").strip()
    if not REGISTRATION_NUMBER.fullmatch(typed):
        return []
    return list(Petition.objects.filter(registration_number=typed.upper()).values_list("pk", flat=True)[:1])


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
    """One search text, looked up in the index once; filters list querysets and counts their matches.

    `user` is who searches: an ID number or phone is matched only on the petitions whose identity they may
    find (`identity.scope`), and the search is recorded (`identity.record_search`) with `ip_address`."""

    def __init__(
        self,
        text: str,
        hits_limit: int | None = None,
        *,
        user=None,
        ip_address: str | None = None,
        staged: bool = False,
    ):
        self.hits_limit = HITS_LIMIT if hits_limit is None else hits_limit
        self.identity = identity.parse(text)
        self.scope = None
        if self.identity is not None and self.identity.exact:
            self.match = None
            self.scope = identity.scope(user)
            self._ids = identity.petition_ids(self.identity)
            self.hits = list(self._ids.values_list("petition_id", flat=True)[: self.hits_limit + 1])
        else:
            self.match = (
                term(self.identity.term, prefix=False) if self.identity is not None else text_match(text)
            )
            self.hits = self._first_hits(staged) if self.match else []
            # A number typed whole finds its petition from the row itself, document or not.
            self.hits[:0] = [pk for pk in number_hits(text) if pk not in self.hits]
        self.active = bool(self.match) or self.scope is not None  # whether anything is searched
        if self.identity is not None:
            identity.record_search(self.identity, user, self.filter(Petition.objects.all()), ip_address)

    def _first_hits(self, staged: bool) -> list[int]:
        if not staged or self.hits_limit <= PROBE_HITS:
            return first_hits(self.match, self.hits_limit + 1)
        probe, expected = probe_hits(self.match, PROBE_HITS + 1)
        if len(probe) <= PROBE_HITS:
            return probe  # every match
        if expected > 2 * self.hits_limit:
            self.hits_limit = PROBE_HITS  # a dense word: the page is a walk, `complete` says so
            return probe
        return first_hits(self.match, self.hits_limit + 1)

    @property
    def complete(self) -> bool:
        """Whether `hits` holds every matching petition."""
        return len(self.hits) <= self.hits_limit

    def _every_match(self):
        if self.match is None:
            return self._ids
        # The words are bound parameters (matching_ids_sql).
        return RawSQL(*matching_ids_sql(self.match))  # nosec B611

    def filter(self, queryset: QuerySet) -> QuerySet:
        """The matching petitions of `queryset`, shaped for a page in date order."""
        if not self.active:
            return queryset
        if self.scope is not None:
            queryset = queryset.filter(self.scope)
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
        if not self.active:
            return rows[: cap + 1].count()
        if self.scope is not None:
            rows = rows.filter(self.scope)
        if self.complete:
            return in_ids(rows, self.hits)[: cap + 1].count()
        found = in_ids(rows, self.hits[: cap + 1])[: cap + 1].count()
        if found > cap:
            return found
        return rows.filter(pk__in=self._every_match())[: cap + 1].count()


def search_petitions(
    queryset: QuerySet, text: str, hits_limit: int | None = None, *, user=None, ip_address: str | None = None
) -> QuerySet:
    """`queryset` narrowed to the petitions matching `text`, for a page in date order (no count)."""
    return TextSearch(text, hits_limit, user=user, ip_address=ip_address, staged=True).filter(queryset)
