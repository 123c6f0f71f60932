"""Setting up a real county's petition bureau on day one (`xinfang setup-bureau`, the admin's 初始化本县).

From the shipped divisions (`orgs.divisions`) and an editable template (`data/bureau-template.json`) it creates
the region chain up to the nation, the county's townships, the county bureau and the bureaus above it, the
county's standard units, the first administrator, and (through `orgs.hooks`) what higher apps add, such as
the category routes. All in one transaction, each row created with its audit event.

Re-running changes nothing that exists: a region or unit whose name (or place) in the database differs from
the data or the template is reported in Chinese, never silently rewritten; so is a township the database
has that the data no longer lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from . import divisions, hooks
from .divisions import Division
from .models import GROUPING_NAMES, Level, OrgUnit, Region, Role, UnitKind, User

TEMPLATE_FILE = "bureau-template.json"
TEMPLATE_KEYS = ["bureau", "upper_bureau", "national_bureau", "township", "units"]
UNIT_KEYS = ["key", "code", "name", "kind"]


class SetupError(ValueError):
    """Why the bureau cannot be set up (Chinese); nothing was written."""


@dataclass
class SetupReport:
    region: Region | None = None
    bureau: OrgUnit | None = None
    created: list[str] = field(default_factory=list)
    unchanged: int = 0
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"新增{len(self.created)}项，未变{self.unchanged}项，需人工核对{len(self.differences)}项。"

    def lines(self) -> list[str]:
        out = [f"新增：{line}" for line in self.created]
        out += [f"请核对（未修改）：{line}" for line in self.differences]
        return out + self.notes + [self.summary]


# --- the template ------------------------------------------------------------------------------------------


def load_template(path: str | Path | None = None) -> dict:
    """The shipped template, or the JSON file at ``path``; checked for the keys setup needs."""
    try:
        if path is None:
            text = resources.files("xinfang.orgs").joinpath("data", TEMPLATE_FILE).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        template = json.loads(text)
    except OSError as exc:
        raise SetupError(f"无法读取机构模板{path}：{exc.strerror}") from None
    except UnicodeDecodeError:
        raise SetupError(f"机构模板{path}不是UTF-8编码。") from None
    except json.JSONDecodeError as exc:
        raise SetupError(f"机构模板不是有效的JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）。") from None
    if not isinstance(template, dict) or (missing := [k for k in TEMPLATE_KEYS if k not in template]):
        raise SetupError(
            f"机构模板缺少：{'、'.join(missing) if isinstance(template, dict) else '全部内容'}。"
        )
    keys = set()
    for number, unit in enumerate(template["units"], start=1):
        if not isinstance(unit, dict) or (missing := [k for k in UNIT_KEYS if not unit.get(k)]):
            raise SetupError(
                f"机构模板第{number}个单位缺少：{'、'.join(missing) if isinstance(unit, dict) else '全部'}。"
            )
        if unit["kind"] not in UnitKind.values:
            raise SetupError(f"机构模板单位“{unit['key']}”的类型“{unit['kind']}”无效。")
        if unit["key"] in keys:
            raise SetupError(f"机构模板单位“{unit['key']}”重复。")
        keys.add(unit["key"])
    return template


def _render(text: str, context: dict[str, str]) -> str:
    try:
        return text.format(**context)
    except (KeyError, IndexError, ValueError) as exc:
        raise SetupError(f"机构模板中“{text}”有无法识别的占位符（{exc}）。") from None


def _context(chain: list[Division]) -> dict[str, str]:
    county = chain[-1]
    # The government above the county: its city, or for a municipality's district the municipality itself.
    above = next(d for d in reversed(chain[:-1]) if not d.grouping)
    name = county.name
    return {
        "code": county.code,
        "name": name,
        "tier": name[-1],
        "stem": name[:-1] if len(name) > 2 else name,
        "city": above.name if above.level != Level.NATIONAL else name,
    }


# --- the division being set up -----------------------------------------------------------------------------


def county_chain(code: str) -> list[Division]:
    """The nation .. county chain of divisions for ``code``, or a Chinese SetupError."""
    code = (code or "").strip()
    vintage = divisions.metadata()["vintage"]
    if not code.isdigit() or len(code) != 6:
        raise SetupError(f"区划代码“{code}”无效：县级区划代码应为6位数字（如410481）。")
    division = divisions.get(code)
    if division is None and (chain := _database_chain(code)):
        return chain
    if division is None:
        raise SetupError(
            f"区划代码“{code}”不在内置的{vintage}年行政区划数据中；请核对代码，"
            "或先用 import-orgs 导入该区划（见 docs/regions.md）。"
        )
    if division.level != Level.COUNTY and not division.townships_direct:
        label = Level(division.level).label
        raise SetupError(f"“{division.name}”（{code}）是{label}级区划，请给出县级区划代码。")
    return divisions.chain(code)


def _database_chain(code: str) -> list[Division] | None:
    """A county the shipped data lacks (newer than its vintage) but an administrator imported with its chain
    to the nation: set up from the database, which is then the only record of its townships."""
    region = Region.objects.filter(code=code, level=Level.COUNTY).select_related("parent").first()
    rows = []
    while region is not None:
        grouping = region.level == Level.CITY and region.name in GROUPING_NAMES
        rows.append(
            Division(
                region.code,
                region.name,
                region.level,
                region.parent_id and region.parent.code,
                grouping=grouping,
                from_database=True,
            )
        )
        region = Region.objects.filter(pk=region.parent_id).select_related("parent").first()
    if not rows or rows[-1].level != Level.NATIONAL:
        return None
    return list(reversed(rows))


# --- writing ------------------------------------------------------------------------------------------------


class _Setup:
    def __init__(self, template: dict, actor):
        self.template = template
        self.actor = actor
        self.report = SetupReport()

    def region(self, division: Division, parent: Region | None) -> Region:
        existing = Region.objects.filter(code=division.code).select_related("parent").first()
        if existing is None:
            region = Region.objects.create(
                code=division.code, name=division.name, level=division.level, parent=parent
            )
            hooks.record("create_region", region, self.actor, data={"source": "divisions"})
            self.report.created.append(f"区划 {division.code} {division.name}")
            return region
        found = []
        if existing.name != division.name:
            found.append(f"数据中名为“{division.name}”，数据库中为“{existing.name}”，可能已更名")
        if existing.level != division.level:
            found.append(
                f"数据中层级为{Level(division.level).label}，数据库中为{existing.get_level_display()}"
            )
        if parent is not None and existing.parent_id != parent.pk:
            found.append(f"数据中上级为“{parent.name}”，数据库中为“{existing.parent or '无'}”")
        self._compare(f"区划 {division.code} {existing.name}", found)
        return existing

    def unit(
        self, *, code: str, name: str, kind: str, region: Region, parent, short_name: str = ""
    ) -> OrgUnit:
        existing = OrgUnit.objects.filter(code=code).select_related("region", "parent").first()
        if existing is None:
            unit = OrgUnit.objects.create(
                code=code, name=name, kind=kind, region=region, parent=parent, short_name=short_name
            )
            hooks.record("create_unit", unit, self.actor, data={"source": "setup_bureau"})
            self.report.created.append(f"单位 {code} {name}")
            return unit
        found = []
        if existing.name != name:
            found.append(f"模板名称为“{name}”，数据库中为“{existing.name}”")
        if existing.kind != kind:
            found.append(f"模板类型为{UnitKind(kind).label}，数据库中为{existing.get_kind_display()}")
        if existing.region_id != region.pk:
            found.append(f"模板所属区划为“{region.name}”，数据库中为“{existing.region.name}”")
        if (existing.parent_id or None) != (parent.pk if parent else None):
            found.append(f"模板上级单位为“{parent or '无'}”，数据库中为“{existing.parent or '无'}”")
        self._compare(f"单位 {code} {existing.name}", found)
        return existing

    def _compare(self, what: str, found: list[str]) -> None:
        if found:
            self.report.differences.append(f"{what}：{'；'.join(found)}。")
        else:
            self.report.unchanged += 1

    def regions(self, chain: list[Division]) -> tuple[list[Region], list[Region]]:
        """The chain's regions and the county's townships, created where missing."""
        made, parent = [], None
        for division in chain:
            parent = self.region(division, parent)
            made.append(parent)
        county = made[-1]
        if chain[-1].from_database:
            self.report.notes.append(
                f"“{county.name}”（{county.code}）不在内置区划数据中，已按数据库中的区划及其乡镇（街道）建立。"
            )
            return made, list(Region.objects.filter(parent=county, level=Level.TOWNSHIP))
        listed = divisions.children(county.code)
        townships = [self.region(d, county) for d in listed if d.level == Level.TOWNSHIP]
        known = {d.code for d in listed}
        for gone in Region.objects.filter(parent=county, level=Level.TOWNSHIP).exclude(code__in=known):
            self.report.differences.append(
                f"区划 {gone.code} {gone.name}：内置区划数据中已无此乡镇（街道），可能已撤销或调整。"
            )
        return made, townships

    def bureaus(self, chain: list[Division], regions: list[Region], context: dict) -> OrgUnit:
        """The bureaus from the nation down to the county's own; returns the county's."""
        parent = None
        for division, region in zip(chain[:-1], regions[:-1], strict=True):
            if division.grouping:
                continue  # 市辖区 and the like have no government, so no bureau
            spec = self.template["national_bureau" if division.level == Level.NATIONAL else "upper_bureau"]
            ctx = context | {"code": division.code, "name": division.name}
            parent = self.unit(
                code=_render(spec["code"], ctx),
                name=_render(spec["name"], ctx),
                kind=UnitKind.BUREAU,
                region=region,
                parent=parent,
                short_name=_render(spec.get("short_name", ""), ctx),
            )
        spec = self.template["bureau"]
        return self.unit(
            code=_render(spec["code"], context),
            name=_render(spec["name"], context),
            kind=UnitKind.BUREAU,
            region=regions[-1],
            parent=parent,
            short_name=_render(spec.get("short_name", ""), context),
        )

    def county_units(
        self, county: Region, townships: list[Region], bureau: OrgUnit, context: dict, zone: bool
    ) -> dict:
        units = {"bureau": bureau}
        for spec in self.template["units"]:
            # A development zone is run by a 党工委、管委会, not a party committee and people's government.
            name = (zone and spec.get("zone_name")) or spec["name"]
            short_name = (zone and spec.get("zone_short_name")) or spec.get("short_name") or ""
            units[spec["key"]] = self.unit(
                code=_render(spec["code"], context),
                name=_render(name, context),
                kind=spec["kind"],
                region=county,
                parent=bureau if spec.get("parent") == "bureau" else None,
                short_name=_render(short_name, context),
            )
        names = self.template["township"]
        for township in townships:
            pattern = (
                names.get("street_name", names["name"]) if township.name.endswith("街道") else names["name"]
            )
            units[township.code] = self.unit(
                code=township.code,
                name=_render(pattern, context | {"name": township.name}),
                kind=UnitKind.TOWNSHIP,
                region=township,
                parent=bureau,
            )
        return units

    def administrator(self, username: str, password: str | None, bureau: OrgUnit) -> None:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            self.report.notes.append(f"账号“{username}”已存在，未修改其密码、单位和角色。")
            return
        user = User(
            username=username,
            full_name="系统管理员",
            unit=bureau,
            roles=[Role.ADMIN.value],
            is_staff=True,
            is_superuser=True,
        )
        user.set_password(password)
        user.save()
        hooks.record("create_user", user, self.actor, data={"roles": user.roles, "unit": bureau.code})
        self.report.created.append(f"系统管理员账号 {username}（{bureau.name}）")


def _check_password(username: str | None, password: str | None) -> None:
    if not username or User.objects.filter(username=username).exists():
        return
    if not password:
        raise SetupError(
            f"新建管理员账号“{username}”需要密码（--admin-password 或环境变量 XF_ADMIN_PASSWORD）。"
        )
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        raise SetupError("管理员密码不符合要求：" + "".join(exc.messages)) from None


def setup_bureau(
    region_code: str,
    *,
    template: dict | None = None,
    admin_username: str | None = None,
    admin_password: str | None = None,
    actor=None,
) -> SetupReport:
    """Set up the county ``region_code``'s bureau (see the module docstring); raises SetupError (Chinese)."""
    chain = county_chain(region_code)
    template = template if template is not None else load_template()
    admin_username = (admin_username or "").strip() or None
    _check_password(admin_username, admin_password)
    context = _context(chain)
    setup = _Setup(template, actor)
    with transaction.atomic():
        regions, townships = setup.regions(chain)
        bureau = setup.bureaus(chain, regions, context)
        units = setup.county_units(regions[-1], townships, bureau, context, chain[-1].zone)
        if admin_username:
            setup.administrator(admin_username, admin_password, bureau)
        setup.report.created += hooks.after_setup(regions[-1], units, template, actor)
        report = setup.report
        report.region, report.bureau = regions[-1], bureau
        if chain[-1].zone:
            report.notes.append(f"“{chain[-1].name}”为开发区等功能区，统计上有区划代码，但不是法定行政区划。")
        hooks.record(
            "setup_bureau",
            bureau,
            actor,
            data={"region": region_code, "created": len(report.created), "differences": report.differences},
        )
    return report
