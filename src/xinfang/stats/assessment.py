"""Monthly assessment (月考评, process.md §8): an administrator's scheme of weighted indicators, scores per
unit, ranking among peers, and streak flags ("前两名连续三个月", "末位连续两个月").

Scores are computed from the unit table (one grouped query per rate family) plus one grouped query for the
visit and repeat counts, the supervision counts and the assessors' manual deductions, then stored as an
`AssessmentRun` so that published rankings do not move when later data arrives; `assess` recomputes and stores
on demand, `preview` computes the same scores without storing them (what the page shows before anyone has).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from xinfang import clock
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Channel, Petition
from xinfang.supervision.selectors import supervision_counts

from .metrics import Ctx, answerable_unit, hidden_q, readable, received_in, shown_repeat
from .models import (
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    Indicator,
    IndicatorMetric,
    ManualDeduction,
    ScoringMethod,
    StatisticsPolicy,
)
from .periods import Period
from .rates import Rate
from .scope import Scope, code_within
from .tables import rank, rank_group, unit_table
from .volumes import skip_level

CENT = Decimal("0.01")
RATE_METRICS = {
    IndicatorMetric.TIMELY_ACCEPTANCE,
    IndicatorMetric.ON_TIME_CONCLUSION,
    IndicatorMetric.PARTICIPATION_UNIT,
    IndicatorMetric.SATISFACTION_UNIT,
    IndicatorMetric.FIRST_PETITION_ON_TIME,
}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return month_start(month - dt.timedelta(days=1))


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def score(indicator: Indicator, value) -> Decimal:
    """The points of one indicator for one unit; `value` is a Rate, a count, or the manual deductions."""
    weight = indicator.weight
    if indicator.method == ScoringMethod.PROPORTIONAL:
        if not value.denominator:
            return weight if indicator.full_when_nothing_due else Decimal(0)
        target = indicator.target or Decimal(100)
        return _q(min(weight, weight * value.percent / target))
    if indicator.method == ScoringMethod.PER_POINT:
        if not value.denominator:
            return weight if indicator.full_when_nothing_due else Decimal(0)
        target = indicator.target or Decimal(100)
        shortfall = max(Decimal(0), target - value.percent)
        return _q(max(Decimal(0), weight - indicator.deduction * shortfall))
    # per item, manual: deductions from full points
    taken = indicator.deduction * value if indicator.method == ScoringMethod.PER_ITEM else value
    return _q(max(Decimal(0), weight - Decimal(taken)))


def score_all(
    indicators: list[Indicator], values: dict, late: int, manual: dict[int, Decimal]
) -> tuple[Decimal, list[dict]]:
    """The total and per-indicator details of one assessed unit or region: `values` holds its rates (by
    metric key) and per-item counts, `late` its supervisions not answered on time, `manual` the assessors'
    deductions by indicator id."""
    details, total = [], Decimal(0)
    for indicator in indicators:
        if indicator.metric in RATE_METRICS:
            value = values.get(indicator.metric, Rate(0, 0))
            shown = value.as_dict()
        elif indicator.metric == IndicatorMetric.SUPERVISION_LATE:
            value = shown = late
        elif indicator.method == ScoringMethod.MANUAL or indicator.metric == IndicatorMetric.MANUAL:
            value = manual.get(indicator.pk, Decimal(0))
            shown = str(value)
        else:
            value = shown = values.get(indicator.metric, 0)
        points = score(indicator, value)
        total += points
        details.append(
            {"indicator": indicator.pk, "name": indicator.name, "value": shown, "points": str(points)}
        )
    return _q(total), details


def scheme_units(scheme: AssessmentScheme, region) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(
            code_within("region__code", region.prefix), kind__in=scheme.unit_kinds, is_active=True
        )
        .select_related("region")
        .order_by("code")
    )


def _counts_by_unit(ctx: Ctx, unit_ids: list[int]) -> dict[int, dict[str, int]]:
    """Skip-level visits by level, repeat and collective batches per answerable unit: one grouped query."""
    rows = (
        Petition.objects.filter(received_in(ctx) & readable(ctx))
        .annotate(_unit=answerable_unit(), skip_level=skip_level())
        .filter(_unit__in=unit_ids)
        .order_by()
        .values("_unit", "skip_level")
        .annotate(
            visits=Count("pk", filter=Q(channel=Channel.VISIT)),
            repeats=Count("pk", filter=shown_repeat(ctx)),
            collective=Count("pk", filter=Q(is_collective=True)),
        )
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        unit = counts[row["_unit"]]
        if row["skip_level"]:
            unit[f"visits.{row['skip_level']}"] += row["visits"]
        unit[IndicatorMetric.REPEAT] += row["repeats"]
        unit[IndicatorMetric.COLLECTIVE] += row["collective"]
    return counts


def _supervision_late(ctx: Ctx) -> dict[int, int]:
    return {
        row["unit_id"]: row["opened"] - row["answered_on_time"]
        for row in supervision_counts(ctx.period.start, ctx.period.end, reader_unit_id=ctx.reader_unit_id)
    }


def _manual(
    scheme: AssessmentScheme, month: dt.date, last_month: dt.date | None = None
) -> dict[tuple[int, int], Decimal]:
    """The assessors' deductions by (indicator, unit): of one month, or summed over the months to `last_month`."""
    rows = (
        ManualDeduction.objects.filter(
            indicator__scheme=scheme, month__gte=month, month__lte=last_month or month
        )
        .values("indicator_id", "unit_id")
        .annotate(points=Sum("points"))
    )
    return {(row["indicator_id"], row["unit_id"]): row["points"] for row in rows}


