"""Figures of jurisdictions that live on another instance (docs/federation.md "Reporting up").

Two seams the federation fills in its ``AppConfig.ready()`` (stats may not import it):

* ``register_peer_rows(source)``: ``source(kids)`` answers, for each child region a peer instance serves,
  the rows that peer reported for the matters sent to it (``PeerRows``). The ranking of the lower
  jurisdictions (``jurisdictions``) then shows that child with its figures computed from those rows by the
  very definitions of ``rates`` and ``volumes`` (the reported rows carry the column names of deadlines,
  ratings and petitions), so a county's row at the city equals the county's own ``xinfang stats`` over the
  matters the city sent down. Nothing is redefined: the rows differ, the filters are the same objects.
* ``register_notified_visits(source)``: ``source()`` is a queryset of the skip-level visits a peer above
  notified here (columns named as the petition's), or None when there can be none (no query); ``notified_skip_level`` counts those of a region scope
  for ``volumes.volume``'s 越级访 (they are no batch of this instance's total: it registered nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from xinfang.petitions.models import Status
from xinfang.workflow.models import Deadline

from .metrics import Ctx, readable, received_in, shown_repeat
from .rates import Rate
from .scope import Scope, code_within


@dataclass(frozen=True)
class PeerRows:
    matters: QuerySet  # the matters as the peer registered them: petition FK + intake columns
    deadlines: QuerySet  # deadline rows: petition, unit (with kind), stage, due_on, status, done_at, ...
    ratings: QuerySet  # rating rows: petition, unit, target, rating, rated_at
    notified: QuerySet | None = None  # petitions here whose skip-level visit was notified to the peer


_peer_sources: list[Callable] = []
_visit_sources: list[Callable] = []


def register_peer_rows(source: Callable) -> Callable:
    if source not in _peer_sources:
        _peer_sources.append(source)
    return source


def register_notified_visits(source: Callable) -> Callable:
    if source not in _visit_sources:
        _visit_sources.append(source)
    return source


def peer_rows(kids) -> dict[str, PeerRows]:
    result: dict[str, PeerRows] = {}
    for source in _peer_sources:
        result.update(source(kids))
    return result


def _count(rows: QuerySet, filters: dict[str, Q]) -> dict:
    aggregates = {}
    for i, q in enumerate(filters.values()):
        aggregates[f"b{i}"] = Count("pk", filter=q)
        aggregates[f"p{i}"] = Sum("person_count", filter=q)
    row = rows.aggregate(**aggregates)
    return {key: (row[f"b{i}"] or 0, row[f"p{i}"] or 0) for i, key in enumerate(filters)}


def overlay(kids, ctx: Ctx, counts: dict, rates: dict, count_filters: dict[str, Q], rate_defs, zero) -> None:
    """Replace, in a ranking's ``counts`` ({prefix: {key: Count2}}) and ``rates`` ({rate key: {prefix:
    Rate}}), each peer-served child's figures by those over its peer's reported rows; add to every other
    child's 越级访 the visits notified here from above, as its own ``volume`` does. ``count_filters`` are
    the ranking's own count filters (petition columns); the repeat count reads the copy here, which holds
    the same intake record. ``zero`` makes an empty count (``volumes.Count2``)."""
    sources = peer_rows(kids)
    # This instance's own children: their figures count the notified visits too (one query for all of them).
    own = notified_by_prefix([kid.prefix for kid in kids if kid.prefix not in sources], ctx)
    for prefix, levels in own.items():
        for level, (b, p) in levels.items():
            for key in ("skip_level", f"skip_level.{level}"):
                if key in counts[prefix]:
                    counts[prefix][key].add(b, p)
    if not sources:
        return
    filters = {**count_filters, "repeat": shown_repeat(ctx, "petition__")}
    skip_keys = [k for k in count_filters if k == "skip_level" or k.startswith("skip_level.")]
    for prefix, rows in sources.items():
        matters = rows.matters.filter(received_in(ctx) & readable(ctx, "petition") & ~Q(status=Status.MERGED))
        child = {}
        for key, (b, p) in _count(matters, filters).items():
            child[key] = zero()
            child[key].add(b, p)
        if rows.notified is not None and skip_keys:
            visits = rows.notified.filter(received_in(ctx) & readable(ctx))
            for key, (b, p) in _count(visits, {k: count_filters[k] for k in skip_keys}).items():
                child[key].add(b, p)
        counts[prefix] = child
        for defn in rate_defs:
            table = rows.deadlines if defn.model is Deadline else rows.ratings
            found = table.filter(defn.rows(ctx, False), readable(ctx, defn.petition_field)).aggregate(
                **defn.aggregates(ctx)
            )
            rates.setdefault(defn.key, {})[prefix] = Rate(found["n"] or 0, found["d"] or 0)


def notified_skip_level(scope: Scope, ctx: Ctx) -> dict[str, tuple[int, int]]:
    """{visit level: (batches, persons)} of the skip-level visits notified from above for a region scope,
    received in the period and in the slice; none for a unit (a visit notified is the jurisdiction's)."""
    if scope.region is None:
        return {}
    return notified_by_prefix([scope.prefix], ctx)[scope.prefix]


def notified_by_prefix(prefixes: list[str], ctx: Ctx) -> dict[str, dict[str, tuple[int, int]]]:
    """``notified_skip_level`` of many regions (they may nest) from one grouped query per source: a ranking
    asks it for every child at once."""
    result: dict[str, dict[str, tuple[int, int]]] = {p: {} for p in prefixes}
    if not prefixes or not _visit_sources:
        return result
    within = Q()
    for prefix in set(prefixes):
        within |= code_within("issue_region_code", prefix)
    for source in _visit_sources:
        visits = source()
        if visits is None:
            continue
        rows = (
            visits.filter(received_in(ctx) & within & ctx.slice.petition_q())
            .order_by()
            .values("issue_region_code", "visit_level")
            .annotate(b=Count("pk"), p=Sum("person_count"))
        )
        for row in rows:
            for prefix in prefixes:
                if row["issue_region_code"].startswith(prefix):
                    counts = result[prefix]
                    b, p = counts.get(row["visit_level"], (0, 0))
                    counts[row["visit_level"]] = (b + row["b"], p + (row["p"] or 0))
    return result
