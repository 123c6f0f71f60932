"""Hotspots and surges (热点、激增): where the same problem is coming in, and where it is coming in faster.

A cell is a category × township (the issue region's code cut to 9 digits, ``AREA_DIGITS``). For the week and
the month that contain the as-of day, each cell's batches are set against the same period a year before (同比),
the period just before (环比) and a baseline: the mean of the ``XF_SURGE_BASELINE_PERIODS`` periods before.
A cell surges when its count reaches ``XF_SURGE_MIN_COUNT`` and ``XF_SURGE_RATIO`` times its baseline (any
count at or over the minimum surges against an empty baseline). ``recurring`` ranks the cells of a period by
batches, with their petitions, for a leader to take up (a campaign, a joint-meeting item).

Counts go through ``metrics.readable`` like every figure: an accusation never counts for the unit it accuses,
a merged duplicate is no batch, and a slice narrows them. One grouped query per call (``_counts``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Substr

from xinfang.orgs.models import Region
from xinfang.petitions.models import Category, Petition

from .metrics import Ctx, readable
from .periods import Kind, Period
from .scope import Scope

AREA_DIGITS = 9  # township (乡镇、街道) level of a GB/T 2260 code with its 3-digit township part
KINDS = (Kind.WEEK, Kind.MONTH)
KIND_LABELS = {Kind.WEEK: "本周", Kind.MONTH: "本月"}
YEAR_BEFORE = -1  # the bucket of the same period a year earlier; 0 is the current period, 1..N those before
RECURRING_SHOWN = 10
PETITIONS_SHOWN = 20


# --- pure definitions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    min_count: int
    ratio: Decimal
    baseline_periods: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            max(1, int(settings.XF_SURGE_MIN_COUNT)),
            Decimal(str(settings.XF_SURGE_RATIO)),
            max(1, int(settings.XF_SURGE_BASELINE_PERIODS)),
        )


def baseline(earlier: list[int]) -> Decimal:
    """The mean of the earlier periods' counts, two decimals half up (0 with none)."""
    if not earlier:
        return Decimal(0)
    return (Decimal(sum(earlier)) / len(earlier)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_surge(current: int, base: Decimal, t: Thresholds) -> bool:
    return current >= t.min_count and Decimal(current) >= t.ratio * base


def periods_for(kind: str, day, n: int) -> dict[int, Period]:
    """{bucket: period}: 0 the period of ``kind`` containing ``day``, 1..n those before, -1 a year before."""
    current = Period.of(kind, day)
    out = {0: current, YEAR_BEFORE: current.year_before()}
    period = current
    for index in range(1, n + 1):
        period = period.previous()
        out[index] = period
    return out


@dataclass
class Cell:
    kind: str
    category: str
    area_code: str
    area: str
    current: int
    previous: int
    year_before: int
    baseline: Decimal
    surge: bool

    def as_json(self) -> dict:
        return {
            "category": self.category,
            "area_code": self.area_code,
            "area": self.area,
            "count": self.current,
            "previous": self.previous,
            "year_before": self.year_before,
            "baseline": str(self.baseline),
            "surge": self.surge,
        }

    @property
    def sentence(self) -> str:
        return (
            f"{self.area}“{self.category}”{KIND_LABELS[self.kind]}{self.current}批，"
            f"基线{self.baseline}批，上期{self.previous}批，去年同期{self.year_before}批"
        )


@dataclass
class Hotspots:
    day: object
    thresholds: Thresholds
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # by kind, most batches first

    def surges(self, kind: str | None = None) -> list[Cell]:
        kinds = [kind] if kind else list(self.cells)
        return [c for k in kinds for c in self.cells.get(k, []) if c.surge]

    def as_json(self) -> dict:
        t = self.thresholds
        return {
            "as_of": self.day.isoformat(),
            "area_level": "township",
            "thresholds": {
                "min_count": t.min_count,
                "ratio": str(t.ratio),
                "baseline_periods": t.baseline_periods,
            },
            **{
                kind: {
                    "period": periods_for(kind, self.day, 0)[0].as_dict(),
                    "cells": [c.as_json() for c in cells],
                    "surges": [c.as_json() for c in cells if c.surge],
                }
                for kind, cells in self.cells.items()
            },
        }


# --- the queries -------------------------------------------------------------------------------------------


def _counts(scope: Scope, ctx: Ctx, buckets: dict[int, Period]) -> dict[tuple[int, str], dict[int, int]]:
    """{(category id, area): {bucket: batches}} in one grouped query over the buckets' ranges."""
    when = [
        When(received_at__gte=p.start_at, received_at__lt=p.end_before, then=Value(bucket))
        for bucket, p in buckets.items()
    ]
    within = Q()
    for p in buckets.values():
        within |= Q(received_at__gte=p.start_at, received_at__lt=p.end_before)
    rows = (
        Petition.objects.filter(within & readable(ctx) & scope.petition_q())
        .annotate(
            area=Substr("issue_region_code", 1, AREA_DIGITS), bucket=Case(*when, output_field=IntegerField())
        )
        .order_by()
        .values("category_id", "area", "bucket")
        .annotate(n=Count("pk"))
    )
    out: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for row in rows:
        out[(row["category_id"], row["area"])][row["bucket"]] = row["n"]
    return out


def _names(keys) -> tuple[dict[int, str], dict[str, str]]:
    categories = dict(Category.objects.filter(pk__in={k[0] for k in keys}).values_list("pk", "path"))
    areas = dict(Region.objects.filter(code__in={k[1] for k in keys}).values_list("code", "name"))
    return categories, areas


def hotspots(scope: Scope, ctx: Ctx, thresholds: Thresholds | None = None) -> Hotspots:
    """The week's and the month's cells as of the period's end (or today, if earlier)."""
    t = thresholds or Thresholds.from_settings()
    day = min(ctx.period.end, ctx.today)
    result = Hotspots(day, t)
    counted = {kind: _counts(scope, ctx, periods_for(kind, day, t.baseline_periods)) for kind in KINDS}
    categories, areas = _names([key for counts in counted.values() for key in counts])
    for kind, counts in counted.items():
        cells = []
        for (category_id, area), by_bucket in counts.items():
            current = by_bucket.get(0, 0)
            if not current:
                continue
            base = baseline([by_bucket.get(i, 0) for i in range(1, t.baseline_periods + 1)])
            cells.append(
                Cell(
                    kind,
                    categories.get(category_id, ""),
                    area,
                    areas.get(area, area),
                    current,
                    by_bucket.get(1, 0),
                    by_bucket.get(YEAR_BEFORE, 0),
                    base,
                    is_surge(current, base, t),
                )
            )
        cells.sort(key=lambda c: (not c.surge, -c.current, c.category, c.area_code))
        result.cells[kind] = cells
    return result


@dataclass
class Cluster:
    category_id: int
    category: str
    area_code: str
    area: str
    batches: int
    petitions: list[dict]

    def as_json(self) -> dict:
        return {
            "category": self.category,
            "area_code": self.area_code,
            "area": self.area,
            "batches": self.batches,
            "petitions": self.petitions,
        }


def recurring(scope: Scope, ctx: Ctx, *, limit: int = RECURRING_SHOWN, minimum: int = 2) -> list[Cluster]:
    """The category × township clusters of the period with at least ``minimum`` batches, most first, each with
    its latest petitions (a drill-down list): the recurring problems a leader may take up."""
    base = Petition.objects.filter(
        readable(ctx) & scope.petition_q(),
        received_at__gte=ctx.period.start_at,
        received_at__lt=ctx.period.end_before,
    ).annotate(area=Substr("issue_region_code", 1, AREA_DIGITS))
    top = list(
        base.order_by()
        .values("category_id", "area")
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum)
        .order_by("-n", "category_id", "area")[:limit]
    )
    if not top:
        return []
    categories, areas = _names([(row["category_id"], row["area"]) for row in top])
    # The petitions behind the clusters in one query, newest first, the first PETITIONS_SHOWN of each kept.
    wanted = Q(pk__in=[])
    for row in top:
        wanted |= Q(category_id=row["category_id"], area=row["area"])
    behind: dict[tuple[int, str], list[dict]] = defaultdict(list)
    rows = base.filter(wanted).order_by("-received_at", "-id")
    for p in rows.values(
        "pk", "category_id", "area", "registration_number", "summary", "received_at", "status"
    ):
        kept = behind[(p["category_id"], p["area"])]
        if len(kept) < PETITIONS_SHOWN:
            kept.append(
                {
                    "id": p["pk"],
                    "number": p["registration_number"],
                    "summary": p["summary"],
                    "received_at": p["received_at"].isoformat(),
                    "status": p["status"],
                }
            )
    clusters = [
        Cluster(
            row["category_id"],
            categories.get(row["category_id"], ""),
            row["area"],
            areas.get(row["area"], row["area"]),
            row["n"],
            behind[(row["category_id"], row["area"])],
        )
        for row in top
    ]
    return clusters


def as_json(scope: Scope, ctx: Ctx) -> dict:
    """What ``xinfang stats --json`` carries under ``hotspots``."""
    return {**hotspots(scope, ctx).as_json(), "recurring": [c.as_json() for c in recurring(scope, ctx)]}
