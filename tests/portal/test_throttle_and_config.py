"""The sliding windows and lockouts, the query-code lookup, and where online petitions are received."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from xinfang import clock
from xinfang.orgs.models import UnitKind
from xinfang.portal import config, selectors, throttle
from xinfang.portal.models import PortalSettings


@pytest.fixture
def at(frozen_clock):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.SHANGHAI)
    frozen_clock(start)
    return lambda seconds: frozen_clock(start + dt.timedelta(seconds=seconds))


def test_sliding_window_counts_only_recent_attempts(at, settings):
    settings.XF_PORTAL_LIMITS = {"query_ip": (3, 60)}
    assert all(throttle.hit("query_ip", "10.0.0.1") for _ in range(3))
    assert not throttle.hit("query_ip", "10.0.0.1")
    assert throttle.hit("query_ip", "10.0.0.2")  # another address has its own window
    at(30)
    assert not throttle.allowed("query_ip", "10.0.0.1")
    at(61)  # the first three slid out
    assert throttle.allowed("query_ip", "10.0.0.1")
    assert throttle.hit("query_ip", "10.0.0.1")


def test_refused_attempts_do_not_extend_the_window(at, settings):
    settings.XF_PORTAL_LIMITS = {"query_ip": (1, 60)}
    assert throttle.hit("query_ip", "x")
    at(50)
    assert not throttle.hit("query_ip", "x")
    at(61)
    assert throttle.hit("query_ip", "x")


def test_lockout_after_the_failure_limit_then_release(at, settings):
    settings.XF_PORTAL_LIMITS = {"fail_code": (3, 600)}
    assert not throttle.fail("fail_code", "CODE")
    assert not throttle.fail("fail_code", "CODE")
    assert throttle.fail("fail_code", "CODE")
    assert throttle.is_locked("fail_code", "CODE")
    at(config.LOCK_SECONDS - 1)
    assert throttle.is_locked("fail_code", "CODE")
    at(config.LOCK_SECONDS + 1)
    assert not throttle.is_locked("fail_code", "CODE")


def test_failures_outside_the_window_do_not_add_up(at, settings):
    settings.XF_PORTAL_LIMITS = {"fail_code": (2, 60)}
    throttle.fail("fail_code", "CODE")
    at(61)
    assert not throttle.fail("fail_code", "CODE")


def test_cache_keys_never_hold_the_phone_itself(at):
    throttle.hit("query_phone", "13900000001")
    assert "13900000001" not in throttle._key("rate", "query_phone", "13900000001")


@pytest.mark.parametrize(
    ("typed", "normalized", "ok"),
    [
        ("abcd-efgh-jkmn", "ABCDEFGHJKMN", True),
        (" ABCD EFGH JKMN ", "ABCDEFGHJKMN", True),
        ("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ", "ABCDEFGHJKMN", True),
        ("ABCD-EFGH-JKM0", "ABCDEFGHJKM0", False),  # 0 is not in the alphabet
        ("ABCD", "ABCD", False),
    ],
)
def test_query_code_normalization(typed, normalized, ok):
    assert selectors.normalize_query_code(typed) == normalized
    assert selectors.is_well_formed(normalized) is ok


@pytest.mark.django_db
def test_receiving_unit_is_the_admins_choice(org):
    PortalSettings(receiving_unit=org.city_bureau).save()
    assert config.receiving_unit() == org.city_bureau


@pytest.mark.django_db
def test_receiving_unit_from_the_setting(org, settings):
    settings.XF_PORTAL_RECEIVING_UNIT = "330105-XFJ"
    assert config.receiving_unit() == org.other_bureau


@pytest.mark.django_db
def test_receiving_unit_defaults_to_the_only_lowest_bureau(org):
    org.other_bureau.is_active = False
    org.other_bureau.save()
    assert config.receiving_unit() == org.bureau


@pytest.mark.django_db
def test_no_default_when_several_bureaus_share_the_lowest_level(org):
    assert config.receiving_unit() is None  # 上城区 and 拱墅区: the administrator must choose
    assert not config.filing_open()


@pytest.mark.django_db
def test_a_non_bureau_in_the_setting_is_ignored(org, settings):
    f.unit("X-1", "某部门", UnitKind.DEPARTMENT, org.county, org.bureau)
    settings.XF_PORTAL_RECEIVING_UNIT = "X-1"
    assert config.receiving_unit() is None
