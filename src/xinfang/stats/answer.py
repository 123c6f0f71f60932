"""The one JSON answer of `xinfang stats --json` and `/api/v1/stats/`: the report's figures, the mechanisms',
the leaders' and the slice they were computed over, so the two can never disagree.

A slice narrows every figure that counts petitions (`metrics.readable`). The leaders' and mechanisms' figures
count other records (reception sessions, ownerships, instructions, meetings, grants, disputes, campaign
cases), which a petition slice cannot narrow; under a slice each of them says so (`"slice_applies": false`)
instead of passing for a sliced figure.
"""

from __future__ import annotations

from xinfang.leaders import figures as leaders_figures

from . import mechanisms, report
from .metrics import Ctx
from .scope import Scope

# The families computed over other records than petitions; `settlement` is a petition rate and is sliced.
UNSLICED_FAMILIES = (
    "meetings",
    "assistance",
    "disputes",
    "campaigns",
    "reception",
    "ownership",
    "instructions",
)


def stats_json(scope: Scope, ctx: Ctx, *, full: bool = False) -> dict:
    """Every figure of a scope, period and slice; `full` adds scope, period, 同比, 环比, backlog and long-term
    petitioner counts (docs/statistics.md, "The CLI")."""
    if full:
        current, year_before, previous = report.figures_with_comparison(scope, ctx)
        data = current.as_full_json(year_before, previous)
    else:
        data = report.figures(scope, ctx).as_json()
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
    data["slice"] = ctx.slice.as_dict()
    if not ctx.slice.is_empty:
        for family in UNSLICED_FAMILIES:
            for figure in data[family] if isinstance(data[family], list) else [data[family]]:
                figure["slice_applies"] = False
    return data
