"""The workflow on the workbench pages: the detail page's actions, deadlines and documents, the list's
期限 column, and 我的待办 (my tasks)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.scenes import when
from tests.viewtests import assert_login_required

TODO_URL = reverse("workflow:todo")
LIST_URL = reverse("petitions:list")


def detail_url(petition) -> str:
    return reverse("petitions:detail", args=[petition.pk])


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def region(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</table>", start) if "table" in element_id else start + 4000]


def buttons(html: str) -> list[str]:
    if 'id="workflow-actions"' not in html:
        return []
    block = html[html.index('id="workflow-actions"') : html.index('id="action-panel"')]
    return [part.split('"')[0] for part in block.split('data-action="')[1:]]


# --- detail: actions ------------------------------------------------------------------------------------


def test_each_persona_sees_the_actions_it_may_take_now(client, scene):
    people = scene.people
    registered = scene.drive("registered")
    # A letter that repeats nothing: no on-the-spot handling (visits only), nothing to decline as a repeat.
    assert buttons(page(client, people.registrar, detail_url(registered))) == [
        "transfer",
        "assign",
        "handle_self",
        "direct_to_legal_route",
        "merge_into",  # a duplicate registration folds into another (the bureau over the jurisdiction)
    ]
    visit = scene.petition(channel="visit")
    assert "conclude_on_spot" in buttons(page(client, people.registrar, detail_url(visit)))
    repeat = scene.petition(repeat_of=registered)
    assert "decline" in buttons(page(client, people.registrar, detail_url(repeat)))
    auditor_view = page(client, people.auditor, detail_url(registered))
    assert buttons(auditor_view) == [] and "您当前没有可办理的操作" in auditor_view

    transferred = scene.drive("transferred")
    assert buttons(page(client, people.township_handler, detail_url(transferred))) == [
        "direct_to_legal_route",
        "sign_for",
        "accept",
        "object",
    ]
    scene.do(transferred, "sign_for", people.township_handler, "2026-03-03 15:00")
    assert "sign_for" not in buttons(page(client, people.township_handler, detail_url(transferred)))
    # Now the township's turn; the bureau may still fold a duplicate registration into another.
    assert buttons(page(client, people.registrar, detail_url(transferred))) == ["merge_into"]

    accepted = scene.drive("accepted")
    # Ordinary track, not extended: switching back to ordinary would be refused, so it is not offered.
    assert buttons(page(client, people.township_handler, detail_url(accepted))) == [
        "extend",
        "switch_to_simplified",
        "reply",
        "resolve",
    ]


def test_an_action_button_leads_to_its_form_without_javascript(client, scene):
    petition = scene.drive("transferred")
    html = page(client, scene.people.township_handler, detail_url(petition))
    url = reverse("workflow:action", args=[petition.pk, "accept"])
    assert f'href="{url}"' in html and f'hx-get="{url}"' in html
    form_page = page(client, scene.people.township_handler, url)
    assert "收到转送、交办事项之日起15日内决定受理" in form_page


# --- detail: deadlines and colours ------------------------------------------------------------------------


def test_detail_lists_every_deadline_with_colour_and_outcome(client, scene):
    petition = scene.drive("transferred")  # registered 03-02, transferred 03-03: accept due 03-18
    scene.do(petition, "sign_for", scene.people.township_handler, "2026-03-03 16:00")
    scene.move(when("2026-03-20"))
    html = page(client, scene.people.township_handler, detail_url(petition))
    colour = region(html, "petition-colour")
    assert "红色（超期）" in colour and "受理并告知" in colour and "超期2天" in colour
    table = region(html, "petition-deadlines")
    route, sign, accept = table.split("<tr>")[2:5]
    assert "登记后分类处理" in route and "绿色" in route and "按期完成" in route and "2026-03-03" in route
    assert "签收" in sign and "绿色" in sign and "按期完成" in sign
    assert "受理并告知" in accept and "2026-03-18" in accept and "红色" in accept and "超期2天" in accept


def test_yellow_and_blue_and_the_extension_are_shown(client, scene):
    petition = scene.drive("accepted")  # accepted 03-05: handling due 05-04 (60 days, holiday rollover)
    due = petition.handling_due_on
    scene.move(when(str(due)))
    html = page(client, scene.people.township_handler, detail_url(petition))
    assert "黄色（临期）" in region(html, "petition-colour") and "今日到期" in html
    scene.do(
        petition,
        "extend",
        scene.people.township_handler,
        str(due),
        days=30,
        reason="需现场勘验",
        approved_by=scene.people.township_leader,
    )
    html = page(client, scene.people.township_handler, detail_url(petition))
    assert "蓝色（在办）" in region(html, "petition-colour")
    assert "已延期30日" in region(html, "petition-deadlines")


def test_a_deadline_in_an_unannounced_year_is_marked_provisional(client, scene):
    petition = scene.petition("2026-12-28 09:00")  # route: 15 days into 2027, whose holidays are not official
    html = page(client, scene.people.registrar, detail_url(petition))
    assert "暂定" in region(html, "petition-deadlines")


def test_detail_query_count_is_bounded_in_every_state(client, scene):
    people = scene.people
    cases = [
        ("registered", people.registrar),
        ("transferred", people.township_handler),
        ("accepted", people.township_handler),
        ("concluded", people.registrar),
        ("under_review", people.reviewer),
        ("terminated", people.bureau_leader),
    ]
    for state, user in cases:
        petition = scene.drive(state)
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(detail_url(petition))
        assert response.status_code == 200
        # 14, plus the outcomes panel's co-handling row, the supporting-unit check of add_support_opinion and
        # the ratings card once the reply is delivered.
        assert len(ctx.captured_queries) <= 17, (state, len(ctx.captured_queries))


# --- documents issued by an action ------------------------------------------------------------------------


def test_the_notice_an_action_issues_is_named_in_the_message_and_listed(client, scene, rendered_notices):
    petition = scene.drive("registered")
    client.force_login(scene.people.registrar)
    response = client.post(
        reverse("workflow:action", args=[petition.pk, "transfer"]),
        {"expected_version": petition.version, "to_unit": scene.org.qingbo_unit.pk},
        follow=True,
    )
    html = response.content.decode()
    document = petition.documents.get()
    assert document.kind == "transfer_notice"
    assert f"已出具文书：{document.title}（{document.number}）" in html
    listed = html[html.index('id="workflow-documents"') :]
    assert document.number in listed
    assert reverse("documents:download_pdf", args=[document.pk]) in listed


# --- the list's 期限 column ------------------------------------------------------------------------------


def test_the_list_shows_each_petitions_colour_and_next_due_date(client, scene):
    overdue = scene.drive("transferred")  # accept due 03-18
    scene.do(overdue, "sign_for", scene.people.township_handler, "2026-03-03 16:00")
    running = scene.drive("accepted")
    done = scene.drive("concluded")
    scene.move(when("2026-03-20"))
    html = page(client, scene.people.registrar, LIST_URL)
    assert '<th scope="col">期限</th>' in html
    rows = {p: row_of(html, p) for p in (overdue, running, done)}
    assert "红色" in rows[overdue] and "2026-03-18" in rows[overdue] and "受理并告知" in rows[overdue]
    assert "蓝色" in rows[running] and str(running.next_due_on) in rows[running]
    assert "绿色" in rows[done]


# --- 我的待办 ---------------------------------------------------------------------------------------------


@pytest.fixture
def worklist(scene):
    """Qingbo's work on 2026-03-20, and some that is not its work."""
    s = scene
    petitions = {
        "to_accept": s.drive("transferred"),
        "handling": s.drive("accepted"),
        "to_deliver": s.drive("replied"),
        "concluded": s.drive("concluded"),
        "registered": s.drive("registered"),
    }
    s.do(petitions["to_accept"], "sign_for", s.people.township_handler, "2026-03-03 16:00")
    hubin = s.petition()
    s.do(hubin, "transfer", s.people.registrar, "2026-03-03", to_unit=s.org.hubin_unit)
    petitions["hubin"] = hubin
    s.move(when("2026-03-20"))
    return petitions


