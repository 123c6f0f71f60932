"""The lower jurisdictions of a region side by side (下级辖区): a city's counties, a province's cities, each with
the volumes, skip-level counts and rates of its own jurisdiction figures, per-capita figures where the region's
population is recorded, the assessment scheme's score, and a rank by any of them.

A petition belongs to a child region as `Scope.for_region(child).petition_q()` says (received or handled by a
unit inside it), a deadline or rating as `Scope.unit_q` says (its unit lies inside it); so each row equals the
child's own `report.figures`. The table is one grouped query per figure family whatever the number of
children: petitions grouped by the children's prefix of their receiving and responsible region codes (a
petition received in one county and handled in another counts in both, as each county's own figures count
it), deadlines and ratings by the prefix of their unit's region code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Q, Sum, When
from django.db.models.functions import Substr

from xinfang.orgs.models import PREFIX_LENGTH, Level, OrgUnit, Region
from xinfang.petitions.models import ONLINE_CHANNELS, Petition

from . import assessment, facts, peer_figures
from .metrics import Ctx, readable, received_in, shown_repeat
from .rates import ONLINE_SHARE, RATES, REPEAT, ZERO, Rate, RateDef
from .scope import Scope, code_within
from .tables import rank
from .volumes import SKIP_LEVELS, Count2, volume_filter

# Children ranked side by side: regions of county level or above (a county's townships are its units).
RANKED_LEVELS = [Level.PROVINCE, Level.CITY, Level.COUNTY]
PER_CAPITA = Decimal(10_000)  # per-capita figures are per 10,000 residents (每万人)
CENT = Decimal("0.01")

# The counts of each row (batches and persons), with the drill-down filter that defines each.
COUNTS: dict[str, tuple[str, Q]] = {
    "total": ("信访总量", volume_filter("total")),
    "skip_level": ("越级访（到京省市）", volume_filter("skip_level")),
    **{
        f"skip_level.{level}": (label, volume_filter("skip_level_visit", level))
        for level, label in zip(SKIP_LEVELS, ("进京访", "赴省访", "到市访"), strict=True)
    },
    "online_letter_phone": ("网信电访", volume_filter("online_letter_phone")),
    "visit": ("来访", volume_filter("channel", "visit")),
    "collective": ("集体访", volume_filter("collective", "collective")),
}
# Every rate of the jurisdiction's own figures but the backlog, which reads every petition older than a year
# (docs/statistics.md "Performance"): a table of a hundred counties is read for ranking, not for it.
RATE_KEYS = [key for key in RATES if key != "backlog_resolution"]
GROUPED_RATES = [RATES[k] for k in RATE_KEYS if k not in (REPEAT.key, ONLINE_SHARE.key)]


@dataclass(frozen=True)
class Figure:
    """A figure the children can be ranked by. Rates rank high first (the unit table's order), but for the
    repeat rate; counts and per-capita figures rank low first, as the assessment deducts per item; the
    assessment score ranks high first."""

    key: str
    label: str
    kind: str  # count, per_capita, rate, score
    higher_is_better: bool


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in [
        Figure("score", "考评得分", "score", True),
        *[Figure(k, RATES[k].label, "rate", k != REPEAT.key) for k in RATE_KEYS],
        *[Figure(k, label, "count", False) for k, (label, _) in COUNTS.items()],
        *[
            Figure(f"per_capita.{k}", f"{label}（每万人）", "per_capita", False)
            for k, (label, _) in COUNTS.items()
        ],
    ]
}
DEFAULT_RANK_BY = "timely_acceptance"


def per_capita(count: int, population: int | None) -> Decimal | None:
    """Per 10,000 residents, two decimals half up; None without a recorded population."""
    if not population:
        return None
    return (Decimal(count) * PER_CAPITA / Decimal(population)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class RegionRow:
    region: Region
    counts: dict[str, Count2]
    rates: dict[str, Rate]
    score: Decimal | None = None
    score_details: list[dict] = field(default_factory=list)
    ranks: dict[str, int | None] = field(default_factory=dict)
    ranked: dict[str, int] = field(default_factory=dict)  # how many children were ranked by each figure

    @property
    def name(self) -> str:
        return self.region.name

    @property
    def population(self) -> int | None:
        return self.region.population

    @property
    def per_capita(self) -> dict[str, Decimal | None]:
        return {k: per_capita(c.batches, self.population) for k, c in self.counts.items()}

    def value(self, key: str):
        """The figure's value for ranking and display: a percent, a count of batches, a per-capita figure or
        the score; None when there is nothing to rank it by (no denominator, no population, no scheme)."""
        figure = FIGURES[key]
        if figure.kind == "rate":
            return self.rates[key].percent
        if figure.kind == "count":
            return self.counts[key].batches
        if figure.kind == "per_capita":
            return self.per_capita[key.removeprefix("per_capita.")]
        return self.score


@dataclass
class Table:
    parent: Region
    rows: list[RegionRow]
    rank_by: str
    scheme: object | None  # the assessment scheme that scored the rows, if any

    @property
    def figure(self) -> Figure:
        return FIGURES[self.rank_by]

    def sorted_rows(self) -> list[RegionRow]:
        """By the chosen figure's rank, the unranked last, then by code."""
        return sorted(
            self.rows,
            key=lambda r: (r.ranks[self.rank_by] is None, r.ranks[self.rank_by] or 0, r.region.code),
        )


def children(region: Region | None) -> list[Region]:
    """The child regions a region's table shows: none for a unit scope or a county."""
    if region is None or region.level not in (Level.NATIONAL, *RANKED_LEVELS[:-1]):
        return []
    return list(Region.objects.filter(parent=region, level__in=RANKED_LEVELS).order_by("code"))


def _prefix_lengths(kids: list[Region]) -> set[int]:
    return {PREFIX_LENGTH[Level(r.level)] for r in kids}


def counts_by_child(parent: Scope, ctx: Ctx, kids: list[Region]) -> dict[str, dict[str, Count2]]:
    """{child prefix: {count key: Count2}} plus "repeat" and "online": petitions grouped by the pair of
    prefixes, as long as the longest child's, of their receiving and responsible regions, in one query; each
    pair added once to every child whose prefix either begins with (children may nest: a city and its
    counties)."""
    measures = {
        **{k: q for k, (_, q) in COUNTS.items()},
        "repeat": shown_repeat(ctx),
        "online": Q(channel__in=ONLINE_CHANNELS),
    }
    names = {key: f"m{i}" for i, key in enumerate(measures)}
    aggregates = {}
    for key, q in measures.items():
        aggregates[f"{names[key]}b"] = Count("pk", filter=q)
        aggregates[f"{names[key]}p"] = Sum("person_count", filter=q)
    wanted = {r.prefix for r in kids}
    result = {p: {key: Count2() for key in measures} for p in wanted}
    length = max(len(p) for p in wanted)
    rows = (
        Petition.objects.filter(received_in(ctx) & readable(ctx) & parent.petition_q())
        .annotate(
            _recv=Substr("receiving_region_code", 1, length),
            _resp=Substr("responsible_region_code", 1, length),
        )
        .order_by()
        .values("_recv", "_resp")
        .annotate(**aggregates)
    )
    for row in rows:
        codes = (row["_recv"] or "", row["_resp"] or "")
        for prefix in wanted:
            if codes[0].startswith(prefix) or codes[1].startswith(prefix):
                for key in measures:
                    result[prefix][key].add(row[f"{names[key]}b"], row[f"{names[key]}p"] or 0)
    return result


def unit_children(parent: Region, kids: list[Region], units=None) -> dict[int, str | None]:
    """{unit id: the prefix of the child it lies in, or None} for every unit inside the parent (`units`:
    (id, region code) pairs of a wider region, read once for several tables)."""
    if units is None:
        units = OrgUnit.objects.filter(code_within("region__code", parent.prefix)).values_list(
            "pk", "region__code"
        )
    units = [(pk, code) for pk, code in units if code.startswith(parent.prefix)]
    prefixes = sorted({r.prefix for r in kids}, key=len, reverse=True)
    return {pk: next((p for p in prefixes if code.startswith(p)), None) for pk, code in units}


def rates_by_child(
    defs: list[RateDef], parent: Scope, ctx: Ctx, kids: list[Region], *, live: bool = False
) -> dict[str, dict[str, Rate]]:
    """{rate key: {child prefix: Rate}} for rates read off one model (deadlines, or ratings), every child at
    once: from the per-day facts (`facts`, three small queries) unless under a slice or asked `live`, else in
    one query: the rows any of them reads (the jurisdiction definitions, as for any region), grouped
    by the child prefix of the row's unit's region and the petition, each numerator and denominator a flag
    per petition, then summed per child. Rates count distinct petitions; flagging each (child, petition) once
    and summing is that count without ten COUNT(DISTINCT) sorts (a third faster at a million petitions)."""
    if not live and facts.usable(parent, ctx) and all(0 < len(r.prefix) <= facts.FACT_PREFIX for r in kids):
        return facts.grouped_rates(defs, parent, ctx, [r.prefix for r in kids])
    first = defs[0]
    assert all(d.model is first.model and d.unit_field == first.unit_field for d in defs)
    rows_q = Q()
    flags = {}
    for i, d in enumerate(defs):
        rows = d.rows(ctx, False)
        rows_q |= rows
        for part, condition in (("n", d.numerator(ctx)), ("d", d.denominator(ctx))):
            flags[f"{part}{i}"] = Max(
                Case(When(rows & condition, then=1), default=0, output_field=IntegerField())
            )
    result: dict[str, dict[str, Rate]] = {d.key: {} for d in defs}
    wanted = {r.prefix for r in kids}
    for length in _prefix_lengths(kids):
        per_petition = (
            first.model.objects.filter(
                rows_q, readable(ctx, first.petition_field), parent.unit_q(first.unit_field)
            )
            .annotate(_child=Substr(f"{first.unit_field}__region__code", 1, length))
            .order_by()
            .values("_child", f"{first.petition_field}_id")
            .annotate(**flags)
        )
        sql, params = per_petition.query.sql_with_params()
        sums = ", ".join(f'SUM("{name}")' for name in flags)
        with connection.cursor() as cursor:
            # The inner query is Django's own; only the fixed aliases above are added around it.
            cursor.execute(f'SELECT "_child", {sums} FROM ({sql}) AS per_petition GROUP BY "_child"', params)  # noqa: S608  # nosec B608
            grouped = cursor.fetchall()
        for child, *counts in grouped:
            if child in wanted:
                for i, d in enumerate(defs):
                    result[d.key][child] = Rate(int(counts[2 * i] or 0), int(counts[2 * i + 1] or 0))
    return result


def _score(rows: list[RegionRow], parent: Region, kids: list[Region], ctx: Ctx, units=None):
    """Each child scored as a whole by the scheme in force for the parent (assessment.region_scores)."""
    scheme = assessment.active_scheme(parent, ctx.period.start)
    if scheme is None:
        return None
    child_of_unit = unit_children(parent, kids, units)
    values = {
        row.region.prefix: {
            **row.rates,
            **{f"visits.{level}": row.counts[f"skip_level.{level}"].batches for level in SKIP_LEVELS},
            "volume.repeat": row.counts["repeat"].batches,
            "volume.collective": row.counts["collective"].batches,
        }
        for row in rows
    }
    scores = assessment.region_scores(scheme, ctx, values, child_of_unit)
    for row in rows:
        row.score, row.score_details = scores[row.region.prefix]
    return scheme


def jurisdiction_table(scope: Scope, ctx: Ctx, rank_by: str = DEFAULT_RANK_BY) -> Table | None:
    """The children of a region scope side by side, ranked by every figure; None when it has none."""
    kids = children(scope.region)
    if not kids:
        return None
    if rank_by not in FIGURES:
        raise ValueError(f"未知的排名指标：{rank_by}")
    return _table(scope.region, kids, ctx, rank_by, *_figures(scope, ctx, kids))


def jurisdiction_tables(scope: Scope, ctx: Ctx, rank_by: str = DEFAULT_RANK_BY) -> dict[str, Table]:
    """{region code: Table}: the scope's table and the table of each child with children of its own (a
    province's cities, each with its counties), every figure read in one pass for all of them (one query per
    figure family, not one per table). Each table equals its own `jurisdiction_table`."""
    kids = children(scope.region)
    if not kids:
        return {}
    if rank_by not in FIGURES:
        raise ValueError(f"未知的排名指标：{rank_by}")
    by_pk = {k.pk: k for k in kids}
    grandchildren = defaultdict(list)
    lower = Region.objects.filter(parent__in=list(by_pk), level__in=RANKED_LEVELS)
    for region in lower.order_by("code"):
        region.parent = by_pk[region.parent_id]  # the scheme in force is looked up through the parents
        grandchildren[region.parent_id].append(region)
    for kid in kids:
        kid.parent = scope.region
    figures = _figures(scope, ctx, kids + [r for rs in grandchildren.values() for r in rs])
    units = list(
        OrgUnit.objects.filter(code_within("region__code", scope.prefix)).values_list("pk", "region__code")
    )
    tables = {scope.region.code: _table(scope.region, kids, ctx, rank_by, *figures, units)}
    for kid in kids:
        if grandchildren[kid.pk]:
            tables[kid.code] = _table(kid, grandchildren[kid.pk], ctx, rank_by, *figures, units)
    return tables


def _figures(scope: Scope, ctx: Ctx, regions: list[Region]):
    """The counts and the grouped rates of every region given (inside the scope; they may nest)."""
    counts = counts_by_child(scope, ctx, regions)
    grouped: dict[str, dict[str, Rate]] = {}
    for model in {d.model for d in GROUPED_RATES}:  # the deadlines' rates, then the ratings'
        defs = [d for d in GROUPED_RATES if d.model is model]
        grouped |= rates_by_child(defs, scope, ctx, regions)
    # A child another instance serves (a county peer) shows the figures its instance reported for the
    # matters sent to it, by the same filters (stats.peer_figures, docs/federation.md "Reporting up").
    filters = {**{k: q for k, (_, q) in COUNTS.items()}, "online": Q(channel__in=ONLINE_CHANNELS)}
    peer_figures.overlay(regions, ctx, counts, grouped, filters, GROUPED_RATES, Count2)
    return counts, grouped


def _table(parent: Region, kids: list[Region], ctx: Ctx, rank_by: str, counts, grouped, units=None) -> Table:
    rows = []
    for region in kids:
        c = counts[region.prefix]
        rates = {key: grouped[key].get(region.prefix, ZERO) for key in grouped}
        rates[REPEAT.key] = Rate(c["repeat"].batches, c["total"].batches)
        rates[ONLINE_SHARE.key] = Rate(c["online"].batches, c["total"].batches)
        rows.append(RegionRow(region=region, counts=c, rates={k: rates[k] for k in RATE_KEYS}))
    scheme = _score(rows, parent, kids, ctx, units)
    for key, figure in FIGURES.items():
        sign = 1 if figure.higher_is_better else -1
        ranks = rank(
            {i: row.value(key) for i, row in enumerate(rows)}, lambda v, s=sign: None if v is None else s * v
        )
        for i, row in enumerate(rows):
            row.ranks[key] = ranks[i]
            row.ranked[key] = sum(1 for v in ranks.values() if v is not None)
    return Table(parent=parent, rows=rows, rank_by=rank_by, scheme=scheme)


def figure_choices() -> list[tuple[str, str]]:
    return [(k, f.label) for k, f in FIGURES.items()]
