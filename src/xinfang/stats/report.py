"""The full set of figures for one scope and period, with 同比 and 环比, in the shape the CLI prints.

`figures(scope, ctx)` runs one query per metric family (about a dozen in all) and `Figures.as_json()` gives
exactly the keys documented in docs/statistics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from . import facts
from .case_handling import CaseHandling, case_handling
from .metrics import Ctx
from .periods import Period, comparison
from .rates import BACKLOG_RESOLUTION, ONLINE_SHARE, RATES, REPEAT, ZERO, Rate, rate
from .referred import Referred, referred
from .scope import Scope
from .volumes import Count2, Volume, long_term_petitioner_count, volume

RATE_KEYS = list(RATES)  # the order every report, export and screen lists the rates in


@dataclass
class Figures:
    scope: Scope
    ctx: Ctx
    volume: Volume
    rates: dict[str, Rate]
    long_term_petitioners: int | None
    referred: Referred | None = None  # matters sent down from above; None in the comparison periods
    case_handling: CaseHandling | None = None  # seed 003's visits and 网信电 figures; None there too

    def rate(self, key: str) -> Rate:
        return self.rates[key]

    def as_json(self) -> dict:
        """The volume and every rate; a dotted rate key ("participation.unit") is nested under its family."""
        data: dict = {"volume": self.volume.as_dict()}
        for key in RATE_KEYS:
            family, _, target = key.partition(".")
            value = self.rates[key].as_dict()
            if target:
                data.setdefault(family, {})[target] = value
            else:
                data[key] = value
        if self.referred is not None:
            data["referred"] = self.referred.as_dict()
        return data

    def as_full_json(
        self, year_before: Figures | None = None, previous: Figures | None = None, base: Figures | None = None
    ) -> dict:
        data = {
            "scope": self.scope.as_dict(),
            "period": self.ctx.period.as_dict(),
            "as_of": self.ctx.today.isoformat(),
            **self.as_json(),
        }
        data["volume"]["by_collective"] = {k: v.as_dict() for k, v in self.volume.by_collective.items()}
        backlog = self.rates[BACKLOG_RESOLUTION.key]
        data["backlog_open"] = backlog.denominator - backlog.numerator
        data["long_term_petitioners"] = self.long_term_petitioners
        if year_before is not None:
            data["year_on_year"] = changes(self, year_before)
        if previous is not None:
            data["period_on_period"] = changes(self, previous)
        if base is not None:
            data["vs_base"] = changes(self, base)
        return data


# Figures that read most of the table (every petition older than a year; two years of visits); left out of
# the comparison periods, where nobody reads them and they would double the cost of a dashboard.
HEAVY_KEYS = {BACKLOG_RESOLUTION.key}


def figures(scope: Scope, ctx: Ctx, *, heavy: bool = True) -> Figures:
    """Every figure of a scope and period; `heavy=False` (the comparison periods) skips the backlog and
    long-term counts, the matters sent down from above and the case-handling figures by channel."""
    rates = {}
    if facts.usable(scope, ctx):  # a region's deadline and rating rates, three small queries per model
        for defs in facts.answerable([RATES[key] for key in RATE_KEYS]):
            got = facts.grouped_rates(defs, scope, ctx, [scope.prefix])
            rates |= {d.key: got[d.key].get(scope.prefix, ZERO) for d in defs}
    for key in RATE_KEYS:
        if key in rates or key in (REPEAT.key, ONLINE_SHARE.key) or (key in HEAVY_KEYS and not heavy):
            continue  # repeat and online share are read off the volume query below
        rates[key] = rate(RATES[key], scope, ctx)
    counts = volume(scope, ctx)
    rates[REPEAT.key] = Rate(counts.repeat.batches, counts.total.batches)
    rates[ONLINE_SHARE.key] = Rate(counts.online.batches, counts.total.batches)
    return Figures(
        scope=scope,
        ctx=ctx,
        volume=counts,
        rates={key: rates[key] for key in RATE_KEYS if key in rates},
        long_term_petitioners=long_term_petitioner_count(scope, ctx) if heavy else None,
        referred=referred(scope, ctx) if heavy else None,
        case_handling=case_handling(scope, ctx) if heavy else None,
    )


def figures_with_comparison(scope: Scope, ctx: Ctx) -> tuple[Figures, Figures, Figures]:
    """This period, the same period a year earlier (同比) and the period before (环比); for a period still in
    progress, the same days of those (`periods.comparison`)."""
    compared = comparison(ctx.period, ctx.today)
    return (
        figures(scope, ctx),
        figures(scope, replace(ctx, period=compared.year_before), heavy=False),
        figures(scope, replace(ctx, period=compared.previous), heavy=False),
    )


def figures_of_base(scope: Scope, ctx: Ctx, base: Period) -> Figures:
    """The figures of a chosen base period (基期, "与2021年以来的信访高峰期比较"), compared as they are: a base
    is chosen whole, so unlike 同比 and 环比 it is not cut to the days of a period in progress. The same Ctx
    but for the period, so whatever else narrows the figures narrows the base alike."""
    return figures(scope, replace(ctx, period=base), heavy=False)


def change_percent(current: int, before: int) -> float | None:
    """Relative change of a count, in percent (two decimals); None when there is nothing to compare with."""
    if not before:
        return None
    value = (Decimal(current - before) * 100 / Decimal(before)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return float(value)


def change_points(current: Rate, before: Rate | None) -> float | None:
    """Difference of two rates, in percentage points (None when either is missing or has no denominator)."""
    if before is None or current.percent is None or before.percent is None:
        return None
    return float(current.percent - before.percent)


def count_change(current: Count2, before: Count2) -> dict:
    """Batches and persons of an earlier period, and the change of each in percent."""
    return {
        part: {
            "before": getattr(before, part),
            "change_percent": change_percent(getattr(current, part), getattr(before, part)),
        }
        for part in ("batches", "persons")
    }


def changes(current: Figures, before: Figures) -> dict:
    """Every volume figure (counts: change in percent) and every rate (change in percentage points) against an
    earlier period, keyed as in `as_json`; the backlog and long-term counts are left out (HEAVY_KEYS)."""
    volume = count_change(current.volume.total, before.volume.total)
    earlier = before.volume.figure_counts()
    for key, value in current.volume.figure_counts().items():
        if isinstance(value, Count2):
            volume[key] = count_change(value, earlier[key])
        else:
            volume[key] = {k: count_change(c, earlier[key].get(k, Count2())) for k, c in value.items()}
    return {
        "period": before.ctx.period.as_dict(),
        "volume": volume,
        "rates": {
            key: {
                "before": before.rates[key].as_dict(),
                "change_points": change_points(current.rates[key], before.rates[key]),
            }
            for key in RATE_KEYS
            if key in before.rates
        },
    }