def compute(
    scheme: AssessmentScheme, region, month: dt.date, as_of: dt.date, reader_unit_id: int | None = None
) -> list[dict]:
    """Scores without streaks: [{unit, group, total, rank, details}] ranked within each group. With
    `reader_unit_id`, over what that unit may see (metrics.Ctx): no accusation against it is counted."""
    indicators = list(scheme.indicators.all())
    units = scheme_units(scheme, region)
    period = Period.month(month.year, month.month)
    ctx = Ctx(period, as_of, StatisticsPolicy.current(), reader_unit_id=reader_unit_id)
    table = {row.unit.pk: row for row in unit_table(Scope(region=region), ctx, kinds=scheme.unit_kinds)}
    ids = [u.pk for u in units]
    counts = _counts_by_unit(ctx, ids) if any(i.method == ScoringMethod.PER_ITEM for i in indicators) else {}
    late = (
        _supervision_late(ctx)
        if any(i.metric == IndicatorMetric.SUPERVISION_LATE for i in indicators)
        else {}
    )
    manual = _manual(scheme, month)
    results = []
    for unit in units:
        row = table.get(unit.pk)
        values = {**(row.rates if row else {}), **counts.get(unit.pk, {})}
        manual_points = {i: p for (i, u), p in manual.items() if u == unit.pk}
        total, details = score_all(indicators, values, late.get(unit.pk, 0), manual_points)
        results.append({"unit": unit, "group": rank_group(unit), "total": total, "details": details})
    for group in {r["group"] for r in results}:
        peers = {i: r for i, r in enumerate(results) if r["group"] == group}
        ranks = rank({i: r["total"] for i, r in peers.items()}, lambda total: total)
        for i, r in peers.items():
            r["rank"] = ranks[i]
    return results


def region_scores(
    scheme: AssessmentScheme, ctx: Ctx, values: dict[str, dict], region_of_unit: dict[int, str | None]
) -> dict[str, tuple[Decimal, list[dict]]]:
    """Lower jurisdictions scored as a whole (stats.jurisdictions): `values` holds each region's own rates
    and per-item counts (by region prefix), so a county is scored on 全县 figures, not on an average of its
    units'. Supervisions answered late and the assessors' deductions are those of the units inside it
    (`region_of_unit`), the deductions over every month of the period."""
    indicators = list(scheme.indicators.all())
    late: dict[str, int] = defaultdict(int)
    if any(i.metric == IndicatorMetric.SUPERVISION_LATE for i in indicators):
        for unit_id, count in _supervision_late(ctx).items():
            late[region_of_unit.get(unit_id)] += count
    manual: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (indicator_id, unit_id), points in _manual(
        scheme, month_start(ctx.period.start), ctx.period.end
    ).items():
        manual[region_of_unit.get(unit_id)][indicator_id] += points
    return {
        prefix: score_all(indicators, region_values, late[prefix], manual[prefix])
        for prefix, region_values in values.items()
    }


def _store(
    scheme: AssessmentScheme, region, month: dt.date, as_of: dt.date, results: list[dict]
) -> AssessmentRun:
    run, _ = AssessmentRun.objects.update_or_create(
        scheme=scheme, region=region, month=month, defaults={"computed_at": clock.now(), "as_of": as_of}
    )
    run.scores.all().delete()
    AssessmentScore.objects.bulk_create(
        AssessmentScore(
            run=run, unit=r["unit"], group=r["group"], total=r["total"], rank=r["rank"], details=r["details"]
        )
        for r in results
    )
    return run


def ensure_run(scheme: AssessmentScheme, region, month: dt.date, as_of: dt.date) -> AssessmentRun:
    run = AssessmentRun.objects.filter(scheme=scheme, region=region, month=month).first()
    return run or _store(scheme, region, month, as_of, compute(scheme, region, month, as_of))


def _rank_table(scores) -> dict[int, tuple[int, int]]:
    """{unit_id: (rank, worst rank of its group)} of one month's scores."""
    scores = list(scores)
    worst: dict[str, int] = defaultdict(int)
    for s in scores:
        worst[s.group] = max(worst[s.group], s.rank)
    return {s.unit_id: (s.rank, worst[s.group]) for s in scores}


