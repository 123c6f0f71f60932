"""The crafted inputs that answered 500 (issue 12): each now gets a 4xx with a Chinese reason."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from tests.api.conftest import PETITIONS_URL, body
from xinfang import inputs
from xinfang.api.parsers import MAX_DEPTH, depth_exceeds
from xinfang.paging import aware_instant, decode_cursor, encode_cursor
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")
EXTREME_DATES = ["0001-01-01", "9999-12-31"]


def client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


# --- superscript digits in list filters ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["¹", "²", "١٢", "１２"])
def test_api_category_filter_refuses_non_ascii_digits_without_error(value, people, org):
    response = client(people.registrar).get(PETITIONS_URL, {"category": value})
    assert response.status_code == 200  # a path that matches nothing: an empty list, not a 500
    assert response.json()["results"] == []


@pytest.mark.parametrize("field", ["category", "receiving_unit", "responsible_unit", "status"])
def test_workbench_list_filters_take_superscripts(field, people, org):
    response = client(people.registrar).get("/petitions/", {field: "¹"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()


def test_workbench_registration_form_repeat_of_superscript(people, org, now):
    response = client(people.registrar).post("/petitions/register/letter/", {"repeat_of": "²"})
    assert response.status_code == 200
    assert "关联的原信访事项不存在" in response.content.decode()
    assert Petition.objects.count() == 0


# --- dates near year 1 or 9999 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day", EXTREME_DATES)
@pytest.mark.parametrize("param", ["received_from", "received_to"])
def test_workbench_list_date_filters_out_of_range(param, day, people, org):
    response = client(people.registrar).get("/petitions/", {param: day})
    assert response.status_code == 200
    assert "应在1949-10-01至" in response.content.decode()


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59"])
@pytest.mark.parametrize("param", ["received_after", "received_before"])
def test_api_date_filters_out_of_range_are_problem_details(param, value, people, org):
    response = client(people.registrar).get(PETITIONS_URL, {param: value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "应在1949-10-01至" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize("day", EXTREME_DATES)
@pytest.mark.parametrize("param", ["from", "to", "date"])
def test_stats_dates_out_of_range_say_why(param, day, people, org):
    response = client(people.bureau_leader).get("/stats/", {param: day})
    assert response.status_code == 400
    assert "日期应在1949-10-01至" in response.content.decode()


def test_stats_malformed_date_says_the_format(people, org):
    response = client(people.bureau_leader).get("/stats/petitions/", {"date": "2026-1-²"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "²⁰²⁶-01"])
def test_assessment_month_out_of_range(month, people, org):
    response = client(people.bureau_leader).get("/stats/assessment/", {"month": month})
    assert response.status_code == 400
    assert "月份格式应为 YYYY-MM" in response.content.decode()


def test_crafted_cursor_near_year_one_means_the_first_page(people, org):
    cursor = encode_cursor(dt.datetime(1, 1, 1, tzinfo=dt.UTC), 1)
    assert decode_cursor(cursor) is None
    response = client(people.registrar).get("/petitions/", {"after": cursor})
    assert response.status_code == 200


# --- a JSON body nested 10,000 deep -----------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [10_000, 500, MAX_DEPTH + 1])
def test_deep_json_is_a_problem_details_400_and_writes_nothing(depth, people, org, now):
    deep = "[" * depth + "]" * depth
    response = client(people.registrar).post(PETITIONS_URL, deep, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "嵌套层级过深" in response.json()["detail"]
    assert Petition.objects.count() == 0


def test_a_normal_registration_is_within_the_depth_limit(people, org, now):
    assert not depth_exceeds(body())
    assert depth_exceeds(json.loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)))


# --- the helpers themselves --------------------------------------------------------------------------------------


def test_parse_int_refuses_non_ascii_digits():
    assert inputs.parse_int(" 42 ", "页码") == 42
    for text in ["¹", "١", "１２", "4²", "", "1e3", "9" * 30]:
        with pytest.raises(inputs.InputError, match="页码应为整数"):
            inputs.parse_int(text, "页码")
    with pytest.raises(inputs.InputError, match="不能大于10"):
        inputs.parse_int("11", "页码", maximum=10)


def test_parse_date_range_and_format(frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC))
    assert inputs.parse_date("1949-10-01") == dt.date(1949, 10, 1)
    assert inputs.parse_date("2036-03-10") == dt.date(2036, 3, 10)
    with pytest.raises(inputs.InputError, match="应在1949-10-01至2036-03-10之间"):
        inputs.parse_date("1949-09-30", "收到日期")
    with pytest.raises(inputs.InputError, match="YYYY-MM-DD"):
        inputs.parse_date("２０２６-01-01")
    with pytest.raises(inputs.InputError, match="不存在"):
        inputs.parse_date("2026-02-30")
    with pytest.raises(ValueError):
        aware_instant("0001-01-01T00:00:00+00:00")


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00"])
def test_registration_received_at_near_year_one_or_9999_is_refused(value, people, org, now):
    # Found by the fuzz test: DRF moved year 1 into Asia/Shanghai and overflowed (a 500).
    response = client(people.registrar).post(
        PETITIONS_URL, json.dumps(body(received_at=value)), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["received_at"] == [inputs.range_message("收到时间")]
    assert Petition.objects.count() == 0
