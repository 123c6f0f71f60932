"""`/api/v1/stats/`: the same object as `xinfang stats --json` for the same arguments (slice included), the
reader's accusations left out, refusals as on the dashboard (problem details in Chinese), and the schema."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests import factories as f
from tests.scenes import Scene
from tests.stats import slice_scene
from xinfang.deadlines import services as deadline_rules
from xinfang.orgs.models import Role
from xinfang.workflow import hooks

URL = "/api/v1/stats/"
TODAY = dt.date(2026, 6, 15)  # what is overdue is judged on that day
SPAN = {"region": "330102", "from": "2026-03-01", "to": "2026-06-15", "as_of": "2026-06-15"}
CLI_SPAN = ["--region", "330102", "--from", "2026-03-01", "--to", "2026-06-15", "--as-of", "2026-06-15"]


@pytest.fixture
def march(org, people, silence_notices, monkeypatch):
    deadline_rules.clear_cache()
    monkeypatch.setattr(hooks, "after_transition", [])
    yield slice_scene.build(Scene(org, people, today=TODAY), org, people)
    deadline_rules.clear_cache()


@pytest.fixture
def city_leader(org):
    """A reader the scene accuses of nothing: its answer is the CLI's (which reads as nobody)."""
    return f.UserFactory(username="city_leader", unit=org.city_bureau, roles=[Role.BUREAU_LEADER])


def api(user, **params):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


def cli(*args: str) -> dict:
    out = io.StringIO()
    call_command("stats", *CLI_SPAN, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("params", "args"),
    [
        (
            {"source_level": "national", "channel": "online"},
            ["--source-level", "national", "--channel", "online"],
        ),
        ({}, []),
        (
            {"channel": "letter,phone", "repeat": "0", "full": "1"},
            ["--channel", "letter", "--channel", "phone", "--first", "--full"],
        ),
        ({"category": "城乡建设", "collective": "1"}, ["--category", "城乡建设", "--collective"]),
        (
            {"issue_region": "330102002", "class": "claim"},
            ["--issue-region", "330102002", "--class", "claim"],
        ),
    ],
)
def test_the_api_answers_what_the_cli_prints(march, city_leader, params, args):
    response = api(city_leader, **SPAN, **params)
    assert response.status_code == 200
    assert response.json() == cli(*args)


def test_the_slice_is_in_the_answer_and_says_what_it_does_not_narrow(march, city_leader):
    data = api(city_leader, **SPAN, source_level="national", channel="online").json()
    assert data["slice"]["source_level"] == ["national"] and data["slice"]["channel"] == ["online"]
    assert data["volume"]["batches"] == 1 and data["timely_acceptance"]["denominator"] == 1  # c
    assert data["meetings"]["slice_applies"] is False and data["reception"]["slice_applies"] is False
    assert "slice_applies" not in data["settlement"]  # a petition rate: narrowed
    plain = api(city_leader, **SPAN).json()
    assert plain["volume"]["batches"] == 6 and "slice_applies" not in plain["meetings"]
    assert plain["slice"] == {
        "channel": [], "channel_group": None, "source": [], "source_level": [], "source_action": [],
        "class": [], "category": None, "visit_level": [], "collective": None, "repeat": None,
        "issue_region": None,
    }  # fmt: skip
    empty = api(city_leader, **SPAN, visit_level="national").json()
    assert empty["volume"]["batches"] == 0 and empty["timely_acceptance"] == {
        "numerator": 0,
        "denominator": 0,
        "percent": None,
    }


def test_the_accused_reader_counts_no_accusation_under_a_slice(march, people):
    accusations = {"class": "accusation"}
    assert cli("--class", "accusation")["volume"]["batches"] == 1
    assert api(people.bureau_leader, **SPAN, **accusations).json()["volume"]["batches"] == 0
    # f repeats the hidden accusation: for the bureau, no repeat at all but d.
    assert api(people.bureau_leader, **SPAN, repeat="1").json()["repeat"]["numerator"] == 1


@pytest.mark.parametrize(
    ("who", "params", "status", "words"),
    [
        ("other_county_registrar", {}, 403, "无权查看该范围的统计数据"),
        ("township_handler", {}, 403, "无权查看该范围的统计数据"),
        ("township_handler", {"region": "", "unit": "330102002"}, 403, "无权查看"),
        ("bureau_leader", {"channel": "pigeon"}, 400, "参数 channel（信访形式）的取值“pigeon”无效"),
        ("bureau_leader", {"category": "没有这个"}, 400, "参数 category（内容分类）"),
        ("bureau_leader", {"as_of": "2026-13-01"}, 400, ""),
        ("bureau_leader", {"region": "999999"}, 404, ""),
        # A NUL names nothing, and PostgreSQL cannot compare a text column with it: refused before any query.
        ("bureau_leader", {"region": "\x00"}, 404, "资源不存在"),
        ("bureau_leader", {"region": "", "unit": "\x00"}, 404, "资源不存在"),
        ("bureau_leader", {"category": "\x00"}, 400, "参数 category（内容分类）"),
        ("bureau_leader", {"category": "99999999999999999999"}, 400, "参数 category（内容分类）"),
        ("bureau_leader", {"issue_region": "²"}, 400, "参数 issue_region（问题属地）"),
    ],
)
def test_refusals_are_problem_details(march, people, who, params, status, words):
    response = api(getattr(people, who), **{**SPAN, **params})
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and words in body["detail"]


def test_a_township_reads_its_own_unit_and_anonymous_is_refused(march, people):
    own = api(people.township_handler, **{**SPAN, "region": "", "unit": "330102001"}, channel="visit")
    assert own.status_code == 200 and own.json()["volume"]["batches"] == 2  # b and f, 清波's
    assert api(None, **SPAN).status_code in (401, 403)


def test_the_schema_names_every_parameter(org):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/stats/"]["get"]["parameters"]}
    assert {"unit", "region", "from", "to", "period", "date", "as_of", "full"} <= parameters
    slice_names = {"channel", "source", "source_level", "source_action", "class", "category", "visit_level"}
    assert slice_names | {"collective", "repeat", "issue_region"} <= parameters
