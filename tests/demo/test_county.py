"""The demo county: its organisations, category routes and accounts, loaded idempotently."""

import pytest
from django.core.management import call_command

from xinfang.demo.county import load_demo_county, org_lines
from xinfang.demo.data import county as data
from xinfang.orgs.models import Level, OrgUnit, Region, Role, UnitKind, User
from xinfang.petitions.models import Category, CategoryRoute


def test_the_shipped_file_imports_cleanly(demo_county):
    assert demo_county.orgs.rejected == []
    assert demo_county.orgs.created == len([line for line in org_lines() if line.startswith("{")])


def test_county_has_townships_villages_and_the_units_petitions_go_to(demo_county):
    county = Region.objects.get(code=data.COUNTY_CODE)
    townships = Region.objects.filter(parent=county, level=Level.TOWNSHIP)
    units = OrgUnit.objects.filter(region__code__startswith=data.COUNTY_CODE)

    assert county.full_name == "河南省南阳市伏牛县"
    assert townships.count() == 10
    for township in townships:
        villages = township.children.all()
        assert 2 <= villages.count() <= 4
        assert all(len(v.code) == 12 and v.code.startswith(township.code) for v in villages)
        assert OrgUnit.objects.get(code=township.code, kind=UnitKind.TOWNSHIP).parent.code == data.BUREAU
    assert units.filter(kind=UnitKind.DEPARTMENT).count() >= 8
    for kind in [UnitKind.DISCIPLINE, UnitKind.POLITICAL_LEGAL, UnitKind.COURT, UnitKind.LEADERSHIP]:
        assert units.filter(kind=kind).exists(), kind


def test_referral_chain_runs_from_the_county_to_the_national_bureau(demo_county):
    chain, unit = [], OrgUnit.objects.get(code=data.BUREAU)
    while unit is not None:
        chain.append((unit.code, unit.region.level))
        unit = unit.parent

    assert chain == [
        (data.BUREAU, Level.COUNTY),
        (data.CITY_BUREAU, Level.CITY),
        (data.PROVINCE_BUREAU, Level.PROVINCE),
        (data.NATIONAL_BUREAU, Level.NATIONAL),
    ]


def test_loading_twice_changes_nothing(demo_county):
    again = load_demo_county()

    assert (again.orgs.created, again.orgs.updated, again.orgs.rejected) == (0, 0, [])
    assert (again.routes_created, again.users_created) == (0, 0)


@pytest.mark.parametrize(
    ("path", "unit"),
    [
        ("城乡建设", "411331-ZJJ"),
        ("城乡建设/问题楼盘", "411331-ZJJ"),
        ("劳动和社会保障/拖欠工资", "411331-RSJ"),
        ("民政/优抚安置", "411331-TYJRJ"),
        ("民政/社会救助", "411331-MZJ"),
        ("纪检监察", data.DISCIPLINE),
        ("涉法涉诉", data.POLITICAL_LEGAL),
    ],
)
def test_categories_route_to_their_default_unit_in_the_county(demo_county, path, unit):
    route = CategoryRoute.objects.get(category__path=path, region__code=data.COUNTY_CODE)

    assert route.unit.code == unit


def test_other_has_no_default_unit(demo_county):
    assert not CategoryRoute.objects.filter(category=Category.objects.get(path="其他")).exists()


def test_one_demo_account_per_role_at_sensible_units(demo_county):
    users = {u.username: u for u in User.objects.select_related("unit")}
    by_role = {role: [u for u in users.values() if role in u.roles] for role in Role.values}

    assert all(by_role[role] for role in Role.values), by_role
    assert users["registrar"].unit.code == data.BUREAU
    handler_units = {u.unit for u in by_role[Role.HANDLER]}
    assert sum(u.kind == UnitKind.TOWNSHIP for u in handler_units) >= 2
    assert sum(u.kind == UnitKind.DEPARTMENT for u in handler_units) >= 2
    assert {u.unit for u in by_role[Role.UNIT_LEADER]} >= {
        u for u in handler_units if u.kind != UnitKind.DISCIPLINE
    }
    assert users["party_leader"].unit.kind == UnitKind.LEADERSHIP
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["handler_zjj"].check_password(data.DEMO_PASSWORD)


def test_an_account_changed_by_an_admin_is_left_alone(demo_county):
    User.objects.filter(username="registrar").update(full_name="改过的名字")

    load_demo_county()

    assert User.objects.get(username="registrar").full_name == "改过的名字"


def test_demo_logins_lists_every_role_with_the_password(demo_county, capsys):
    call_command("demo_logins")

    out = capsys.readouterr().out
    assert "用户名" in out and "角色" in out and "单位" in out and "密码" in out
    for role in Role:
        assert role.label in out
    assert out.count(data.DEMO_PASSWORD) == len(data.DEMO_USERS)
    assert "伏牛县信访局" in out


def test_demo_logins_before_the_demo_is_loaded(db, capsys):
    call_command("demo_logins")

    assert "请先运行 xinfang demo" in capsys.readouterr().out


def test_demo_auditor_reads_the_audit_trail_in_the_admin(demo_county, client):
    from django.urls import reverse

    client.force_login(User.objects.get(username="auditor"))

    assert client.get(reverse("admin:audit_event_changelist")).status_code == 200
    assert client.get(reverse("admin:orgs_user_changelist")).status_code == 403


def test_the_demo_sets_populations_but_keeps_one_typed_in(db):
    from xinfang.demo.county import load_demo_county
    from xinfang.orgs.models import Region

    load_demo_county()
    assert Region.objects.get(code="411331").population == 680_000
    Region.objects.filter(code="411300").update(population=9_000_000)
    load_demo_county()
    assert Region.objects.get(code="411300").population == 9_000_000


def test_the_county_gets_this_years_targets_and_indicator_once(demo_county):
    from xinfang import clock
    from xinfang.demo.county import ensure_demo_targets
    from xinfang.stats.models import CreationIndicator, Target

    year = clock.today().year
    targets = Target.objects.filter(region__code=data.COUNTY_CODE, year=year)
    assert sorted(t.figure for t in targets) == sorted(
        ["timely_acceptance", "on_time_conclusion", "participation.unit", "satisfaction.unit",
         "backlog_resolution", "visits.national.persons", "online_share"]
    )  # fmt: skip
    assert CreationIndicator.objects.get(region__code=data.COUNTY_CODE, year=year).name == "四无乡镇"
    assert ensure_demo_targets() == 0 and targets.count() == 7