def _ranks_by_month(scheme, region, months: list[dt.date]) -> dict[dt.date, dict[int, tuple[int, int]]]:
    """{month: {unit_id: (rank, worst rank of its group)}} of the stored runs."""
    runs = AssessmentRun.objects.filter(scheme=scheme, region=region, month__in=months).prefetch_related(
        "scores"
    )
    return {run.month: _rank_table(run.scores.all()) for run in runs}


def _streak_months(scheme: AssessmentScheme, month: dt.date) -> list[dt.date]:
    """The month and the earlier ones its streak flags look back on (newest first, none before the scheme)."""
    span = max(scheme.top_streak_months, scheme.bottom_streak_months)
    months = [month]
    while len(months) < span and previous_month(months[-1]) >= month_start(scheme.valid_from):
        months.append(previous_month(months[-1]))
    return months


def _flag_streaks(scheme: AssessmentScheme, months: list[dt.date], ranks, score: AssessmentScore) -> None:
    top = months[: scheme.top_streak_months]
    bottom = months[: scheme.bottom_streak_months]
    unit = score.unit_id
    score.top_streak = len(top) == scheme.top_streak_months and all(
        unit in ranks.get(mo, {}) and ranks[mo][unit][0] <= scheme.top_positions for mo in top
    )
    score.bottom_streak = len(bottom) == scheme.bottom_streak_months and all(
        unit in ranks.get(mo, {}) and ranks[mo][unit][0] == ranks[mo][unit][1] > 1 for mo in bottom
    )


def assess(scheme: AssessmentScheme, region, month: dt.date, as_of: dt.date | None = None) -> AssessmentRun:
    """(Re)compute and store a month's scores and its streak flags; earlier months are stored once if
    missing."""
    month = month_start(month)
    as_of = as_of or clock.today()
    months = _streak_months(scheme, month)
    with transaction.atomic():
        for earlier in months[1:]:
            ensure_run(scheme, region, earlier, as_of)
        run = _store(scheme, region, month, as_of, compute(scheme, region, month, as_of))
        ranks = _ranks_by_month(scheme, region, months)
        flagged = list(run.scores.all())
        for s in flagged:
            _flag_streaks(scheme, months, ranks, s)
        AssessmentScore.objects.bulk_update(flagged, ["top_streak", "bottom_streak"])
    return run


def _unsaved_scores(results: list[dict]) -> list[AssessmentScore]:
    return [
        AssessmentScore(
            unit=r["unit"], group=r["group"], total=r["total"], rank=r["rank"], details=r["details"]
        )
        for r in results
    ]


def preview(
    scheme: AssessmentScheme,
    region,
    month: dt.date,
    as_of: dt.date | None = None,
    reader_unit_id: int | None = None,
) -> list[AssessmentScore]:
    """A month's scores and streak flags as `assess` would store them, without writing anything: earlier
    months are read from their stored runs, or computed when missing. The scores are unsaved, ordered by
    group, rank and unit code. With `reader_unit_id` every month is computed over what that unit may see
    (stored runs count everything, so none is read)."""
    month = month_start(month)
    as_of = as_of or clock.today()
    months = _streak_months(scheme, month)
    ranks = {} if reader_unit_id is not None else _ranks_by_month(scheme, region, months[1:])
    for earlier in months[1:]:
        if earlier not in ranks:
            ranks[earlier] = _rank_table(
                _unsaved_scores(compute(scheme, region, earlier, as_of, reader_unit_id))
            )
    scores = _unsaved_scores(compute(scheme, region, month, as_of, reader_unit_id))
    ranks[month] = _rank_table(scores)
    for s in scores:
        _flag_streaks(scheme, months, ranks, s)
    return sorted(scores, key=lambda s: (s.group, s.rank, s.unit.code))


def hides_from(unit_id: int | None) -> bool:
    """Whether anything is hidden from this unit's reader (an accusation against it): then the stored runs,
    which count everything, are not what it may read, and its scores are computed over what it may see."""
    return unit_id is not None and Petition.objects.filter(hidden_q(unit_id)).exists()


def active_scheme(region, day: dt.date) -> AssessmentScheme | None:
    """The scheme in force for a region on a day: the latest started one of the region or the nearest
    region above it, else the latest general one (no region)."""
    codes = []
    while region is not None:
        codes.append(region.pk)
        region = region.parent
    schemes = AssessmentScheme.objects.filter(
        Q(region_id__in=codes) | Q(region__isnull=True), is_active=True, valid_from__lte=day
    )
    by_region = {s.region_id: s for s in schemes.order_by("valid_from", "id")}
    return next((by_region[c] for c in [*codes, None] if c in by_region), None)
