"""我的待办: filters, counts per stage, who sees what, order, keyset paging, bad input, the landing page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.scenes import make_leaders, when
from xinfang.deadlines.models import Stage
from xinfang.petitions.models import Category
from xinfang.workflow import todo, views
from xinfang.workflow.transitions import TABLE

TODO_URL = reverse("workflow:todo")


def get(client, user, query: str = ""):
    client.force_login(user)
    response = client.get(f"{TODO_URL}?{query}" if query else TODO_URL)
    assert response.status_code == 200
    return response


def numbers(response) -> list[str]:
    return [p.registration_number for p in response.context["page"].rows]


def stage_counts(response) -> dict[str, int]:
    return {s["code"]: s["count"] for s in response.context["stages"]}


@pytest.fixture
def day(scene):
    """Qingbo's, Hubin's and the bureau's work on 2026-03-20."""
    s = scene
    other = Category.objects.filter(parent__isnull=False).exclude(path__startswith="城乡建设").first()
    rows = {
        "to_accept": s.drive("transferred"),  # accept due 03-18: red
        "handling": s.drive("accepted", received="2026-03-02 10:00", category=other),
        "to_deliver": s.drive("replied", received="2026-03-02 11:00"),
        "registered": s.drive("registered", received="2026-03-04 09:00"),  # the bureau's route
    }
    s.do(rows["to_accept"], "sign_for", s.people.township_handler, "2026-03-03 16:00")  # signed, not accepted
    hubin = s.petition("2026-03-02 08:00")
    s.do(hubin, "transfer", s.people.registrar, "2026-03-03", to_unit=s.org.hubin_unit)
    rows["hubin"] = hubin
    rows["other_category"] = other
    s.move(when("2026-03-20"))
    return rows


# --- the labels ---------------------------------------------------------------------------------------


def test_every_stage_a_unit_works_in_is_a_filter_named_from_its_one_source():
    assert todo.TASK_STAGES == [
        Stage.ROUTE,
        Stage.NOTIFY_DIRECT,
        Stage.SIGN_FOR,
        Stage.ACCEPT,
        Stage.REPORT,
        Stage.HANDLE,
        Stage.SIMPLIFIED,
        Stage.REWORK,
        Stage.REVIEW,
        Stage.RE_REVIEW,
    ]
    assert todo.STAGE_LABELS[Stage.REVIEW] == Stage.REVIEW.label == "复查意见"
    assert todo.STAGE_LABELS[todo.DELIVERY] == TABLE["deliver"].label
    assert todo.STAGE_LABELS[todo.CONFIRMATION] == TABLE["confirm_conclusion"].label == "审核认定办结"
    assert Stage.RATING not in todo.STAGE_LABELS  # the petitioner's window is nobody's task


# --- filters and counts -------------------------------------------------------------------------------


def test_counts_per_stage_are_the_lengths_of_the_lists_their_links_open(client, scene, day):
    handler = scene.people.township_handler
    response = get(client, handler)
    counts = stage_counts(response)
    assert counts[Stage.ACCEPT] == 1 and counts[Stage.HANDLE] == 1 and counts[todo.DELIVERY] == 1
    assert sum(counts.values()) == response.context["total"] == len(numbers(response)) == 3
    html = response.content.decode()
    for link in response.context["stages"]:
        assert f'id="todo-stage-{link["code"]}"' in html
        listed = get(client, handler, link["query"])
        assert len(numbers(listed)) == listed.context["total"] == link["count"], link["code"]


