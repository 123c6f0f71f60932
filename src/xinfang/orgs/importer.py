"""Importing and exporting regions and units in the organisations JSON Lines format (exchange-format.md).

Import is idempotent by code: a record whose fields already match is left alone, one whose name (or
other field) differs is updated. Lines may come in any order — children before their parents — because
every line is checked against the whole file before anything is written. A bad line is rejected with its
line number and a Chinese reason; the good lines are still imported, all together in one transaction.

Blank lines and lines starting with `#` are skipped (the shipped demo file explains itself in comments).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from .models import LEVEL_ORDER, PREFIX_LENGTH, Level, OrgUnit, Region, UnitKind, level_rank

# Digits of a region code at each level (GB/T 2260 to the county, then 9 and 12 digits below).
CODE_LENGTH = {
    Level.NATIONAL: 6,
    Level.PROVINCE: 6,
    Level.CITY: 6,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
UNIT_CODE_MAX = OrgUnit._meta.get_field("code").max_length
UNIT_NAME_MAX = OrgUnit._meta.get_field("name").max_length
SHORT_NAME_MAX = OrgUnit._meta.get_field("short_name").max_length
REVIEW_NAME_MAX = OrgUnit._meta.get_field("review_office").max_length
REGION_NAME_MAX = Region._meta.get_field("name").max_length
LOOKUP_CHUNK = 500  # keeps `code IN (...)` under SQLite's variable limit


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.reason}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"新增{self.created}条，更新{self.updated}条，未变{self.unchanged}条，拒绝{len(self.rejected)}条。"


class LineError(ValueError):
    """Why one line cannot be imported (Chinese)."""


@dataclass
class RegionLine:
    line: int
    code: str
    name: str
    level: str
    parent: str | None


@dataclass
class UnitLine:
    line: int
    code: str
    name: str
    kind: str
    region: str
    parent: str | None
    short_name: str | None
    is_active: bool | None
    review_office: str | None = None
    review_authority: str | None = None


def _text(record: dict, key: str, label: str, max_length: int, required: bool = True) -> str | None:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LineError(f"缺少{label}（{key}）。")
        return None
    if not isinstance(value, str):
        raise LineError(f"{label}（{key}）应为字符串。")
    value = value.strip()
    if len(value) > max_length:
        raise LineError(f"{label}“{value}”超过{max_length}个字符。")
    return value


def _parse(number: int, text: str) -> RegionLine | UnitLine:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(f"不是有效的JSON（{exc.msg}，第{exc.colno}列）。") from None
    if not isinstance(record, dict):
        raise LineError("每行应为一个JSON对象。")
    kind = record.get("kind")
    if kind == "region":
        code = _text(record, "code", "区划代码", 12)
        level = record.get("level")
        if level not in Level.values:
            raise LineError(f"未知的区划层级“{level}”，应为{'、'.join(Level.values)}之一。")
        if not code.isdigit() or len(code) != CODE_LENGTH[Level(level)]:
            raise LineError(
                f"区划代码“{code}”无效：{Level(level).label}级应为{CODE_LENGTH[Level(level)]}位数字。"
            )
        name = _text(record, "name", "区划名称", REGION_NAME_MAX)
        parent = _text(record, "parent", "上级区划", 12, required=False)
        return RegionLine(number, code, name, level, parent)
    if kind == "unit":
        code = _text(record, "code", "单位代码", UNIT_CODE_MAX)
        if any(ch.isspace() for ch in code):
            raise LineError(f"单位代码“{code}”不能包含空白字符。")
        unit_kind = record.get("unit_kind")
        if unit_kind not in UnitKind.values:
            raise LineError(f"未知的单位类型“{unit_kind}”，应为{'、'.join(UnitKind.values)}之一。")
        is_active = record.get("is_active")
        if is_active is not None and not isinstance(is_active, bool):
            raise LineError("is_active应为true或false。")
        review_office = _text(record, "review_office", "复查复核机构", REVIEW_NAME_MAX, required=False)
        review_authority = _text(record, "review_authority", "复查复核机关", REVIEW_NAME_MAX, required=False)
        if bool(review_office) != bool(review_authority):
            raise LineError("复查复核机构（review_office）和复查复核机关（review_authority）须同时填写。")
        return UnitLine(
            review_office=review_office,
            review_authority=review_authority,
            line=number,
            code=code,
            name=_text(record, "name", "单位名称", UNIT_NAME_MAX),
            kind=unit_kind,
            region=_text(record, "region", "所属区划", 12),
            parent=_text(record, "parent", "上级单位", UNIT_CODE_MAX, required=False),
            short_name=_text(record, "short_name", "简称", SHORT_NAME_MAX, required=False),
            is_active=is_active,
        )
    raise LineError(f"未知的记录类型“{kind}”，应为region或unit。")


def _regions_by_code(codes: set[str]) -> dict[str, Region]:
    found, ordered = {}, sorted(codes)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        found.update(
            {r.code: r for r in Region.objects.filter(code__in=ordered[start : start + LOOKUP_CHUNK])}
        )
    return found


def _possible_parents(item: RegionLine) -> list[str]:
    """Codes of the regions above ``item`` by GB/T 2260 structure: its province, city and county."""
    code, rank = item.code, level_rank(item.level)
    above = [(Level.PROVINCE, code[:2] + "0000"), (Level.CITY, code[:4] + "00"), (Level.COUNTY, code[:6])]
    return [parent for level, parent in above if level_rank(level) < rank and parent != code]


class _Plan:
    """Everything the file says, checked against itself and the database before any write."""

    def __init__(self, lines: Iterable[str]):
        self.result = ImportResult()
        self.regions: dict[str, RegionLine] = {}
        self.units: dict[str, UnitLine] = {}
        for number, raw in enumerate(lines, start=1):
            text = raw.strip().lstrip("\ufeff")
            if not text or text.startswith("#"):
                continue
            try:
                parsed = _parse(number, text)
            except LineError as exc:
                self.reject(number, str(exc))
                continue
            table = self.regions if isinstance(parsed, RegionLine) else self.units
            if parsed.code in table:
                self.reject(number, f"代码“{parsed.code}”与第{table[parsed.code].line}行重复。")
                continue
            table[parsed.code] = parsed

        region_codes = set(self.regions) | {r.parent for r in self.regions.values() if r.parent}
        region_codes |= {c for r in self.regions.values() if not r.parent for c in _possible_parents(r)}
        region_codes |= {u.region for u in self.units.values()}
        self.db_regions = _regions_by_code(region_codes)
        # Units are few (thousands at most) and cycle checks walk their ancestry: load them all.
        self.db_units: dict[str, OrgUnit] = {
            u.code: u for u in OrgUnit.objects.select_related("region", "parent")
        }
        self._check_regions()
        self._check_units()

    def reject(self, line: int, reason: str) -> None:
        self.result.rejected.append(Rejection(line, reason))

    def region_level(self, code: str) -> str | None:
        if code in self.regions:
            return self.regions[code].level
        region = self.db_regions.get(code)
        return region.level if region else None

    def _check_regions(self) -> None:
        # Parents first, so a rejected parent rejects its children in the same pass.
        self.has_nation = any(r.level == Level.NATIONAL for r in self.regions.values()) or (
            Region.objects.filter(level=Level.NATIONAL).exists()
        )
        for item in sorted(self.regions.values(), key=lambda r: (level_rank(r.level), r.line)):
            parent_level = self.region_level(item.parent) if item.parent else None
            reason = None
            if item.parent is None:
                reason = self._top_region_problem(item)
            elif parent_level is None:
                reason = f"上级区划“{item.parent}”不存在。"
            elif level_rank(parent_level) >= level_rank(item.level):
                reason = f"上级区划“{item.parent}”的层级不高于本区划。"
            elif not item.code.startswith(item.parent[: PREFIX_LENGTH[Level(parent_level)]]):
                reason = f"区划代码“{item.code}”不在上级区划“{item.parent}”的范围内。"
            if reason:
                self.reject(item.line, reason)
                del self.regions[item.code]

    def _top_region_problem(self, item: RegionLine) -> str | None:
        """A region without a parent is a top region (a province-only system, say) unless one that would
        contain it is already known: then leaving the parent out is a mistake, not a choice."""
        if item.level == Level.NATIONAL:
            return None
        if self.has_nation:
            return "缺少上级区划（parent）：已有全国区划，应注明上级。"
        for code in _possible_parents(item):
            if self.region_level(code) is not None:
                return f"缺少上级区划（parent）：区划“{code}”可作其上级，应注明。"
        return None

    def _parent_code(self, code: str) -> str | None:
        if code in self.units:
            return self.units[code].parent
        unit = self.db_units.get(code)
        return unit.parent.code if unit and unit.parent else None

    def _check_units(self) -> None:
        # A rejection can orphan the units below it, in the file or in a cycle: repeat until stable.
        while problems := self._orphans() or self._cycles():
            for item, reason in problems:
                self.reject(item.line, reason)
                del self.units[item.code]

    def _orphans(self) -> list[tuple[UnitLine, str]]:
        problems = []
        for item in self.units.values():
            if item.region not in self.regions and item.region not in self.db_regions:
                problems.append((item, f"所属区划“{item.region}”不存在。"))
            elif item.parent and item.parent not in self.units and item.parent not in self.db_units:
                problems.append((item, f"上级单位“{item.parent}”不存在。"))
        return problems

    def _cycles(self) -> list[tuple[UnitLine, str]]:
        problems = []
        for item in self.units.values():
            seen, code = set(), item.parent
            while code is not None and code not in seen and code != item.code:
                seen.add(code)
                code = self._parent_code(code)
            if code == item.code:
                problems.append((item, f"上级单位“{item.parent}”形成循环（单位不能是自己的下级）。"))
        return problems


def _apply_regions(plan: _Plan) -> dict[str, Region]:
    result, regions = plan.result, dict(plan.db_regions)
    for item in sorted(plan.regions.values(), key=lambda r: (level_rank(r.level), r.code)):
        parent = regions[item.parent] if item.parent else None
        existing = regions.get(item.code)
        if existing is None:
            regions[item.code] = Region.objects.create(
                code=item.code, name=item.name, level=item.level, parent=parent
            )
            result.created += 1
        elif (existing.name, existing.level, existing.parent_id) == (
            item.name,
            item.level,
            parent.pk if parent else None,
        ):
            result.unchanged += 1
        else:
            existing.name, existing.level, existing.parent = item.name, item.level, parent
            existing.save()
            result.updated += 1
    return regions


def _unit_fields(item: UnitLine, regions: dict[str, Region]) -> dict:
    fields = {"name": item.name, "kind": item.kind, "region": regions[item.region]}
    if item.short_name is not None:
        fields["short_name"] = item.short_name
    if item.review_office is not None:
        fields["review_office"] = item.review_office
        fields["review_authority"] = item.review_authority
    if item.is_active is not None:
        fields["is_active"] = item.is_active
    return fields


def _apply_units(plan: _Plan, regions: dict[str, Region]) -> None:
    result, units = plan.result, dict(plan.db_units)
    # Two passes: create what is missing, then set every field and the parent, which may come later in the file.
    for item in plan.units.values():
        if item.code not in units:
            units[item.code] = OrgUnit.objects.create(code=item.code, **_unit_fields(item, regions))
            result.created += 1
    for item in plan.units.values():
        unit = units[item.code]
        fields = _unit_fields(item, regions) | {"parent": units[item.parent] if item.parent else None}
        changed = [name for name, value in fields.items() if getattr(unit, name) != value]
        for name in changed:
            setattr(unit, name, fields[name])
        if changed:
            unit.save(update_fields=changed)
        if item.code in plan.db_units:
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1


def import_orgs(lines: Iterable[str]) -> ImportResult:
    """Import organisation lines (str, one JSON object each); see the module docstring."""
    plan = _Plan(lines)
    with transaction.atomic():
        regions = _apply_regions(plan)
        _apply_units(plan, regions)
    plan.result.rejected.sort(key=lambda r: r.line)
    return plan.result


def _region_record(region: Region) -> dict:
    return {
        "kind": "region",
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent.code if region.parent else None,
    }


def _unit_record(unit: OrgUnit) -> dict:
    record = {
        "kind": "unit",
        "code": unit.code,
        "name": unit.name,
        "unit_kind": unit.kind,
        "region": unit.region.code,
        "parent": unit.parent.code if unit.parent else None,
    }
    if unit.short_name:
        record["short_name"] = unit.short_name
    if unit.review_office and unit.review_authority:
        record["review_office"] = unit.review_office
        record["review_authority"] = unit.review_authority
    if not unit.is_active:
        record["is_active"] = False
    return record


def _parents_first(units: list[OrgUnit]) -> list[OrgUnit]:
    by_pk = {u.pk: u for u in units}

    def depth(unit: OrgUnit) -> int:
        seen, parent = {unit.pk}, by_pk.get(unit.parent_id)
        while parent is not None and parent.pk not in seen:  # an admin-made cycle must not hang the export
            seen.add(parent.pk)
            parent = by_pk.get(parent.parent_id)
        return len(seen)

    return sorted(units, key=lambda u: (depth(u), u.code))


def export_orgs() -> Iterator[str]:
    """Every region and unit as JSON lines, parents before children (so any reader can stream them)."""
    rank = {level.value: index for index, level in enumerate(LEVEL_ORDER)}
    regions = sorted(Region.objects.select_related("parent"), key=lambda r: (rank[r.level], r.code))
    for region in regions:
        yield json.dumps(_region_record(region), ensure_ascii=False)
    for unit in _parents_first(list(OrgUnit.objects.select_related("region", "parent"))):
        yield json.dumps(_unit_record(unit), ensure_ascii=False)
