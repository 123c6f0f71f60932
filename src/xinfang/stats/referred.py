"""What became of the matters sent down from above (上级转送交办): received, concluded, what remains and where
it stands, and the on-time rate over those due (到期应结 / 按期办结), by the level that sent them (national,
province, city) and for the three together (上三级). Definitions: docs/statistics.md, "Matters sent down from above".

The set is the petitions registered with ``source = referred_from_above`` and received in the period, in
scope (`Scope.petition_q`) and readable by the reader (`metrics.readable`: an accusation against the
reader's unit is left out, and the slice applies), exactly as the volumes count petitions. Each matter is
judged on the as-of day from the facts the workflow stores on it (``accepted_at``, ``handling_due_on``,
``replied_at``, ``replied_on_time``, ``concluded_at``, ``closed_at``), so one grouped query answers every
level and the drill-down lists read the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.db.models import Count, Q, QuerySet

from xinfang.orgs.models import GROUPING_NAMES, Level
from xinfang.petitions.models import Petition, Source, SourceAction

from .metrics import Ctx, as_of_end, readable, received_in
from .rates import Rate
from .scope import Scope

LEVELS = [Level.NATIONAL, Level.PROVINCE, Level.CITY]  # 上三级, in the order the reports name them
ACTION_WORDS = {SourceAction.TRANSFER: "转送", SourceAction.ASSIGN: "交办"}
# The parts of one level's figure, in the order the panel and the xlsx sheet list them.
PART_LABELS = {
    "received": "转送交办",
    "concluded": "办结",
    "remaining": "剩余",
    "in_time": "已受理并在办理期限内",
    "overdue": "超过办理期限",
    "awaiting_acceptance": "尚未受理",
    "closed": "已告知终止",
    "due": "到期应结",
    "on_time": "按期办结",
}


# --- the definitions, as filters on petitions ----------------------------------------------------------------


def referred_set(scope: Scope, ctx: Ctx) -> Q:
    """Matters sent down from above, received in the period, in scope and readable by the reader."""
    return Q(source=Source.REFERRED_FROM_ABOVE) & received_in(ctx) & scope.petition_q() & readable(ctx)


def part_q(ctx: Ctx, part: str) -> Q:
    """The matters of the set that make up one part; ValueError for an unknown part."""
    end = as_of_end(ctx)
    concluded = Q(concluded_at__lt=end)
    closed = ~concluded & Q(closed_at__lt=end)  # directed to a legal route or declined, never concluded
    pending = ~concluded & ~Q(closed_at__lt=end)
    accepted = Q(accepted_at__lt=end)
    replied = Q(replied_at__lt=end)
    replied_on_time = replied & Q(replied_on_time=True)
    passed = Q(handling_due_on__lt=ctx.today)  # the last day of the handling period is behind the as-of day
    # 到期应结: the handling period ended by the as-of day (not the period's end: the set is what was received
    # in the period, whose 60 days mostly run past it) and is decided, replied or its last day passed
    # unreplied: on_time_conclusion's rule, applied to each matter's own handling period.
    due = Q(handling_due_on__lte=ctx.today) & (replied | passed)
    parts = {
        "received": Q(),
        "concluded": concluded,
        "remaining": ~concluded,
        "closed": closed,
        "awaiting_acceptance": pending & ~accepted,
        "overdue": pending & accepted & passed & ~replied_on_time,
        "in_time": pending & accepted & ~(passed & ~replied_on_time),
        "due": due,
        "on_time": due & replied_on_time,
    }
    if part not in parts:
        raise ValueError(f"未知的统计项：{part}")
    return parts[part]


def level_q(level: str) -> Q:
    """One sending level, or all three ("total")."""
    if level == "total":
        return Q()
    if level not in LEVELS:
        raise ValueError(f"未知的转送交办层级：{level}")
    return Q(source_level=level)


def referred_petitions(scope: Scope, ctx: Ctx, level: str, part: str) -> QuerySet[Petition]:
    """The petitions behind one count (the drill-down list is as long as the figure)."""
    return Petition.objects.filter(referred_set(scope, ctx) & level_q(level) & part_q(ctx, part))


# --- the figures ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """One level's matters (or the three levels' together)."""

    received: int = 0
    transfer: int = 0  # received, of which sent as 转送
    assign: int = 0  # and as 交办
    concluded: int = 0
    in_time: int = 0
    overdue: int = 0
    awaiting_acceptance: int = 0
    closed: int = 0
    due: int = 0
    on_time: int = 0

    @property
    def remaining(self) -> int:
        return self.received - self.concluded

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.on_time, self.due)

    @property
    def action_word(self) -> str:
        """转送, 交办, or 转送交办 when both came."""
        if self.transfer and not self.assign:
            return ACTION_WORDS[SourceAction.TRANSFER]
        if self.assign and not self.transfer:
            return ACTION_WORDS[SourceAction.ASSIGN]
        return "转送交办"

    def __add__(self, other: Progress) -> Progress:
        return Progress(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def as_dict(self) -> dict:
        counts = {f.name: getattr(self, f.name) for f in fields(self)}
        by_action = {"transfer": counts.pop("transfer"), "assign": counts.pop("assign")}
        return {
            **counts,
            "remaining": self.remaining,
            "by_action": by_action,
            "on_time_rate": self.on_time_rate.as_dict(),
        }


@dataclass(frozen=True)
class Referred:
    by_level: dict[str, Progress]  # every level of LEVELS, zero when none came
    names: dict[str, str]  # who sent them, as the reports name them: 国家局, 省局, 平顶山市局

    @property
    def total(self) -> Progress:
        return sum(self.by_level.values(), Progress())

    def as_dict(self) -> dict:
        return {
            "total": self.total.as_dict(),
            "by_level": {
                level: {"name": self.names[level], **p.as_dict()} for level, p in self.by_level.items()
            },
        }


COUNTED = ["concluded", "in_time", "overdue", "awaiting_acceptance", "closed", "due", "on_time"]


def referred(scope: Scope, ctx: Ctx) -> Referred:
    """Every level's figures from one grouped query (a row per level and action)."""
    rows = (
        Petition.objects.filter(referred_set(scope, ctx))
        .order_by()
        .values("source_level", "source_action")
        .annotate(received=Count("pk"), **{p: Count("pk", filter=part_q(ctx, p)) for p in COUNTED})
    )
    by_level = {level: Progress() for level in LEVELS}
    for row in rows:
        level = row.pop("source_level")
        action = row.pop("source_action")
        sent_as = {action: row["received"]} if action in ACTION_WORDS else {}
        by_level[level] = by_level.get(level, Progress()) + Progress(**row, **sent_as)
    return Referred(by_level={level: by_level[level] for level in LEVELS}, names=source_names(scope))


def source_names(scope: Scope) -> dict[str, str]:
    """国家局, 省局 and the city bureau by its city's name (平顶山市局), as seed 001 writes "咸阳市局转送5件"."""
    region = scope.region if scope.region is not None else scope.unit.region
    while region is not None and region.level != Level.CITY:
        region = region.parent
    city = region.name if region is not None and region.name not in GROUPING_NAMES else "市"
    return {Level.NATIONAL: "国家局", Level.PROVINCE: "省局", Level.CITY: f"{city}局"}
