"""The admin's 初始化本县 page runs the same setup as `xinfang setup-bureau`, for system administrators only."""

import pytest
from django.urls import reverse

from xinfang.orgs.models import OrgUnit, Region, Role, User

from .. import factories as f

URL = "admin:orgs_region_setup_bureau"


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_staff=True, is_superuser=True, roles=[], unit=None)


def test_the_regions_list_offers_the_page_and_the_page_sets_up_the_county(client, superuser):
    client.force_login(superuser)
    changelist = client.get(reverse("admin:orgs_region_changelist"))
    assert reverse(URL) in changelist.content.decode() and "初始化本县" in changelist.content.decode()

    response = client.post(
        reverse(URL), {"region": "510104", "admin_username": "jj_admin", "admin_password": "Jinjiang-2026!"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "新增：单位 510104-XFJ 锦江区信访局" in page
    assert OrgUnit.objects.get(code="510104-XFJ").parent.code == "510100-XFJ"
    assert User.objects.get(username="jj_admin").unit.code == "510104-XFJ"


def test_an_unknown_code_is_refused_on_the_page_and_nothing_written(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse(URL), {"region": "999999"})

    assert response.status_code == 200
    assert "区划代码“999999”不在内置的2023年行政区划数据中" in response.content.decode()
    assert not Region.objects.exists()


def test_a_staff_member_with_the_admin_role_may_set_up(client, db):
    client.force_login(f.UserFactory(username="sysadmin", is_staff=True, roles=[Role.ADMIN], unit=None))

    response = client.post(reverse(URL), {"region": "330102"})

    assert response.status_code == 200 and OrgUnit.objects.filter(code="330102-XFJ").exists()


@pytest.mark.parametrize("roles", [[Role.AUDITOR], [Role.REGISTRAR, Role.BUREAU_LEADER]])
def test_staff_without_the_admin_role_are_refused(client, db, roles):
    client.force_login(f.UserFactory(username="staff", is_staff=True, roles=roles, unit=None))

    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"region": "330102"}).status_code == 403
    assert "初始化本县" not in client.get(reverse("admin:orgs_region_changelist")).content.decode()
    assert not Region.objects.exists()
