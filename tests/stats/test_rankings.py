"""Honest rankings: ties share a rank (1, 1, 3), units are ranked within their group and the page shows the
groups, and a unit with nothing to rank this period is listed apart instead of first at 0.00%."""

from __future__ import annotations

from xinfang.orgs.models import OrgUnit, UnitKind
from xinfang.stats.rates import ZERO, Rate
from xinfang.stats.tables import RATE_COLUMNS, UNRANKED_LABEL, UnitRow, rank, sections
from xinfang.stats.volumes import Count2


def test_ties_share_a_rank_and_the_next_one_skips():
    values = {1: Rate(2, 7), 2: Rate(1, 1), 3: Rate(3, 3), 4: Rate(2, 7), 5: ZERO}
    assert rank(values, lambda r: r.percent) == {2: 1, 3: 1, 1: 3, 4: 3, 5: None}


def test_two_units_at_zero_share_the_rank():
    assert rank({1: Rate(0, 4), 2: Rate(0, 2), 3: Rate(1, 2)}, lambda r: r.percent) == {3: 1, 1: 2, 2: 2}


def _row(pk: int, kind: str, *rates: Rate) -> UnitRow:
    unit = OrgUnit(pk=pk, code=f"U{pk}", name=f"单位{pk}", kind=kind)
    values = dict(zip([k for k, _ in RATE_COLUMNS], [*rates, *[ZERO] * len(RATE_COLUMNS)], strict=False))
    return UnitRow(unit=unit, volume=Count2(1, 1), rates=values)


def test_sections_group_townships_then_departments_then_the_idle():
    rows = [
        _row(1, UnitKind.DEPARTMENT, Rate(1, 2)),
        _row(2, UnitKind.TOWNSHIP, Rate(0, 3)),
        _row(3, UnitKind.TOWNSHIP),  # received something, nothing due to rank it by
        _row(4, UnitKind.DISCIPLINE, Rate(2, 2)),
        _row(5, UnitKind.BUREAU, Rate(1, 1)),
    ]
    shown = [(s.label, [r.unit.pk for r in s.rows], s.ranked) for s in sections(rows)]
    assert shown == [
        ("乡镇（街道）", [2], True),
        ("县直单位", [1, 4], True),
        ("信访部门", [5], True),
        (UNRANKED_LABEL, [3], False),
    ]
