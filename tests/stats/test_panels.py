"""The dashboard's panels for the leaders' work and the mechanisms: the same numbers as `xinfang stats --json`
for the same scope and period, drill-down lists as long as their counts, the xlsx sheets equal to the JSON,
and an accused unit's dashboard that does not count the accusation."""

from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from tests.conftest import stop_clock
from tests.leaders.conftest import at, leaders  # noqa: F401 (the fixture)
from tests.scenes import when
from xinfang.assistance import services as assistance
from xinfang.disputes import services as disputes
from xinfang.leaders.models import Outcome, ReceptionKind, ResolutionStandard
from xinfang.leaders.services import ownership, reception
from xinfang.leaders.services.ownership import Step
from xinfang.meetings import services as meeting_services
from xinfang.meetings.services import ItemInput
from xinfang.orgs.models import Level
from xinfang.petitions.models import Channel, PetitionClass
from xinfang.workflow.services import perform

D = dt.date
OCTOBER = {"period": "month", "date": "2025-10-01"}
TODAY = D(2025, 10, 31)


def url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def stats_json(*scope: str) -> dict:
    out = io.StringIO()
    call_command(
        "stats", *scope, "--from", "2025-10-01", "--to", "2025-10-31", "--as-of", TODAY.isoformat(), "--json",
        stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def visit(people, hour: int, **overrides):
    return f.register(
        people.registrar, channel=Channel.VISIT, received_at=at(D(2025, 10, 9), hour), **overrides
    )


@pytest.fixture
def month(people, leaders, org, silence_notices):  # noqa: F811
    """October 2025 in the county: a session on the 9th attended by 清波街道, three visits registered at it
    (one settled on the spot for 3 persons, one with a time limit, one an accusation against 清波街道 routed
    as usual), a cancelled session, and two ownerships: the time-limited case's, 清波街道 on the team,
    resolved; the accusation's, open past its deadline."""
    stop_clock(at(D(2025, 10, 1), 8))
    session = reception.create_session(
        people.registrar, kind=ReceptionKind.SITTING, leader=leaders.county, leader_post="区委副书记",
        leader_level=Level.COUNTY, place="区信访局", date=D(2025, 10, 9), start_time=dt.time(9),
        end_time=dt.time(12), attending_units=[org.qingbo_unit],
    )  # fmt: skip
    cancelled = reception.create_session(
        people.registrar, kind=ReceptionKind.APPOINTMENT, leader=leaders.county2, leader_post="区长",
        leader_level=Level.COUNTY, place="区信访局", date=D(2025, 10, 15), start_time=dt.time(9),
        end_time=dt.time(10),
    )  # fmt: skip
    reception.cancel_session(cancelled, people.registrar, reason="改期")
    stop_clock(at(D(2025, 10, 9), 11))
    group = visit(people, 9, person_count=3)
    single = visit(people, 10)
    accusation = visit(
        people, 10, petition_class=PetitionClass.ACCUSATION, subject_unit=org.qingbo_unit,
        category=f.category("纪检监察"), summary="举报清波街道某干部",
    )  # fmt: skip
    for petition in (group, single, accusation):
        reception.link_petition(session, petition, people.registrar)
    reception.set_outcome(session, group, people.registrar, outcome=Outcome.ON_SPOT)
    reception.set_outcome(
        session,
        single,
        people.registrar,
        outcome=Outcome.TIME_LIMITED,
        unit=org.qingbo_unit,
        due=D(2025, 10, 30),
    )
    reception.set_outcome(session, accusation, people.registrar, outcome=Outcome.ROUTED)
    # Both matters go to the township, so its drill-down may list them (visible_to).
    for petition in (group, single):
        perform(petition, "transfer", people.registrar, to_unit=org.qingbo_unit)
    owned = {}
    # The accused township may not be on the accusation's team (the service refuses it): the bureau's alone.
    cases = (
        ("single", single, D(2025, 11, 30), [org.qingbo_unit]),
        ("accusation", accusation, D(2025, 10, 20), []),
    )
    for name, petition, due, team in cases:
        owned[name] = ownership.open_ownership(
            people.bureau_leader, petitions=[petition], problem=f"包案{name}", leader=leaders.county,
            leader_post="区委副书记", leader_level=Level.COUNTY, resolution_due=due,
            steps=[Step("入户", D(2025, 10, 15))], team_units=team,
        )  # fmt: skip
    stop_clock(at(D(2025, 10, 20)))
    standards = list(ResolutionStandard.objects.filter(is_active=True))
    ownership.resolve(owned["single"], leaders.county, standards=standards, note="已化解")
    stop_clock(at(TODAY, 16))
    return owned


def panel_numbers(context) -> dict:
    r, o = context["leaders_panel"]["reception"], context["leaders_panel"]["ownership"]
    return {
        "days": r["days"],
        "sessions": r["sessions"],
        "cancelled": r["cancelled"],
        **{f"reception.{row['key']}": (row["batches"], row["persons"]) for row in r["outcomes"]},
        **{f"ownership.{row['key']}": row["count"] for row in o["counts"]},
        "rate": o["rate"],
    }


def cli_numbers(data: dict) -> dict:
    r, o = data["reception"], data["ownership"]
    parts = ("received", *Outcome.values)
    keys = ("opened", "resolved", "resolved_on_time", "handed_on", "open", "overdue")
    return {
        "days": r["days"],
        "sessions": r["sessions"],
        "cancelled": r["cancelled"],
        **{f"reception.{p}": (r[p]["batches"], r[p]["persons"]) for p in parts},
        **{f"ownership.{k}": o[k] for k in keys},
        "rate": o["resolution_rate"],
    }


def drill_count(client, scope: dict, key: str) -> int:
    group = key.partition(".")[0]
    if group == "reception":
        return client.get(url("stats:petitions", panel=key, **scope, **OCTOBER)).context["total"]
    return len(client.get(url("stats:records", record=key, **scope, **OCTOBER)).context["records"].rows)


@pytest.mark.django_db
def test_the_bureau_panels_equal_the_cli_and_every_drill_down_its_count(client, people, month):
    client.force_login(people.bureau_leader)
    response = client.get(url("stats:dashboard", region="330102", **OCTOBER))
    assert response.status_code == 200
    shown = panel_numbers(response.context)
    assert shown == cli_numbers(stats_json("--region", "330102"))
    assert (shown["days"], shown["sessions"], shown["cancelled"]) == (1, 1, 1)
    assert shown["reception.received"] == (3, 5) and shown["reception.on_spot"] == (1, 3)
    assert (shown["ownership.opened"], shown["ownership.resolved"], shown["ownership.overdue"]) == (2, 1, 1)
    html = response.content.decode()
    assert "领导接访、包案和阅批" in html and "化解机制和案结事了" in html
    for key, value in shown.items():
        if key.startswith(("reception.", "ownership.")):
            count = value[0] if isinstance(value, tuple) else value
            assert drill_count(client, {"region": "330102"}, key) == count, key
    # The drill-down names what it lists and links each record.
    page = client.get(url("stats:records", record="ownership.overdue", region="330102", **OCTOBER))
    assert "领导包案·超过化解时限" in page.content.decode()
    assert reverse("leaders:ownership", args=[month["accusation"].pk]) in page.content.decode()


@pytest.mark.django_db
def test_the_accused_unit_counts_neither_the_visit_nor_the_ownership(client, people, org, month):
    scope = {"unit": org.qingbo_unit.code}
    client.force_login(people.township_leader)
    response = client.get(url("stats:dashboard", **OCTOBER))
    assert response.status_code == 200
    shown = panel_numbers(response.context)
    assert shown == cli_numbers(stats_json("--unit", org.qingbo_unit.code))
    # The bureau counts three visits and two ownerships; the accused township two visits and one ownership.
    assert shown["reception.received"] == (2, 4) and shown["reception.routed"] == (0, 0)
    assert (shown["ownership.opened"], shown["ownership.overdue"]) == (1, 0)
    for key in ("reception.received", "reception.routed", "ownership.opened", "ownership.overdue"):
        value = shown[key]
        assert drill_count(client, scope, key) == (value[0] if isinstance(value, tuple) else value), key
    html = (
        response.content.decode()
        + client.get(url("stats:records", record="ownership.opened", **scope, **OCTOBER)).content.decode()
    )
    assert "包案accusation" not in html and "举报清波街道" not in html


@pytest.mark.django_db
def test_a_unit_may_not_drill_into_the_bureau_and_an_unknown_key_is_404(client, people, org, month):
    client.force_login(people.township_leader)
    assert (
        client.get(url("stats:records", record="ownership.opened", region="330102", **OCTOBER)).status_code
        == 403
    )
    client.force_login(people.bureau_leader)
    for name, key in (("stats:records", "record"), ("stats:petitions", "panel")):
        for bad in ("ownership.nothing", "reception.nothing", "nothing", ""):
            if name == "stats:petitions" and not bad:
                continue  # no panel key: the volume drill-down, not a panel's
            assert client.get(url(name, **{key: bad}, region="330102", **OCTOBER)).status_code == 404, (
                name,
                bad,
            )


def sheet_rows(book, name: str) -> list[list]:
    return [list(row) for row in book[name].iter_rows(min_row=3, values_only=True)]


@pytest.mark.django_db
def test_the_xlsx_holds_the_json_figures(client, people, month):
    client.force_login(people.bureau_leader)
    response = client.get(url("stats:dashboard", region="330102", format="xlsx", **OCTOBER))
    book = load_workbook(io.BytesIO(response.content))
    data = stats_json("--region", "330102")
    for name in (
        "领导接访",
        "领导接访（分领导）",
        "领导包案",
        "领导阅批",
        "案结事了",
        "联席会议",
        "救助帮扶",
        "矛盾纠纷",
        "专项活动",
    ):
        assert name in book.sheetnames
    reception_rows = {row[0]: row[1:] for row in sheet_rows(book, "领导接访")}
    r = data["reception"]
    assert reception_rows["接访天次"][0] == r["days"] and reception_rows["取消场次"][0] == r["cancelled"]
    assert reception_rows["接待群众"] == [r["received"]["batches"], r["received"]["persons"]]
    assert reception_rows["现场协调化解"] == [r["on_spot"]["batches"], r["on_spot"]["persons"]]
    total, *per_leader = sheet_rows(book, "领导包案")
    o = data["ownership"]
    assert total == [
        "合计", None, None, o["opened"], o["handed_on"], o["resolved"], o["resolved_on_time"], o["open"],
        o["overdue"], o["resolution_rate"]["numerator"], o["resolution_rate"]["denominator"],
        o["resolution_rate"]["percent"],
    ]  # fmt: skip
    assert [row[0] for row in per_leader] == [row["leader"] for row in o["by_leader"]]
    settled = {row[0]: row[1:] for row in sheet_rows(book, "案结事了")}
    s = data["settlement"]["settled"]
    assert settled["案结事了率"] == [s["numerator"], s["denominator"], s["percent"]]
    meetings = {row[0]: row[1] for row in sheet_rows(book, "联席会议")}
    assert meetings["联席会议（次）"] == data["meetings"]["meetings"]["total"]
    grants = {row[0]: row[1] for row in sheet_rows(book, "救助帮扶")}
    assert grants["救助件次"] == data["assistance"]["grants"]
    disputes = {row[0]: row[1] for row in sheet_rows(book, "矛盾纠纷")}
    assert disputes["排查发现（起）"] == data["disputes"]["found"]


# --- the mechanisms and 案结事了 ----------------------------------------------------------------------------

MARCH = {"period": "month", "date": "2026-03-01"}


@pytest.fixture
def mechanisms_month(scene, org, people, frozen_clock):
    """March 2026: two matters concluded, one recorded 协议化解; a township joint meeting on both; a grant paid;
    a dispute found by screening."""
    agreed = scene.delivered("2026-03-02 09:00", "2026-03-18", "2026-03-20")
    scene.delivered("2026-03-02 09:10", "2026-03-18", "2026-03-21")
    scene.do(agreed, "record_settlement", people.bureau_handler, "2026-04-01", settlement="agreement")
    frozen_clock(when("2026-04-02 09:00"))
    meeting_services.hold_meeting(
        people.township_leader, level="township", kind="regular", held_on=D(2026, 3, 6), title="清波街道3月联席会议",
        attendees="各站所", items=[ItemInput("房屋征收补偿", petition=agreed)],
    )  # fmt: skip
    frozen_clock(when("2026-03-24 09:00"))
    grant = assistance.apply(
        people.bureau_handler, agreed, fund="petition_fund", amount="12000", applicant_name="甲",
        beneficiary_count=4, reason="困难",
    )  # fmt: skip
    assistance.approve(grant, people.bureau_leader, rule="第五条")
    frozen_clock(when("2026-03-25 09:00"))
    assistance.pay(grant, people.bureau_handler, paid_on=D(2026, 3, 25), ended_petitioning=True)
    disputes.record_dispute(
        people.township_handler, kind="land", region=org.qingbo, title="边界纠纷", parties="两户", matter="边界",
        risk_level="low", found_via="screening", found_on=D(2026, 3, 5), level="township",
    )  # fmt: skip
    frozen_clock(when("2026-06-15 10:00"))


def march_json() -> dict:
    out = io.StringIO()
    call_command(
        "stats", "--region", "330102", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-06-15",
        "--json", stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_the_mechanisms_panel_equals_the_cli_and_its_drill_downs(client, people, mechanisms_month):
    client.force_login(people.bureau_leader)
    response = client.get(url("stats:dashboard", region="330102", **MARCH))
    m = response.context["mechanisms_panel"]
    data = march_json()
    rates = {card["key"]: card["rate"] for card in m["settlement"]}
    assert rates == {key: data["settlement"][key] for key in ("settled", "petitioning_ended")}
    assert (rates["settled"]["numerator"], rates["settled"]["denominator"]) == (1, 2)
    assert m["meetings"] == data["meetings"] and m["meetings"]["meetings"]["township"] == 1
    assert m["assistance"] == data["assistance"] and m["assistance"]["grants"] == 1
    assert m["disputes"] == data["disputes"] and m["disputes"]["found"] == 1
    scope = {"region": "330102", **MARCH}
    for part in ("numerator", "denominator"):
        page = client.get(url("stats:petitions", metric="settlement.settled", part=part, **scope))
        assert page.context["total"] == rates["settled"][part], part
    records = {
        "assistance.grants": m["assistance"]["grants"],
        "meetings.total": m["meetings"]["meetings"]["total"],
        "meetings.township": m["meetings"]["meetings"]["township"],
        "meetings.county": m["meetings"]["meetings"]["county"],
        "disputes.found": m["disputes"]["found"],
    }
    for key, count in records.items():
        page = client.get(url("stats:records", record=key, **scope))
        assert len(page.context["records"].rows) == count, key
    assert "案结事了率" in response.content.decode()


@pytest.mark.django_db
def test_a_reader_accused_leaves_the_accusation_out_of_a_jurisdictions_counts(org, month):
    """The dashboard reads a jurisdiction's leaders' figures with the reader's unit hidden (hidden_from): what
    accuses that unit is not counted, as in its own unit scope; nobody else's count changes."""
    from xinfang.leaders import drill
    from xinfang.leaders import figures as leaders_figures

    start, end, prefix = D(2025, 10, 1), D(2025, 10, 31), org.county.prefix
    everything = leaders_figures.all_figures(start, end, TODAY, prefix=prefix)
    hidden = leaders_figures.all_figures(start, end, TODAY, prefix=prefix, hidden_from=org.qingbo_unit.pk)
    assert everything["reception"]["received"]["batches"] == 3 and everything["ownership"]["opened"] == 2
    assert hidden["reception"]["received"]["batches"] == 2 and hidden["ownership"]["opened"] == 1
    assert hidden["reception"]["routed"] == {"batches": 0, "persons": 0}
    other = leaders_figures.all_figures(start, end, TODAY, prefix=prefix, hidden_from=org.housing.pk)
    assert other == everything
    scope = {"prefix": prefix, "hidden_from": org.qingbo_unit.pk}
    assert drill.session_links(start, end, TODAY, "received", **scope).count() == 2
    assert drill.ownerships(start, end, TODAY, "opened", **scope).count() == 1
