"""Leaders of the persona county: a county leader (上城区委), a city leader (杭州市委) and a leader of the
neighbouring county, for the scenes of tests/leaders."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from xinfang.orgs.models import Role, UnitKind

from .. import factories as f


@pytest.fixture
def leaders(org):
    county_office = f.unit("330102-QW", "中共上城区委", UnitKind.LEADERSHIP, org.county)
    city_office = f.unit("330100-SW", "中共杭州市委", UnitKind.LEADERSHIP, org.city)
    other_office = f.unit("330105-QW", "中共拱墅区委", UnitKind.LEADERSHIP, org.other_county)
    make = f.UserFactory
    return SimpleNamespace(
        county=make(
            username="county_leader", unit=county_office, roles=[Role.PARTY_LEADER], full_name="陈副书记"
        ),
        county2=make(
            username="county_leader2", unit=county_office, roles=[Role.PARTY_LEADER], full_name="周副区长"
        ),
        city=make(username="city_leader", unit=city_office, roles=[Role.PARTY_LEADER], full_name="孙副市长"),
        other=make(
            username="other_leader", unit=other_office, roles=[Role.PARTY_LEADER], full_name="吴副区长"
        ),
        county_office=county_office,
        city_office=city_office,
    )


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    from xinfang import clock

    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.SHANGHAI)
