"""Creation indicators (创建指标: “三无”“四无”乡镇, “无访村”) evaluated per township, village or unit.

A `CreationIndicator` lists conditions, each a count of `targets.FIGURES` with a maximum; a subject meets it
when every count over the year (1 January to the as-of day) is at most its maximum.

Which petitions are a subject's: for a township or a village, those whose **issue region** (问题属地) lies
inside it, whoever registered or handles them: a village has no unit of its own, and a skip-level visit about
a township's matter counts against the township even when the county bureau or a county department handles
it. For a unit, the petitions it is answerable for (`answerable_unit`) inside the indicator's jurisdiction.
Accusations against the reader's unit are left out (`metrics.readable`), as in every count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinfang.orgs.models import Level, OrgUnit, Region, UnitKind

from .metrics import Ctx, answerable_unit
from .models import CreationIndicator, IndicatorLevel, StatisticsPolicy
from .periods import Period
from .rates import Rate
from .scope import Scope, code_within
from .sentences import indicator_sentence
from .targets import FIGURES, counts_by_area, counts_grouped

REGION_LEVELS = {IndicatorLevel.TOWNSHIP: Level.TOWNSHIP, IndicatorLevel.VILLAGE: Level.VILLAGE}
NOT_ASSESSED = (UnitKind.BUREAU, UnitKind.LEADERSHIP)


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    counts: dict[str, int]  # condition figure -> count
    failed: list[tuple[str, str]]  # the conditions not met: (figure, "无赴省进京访")

    @property
    def meets(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class IndicatorResult:
    indicator: CreationIndicator
    period: Period
    subjects: list[Subject]

    @property
    def met(self) -> int:
        return sum(1 for s in self.subjects if s.meets)

    @property
    def share(self) -> Rate:
        return Rate(self.met, len(self.subjects))

    def sentence(self) -> str:
        i = self.indicator
        return indicator_sentence(i.region, i.name, i.level, len(self.subjects), self.met)

    def as_dict(self) -> dict:
        i = self.indicator
        return {
            "id": i.pk,
            "name": i.name,
            "level": i.level,
            "year": i.year,
            "region": i.region.code,
            "conditions": i.conditions,
            "total": len(self.subjects),
            "met": self.met,
            "share": self.share.as_dict(),
            "sentence": self.sentence(),
            "failing": [
                {"code": s.code, "name": s.name, "conditions": [list(c) for c in s.failed]}
                for s in self.subjects
                if s.failed
            ],
        }


def year_period(year: int, as_of: dt.date) -> Period:
    start = dt.date(year, 1, 1)
    return Period.between(start, max(start, min(dt.date(year, 12, 31), as_of)))


def condition_text(condition: dict) -> str:
    figure = FIGURES[condition["figure"]]
    return f"{figure.label}不超过{condition['max']}{figure.unit}" if condition["max"] else f"无{figure.label}"


def evaluate_indicator(
    indicator: CreationIndicator, as_of: dt.date, reader_unit_id: int | None = None
) -> IndicatorResult:
    """Every subject's counts with one grouped query per condition."""
    period = year_period(indicator.year, as_of)
    ctx = Ctx(period, as_of, StatisticsPolicy.current(), reader_unit_id)
    region = indicator.region
    if indicator.level in REGION_LEVELS:
        base = code_within("issue_region_code", region.prefix)
        subjects = list(
            Region.objects.filter(
                code_within("code", region.prefix), level=REGION_LEVELS[indicator.level]
            ).order_by("code")
        )
        keys = {s.pk: s.code for s in subjects}
        length = max((len(s.code) for s in subjects), default=0)
        counted = {
            c["figure"]: counts_by_area(FIGURES[c["figure"]], base, ctx, length) for c in indicator.conditions
        }
    else:
        subjects = list(
            OrgUnit.objects.filter(code_within("region__code", region.prefix), is_active=True)
            .exclude(kind__in=NOT_ASSESSED)
            .order_by("code")
        )
        keys = {s.pk: s.pk for s in subjects}
        base = Scope(region=region).petition_q()
        counted = {
            c["figure"]: counts_grouped(FIGURES[c["figure"]], base, ctx, answerable_unit())
            for c in indicator.conditions
        }
    rows = []
    for subject in subjects:
        key = keys[subject.pk]
        counts = {c["figure"]: counted[c["figure"]].get(key, 0) for c in indicator.conditions}
        failed = [
            (c["figure"], condition_text(c)) for c in indicator.conditions if counts[c["figure"]] > c["max"]
        ]
        rows.append(Subject(subject.code, subject.name, counts, failed))
    return IndicatorResult(indicator, period, rows)


def indicators_for(region, year: int) -> list[CreationIndicator]:
    """The indicators defined on this region for the year (a county's, shown on its dashboard)."""
    return list(CreationIndicator.objects.filter(region=region, year=year).select_related("region"))


def results(
    scope: Scope, as_of: dt.date, year: int | None = None, reader_unit_id=None
) -> list[IndicatorResult]:
    if scope.region is None:
        return []
    found = indicators_for(scope.region, year or as_of.year)
    return [evaluate_indicator(i, as_of, reader_unit_id) for i in found]
