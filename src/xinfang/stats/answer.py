"""The one JSON answer of `xinfang stats --json` and `/api/v1/stats/`: the report's figures, the mechanisms',
the leaders' and the slice they were computed over, so the two can never disagree.

A slice narrows every figure that counts petitions (`metrics.readable`). The leaders' and mechanisms' figures
count other records (reception sessions, ownerships, instructions, meetings, grants, disputes, campaign
cases), which a petition slice cannot narrow; under a slice each of them says so (`"slice_applies": false`)
instead of passing for a sliced figure.
"""

from __future__ import annotations

from xinfang.leaders import figures as leaders_figures

from . import hotspots, mechanisms, report, target_panels
from .metrics import Ctx
from .periods import Period
from .scope import Scope
from .sentences import base_comparison

# The families computed over other records than petitions; `settlement` is a petition rate and is sliced.
UNSLICED_FAMILIES = (
    "meetings",
    "assistance",
    "disputes",
    "campaigns",
    "reception",
    "ownership",
    "instructions",
    # Targets and creation indicators are judged on the whole scope's figures, as the year's plan set them.
    "targets",
    "indicators",
)


def stats_json(scope: Scope, ctx: Ctx, *, full: bool = False, base: Period | None = None) -> dict:
    """Every figure of a scope, period and slice; `full` adds scope, period, 同比, 环比, backlog and long-term
    petitioner counts (docs/statistics.md, "The CLI"); `base`, a chosen base period to compare with
    (`vs_base`, with its sentence)."""
    base_figures = report.figures_of_base(scope, ctx, base) if base is not None else None
    if full:
        current, year_before, previous = report.figures_with_comparison(scope, ctx)
        data = current.as_full_json(year_before, previous, base_figures)
    else:
        current = report.figures(scope, ctx)
        data = current.as_json()
        if base_figures is not None:
            data["vs_base"] = report.changes(current, base_figures)
    if base_figures is not None:
        data["vs_base"]["sentence"] = base_comparison(current, base_figures)
    data.update(mechanisms.as_json(scope, ctx))
    period = ctx.period
    data |= leaders_figures.all_figures(
        period.start,
        period.end,
        ctx.today,
        prefix=scope.prefix,
        unit=scope.unit,
        hidden_from=ctx.reader_unit_id,
    )
    data |= target_panels.as_json(
        scope, target_panels.evaluation_day(period.end, ctx.today), ctx.reader_unit_id
    )
    data["hotspots"] = hotspots.as_json(scope, ctx)
    data["slice"] = ctx.slice.as_dict()
    if not ctx.slice.is_empty:
        for family in UNSLICED_FAMILIES:
            for figure in data[family] if isinstance(data[family], list) else [data[family]]:
                figure["slice_applies"] = False
    return data
