"""A small bureau in a fresh database, for tests that start the real server: `python -m
tests.deploy.site_fixture` (settings from the environment, XF_DATA_DIR naming the site) prints a registrar's
API token. The same organisation shape as tests/conftest.py's `org`, cut to what intake and routing need."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
django.setup()

from tests import factories as f  # noqa: E402
from xinfang.api import tokens  # noqa: E402
from xinfang.orgs.models import Level, Role, UnitKind  # noqa: E402


def build() -> str:
    national = f.region("100000", "全国", Level.NATIONAL)
    province = f.region("330000", "浙江省", Level.PROVINCE, national)
    city = f.region("330100", "杭州市", Level.CITY, province)
    county = f.region("330102", "上城区", Level.COUNTY, city)
    township = f.region("330102001", "清波街道", Level.TOWNSHIP, county)
    city_bureau = f.unit("330100-XFJ", "杭州市信访局", UnitKind.BUREAU, city)
    bureau = f.unit("330102-XFJ", "上城区信访局", UnitKind.BUREAU, county, city_bureau)
    f.unit("330102001", "清波街道办事处", UnitKind.TOWNSHIP, township, bureau)
    registrar = f.UserFactory(username="registrar", unit=bureau, roles=[Role.REGISTRAR], full_name="王登记")
    return tokens.issue(registrar, name="并发测试")[1]


if __name__ == "__main__":
    print(json.dumps({"token": build()}))
