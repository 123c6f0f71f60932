"""What became of the matters sent down from above (上级转送交办), on hand-built petitions driven through the
workflow: each figure by level and in total, the drill-down lists, the accused unit's reading, the CLI, the
dashboard panel and its xlsx sheet, and the sentences in the seeds' forms."""

from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from xinfang.petitions.models import Channel, PetitionClass, Source, SourceAction
from xinfang.stats import referred as referred_figures
from xinfang.stats import report
from xinfang.stats.metrics import Ctx
from xinfang.stats.referred import Progress, Referred, referred
from xinfang.stats.scope import Scope
from xinfang.stats.sentences import referred_level, referred_paragraph, work_report

from .conftest import TODAY, ctx

MARCH = ("2026-03-01", "2026-03-31")
PARTS = ["received", "concluded", "remaining", "in_time", "overdue", "awaiting_acceptance", "closed"]
PARTS += ["due", "on_time"]


def sent_down(scene, received: str, level: str, action: str = SourceAction.TRANSFER, **overrides):
    overrides.setdefault("channel", Channel.ONLINE)
    return scene.petition(
        received, source=Source.REFERRED_FROM_ABOVE, source_level=level, source_action=action, **overrides
    )


def late(petition, days: int = 3) -> str:
    petition.refresh_from_db()
    return (petition.handling_due_on + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def march(scene, org, people):
    """March 2026 in 上城区, judged on 15 June (handling due early May for a matter accepted on 5 March):

    * national (转送): one concluded on time, one concluded after replying late, one accepted and never
      replied (overdue);
    * province (交办, assigned on by the bureau): one replied on time but not yet delivered, one accepted late
      (20 April) whose handling period runs to late June;
    * city (转送): one never accepted, one directed to a legal route (closed), and an accusation against
      清波街道 handled by 湖滨街道, accepted on 20 April;
    * beside them, not counted: a matter sent down in February and a matter brought directly in March."""
    n = {}
    n["on_time"] = sent_down(scene, "2026-03-02 09:00", "national")
    scene.route_and_accept(n["on_time"])
    scene.reply(n["on_time"], "2026-04-01")
    scene.deliver(n["on_time"], "2026-04-03")
    n["late"] = sent_down(scene, "2026-03-02 10:00", "national")
    scene.route_and_accept(n["late"])
    scene.reply(n["late"], late(n["late"]))
    scene.deliver(n["late"], late(n["late"], 5))
    n["overdue"] = sent_down(scene, "2026-03-02 11:00", "national")
    scene.route_and_accept(n["overdue"])

    n["replied"] = sent_down(scene, "2026-03-09 09:00", "province", SourceAction.ASSIGN)
    scene.do(n["replied"], "assign", people.registrar, "2026-03-10", to_unit=org.qingbo_unit, report_days=30)
    scene.accept(n["replied"], "2026-03-11")
    scene.reply(n["replied"], "2026-04-08")
    n["in_time"] = sent_down(scene, "2026-03-09 10:00", "province", SourceAction.ASSIGN)
    scene.do(n["in_time"], "assign", people.registrar, "2026-03-10", to_unit=org.qingbo_unit, report_days=60)
    scene.accept(n["in_time"], "2026-04-20")

    n["unaccepted"] = sent_down(scene, "2026-03-16 09:00", "city", channel=Channel.LETTER)
    scene.transfer(n["unaccepted"], "2026-03-17")
    n["closed"] = sent_down(scene, "2026-03-16 10:00", "city")
    scene.do(
        n["closed"],
        "direct_to_legal_route",
        people.registrar,
        "2026-03-17",
        legal_route="litigation",
        body="上城区人民法院",
    )
    n["accusation"] = sent_down(
        scene,
        "2026-03-16 11:00",
        "city",
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.qingbo_unit,
        summary="举报清波街道工作人员",
    )
    scene.route_and_accept(n["accusation"], org.hubin_unit, "2026-03-17", "2026-04-20")

    before = sent_down(scene, "2026-02-27 09:00", "national")
    scene.route_and_accept(before, day="2026-03-02", accept_day="2026-03-03")
    scene.route_and_accept(scene.petition("2026-03-20 09:00"), day="2026-03-21", accept_day="2026-03-23")
    return n


def counts(p: Progress) -> dict:
    return {part: getattr(p, part) for part in PARTS}


def test_each_figure_by_level_and_in_total(march, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        r = referred(Scope(region=org.county), ctx(*MARCH))
    national, province, city = (r.by_level[level] for level in ("national", "province", "city"))
    assert counts(national) == {
        "received": 3, "concluded": 2, "remaining": 1, "in_time": 0, "overdue": 1, "awaiting_acceptance": 0,
        "closed": 0, "due": 3, "on_time": 1,
    }  # fmt: skip
    assert counts(province) == {
        "received": 2, "concluded": 0, "remaining": 2, "in_time": 2, "overdue": 0, "awaiting_acceptance": 0,
        "closed": 0, "due": 1, "on_time": 1,
    }  # fmt: skip
    assert counts(city) == {
        "received": 3, "concluded": 0, "remaining": 3, "in_time": 1, "overdue": 0, "awaiting_acceptance": 1,
        "closed": 1, "due": 0, "on_time": 0,
    }  # fmt: skip
    total = r.total
    assert counts(total) == {
        "received": 8, "concluded": 2, "remaining": 6, "in_time": 3, "overdue": 1, "awaiting_acceptance": 1,
        "closed": 1, "due": 4, "on_time": 2,
    }  # fmt: skip
    assert (total.transfer, total.assign) == (6, 2) and total.action_word == "转送交办"
    assert total.on_time_rate.as_dict() == {"numerator": 2, "denominator": 4, "percent": 50.0}
    assert city.on_time_rate.as_dict() == {"numerator": 0, "denominator": 0, "percent": None}
    assert r.names == {"national": "国家局", "province": "省局", "city": "杭州市局"}


def test_the_as_of_day_decides_what_is_due(march, org):
    """On 1 April nothing accepted on 5 March is due yet; the reply given on 1 April is not yet counted
    before that day, and the one delivered on 3 April is not yet concluded."""
    r = referred(Scope(region=org.county), ctx(*MARCH, today=dt.date(2026, 4, 1)))
    assert counts(r.total) == {
        "received": 8, "concluded": 0, "remaining": 8, "in_time": 4, "overdue": 0, "awaiting_acceptance": 3,
        "closed": 1, "due": 0, "on_time": 0,
    }  # fmt: skip
    assert referred_paragraph(r).startswith("上三级转送交办信访事项8件，尚无到期应办结的事项。")


def test_every_drill_down_is_as_long_as_its_count(march, org):
    scope, march_ctx = Scope(region=org.county), ctx(*MARCH)
    r = referred(scope, march_ctx)
    for level, progress in [("total", r.total), *r.by_level.items()]:
        for part in PARTS:
            rows = referred_figures.referred_petitions(scope, march_ctx, level, part)
            assert rows.count() == getattr(progress, part), (level, part)
    overdue = referred_figures.referred_petitions(scope, march_ctx, "total", "overdue")
    assert list(overdue) == [march["overdue"]]
    with pytest.raises(ValueError):
        referred_figures.referred_petitions(scope, march_ctx, "county", "due")
    with pytest.raises(ValueError):
        referred_figures.referred_petitions(scope, march_ctx, "total", "nothing")


def test_the_accused_unit_does_not_count_the_accusation(march, org):
    hidden = Ctx.of(ctx(*MARCH).period, TODAY, reader_unit_id=org.qingbo_unit.pk)
    city = referred(Scope(region=org.county), hidden).by_level["city"]
    assert (city.received, city.in_time) == (2, 0)
    rows = referred_figures.referred_petitions(Scope(region=org.county), hidden, "city", "received")
    assert march["accusation"] not in rows
    # Anyone else counts it, as does 湖滨街道, which handles it.
    hubin = referred(Scope(unit=org.hubin_unit), ctx(*MARCH)).total
    assert (hubin.received, hubin.in_time) == (1, 1)


def test_a_unit_counts_what_it_is_answerable_for(march, org):
    qingbo = referred(Scope(unit=org.qingbo_unit), ctx(*MARCH)).total
    assert counts(qingbo) == {
        "received": 6, "concluded": 2, "remaining": 4, "in_time": 2, "overdue": 1, "awaiting_acceptance": 1,
        "closed": 0, "due": 4, "on_time": 2,
    }  # fmt: skip


def test_a_period_with_nothing_sent_down(march, org):
    april = ctx("2026-04-01", "2026-04-30")
    figures = report.figures(Scope(region=org.county), april)
    assert figures.referred.total == Progress()
    assert figures.referred.total.on_time_rate.percent is None
    assert figures.as_json()["referred"]["total"]["on_time_rate"] == {
        "numerator": 0,
        "denominator": 0,
        "percent": None,
    }
    assert referred_paragraph(figures.referred) is None
    assert not any("上三级" in p for p in work_report(figures))


def test_the_sentences_in_the_seeds_forms(march, org):
    figures = report.figures(Scope(region=org.county), ctx(*MARCH))
    paragraph = (
        "上三级转送交办信访事项8件，到期应办结4件，按期办结2件，按期办结率50%。"
        "其中国家局转送3件，办结2件，剩余1件均已超过办理期限；"
        "省局交办2件，办结0件，剩余2件均已受理并在办理期限内；"
        "杭州市局转送3件，办结0件，剩余3件，其中1件已受理并在办理期限内、1件尚未受理、1件已告知终止。"
    )
    paragraphs = work_report(figures)
    # After seed 003's sentence on letters, calls and online matters, as the seed places it (no handling
    # period of those fell in March: on_time_conclusion counts the periods due in the period).
    assert paragraphs[paragraphs.index(paragraph) - 1] == "我区共受理群众来信来电短信及网上信访9件。"
    # Seed 001's forms, word for word.
    assert (
        referred_level("国家局", Progress(received=107, transfer=107, concluded=86, in_time=21))
        == "国家局转送107件，办结86件，剩余21件均已受理并在办理期限内"
    )
    assert (
        referred_level("咸阳市局", Progress(received=5, transfer=5, concluded=5)) == "咸阳市局转送5件已办结"
    )
    three = Referred(
        {
            "national": Progress(received=100, assign=100, concluded=90, in_time=10, due=90, on_time=90),
            "province": Progress(received=43, assign=43, concluded=37, in_time=6, due=37, on_time=37),
            "city": Progress(),
        },
        {"national": "国家局", "province": "省局", "city": "平顶山市局"},
    )
    assert referred_paragraph(three).startswith(
        "上三级交办信访事项143件，到期应办结127件，按期办结127件，按期办结率100%。"
    )


def url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


MARCH_QUERY = {"region": "330102", "period": "month", "date": "2026-03-01"}


def test_the_cli_the_dashboard_panel_its_drill_downs_and_the_xlsx_agree(march, client, people, org):
    out = io.StringIO()
    call_command("stats", "--region", "330102", "--from", MARCH[0], "--to", MARCH[1], "--json", stdout=out)
    data = json.loads(out.getvalue())["referred"]
    assert data == referred(Scope(region=org.county), ctx(*MARCH)).as_dict()
    assert data["by_level"]["national"]["name"] == "国家局" and data["total"]["remaining"] == 6

    client.force_login(people.bureau_leader)
    response = client.get(url("stats:dashboard", **MARCH_QUERY))
    assert response.status_code == 200
    assert "上级转送交办事项办理情况" in response.content.decode()
    panel = response.context["referred_panel"]
    assert [row["label"] for row in panel["rows"]] == ["上三级", "国家局", "省局", "杭州市局"]
    for row in panel["rows"]:
        shown = data["total"] if row["key"] == "total" else data["by_level"][row["key"]]
        assert row["rate"] == shown["on_time_rate"]
        for cell in row["counts"]:
            assert cell["count"] == shown[cell["part"]], (row["key"], cell["part"])
            listed = client.get(cell["url"])
            assert listed.context["total"] == cell["count"], (row["key"], cell["part"])
        assert client.get(row["due_url"]).context["total"] == shown["due"]
    page = client.get(url("stats:petitions", panel="referred.national.overdue", **MARCH_QUERY))
    assert "上级转送交办·国家局·超过办理期限" in page.content.decode()
    assert client.get(url("stats:petitions", panel="referred.county.due", **MARCH_QUERY)).status_code == 404
    assert client.get(url("stats:petitions", panel="referred.total.x", **MARCH_QUERY)).status_code == 404

    book = load_workbook(io.BytesIO(client.get(url("stats:dashboard", format="xlsx", **MARCH_QUERY)).content))
    rows = [list(row) for row in book["上级转送交办"].iter_rows(min_row=3, values_only=True)]
    assert rows[0] == ["上三级", 8, 2, 6, 3, 1, 1, 1, 4, 2, 50.0]
    assert rows[3] == ["杭州市局", 3, 0, 3, 1, 0, 1, 1, 0, 0, None]


def test_a_township_may_not_drill_into_the_county(march, client, people):
    client.force_login(people.township_leader)
    assert (
        client.get(url("stats:petitions", panel="referred.total.received", **MARCH_QUERY)).status_code == 403
    )
