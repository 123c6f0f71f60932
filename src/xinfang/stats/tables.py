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


RATE_COLUMNS = [(d.key, d.label) for d in TABLE_RATES]


@dataclass
class UnitRow:
    unit: OrgUnit
    volume: Count2
    rates: dict[str, Rate]
    ranks: dict[str, int | None] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.unit.short_name or self.unit.name


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


def unit_table(scope: Scope, ctx: Ctx, kinds: list[str] | None = None) -> list[UnitRow]:
    """Rows for the units inside `scope` (a jurisdiction: its units; a unit: itself), in code order."""
    units = list(scope.units().filter(kind__in=kinds or RESPONSIBLE_KINDS))
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
            for row in peers:
                row.ranks[key] = ranks[row.unit.pk]
    return rows


def active_rows(rows: list[UnitRow]) -> list[UnitRow]:
    """Rows with anything to show (a county has units that never see a petition in a month)."""
    return [r for r in rows if r.volume.batches or any(rate.denominator for rate in r.rates.values())]