def test_filter_by_stage_status_colour_and_category(client, scene, day):
    handler = scene.people.township_handler
    number = {k: p.registration_number for k, p in day.items() if k != "other_category"}
    assert numbers(get(client, handler, "stage=accept")) == [number["to_accept"]]
    assert numbers(get(client, handler, "stage=delivery")) == [number["to_deliver"]]
    assert numbers(get(client, handler, "status=accepted")) == [number["handling"]]
    assert numbers(get(client, handler, "colour=red")) == [number["to_accept"]]
    assert set(numbers(get(client, handler, "colour=blue"))) == {number["handling"], number["to_deliver"]}
    other = day["other_category"]
    assert numbers(get(client, handler, f"category={other.pk}")) == [number["handling"]]
    top = Category.objects.get(path="城乡建设")  # a top category takes its subtree
    assert set(numbers(get(client, handler, f"category={top.pk}"))) == {
        number["to_accept"],
        number["to_deliver"],
    }
    # The counts follow the other filters: only red, so only the accept stage has one.
    counts = stage_counts(get(client, handler, "colour=red"))
    assert counts[Stage.ACCEPT] == 1 and sum(counts.values()) == 1


def test_a_review_request_is_one_click_away_for_the_reviewer(client, scene):
    petition = scene.drive("under_review")
    scene.drive("registered")  # other work of the bureau, before it in due order
    response = get(client, scene.people.reviewer)
    review = next(s for s in response.context["stages"] if s["code"] == Stage.REVIEW)
    assert review["count"] == 1 and review["label"] == "复查意见"
    listed = get(client, scene.people.reviewer, review["query"])
    assert numbers(listed) == [petition.registration_number]
    assert "复查意见" in listed.content.decode()


def test_bad_filters_are_refused_in_chinese_and_ignored(client, scene, day):
    handler = scene.people.township_handler
    response = get(client, handler, "stage=nope&status=x&colour=green&category=abc&sort=zz&after=%%%")
    form = response.context["form"]
    assert set(form.errors) == {"stage", "status", "colour", "category", "sort"}
    assert all(re.search(r"[\u4e00-\u9fff]", m) for errors in form.errors.values() for m in errors)
    assert response.context["total"] == 3 and len(numbers(response)) == 3


# --- who sees what ------------------------------------------------------------------------------------


def test_a_unit_handler_sees_only_its_units_tasks_whatever_it_asks(client, scene, day):
    handler = scene.people.township_handler
    response = get(client, handler, f"unit={scene.org.hubin_unit.pk}")
    assert "unit" not in response.context["form"].fields
    assert day["hubin"].registration_number not in numbers(response)
    assert response.context["total"] == 3
    other = get(client, scene.people.other_township_handler)
    assert numbers(other) == [day["hubin"].registration_number]
    assert sum(stage_counts(other).values()) == 1


def test_an_accusation_is_neither_listed_nor_counted_for_the_accused_unit(client, scene):
    org = scene.org
    petition = scene.petition(petition_class="accusation", subject_unit=org.qingbo_unit)
    scene.do(petition, "transfer", scene.people.registrar, "2026-03-03", to_unit=org.discipline)
    accused = get(client, scene.people.township_handler)
    assert accused.context["total"] == 0 and sum(stage_counts(accused).values()) == 0
    assert petition.registration_number not in accused.content.decode()
    discipline = get(client, scene.people.discipline_handler)
    assert numbers(discipline) == [petition.registration_number]
    assert stage_counts(discipline)[Stage.SIGN_FOR] == 1  # not yet signed for: its first duty


def test_overseers_list_their_areas_units_and_may_narrow_to_one(client, scene, day):
    leader = scene.people.bureau_leader
    everyone = get(client, leader)
    assert everyone.context["oversees"]
    listed = set(numbers(everyone))
    assert {p.registration_number for k, p in day.items() if k != "other_category"} <= listed
    html = everyone.content.decode()
    assert '<th scope="col">责任单位</th>' in html and "湖滨街道办事处" in html
    hubin = get(client, leader, f"unit={scene.org.hubin_unit.pk}")
    assert numbers(hubin) == [day["hubin"].registration_number]
    bureau = get(client, leader, f"unit={scene.org.bureau.pk}")
    assert numbers(bureau) == [day["registered"].registration_number]
    # Another county's unit is not among the choices.
    outside = get(client, leader, f"unit={scene.org.other_bureau.pk}")
    assert "unit" in outside.context["form"].errors


