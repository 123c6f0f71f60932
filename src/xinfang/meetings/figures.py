"""Joint-meeting figures (docs/statistics.md, "Joint meetings"): meetings by level, items, decisions and
their on-time completion, escalations; units below the meeting-frequency rule; the seed's sentence
"共召开县乡联席会议251次（其中县联席会议9次，乡镇联席会议242次）"."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Q

from xinfang.orgs.models import OrgUnit, UnitKind
from xinfang.percent import percent
from xinfang.petitions.selectors import without_accusations_of

from .models import AgendaItem, Decision, EscalationTarget, ItemStatus, JointMeeting, MeetingLevel
from .services import CONVENING_KINDS

# Seed 000: the county meets at least once a month, a township at least three times.
DEFAULT_MINIMUM = {MeetingLevel.COUNTY: 1, MeetingLevel.TOWNSHIP: 3}


def minimum_per_month(level: str) -> int:
    return int(getattr(settings, "XF_MEETINGS_PER_MONTH", {}).get(level, DEFAULT_MINIMUM[level]))


def held(start: dt.date, end: dt.date, region_prefix: str = "", unit=None):
    qs = JointMeeting.objects.filter(
        held_on__gte=start, held_on__lte=end, unit__region__code__startswith=region_prefix
    )
    return qs.filter(unit=unit) if unit is not None else qs


def totals(
    start: dt.date,
    end: dt.date,
    region_prefix: str = "",
    *,
    unit=None,
    today: dt.date | None = None,
    hidden_from: int | None = None,
) -> dict:
    """Meetings held, their items and the decisions due in the period. Items and decisions on an accusation
    against the unit or ``hidden_from`` (the reader's unit) are left out; the meetings themselves stay."""
    meetings = held(start, end, region_prefix, unit)
    by_level = dict(meetings.order_by().values_list("level").annotate(n=Count("id")))
    items = AgendaItem.objects.filter(meeting__in=meetings.values("pk"))
    items = without_accusations_of(items, (unit, hidden_from))
    item_row = items.aggregate(
        total=Count("id"),
        settled=Count("id", filter=Q(status=ItemStatus.SETTLED)),
        **{t.value: Count("id", filter=Q(escalated_to=t.value)) for t in EscalationTarget},
    )
    # Decisions due in the period (whichever meeting made them), and whether they were done by their deadline.
    today = today or end
    due = Decision.objects.filter(
        deadline__gte=start,
        deadline__lte=min(end, today),
        item__meeting__unit__region__code__startswith=region_prefix,
    )
    if unit is not None:
        due = due.filter(lead_unit=unit)
    due = without_accusations_of(due, (unit, hidden_from), "item__petition__")
    on_time = due.filter(done_on__isnull=False, done_on__lte=F("deadline")).count()
    count = due.count()
    county, township = by_level.get(MeetingLevel.COUNTY, 0), by_level.get(MeetingLevel.TOWNSHIP, 0)
    return {
        "meetings": {"total": county + township, "county": county, "township": township},
        "items": item_row["total"],
        "items_settled": item_row["settled"],
        "escalations": {t.value: item_row[t.value] for t in EscalationTarget},
        "decisions_on_time": {
            "numerator": on_time,
            "denominator": count,
            "percent": None if not count else float(percent(on_time, count)),
        },
        "sentence": meetings_sentence(county, township),
    }


def meetings_sentence(county: int, township: int) -> str:
    return f"共召开县乡联席会议{county + township}次（其中县联席会议{county}次，乡镇联席会议{township}次）"


def below_frequency(region_prefix: str, year: int, month: int) -> list[dict]:
    """Units that should convene and met fewer times in the month than the rule asks: townships (their
    township meetings) and county bureaus (the county meeting, convened by the bureau or the county's party
    and government leadership)."""
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    counts = dict(held(start, end, region_prefix).order_by().values_list("unit_id").annotate(n=Count("id")))
    out = []
    townships = OrgUnit.objects.filter(
        is_active=True,
        kind__in=CONVENING_KINDS[MeetingLevel.TOWNSHIP],
        region__code__startswith=region_prefix,
    )
    need = minimum_per_month(MeetingLevel.TOWNSHIP)
    for unit in townships.order_by("code"):
        if counts.get(unit.pk, 0) < need:
            out.append(
                {
                    "unit": unit.code,
                    "name": unit.name,
                    "level": MeetingLevel.TOWNSHIP.value,
                    "held": counts.get(unit.pk, 0),
                    "required": need,
                }
            )
    need = minimum_per_month(MeetingLevel.COUNTY)
    bureaus = OrgUnit.objects.filter(
        is_active=True, kind=UnitKind.BUREAU, region__level="county", region__code__startswith=region_prefix
    ).select_related("region")
    for bureau in bureaus.order_by("code"):
        county = bureau.region.code[:6]
        n = held(start, end, county).filter(level=MeetingLevel.COUNTY).count()
        if n < need:
            out.append(
                {
                    "unit": bureau.code,
                    "name": bureau.name,
                    "level": MeetingLevel.COUNTY.value,
                    "held": n,
                    "required": need,
                }
            )
    return out
