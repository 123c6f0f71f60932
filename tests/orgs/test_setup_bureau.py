"""xinfang setup-bureau: a real county set up from the shipped divisions can register and route a petition on
day one; re-running changes nothing; what the data and the database disagree on is reported, not changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.orgs import divisions
from xinfang.orgs.importer import import_orgs
from xinfang.orgs.models import Level, OrgUnit, Region, Role, UnitKind, User
from xinfang.orgs.setup import SetupError, load_template, setup_bureau
from xinfang.petitions.models import CategoryRoute, Status
from xinfang.workflow.services import perform

PASSWORD = "Xf-setup-2026!"


def run(*args) -> str:
    out = StringIO()
    call_command("setup-bureau", *args, stdout=out)
    return out.getvalue()


def db_state():
    regions = list(Region.objects.order_by("code").values_list("code", "name", "level", "parent__code"))
    units = list(
        OrgUnit.objects.order_by("code").values_list("code", "name", "kind", "region__code", "parent__code")
    )
    routes = list(
        CategoryRoute.objects.order_by("pk").values_list("category__path", "region__code", "unit__code")
    )
    return regions, units, routes


@pytest.mark.parametrize(
    ("code", "name", "upper"),
    [
        ("410481", "舞钢市", ["100000-XFJ", "410000-XFJ", "410400-XFJ"]),
        ("330102", "上城区", ["100000-XFJ", "330000-XFJ", "330100-XFJ"]),
        ("510104", "锦江区", ["100000-XFJ", "510000-XFJ", "510100-XFJ"]),
    ],
)
def test_a_set_up_county_registers_transfers_and_accepts_a_petition(db, silence_notices, code, name, upper):
    output = run("--region", code, "--admin-username", "admin", "--admin-password", PASSWORD)

    bureau = OrgUnit.objects.get(code=f"{code}-XFJ")
    assert bureau.name == f"{name}信访局" and bureau.kind == UnitKind.BUREAU
    chain, unit = [], bureau.parent
    while unit is not None:
        chain.append(unit.code)
        unit = unit.parent
    assert list(reversed(chain)) == upper
    assert Region.objects.get(code=code).parent.parent.parent.code == "100000"
    townships = [d for d in divisions.children(code) if d.level == Level.TOWNSHIP]
    assert townships and OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, parent=bureau).count() == len(
        townships
    )
    for suffix, kind in [
        ("JW", UnitKind.DISCIPLINE),
        ("ZFW", UnitKind.POLITICAL_LEGAL),
        ("FY", UnitKind.COURT),
        ("JCY", UnitKind.PROCURATORATE),
        ("GAJ", UnitKind.POLITICAL_LEGAL),
    ]:
        assert OrgUnit.objects.get(code=f"{code}-{suffix}").kind == kind
    admin = User.objects.get(username="admin")
    assert admin.unit == bureau and admin.roles == [Role.ADMIN] and admin.check_password(PASSWORD)
    assert f"{name}信访局" in output and "新增" in output

    housing = OrgUnit.objects.get(code=f"{code}-ZJJ")
    route = CategoryRoute.objects.get(region__code=code, category__path="城乡建设/征收拆迁")
    assert route.unit == housing

    registrar = f.UserFactory(username=f"registrar_{code}", unit=bureau, roles=[Role.REGISTRAR])
    handler = f.UserFactory(username=f"handler_{code}", unit=housing, roles=[Role.HANDLER])
    petition = f.register(
        registrar,
        issue_region=Region.objects.get(code=townships[0].code),
        parties=[f.person(region_code=code)],
        received_at=clock.now() - dt.timedelta(hours=2),
    )
    perform(petition, "transfer", registrar, to_unit=housing)
    perform(petition, "accept", handler, track="ordinary")
    petition.refresh_from_db()
    assert petition.status == Status.ACCEPTED and petition.responsible_unit == housing


def test_rerun_changes_nothing_and_says_so(db):
    run("--region", "410481", "--admin-username", "admin", "--admin-password", PASSWORD)
    before, events = db_state(), Event.objects.count()
    output = run("--region", "410481", "--admin-username", "admin")

    assert db_state() == before
    assert "新增0项" in output and "需人工核对0项" in output
    assert "账号“admin”已存在" in output
    # Only the setup itself is recorded again; no row was created, so no creation event either.
    assert list(Event.objects.order_by("pk").values_list("action", flat=True)[events:]) == ["setup_bureau"]


def test_each_created_row_has_its_audit_event(db):
    report = setup_bureau("330102")
    bureau_events = Event.objects.filter(target_type="orgunit", target_id=str(report.bureau.pk))
    assert set(bureau_events.values_list("action", flat=True)) == {"create_unit", "setup_bureau"}
    created_regions = Event.objects.filter(action="create_region").count()
    assert created_regions == Region.objects.count()
    assert Event.objects.filter(action="create_unit").count() == OrgUnit.objects.count()
    assert Event.objects.filter(action="create_category_route").count() == CategoryRoute.objects.count() > 0


def test_a_renamed_or_abolished_division_is_reported_not_changed(db):
    setup_bureau("410481")
    Region.objects.filter(code="410481").update(name="舞钢县")
    county = Region.objects.get(code="410481")
    Region.objects.create(code="410481999", name="旧城乡", level=Level.TOWNSHIP, parent=county)
    OrgUnit.objects.filter(code="410481-ZJJ").update(name="舞钢市城乡建设局")

    output = run("--region", "410481")

    assert "区划 410481 舞钢县：数据中名为“舞钢市”，数据库中为“舞钢县”，可能已更名。" in output
    assert "旧城乡：内置区划数据中已无此乡镇（街道）" in output
    assert "模板名称为“舞钢市住房和城乡建设局”，数据库中为“舞钢市城乡建设局”" in output
    assert Region.objects.get(code="410481").name == "舞钢县"
    assert Region.objects.filter(code="410481999").exists()
    assert OrgUnit.objects.get(code="410481-ZJJ").name == "舞钢市城乡建设局"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("999999", "区划代码“999999”不在内置的2023年行政区划数据中"),
        ("41048", "区划代码“41048”无效：县级区划代码应为6位数字"),
        ("410400", "“平顶山市”（410400）是市级区划，请给出县级区划代码。"),
        ("410000", "“河南省”（410000）是省级区划"),
    ],
)
def test_a_code_that_is_not_a_known_county_is_refused_in_chinese(db, code, message):
    with pytest.raises(CommandError, match=message):
        run("--region", code)
    assert not Region.objects.exists() and not OrgUnit.objects.exists()


def test_a_new_administrator_needs_a_good_password_and_nothing_is_written_without(db, monkeypatch):
    monkeypatch.delenv("XF_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="需要密码"):
        run("--region", "410481", "--admin-username", "admin")
    with pytest.raises(CommandError, match="管理员密码不符合要求"):
        run("--region", "410481", "--admin-username", "admin", "--admin-password", "1234")
    assert not Region.objects.exists() and not User.objects.exists()

    monkeypatch.setenv("XF_ADMIN_PASSWORD", PASSWORD)
    run("--region", "410481", "--admin-username", "admin")
    assert User.objects.get(username="admin").check_password(PASSWORD)


def test_municipal_districts_and_province_administered_counties_chain_to_the_nation(db):
    beijing = setup_bureau("110101")
    jiyuan = setup_bureau("419001")
    dongguan = setup_bureau("441900")

    # 市辖区 and 省直辖县级行政区划 keep the code chain but have no bureau and no place in the full name.
    assert beijing.bureau.parent.code == "110000-XFJ" and beijing.region.full_name == "北京市东城区"
    assert jiyuan.bureau.parent.code == "410000-XFJ" and jiyuan.region.full_name == "河南省济源市"
    assert Region.objects.get(code="110100").parent.code == "110000"
    assert not OrgUnit.objects.filter(code__in=["110100-XFJ", "419000-XFJ"]).exists()
    # 东莞 has no counties: the city is the county-level government and its towns hang under it.
    assert dongguan.region.level == Level.CITY and dongguan.bureau.parent.code == "440000-XFJ"
    assert OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, region__parent__code="441900").count() > 20


def test_a_development_zone_is_set_up_but_flagged(db):
    report = setup_bureau("410471")
    assert any("不是法定行政区划" in line for line in report.lines())
    assert OrgUnit.objects.get(code="410471-XWXZF").name == "平顶山高新技术产业开发区党工委、管委会"
    assert OrgUnit.objects.get(code="410471-JW").kind == UnitKind.DISCIPLINE


def test_a_custom_template_is_used_and_a_broken_one_refused(db, tmp_path):
    template = load_template()
    template["units"] = [u for u in template["units"] if u["key"] in {"ZJJ", "JW"}]
    template["routes"] = {"城乡建设": "ZJJ"}
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    run("--region", "330102", "--template", str(path))
    assert set(OrgUnit.objects.filter(region__code="330102").values_list("code", flat=True)) == {
        "330102-XFJ",
        "330102-ZJJ",
        "330102-JW",
    }
    assert set(CategoryRoute.objects.values_list("unit__code", flat=True)) == {"330102-ZJJ"}

    path.write_text('{"bureau": ', encoding="utf-8")
    with pytest.raises(CommandError, match="机构模板不是有效的JSON"):
        run("--region", "510104", "--template", str(path))
    template["units"] = [{"key": "X", "code": "{code}-X", "name": "{nme}局", "kind": "department"}]
    with pytest.raises(SetupError, match="无法识别的占位符"):
        setup_bureau("510104", template=template)
    assert not Region.objects.filter(code="510104").exists()


def test_shipped_divisions_match_their_record_and_every_row_reaches_the_nation():
    meta = divisions.metadata()
    table = divisions.table()
    counts = {level: sum(1 for d in table.values() if d.level == level) for level in meta["counts"]}
    assert (
        counts
        == meta["counts"]
        == {
            "national": 1,
            "province": 31,
            "city": 342,
            "county": 2975,
            "township": 41352,
        }
    )
    assert meta["source"]["package"] == "npm:china-division@2.7.0" and meta["vintage"] == "2023"
    for division in table.values():
        assert divisions.chain(division.code)[0].code == "100000", division
    assert divisions.get("410400").name == "平顶山市" and divisions.get("410481001").parent == "410481"
    assert sum(1 for d in table.values() if d.zone) == meta["development_zones"] > 100


def test_shipped_file_is_the_one_the_build_recorded():
    data = divisions._data_path().read_bytes()
    assert hashlib.sha256(data).hexdigest() == divisions.metadata()["sha256"]


def test_a_county_newer_than_the_data_is_set_up_from_what_was_imported(db):
    import_orgs(
        [
            '{"kind": "region", "code": "100000", "name": "全国", "level": "national"}',
            '{"kind": "region", "code": "650000", "name": "新疆维吾尔自治区", "level": "province", "parent": "100000"}',
            '{"kind": "region", "code": "653200", "name": "和田地区", "level": "city", "parent": "650000"}',
            '{"kind": "region", "code": "653228", "name": "和安县", "level": "county", "parent": "653200"}',
            '{"kind": "region", "code": "653228100", "name": "示例镇", "level": "township", "parent": "653228"}',
        ]
    )
    assert divisions.get("653228") is None

    output = run("--region", "653228")

    assert "“和安县”（653228）不在内置区划数据中，已按数据库中的区划及其乡镇（街道）建立。" in output
    assert OrgUnit.objects.get(code="653228-XFJ").parent.code == "653200-XFJ"
    assert OrgUnit.objects.get(code="653228100").name == "示例镇人民政府"
    assert Region.objects.get(code="653228").name == "和安县" and "需人工核对0项" in output
