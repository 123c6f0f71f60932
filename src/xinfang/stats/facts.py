"""Region-wide rates read from the monthly facts (`fact_models`), equal to the live definition (`rates`).

A rate counts distinct petitions; the facts count rows. They agree for every petition with at most one row of
the rate's family (`FactOverlap`), and for the petitions whose rows a reader must not see or counts otherwise
(accusations against the reader's unit, repeats of them) the facts know nothing of readers. So, for a set S
of those petitions (the overlapping ones with a row near the period, the hidden ones and their repeats):

    rate = rows counted by the facts − rows of S counted as the facts count them + S counted live

where "as the facts count them" and "live" are the same `RateDef` filters, for nobody's view and for the
reader's. The filters are the rates' own: a fact row carries the deadline's (or rating's) field names, and the
one petition field a rate reads (``petition__is_repeat``) is the fact's ``is_repeat``. No rate is defined
twice; `tests/stats/test_facts.py` compares every figure on random histories. A slice (filters on the
petitions) is not in the facts: under one the caller reads live.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Case, IntegerField, Q, Sum, When
from django.db.models.functions import TruncMonth

from xinfang.evaluation.models import Rating
from xinfang.petitions.models import Petition
from xinfang.workflow.models import Deadline

from . import fact_sql
from .fact_models import DeadlineFact, FactOverlap, RatingFact
from .metrics import Ctx, hidden_q, readable
from .rates import Rate, RateDef
from .scope import Scope, code_within

FACT_MODEL = {Deadline: DeadlineFact, Rating: RatingFact}
# The petition fields a rate may read through its rows' relation, and their name on a fact.
RELATED_FIELDS = {"petition__is_repeat": "is_repeat", "unit__kind": "unit_kind"}
FACT_PREFIX = 6  # facts are kept per county (`fact_models.DeadlineFact`)
# The rows of each deadline rate lie within one family's stages (`fact_sql.family_sql`; a test checks it).
FAMILIES = {
    "timely_acceptance": "accept",
    "on_time_conclusion": "handle",
    "first_petition_on_time": "handle",
    "participation.bureau": "r.bureau",
    "participation.unit": "r.unit",
}


def usable(scope: Scope, ctx: Ctx) -> bool:
    """Whether the facts can answer: a region from province to county (the whole country's figures would
    also count deadlines without a unit, which have no fact), a period of whole months (the facts' dates are
    months), and no slice (its filters read petitions, which the facts do not hold)."""
    whole_months = ctx.period.start.day == 1 and (ctx.period.end + dt.timedelta(days=1)).day == 1
    return (
        scope.region is not None
        and 0 < len(scope.prefix) <= FACT_PREFIX
        and whole_months
        and ctx.slice.is_empty
    )


def family(defn: RateDef) -> str | None:
    """The `FactOverlap` family (`fact_sql.family_sql`) of a deadline rate; None for ratings (one per petition
    and target: `rating_once_per_target`, so they never overlap)."""
    if defn.model is not Deadline:
        return None
    return FAMILIES[defn.key]


def answerable(defs: list[RateDef]) -> list[list[RateDef]]:
    """The rates the facts answer (those of deadlines and ratings), by model, in their order."""
    out: dict[type, list[RateDef]] = {}
    for d in defs:
        if d.model is Rating or (d.model is Deadline and d.key in FAMILIES):
            out.setdefault(d.model, []).append(d)
    return list(out.values())


def _bare(ctx: Ctx) -> Ctx:
    """Nobody's view: what the facts count."""
    return dataclasses.replace(ctx, reader_unit_id=None)


