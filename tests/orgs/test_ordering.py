"""The order of unit lists: the suggested unit first, then kind in UnitKind's order, then name in pinyin."""

from xinfang.orgs.models import OrgUnit, UnitKind
from xinfang.orgs.ordering import in_order


def _unit(pk: int, name: str, kind: str) -> OrgUnit:
    return OrgUnit(pk=pk, name=name, kind=kind, code=f"U{pk}")


UNITS = [
    _unit(1, "县法院", UnitKind.COURT),
    _unit(2, "伏牛镇人民政府", UnitKind.TOWNSHIP),
    _unit(3, "县住房和城乡建设局", UnitKind.DEPARTMENT),
    _unit(4, "安乐乡人民政府", UnitKind.TOWNSHIP),
    _unit(5, "县信访局", UnitKind.BUREAU),
    _unit(6, "县教育局", UnitKind.DEPARTMENT),
]


def names(units) -> list[str]:
    return [u.name for u in units]


def test_by_kind_then_name_in_pinyin():
    assert names(in_order(UNITS)) == [
        "县信访局",
        "县教育局",  # xian jiao... before xian zhu...
        "县住房和城乡建设局",
        "安乐乡人民政府",  # an... before fu...
        "伏牛镇人民政府",
        "县法院",
    ]


def test_the_suggested_unit_comes_first_and_only_once():
    ordered = in_order(UNITS, first=UNITS[1])
    assert names(ordered)[:2] == ["伏牛镇人民政府", "县信访局"]
    assert len(ordered) == len(UNITS)


def test_a_suggestion_outside_the_list_changes_nothing():
    assert in_order(UNITS, first=_unit(99, "别处", UnitKind.BUREAU)) == in_order(UNITS)
