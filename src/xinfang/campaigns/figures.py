"""Campaign figures per campaign and batch (docs/statistics.md, "Campaigns"), the weekly ranking of units by
resolution rate, and the seed's sentence form.

Over the cases not screened out, as of a day: cases; units involved (distinct responsible units, 乡镇办 =
township units, 县直单位 = every other kind); resolved (resolved on or before the day); 化解率 = resolved /
cases; 按期化解率 = resolved on or before their deadline / (cases whose deadline has come, plus those resolved
earlier); remaining = cases - resolved. Rates follow the one rule of every rate (``xinfang.percent``: two decimals,
half up), so seed 000's 246/247 is written 99.60% here as in every other figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet

from xinfang.orgs.models import Level, UnitKind
from xinfang.percent import percent, shown

from .models import Campaign, CampaignCase, Screening

TOWNSHIP_KINDS = (UnitKind.TOWNSHIP,)
PLACE_WORDS = {Level.PROVINCE: "省", Level.CITY: "市", Level.COUNTY: "县", Level.TOWNSHIP: "乡"}
PLACE_SUFFIXES = "省市县区旗镇乡"


def place_word(region) -> str:
    """我县 / 我区 / 我市: the last character of the region's name, as the work reports say it."""
    if region.name and region.name[-1] in PLACE_SUFFIXES:
        return region.name[-1]
    return PLACE_WORDS.get(region.level, "")


@dataclass(frozen=True)
class CampaignFigures:
    cases: int
    township_units: int
    department_units: int
    resolved: int
    on_time: int
    due: int
    screened_out: int

    @property
    def resolution_rate(self) -> Decimal | None:
        return percent(self.resolved, self.cases)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)

    @property
    def remaining(self) -> int:
        return self.cases - self.resolved

    def as_dict(self) -> dict:
        return {
            "cases": self.cases,
            "units": {"township": self.township_units, "department": self.department_units},
            "resolved": self.resolved,
            "resolution_rate": _num(self.resolution_rate),
            "on_time": {
                "numerator": self.on_time,
                "denominator": self.due,
                "percent": _num(self.on_time_rate),
            },
            "remaining": self.remaining,
            "screened_out": self.screened_out,
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures(cases: QuerySet[CampaignCase], today: dt.date) -> CampaignFigures:
    """Figures of a set of cases (a campaign's, a batch's, or what a user may see of them): one query."""
    kept = ~Q(screening=Screening.OUT)
    resolved = kept & Q(resolved_on__isnull=False, resolved_on__lte=today)
    township = Q(responsible_unit__kind__in=TOWNSHIP_KINDS)
    row = cases.order_by().aggregate(
        cases=Count("id", filter=kept),
        resolved=Count("id", filter=resolved),
        on_time=Count("id", filter=resolved & Q(resolved_on__lte=F("due_on"))),
        due=Count("id", filter=(kept & Q(due_on__lte=today)) | resolved),
        townships=Count("responsible_unit", filter=kept & township, distinct=True),
        departments=Count("responsible_unit", filter=kept & ~township, distinct=True),
        screened_out=Count("id", filter=Q(screening=Screening.OUT)),
    )
    return CampaignFigures(
        cases=row["cases"],
        township_units=row["townships"],
        department_units=row["departments"],
        resolved=row["resolved"],
        on_time=row["on_time"],
        due=row["due"],
        screened_out=row["screened_out"],
    )


def by_batch(
    campaign: Campaign, cases: QuerySet[CampaignCase], today: dt.date
) -> list[tuple[str, CampaignFigures]]:
    return [(batch.name, figures(cases.filter(batch=batch), today)) for batch in campaign.batches.all()]


@dataclass(frozen=True)
class UnitRank:
    rank: int
    unit_name: str
    cases: int
    resolved: int
    rate: Decimal | None


def unit_ranking(cases: QuerySet[CampaignCase], today: dt.date) -> list[UnitRank]:
    """The weekly bulletin's table: units by resolution rate, highest first (ties share a rank, then by
    more cases resolved, then by name)."""
    rows = (
        cases.exclude(screening=Screening.OUT)
        .order_by()
        .values("responsible_unit__name")
        .annotate(cases=Count("id"), resolved=Count("id", filter=Q(resolved_on__lte=today)))
    )
    items = sorted(
        (
            (r["responsible_unit__name"], r["cases"], r["resolved"], percent(r["resolved"], r["cases"]))
            for r in rows
        ),
        key=lambda item: (-(item[3] or 0), -item[2], item[0]),
    )
    out, previous, rank = [], None, 0
    for index, (name, total, resolved, rate) in enumerate(items, 1):
        if rate != previous:
            rank, previous = index, rate
        out.append(UnitRank(rank, name, total, resolved, rate))
    return out


def campaign_sentence(campaign: Campaign, f: CampaignFigures) -> str:
    """ "中央联席办共交办我县247个案件，涉及17个乡镇办和30个县直单位，已化解246案，化解率99.59%"."""
    place = place_word(campaign.unit.region)
    units = []  # 乡镇办 and the departments of this level (县直单位, 市直单位)
    if f.township_units:
        units.append(f"{f.township_units}个乡镇办")
    if f.department_units:
        units.append(f"{f.department_units}个{place or '县'}直单位")
    involved = f"，涉及{'和'.join(units)}" if units else ""
    rate = f"，化解率{shown(f.resolution_rate)}%" if f.resolution_rate is not None else ""
    return (
        f"{campaign.get_assigning_body_display()}共交办我{place}{f.cases}个案件{involved}，"
        f"已化解{f.resolved}案{rate}"
    )