def fact_q(q: Q) -> Q:
    """The same filter on a fact row: lookups through the petition or the unit renamed (`RELATED_FIELDS`);
    any other is refused."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(fact_q(child))
            continue
        lookup, value = child
        relation, _, rest = lookup.partition("__")
        if relation in ("petition", "unit"):
            field, _, rest = rest.partition("__")
            name = RELATED_FIELDS.get(f"{relation}__{field}")
            if name is None:
                raise ValueError(f"the facts do not hold {lookup}")
            lookup = f"{name}__{rest}" if rest else name
        out.children.append((lookup, value))
    return out


def _flag(condition: Q):
    return Case(When(condition, then=1), default=0, output_field=IntegerField())


def grouped_rates(
    defs: list[RateDef], parent: Scope, ctx: Ctx, prefixes: list[str], *, by_due_month: bool = False
) -> dict[str, dict]:
    """{rate key: {prefix: Rate}} for rates of one model, by the jurisdiction definitions, for regions inside
    the parent named by their prefixes (county level or above; they may nest: a city and its counties). Each
    counts the rows of the units inside it, as `Scope.unit_q` does. Two or three queries.

    `by_due_month`: {rate key: {(prefix, first day of the month): Rate}}, each month's petitions counted
    apart, for the rates whose rows are the duties due in the period (the dashboard's twelve-month trend)."""
    assert parent.prefix and all(0 < len(p) <= FACT_PREFIX for p in prefixes)
    assert not by_due_month or all(FAMILIES.get(d.key) in ("accept", "handle") for d in defs)
    months = {"_month": TruncMonth("due_on")} if by_due_month else {}

    def child_of(code: str, month=None) -> list:
        return [(p, month) if by_due_month else p for p in prefixes if code.startswith(p)]

    first = defs[0]
    assert all(d.model is first.model for d in defs)
    bare = _bare(ctx)
    facts: dict[str, dict[str, list[int]]] = {d.key: defaultdict(lambda: [0, 0]) for d in defs}

    rows_q, aggregates = Q(), {}
    for i, d in enumerate(defs):
        rows = fact_q(d.rows(bare, False))
        rows_q |= rows
        aggregates[f"n{i}"] = Sum("n", filter=rows & fact_q(d.numerator(bare)))
        aggregates[f"d{i}"] = Sum("n", filter=rows & fact_q(d.denominator(bare)))
    if first.model is Deadline:
        # Implied by every deadline rate's rows (due in the period, a rating window up to the margin after
        # it), said once more so the index reads only the period's facts; the comparison test guards it.
        rows_q &= Q(due_on__lte=ctx.period.end + dt.timedelta(days=ctx.window_margin))
    per_county = (
        FACT_MODEL[first.model]
        .objects.filter(rows_q, code_within("region_code", parent.prefix))
        .annotate(**months)
        .order_by()
        .values("region_code", *months)
        .annotate(**aggregates)
    )
    for row in per_county:
        for child in child_of(row["region_code"], row.get("_month")):
            for i, d in enumerate(defs):
                counts = facts[d.key][child]
                counts[0] += row[f"n{i}"] or 0
                counts[1] += row[f"d{i}"] or 0

    for key, (numerators, denominators) in _corrections(defs, parent, ctx, child_of, months).items():
        for child in set(numerators) | set(denominators):
            counts = facts[key][child]
            counts[0] += numerators.get(child, 0)
            counts[1] += denominators.get(child, 0)
    return {key: {child: Rate(n, d) for child, (n, d) in per.items()} for key, per in facts.items()}


def _special_petitions(defs: list[RateDef], ctx: Ctx) -> list[int]:
    """S: the petitions read live (see the module's docstring)."""
    ids: set[int] = set()
    families = {f for f in map(family, defs) if f}
    if families:
        reach = ctx.period.end + dt.timedelta(days=ctx.window_margin)
        ids.update(
            FactOverlap.objects.filter(
                family__in=families, first_on__lte=reach, last_on__gte=ctx.period.start
            ).values_list("petition_id", flat=True)
        )
    if ctx.reader_unit_id is not None:
        # Two indexed lookups (the accused unit's, then the repeats of what it hides): one query ORing two
        # subqueries reads every petition.
        hidden = list(Petition.objects.filter(hidden_q(ctx.reader_unit_id)).values_list("pk", flat=True))
        ids.update(hidden)
        if hidden:
            ids.update(Petition.objects.filter(repeat_of_id__in=hidden).values_list("pk", flat=True))
    return sorted(ids)


def _corrections(defs, parent: Scope, ctx: Ctx, child_of, months: dict) -> dict[str, tuple[dict, dict]]:
    """{rate key: ({child: numerator change}, {child: denominator change})}: S live minus S as facts."""
    special = _special_petitions(defs, ctx)
    out = {d.key: (defaultdict(int), defaultdict(int)) for d in defs}
    if not special:
        return out
    first, bare = defs[0], _bare(ctx)
    flags, rows_q = {}, Q()
    for i, d in enumerate(defs):
        fact_rows, live_rows = d.rows(bare, False), d.rows(ctx, False) & readable(ctx, d.petition_field)
        rows_q |= fact_rows | live_rows
        for part, getter in (("n", d.numerator), ("d", d.denominator)):
            flags[f"f{part}{i}"] = _flag(fact_rows & getter(bare))
            flags[f"l{part}{i}"] = _flag(live_rows & getter(ctx))
    petition, code = f"{first.petition_field}_id", f"{first.unit_field}__region__code"
    rows = (
        first.model.objects.filter(rows_q, parent.unit_q(first.unit_field), **{f"{petition}__in": special})
        .annotate(**flags, **months)
        .values(code, petition, *flags, *months)
    )
    live: dict[tuple, set[int]] = defaultdict(set)
    for row in rows:
        for child in child_of(row[code], row.get("_month")):
            for i, d in enumerate(defs):
                for part, which in (("n", 0), ("d", 1)):
                    out[d.key][which][child] -= row[f"f{part}{i}"]
                    if row[f"l{part}{i}"]:
                        live[(d.key, which, child)].add(row[petition])
    for (key, which, child), petitions in live.items():
        out[key][which][child] += len(petitions)
    return out


def rebuild() -> None:
    """Derive every fact again from the deadlines and ratings (after a bulk load with triggers off)."""
    with connection.cursor() as cursor:
        for sql in fact_sql.rebuild_statements(connection.vendor):
            cursor.execute(sql)


def compact() -> None:
    """Fold the triggers' delta rows into one row per key."""
    with connection.cursor() as cursor:
        for sql in fact_sql.compact_statements(connection.vendor):
            cursor.execute(sql)
