"""The per-unit table: every unit's volume and rates for one period, with rankings.

One grouped query per metric family, whatever the number of units (the dashboard, the xlsx export, the
bulletins and the assessment all read this one table, so they always agree).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xinfang.orgs.models import OrgUnit, UnitKind

from .metrics import Ctx
from .rates import UNIT_TABLE_RATES, ZERO, Rate, rates_by_unit
from .scope import Scope
from .volumes import Count2, volumes_by_unit

# Units that answer for petitions; leadership units (县委县政府) only own cases through their leaders.
RESPONSIBLE_KINDS = [k for k in UnitKind.values if k != UnitKind.LEADERSHIP]

TABLE_RATES = UNIT_TABLE_RATES
MAX_LISTED_UNITS = 5000  # beyond this (a whole province), group over every unit without an IN list


def rank_group(unit: OrgUnit) -> str:
    """Units are ranked among their peers: townships with townships, departments (and the discipline,
    political-legal and judicial organs) with departments; a bureau is not ranked against either."""
    if unit.kind == UnitKind.TOWNSHIP:
        return "township"
    if unit.kind in (UnitKind.BUREAU, UnitKind.VILLAGE):
        return unit.kind
    return "department"


# The groups units are ranked within, in the order the table shows them; a page mixing them says which is which.
RANK_GROUP_LABELS = {
    "township": "乡镇（街道）",
    "department": "县直单位",
    "bureau": "信访部门",
    "village": "村（社区）",
}
UNRANKED_LABEL = "本期无可排名事项的单位（不参与排名）"

RATE_COLUMNS = [(d.key, d.label) for d in TABLE_RATES]


@dataclass
class UnitRow:
    unit: OrgUnit
    volume: Count2
    rates: dict[str, Rate]
    ranks: dict[str, int | None] = field(default_factory=dict)
    # How many units of its group were ranked in each column: 第1名 of 1 is not 第1名 of 12.
    ranked_in_group: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.unit.short_name or self.unit.name

    @property
    def group(self) -> str:
        return rank_group(self.unit)

    @property
    def group_label(self) -> str:
        return RANK_GROUP_LABELS.get(self.group, self.group)

    @property
    def rankable(self) -> bool:
        """Whether any column has cases to rank it by: a unit with none in the period is shown apart, not
        placed first (or last) at a rate of nothing."""
        return any(rate.denominator for rate in self.rates.values())


@dataclass
class Section:
    label: str
    rows: list[UnitRow]
    ranked: bool


def sections(rows: list[UnitRow]) -> list[Section]:
    """The table's row groups: each rank group that has rankable units (in `RANK_GROUP_LABELS` order, rows
    in the order given), then the units with nothing to rank this period."""
    out = []
    for group, label in RANK_GROUP_LABELS.items():  # `rank_group` names no other group
        ranked = [r for r in rows if r.rankable and r.group == group]
        if ranked:
            out.append(Section(label, ranked, ranked=True))
    idle = [r for r in rows if not r.rankable]
    if idle:
        out.append(Section(UNRANKED_LABEL, idle, ranked=False))
    return out


def rank(values: dict[int, object], key) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4), best first; units without a value are unranked (None)."""
    scored = sorted(((key(v), k) for k, v in values.items() if key(v) is not None), key=lambda p: -p[0])
    ranks: dict[int, int | None] = {k: None for k in values}
    previous, position = None, 0
    for index, (value, unit_id) in enumerate(scored, start=1):
        if value != previous:
            position, previous = index, value
        ranks[unit_id] = position
    return ranks


def unit_table(
    scope: Scope, ctx: Ctx, kinds: list[str] | None = None, *, own_level: bool = False
) -> list[UnitRow]:
    """Rows for the units inside `scope` (a jurisdiction: its units; a unit: itself), in code order.
    `own_level`: only the units of the jurisdiction's own region (a city's or a province's departments and
    bureau), for a page that shows its lower jurisdictions side by side instead of their thousands of units."""
    if own_level and scope.region is not None:
        # By the region itself, not through the ids of every unit inside it (a province's 5,000).
        units = OrgUnit.objects.filter(region=scope.region).select_related("region").order_by("code")
    else:
        units = scope.units()
    units = list(units.filter(kind__in=kinds or RESPONSIBLE_KINDS))
    # Naming the units (even all of them) lets the database seek the (unit, stage, due_on) index per unit.
    ids = [u.pk for u in units] if len(units) <= MAX_LISTED_UNITS else None
    volumes = volumes_by_unit(ctx, ids)
    rates = {d.key: rates_by_unit(d, ctx, ids) for d in TABLE_RATES}
    rows = [
        UnitRow(
            unit=u,
            volume=volumes.get(u.pk, Count2()),
            rates={key: by_unit.get(u.pk, ZERO) for key, by_unit in rates.items()},
        )
        for u in units
    ]
    for group in {rank_group(row.unit) for row in rows}:
        peers = [row for row in rows if rank_group(row.unit) == group]
        for key, _ in RATE_COLUMNS:
            ranks = rank({row.unit.pk: row.rates[key] for row in peers}, lambda r: r.percent)
            ranked = sum(1 for value in ranks.values() if value is not None)
            for row in peers:
                row.ranks[key] = ranks[row.unit.pk]
                row.ranked_in_group[key] = ranked
    return rows


def active_rows(rows: list[UnitRow]) -> list[UnitRow]:
    """Rows with anything to show (a county has units that never see a petition in a month)."""
    return [r for r in rows if r.volume.batches or any(rate.denominator for rate in r.rates.values())]