def test_a_party_leader_oversees_the_county_and_not_the_neighbour(client, scene, org, day):
    leaders = make_leaders(org)
    county = get(client, leaders.secretary)
    assert day["hubin"].registration_number in numbers(county)
    neighbour = get(client, leaders.other_secretary)
    assert numbers(neighbour) == [] and neighbour.context["total"] == 0


# --- order and paging ---------------------------------------------------------------------------------


def test_sort_by_due_date_or_received_date(client, scene, day):
    handler = scene.people.township_handler
    by_due = numbers(get(client, handler))
    assert by_due == [day[k].registration_number for k in ("to_deliver", "to_accept", "handling")]
    by_received = numbers(get(client, handler, "sort=received"))
    assert by_received == [day[k].registration_number for k in ("to_accept", "handling", "to_deliver")]


@pytest.mark.parametrize("sort", ["due", "received"])
def test_keyset_pages_cover_every_task_once_without_offset(client, scene, monkeypatch, sort):
    for i in range(5):
        p = scene.petition(f"2026-03-0{2 + i} 09:30")
        scene.do(p, "transfer", scene.people.registrar, f"2026-03-0{3 + i}", to_unit=scene.org.qingbo_unit)
    scene.move(when("2026-03-20"))
    monkeypatch.setattr(views, "TODO_PAGE_SIZE", 2)
    handler = scene.people.township_handler
    whole = numbers(get(client, handler, f"sort={sort}&stage=sign_for"))
    assert len(whole) == 2
    seen, query, pages = [], f"sort={sort}&stage=sign_for", 0
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = get(client, handler, query)
        assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)
        seen += numbers(response)
        pages += 1
        assert response.context["total"] == 5
        if not response.context["next_query"]:
            break
        query = response.context["next_query"]
        assert "stage=sign_for" in query and f"sort={sort}" in query  # the filters travel along
    assert pages == 3 and len(seen) == len(set(seen)) == 5
    back = get(client, handler, response.context["prev_query"])
    assert numbers(back) == seen[2:4]


# --- the landing page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "registrar",
        "bureau_handler",
        "bureau_leader",
        "reviewer",
        "township_handler",
        "township_leader",
        "department_handler",
    ],
)
def test_every_working_role_lands_on_its_to_do_list(client, people, persona):
    client.force_login(getattr(people, persona))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == TODO_URL


def test_a_party_leader_lands_on_the_to_do_list_and_an_auditor_on_the_petitions(client, org, people):
    leaders = make_leaders(org)
    client.force_login(leaders.secretary)
    assert client.get(reverse("home"))["Location"] == TODO_URL
    client.force_login(people.auditor)
    assert client.get(reverse("home"))["Location"] == reverse("petitions:list")


def test_the_login_leads_to_the_to_do_list(client, people):
    response = client.post(
        reverse("login"), {"username": "qingbo_handler", "password": "xinfang-test-pw"}, follow=True
    )
    assert response.redirect_chain[-1][0] == TODO_URL


def test_every_units_list_agrees_with_each_units_own(client, scene, day):
    """The overseer's list reads the petition's copy of its earliest duty; each unit's list reads the
    duties themselves: they must give every task the same stage, due date and unit."""
    leader = scene.people.bureau_leader
    everyone = get(client, leader).context["page"].rows
    assert everyone
    for row in everyone:
        own = get(client, leader, f"unit={row.task_unit_id}").context["page"].rows
        same = next(r for r in own if r.pk == row.pk)
        assert (same.task_stage, same.task_due_on, same.task_colour) == (
            row.task_stage,
            row.task_due_on,
            row.task_colour,
        )
    units = {row.registration_number: row.task_unit_id for row in everyone}
    assert units[day["hubin"].registration_number] == scene.org.hubin_unit.pk
    assert units[day["to_deliver"].registration_number] == scene.org.qingbo_unit.pk
    assert units[day["registered"].registration_number] == scene.org.bureau.pk
