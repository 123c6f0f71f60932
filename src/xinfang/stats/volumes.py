"""Volumes (信访量) of process.md §8: batches (批, one per registration) and persons (人次), with every split
the reports use, and the counts that are not rates (long-term petitioners, open backlog cases).

`volume(scope, ctx)` reads one grouped query and rolls the few groups up in Python; `volume_filter(key,
value)` names the petitions behind each of its figures, so the drill-down list is as long as the figure.

Skip-level (越级访) matters are those that reached a level above the county: a visit made to the national,
province or city level, or a matter sent down from one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr

from xinfang.orgs.models import Level
from xinfang.petitions.models import ONLINE_CHANNELS, Category, Channel, Petition, PetitionParty

from . import peer_figures
from .metrics import Ctx, answerable_unit, readable, received_in, shown_repeat
from .rates import BACKLOG_RESOLUTION, rate
from .scope import Scope, code_within

SKIP_LEVELS = [Level.NATIONAL, Level.PROVINCE, Level.CITY]  # 进京 / 赴省 / 到市
LOCAL_LEVELS = [Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]  # 本级
VISIT_LEVEL_KEYS = ["national", "province", "city", "local"]


@dataclass
class Count2:
    """A batch (批) and person (人次) count."""

    batches: int = 0
    persons: int = 0

    def add(self, batches: int, persons: int) -> None:
        self.batches += batches
        self.persons += persons

    def as_dict(self) -> dict:
        return {"batches": self.batches, "persons": self.persons}


@dataclass
class Volume:
    total: Count2
    by_channel: dict[str, Count2]
    by_visit_level: dict[str, Count2]
    by_category: dict[str, Count2]
    by_collective: dict[str, Count2]
    skip_level: Count2  # 越级访 (到京省市): made at, or sent down from, a level above the county
    skip_level_online_letter_phone: Count2  # of which 网信电访 (every channel but the visit)
    skip_level_visits: dict[str, Count2]  # 京省市走访 by level
    repeat: Count2
    online: Count2
    local_handed: Count2  # local visits passed on to a unit (转送、交办)
    local_on_spot: Count2  # local visits concluded at reception the same day (现场协调处理)

    def figure_counts(self) -> dict[str, Count2 | dict[str, Count2]]:
        """Every count of the volume by its JSON key (a split as {value: Count2}): what 同比, 环比 and a base
        period compare. 网信电访 (`online_letter_phone`) is every channel but the visit."""
        visits = self.by_channel.get("visit", Count2())
        return {
            "by_channel": self.by_channel,
            "by_visit_level": self.by_visit_level,
            "by_category": self.by_category,
            "by_collective": self.by_collective,
            "online_letter_phone": Count2(
                self.total.batches - visits.batches, self.total.persons - visits.persons
            ),
            "skip_level": self.skip_level,
            "skip_level_online_letter_phone": self.skip_level_online_letter_phone,
            "skip_level_visits": self.skip_level_visits,
            "repeat": self.repeat,
            "online": self.online,
            "local_handed": self.local_handed,
            "local_on_spot": self.local_on_spot,
        }

    def as_dict(self) -> dict:
        return {
            "batches": self.total.batches,
            "persons": self.total.persons,
            "by_channel": {k: v.as_dict() for k, v in self.by_channel.items()},
            "by_visit_level": {k: v.as_dict() for k, v in self.by_visit_level.items()},
            "by_category": {k: v.as_dict() for k, v in self.by_category.items()},
        }


def visit_level_key(level: str) -> str:
    return "local" if level in LOCAL_LEVELS else level


def skip_level():
    """The level above the county a matter reached: where a visit was made, else who sent it down."""
    return Case(
        When(channel=Channel.VISIT, visit_level__in=SKIP_LEVELS, then=F("visit_level")),
        When(source_level__in=SKIP_LEVELS, then=F("source_level")),
        default=Value(""),
        output_field=CharField(),
    )


ON_SPOT = Q(
    concluded_at__isnull=False, accepted_at__isnull=True, replied_at__isnull=True, closed_at__isnull=True
)
HANDED = Q(routed_at__isnull=False, responsible_unit__isnull=False) & ~Q(responsible_unit=F("receiving_unit"))


def local_handling():
    """How a visit was dealt with at reception: concluded on the spot, or handed to a unit."""
    return Case(
        When(ON_SPOT, then=Value("on_spot")),
        When(HANDED, then=Value("handed")),
        default=Value(""),
        output_field=CharField(),
    )


def categories() -> tuple[dict[int, str], list[str]]:
    """{category id: its top-level name} and the active top-level names in display order, in one query."""
    rows = list(
        Category.objects.order_by("sort_order", "path").values_list("pk", "path", "parent_id", "is_active")
    )
    tops = {pk: path.split("/")[0] for pk, path, _, _ in rows}
    return tops, [path for _, path, parent, active in rows if parent is None and active]


def volume(scope: Scope, ctx: Ctx) -> Volume:
    """Batches and persons with every split, from one grouped query (the groups are few; their roll-up in
    Python adds up at most a few hundred aggregated rows, never petitions)."""
    rows = (
        Petition.objects.filter(received_in(ctx) & readable(ctx) & scope.petition_q())
        .annotate(
            skip_level=skip_level(),
            handling=local_handling(),
            shown_repeat=ExpressionWrapper(shown_repeat(ctx), output_field=BooleanField()),
        )
        .order_by()
        .values(
            "channel", "visit_level", "skip_level", "category_id", "is_collective", "shown_repeat", "handling"
        )
        .annotate(batches=Count("pk"), persons=Sum("person_count"))
    )
    tops, top_names = categories()
    result = Volume(
        total=Count2(),
        by_channel={c: Count2() for c in Channel.values},
        by_visit_level={k: Count2() for k in VISIT_LEVEL_KEYS},
        by_category={name: Count2() for name in top_names},
        by_collective={"individual": Count2(), "collective": Count2()},
        skip_level=Count2(),
        skip_level_online_letter_phone=Count2(),
        skip_level_visits={k: Count2() for k in SKIP_LEVELS},
        repeat=Count2(),
        online=Count2(),
        local_handed=Count2(),
        local_on_spot=Count2(),
    )
    for row in rows:
        b, p = row["batches"], row["persons"] or 0
        result.total.add(b, p)
        result.by_channel.setdefault(row["channel"], Count2()).add(b, p)
        if row["channel"] == Channel.VISIT and row["visit_level"]:
            result.by_visit_level[visit_level_key(row["visit_level"])].add(b, p)
            if row["visit_level"] in LOCAL_LEVELS and row["handling"]:
                getattr(result, f"local_{row['handling']}").add(b, p)
        result.by_category.setdefault(tops.get(row["category_id"], "其他"), Count2()).add(b, p)
        result.by_collective["collective" if row["is_collective"] else "individual"].add(b, p)
        if row["skip_level"]:
            result.skip_level.add(b, p)
            if row["channel"] == Channel.VISIT:
                result.skip_level_visits[row["skip_level"]].add(b, p)
            else:
                result.skip_level_online_letter_phone.add(b, p)
        if row["shown_repeat"]:
            result.repeat.add(b, p)
        if row["channel"] in ONLINE_CHANNELS:
            result.online.add(b, p)
    # Skip-level visits a peer above registered and notified here (no batch of this total: docs/federation.md).
    for level, (b, p) in peer_figures.notified_skip_level(scope, ctx).items():
        if level in result.skip_level_visits:
            result.skip_level.add(b, p)
            result.skip_level_visits[level].add(b, p)
    return result


def volume_filter(key: str, value: str | None = None) -> Q:
    """The petitions behind one volume figure (for drill-down): key is total, channel, online_letter_phone,
    local_visit (value on_spot or handed), visit_level, category, collective, issue_region, skip_level,
    skip_level_visit or skip_level_online_letter_phone."""
    if key == "total":
        return Q()
    if key == "channel":
        return Q(channel=value)
    if key == "visit_level":
        levels = LOCAL_LEVELS if value == "local" else [value]
        return Q(channel=Channel.VISIT, visit_level__in=levels)
    if key == "category":
        return Q(category__path=value) | Q(category__path__startswith=f"{value}/")
    if key == "collective":
        return Q(is_collective=value == "collective")
    if key == "issue_region":
        return code_within("issue_region_code", value or "")
    if key == "online_letter_phone":
        return ~Q(channel=Channel.VISIT)
    if key == "local_visit":
        local = Q(channel=Channel.VISIT, visit_level__in=LOCAL_LEVELS)
        if value == "on_spot":
            return local & ON_SPOT
        if value == "handed":
            return local & ~ON_SPOT & HANDED
        return local
    skip = Q(channel=Channel.VISIT, visit_level__in=SKIP_LEVELS) | Q(source_level__in=SKIP_LEVELS)
    if key == "skip_level":
        return skip
    if key == "skip_level_online_letter_phone":
        return skip & ~Q(channel=Channel.VISIT)
    if key == "skip_level_visit":
        return Q(channel=Channel.VISIT, visit_level=value) | (
            Q(channel=Channel.VISIT, source_level=value) & ~Q(visit_level__in=SKIP_LEVELS)
        )
    raise ValueError(f"未知的统计项：{key}")


def volume_petitions(
    scope: Scope, ctx: Ctx, key: str = "total", value: str | None = None
) -> QuerySet[Petition]:
    return Petition.objects.filter(
        received_in(ctx) & readable(ctx) & scope.petition_q() & volume_filter(key, value)
    )


def volumes_by_unit(ctx: Ctx, unit_ids: list[int] | None = None) -> dict[int, Count2]:
    """Batches and persons per answerable unit, one grouped query."""
    qs = Petition.objects.filter(received_in(ctx) & readable(ctx)).annotate(_unit=answerable_unit())
    if unit_ids is not None:
        qs = qs.filter(_unit__in=unit_ids)
    rows = qs.order_by().values("_unit").annotate(batches=Count("pk"), persons=Sum("person_count"))
    return {row["_unit"]: Count2(row["batches"], row["persons"] or 0) for row in rows}


def volume_by_issue_region(scope: Scope, ctx: Ctx, level_length: int) -> dict[str, Count2]:
    """Batches and persons by the issue region's code cut to `level_length` digits (e.g. 9 for townships)."""
    rows = (
        Petition.objects.filter(received_in(ctx) & readable(ctx) & scope.petition_q())
        .annotate(area=Substr("issue_region_code", 1, level_length))
        .order_by()
        .values("area")
        .annotate(batches=Count("pk"), persons=Sum("person_count"))
    )
    return {row["area"]: Count2(row["batches"], row["persons"] or 0) for row in rows}


# --- counts that are not rates ---------------------------------------------------------------------------


def long_term_petitioner_count(scope: Scope, ctx: Ctx) -> int:
    """People with at least `long_term_visits` visits to the province or national bureau (and the city, if
    configured) in the `long_term_window_days` up to the end of the period. A number, never a list."""
    policy = ctx.policy
    levels = [Level.NATIONAL, Level.PROVINCE] + ([Level.CITY] if policy.long_term_includes_city else [])
    since = ctx.period.end_before - dt.timedelta(days=policy.long_term_window_days)
    return (
        PetitionParty.objects.filter(
            scope.petition_q("petition__"),
            readable(ctx, "petition"),
            petition__channel=Channel.VISIT,
            petition__visit_level__in=levels,
            petition__received_at__gte=since,
            petition__received_at__lt=ctx.period.end_before,
        )
        .order_by()
        .values("petitioner_id")
        .annotate(visits=Count("petition_id", distinct=True))
        .filter(visits__gte=policy.long_term_visits)
        .count()
    )


def backlog_open_count(scope: Scope, ctx: Ctx) -> int:
    r = rate(BACKLOG_RESOLUTION, scope, ctx)
    return r.denominator - r.numerator