def row_of(html: str, petition) -> str:
    at = html.index(petition.registration_number)
    return html[html.rindex("<tr>", 0, at) : html.index("</tr>", at)]


def todo_numbers(html: str) -> list[str]:
    table = html[html.index('id="todo-table"') : html.index("</table>", html.index('id="todo-table"'))]
    return [chunk.split("<")[0] for chunk in table.split('/">')[1:]]


def test_my_tasks_are_my_units_work_earliest_due_first(client, scene, worklist):
    html = page(client, scene.people.township_handler, TODO_URL)
    expected = [worklist[k].registration_number for k in ("to_deliver", "to_accept", "handling")]
    assert todo_numbers(html) == expected
    to_accept = row_of(html, worklist["to_accept"])
    assert "红色" in to_accept and "受理并告知" in to_accept and "超期2天" in to_accept
    to_deliver = row_of(html, worklist["to_deliver"])
    assert ">送达<" in to_deliver  # the table's name of the deliver action
    assert worklist["hubin"].registration_number not in html
    assert worklist["concluded"].registration_number not in html
    assert 'id="todo-total">3<' in html


def test_the_bureaus_tasks_are_its_registered_petitions(client, scene, worklist):
    html = page(client, scene.people.registrar, TODO_URL)
    assert todo_numbers(html) == [worklist["registered"].registration_number]
    assert "登记后分类处理" in html


def test_another_township_sees_only_its_own_tasks(client, scene, worklist):
    html = page(client, scene.people.other_township_handler, TODO_URL)
    assert todo_numbers(html) == [worklist["hubin"].registration_number]


def test_an_accusation_is_not_a_task_of_its_subject_unit(client, scene):
    org = scene.org
    petition = scene.petition(petition_class="accusation", subject_unit=org.qingbo_unit)
    scene.do(petition, "transfer", scene.people.registrar, "2026-03-03", to_unit=org.discipline)
    html = page(client, scene.people.township_handler, TODO_URL)
    assert petition.registration_number not in html
    assert "暂无待办事项" in html


def test_my_tasks_query_count_does_not_grow_with_rows(client, scene, worklist):
    client.force_login(scene.people.township_handler)
    with CaptureQueriesContext(connection) as few:
        client.get(TODO_URL)
    for _ in range(4):
        scene.drive("accepted")
    scene.move(when("2026-03-20"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(TODO_URL)
    assert response.context["total"] == 7
    assert len(few.captured_queries) == len(many.captured_queries) <= 8


def test_my_tasks_needs_login(client, db):
    assert_login_required(client, TODO_URL)
