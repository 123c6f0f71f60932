"""Every hand-over of the transition table tells someone who can take the next step, and nobody who may not
see the petition (issue 13, item 2)."""

from __future__ import annotations

import pytest
from django.core import mail

from tests import factories as f
from xinfang.notifications import receivers
from xinfang.notifications.models import Notification, SmsMessage
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_to
from xinfang.workflow import handovers
from xinfang.workflow.actors import PetitionerActor, UnitActor
from xinfang.workflow.handovers import HANDOVERS, NO_HANDOVER, TO_PETITIONER, may_take
from xinfang.workflow.selectors import available_actions
from xinfang.workflow.transitions import TABLE

REVIEWED = {"decision": "uphold", "text": "维持", "received_on": "2026-04-22"}


def test_every_row_of_the_table_is_classified_once():
    handed, stays = set(HANDOVERS) | set(TO_PETITIONER), set(NO_HANDOVER)
    assert handed | stays == set(TABLE)
    assert not handed & stays
    assert not set(HANDOVERS) & set(TO_PETITIONER)


def test_each_handover_names_actions_of_the_table_and_has_a_message():
    for action, handover in HANDOVERS.items():
        assert handover.next, action
        for row in handover.rows:
            assert row.unit is not None, (action, row.action)
            assert set(handover.tell) & row.roles, (action, row.action)
    assert set(receivers.HANDOVER_MESSAGES) == set(HANDOVERS)
    assert set(receivers.PETITIONER_MESSAGES) >= set(TO_PETITIONER)


# Each hand-over, staged: (the state to bring a petition to, who acts, the action's data).
def stage(scene, people, org, action):
    p = people
    plans = {
        "transfer": ("registered", p.registrar, {"to_unit": org.qingbo_unit}),
        "assign": ("registered", p.registrar, {"to_unit": org.housing, "report_days": 30}),
        "object": ("transferred", p.township_handler, {"reason": "不属于本街道职责。"}),
        # The unit's head accepts; its handlers then work the case.
        "accept": ("transferred", p.township_leader, {}),
        "handle_self": ("registered", p.registrar, {}),
        # The handler replies; someone else in the unit (its head, here) may deliver.
        "reply": ("accepted", p.township_handler, {"opinion": "support", "text": "予以支持"}),
        "request_review": ("concluded", None, {}),
        "request_re_review": ("reviewed", None, {}),
        # The assigning bureau's actions on an assigned matter: the unit working it is told.
        "urge": ("assigned", p.bureau_handler, {"text": "请尽快受理"}),
        "add_supplement": ("accepted", p.registrar, {"text": "信访人补充了材料"}),
        "confirm_conclusion": ("replied", p.bureau_handler, {}),
        "return_for_rework": ("replied", p.bureau_handler, {"reason": "未说明依据"}),
    }
    return plans[action]


ASSIGNED = {"urge", "add_supplement", "confirm_conclusion", "return_for_rework"}


ON = {
    "transfer": "2026-03-03",
    "assign": "2026-03-03",
    "object": "2026-03-04",
    "accept": "2026-03-05",
    "handle_self": "2026-03-03",
    "reply": "2026-04-01",
    "request_review": "2026-04-10",
    "request_re_review": "2026-04-25",
    "urge": "2026-03-04",
    "add_supplement": "2026-03-06",
    "confirm_conclusion": "2026-04-02",
    "return_for_rework": "2026-04-02",
}


@pytest.mark.parametrize("action", sorted(HANDOVERS))
def test_each_handover_tells_someone_who_can_act_next(
    action, scene, org, people, django_capture_on_commit_callbacks
):
    assert scene.city_reviewer.unit == org.city_bureau  # the city bureau has a reviewer for the re-review
    state, actor, data = stage(scene, people, org, action)
    petition = scene.drive(state, assigned=action in ASSIGNED)
    before = set(Notification.objects.values_list("id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, action, actor, ON[action], **data)
    told = [n for n in Notification.objects.select_related("recipient__unit") if n.id not in before]
    assert told, f"{action} told nobody"
    next_actions = set(HANDOVERS[action].next)
    for note in told:
        user = note.recipient
        assert note.petition_id == petition.pk
        # The same check `perform` makes: state, role and unit.
        offered = {row.action for row in available_actions(petition, user)}
        assert offered & next_actions, (action, user.username, offered)
        assert visible_to(user).filter(pk=petition.pk).exists(), (action, user.username)
        assert user != actor


def test_an_assigned_reply_reaches_the_assigning_bureau_first(
    scene, people, django_capture_on_commit_callbacks
):
    petition = scene.drive("accepted", assigned=True)
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "reply", people.township_handler, "2026-04-01", opinion="support", text="予以支持")
    note = Notification.objects.get(recipient=people.bureau_handler, petition=petition)
    assert "待交办机关审核认定办结" in note.title
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "return_for_rework", people.bureau_handler, "2026-04-02", reason="未说明政策依据")
    back = Notification.objects.get(recipient=people.township_handler, petition=petition, kind="returned")
    assert "退回重办" in back.title and "未说明政策依据" in back.body


def test_a_review_request_from_the_portal_reaches_the_reviewers(
    scene, people, django_capture_on_commit_callbacks
):
    petition = scene.drive("concluded")
    people.reviewer.email = "fucha@example.cn"
    people.reviewer.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "request_review", None, "2026-04-10", text="不服处理意见。")
    note = Notification.objects.get(recipient=people.reviewer, petition=petition)
    assert "复查请求" in note.title
    assert "2026年05月" in note.body  # the review's 30 days
    # The bureau leader may also decide a review, but the reviewers are told first.
    assert not Notification.objects.filter(recipient=people.bureau_leader, petition=petition).exists()
    assert ["fucha@example.cn"] in [m.to for m in mail.outbox]


def test_handovers_replayed_by_the_importer_tell_nobody(
    scene, org, people, django_capture_on_commit_callbacks
):
    petition = scene.drive("concluded")
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "request_review", PetitionerActor(via="import"), "2026-04-10")
    assert not Notification.objects.filter(petition=petition, recipient=people.reviewer).exists()
    fresh = scene.petition()
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(fresh, "transfer", UnitActor(org.bureau), "2026-03-03", to_unit=org.qingbo_unit)
    assert not Notification.objects.filter(petition=fresh).exists()


@pytest.mark.parametrize("action", sorted(TO_PETITIONER))
def test_when_the_petitioner_acts_next_they_are_texted(
    action, scene, people, django_capture_on_commit_callbacks
):
    state = {"deliver": "replied", "review_opinion": "under_review"}[action]
    petition = scene.drive(state)
    data = {
        "deliver": {"method": "post", "received_on": "2026-04-03"},
        "review_opinion": REVIEWED,
    }[action]
    actor = {"deliver": people.township_handler, "review_opinion": people.reviewer}[action]
    on = {"deliver": "2026-04-03", "review_opinion": "2026-04-22"}[action]
    SmsMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, action, actor, on, **data)
    texts = list(SmsMessage.objects.values_list("text", flat=True))
    assert any("30日内" in text for text in texts), texts
    offered = {row.action for row in available_actions(petition, PetitionerActor())}
    assert set(TO_PETITIONER[action]) <= offered


# --- Accusations: never to the accused unit (Arts. 30, 46) --------------------------------------------------


def accusation(scene, org):
    return scene.petition(
        petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing, category=f.category("纪检监察")
    )


def test_an_accusation_handover_never_reaches_the_accused_unit(
    scene, org, people, django_capture_on_commit_callbacks
):
    petition = accusation(scene, org)
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.discipline)
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "object", people.discipline_handler, "2026-03-04", reason="请重新分类。")
    told = set(Notification.objects.filter(petition=petition).values_list("recipient__username", flat=True))
    assert people.discipline_handler.username in told
    assert {"registrar", "bureau_handler"} <= told
    assert not told & {people.department_handler.username, people.department_leader.username}


def test_nobody_who_cannot_see_the_petition_is_told_even_if_their_role_fits(scene, org, people):
    petition = accusation(scene, org)
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.discipline)
    assert not handovers.can_see(people.department_handler, petition)
    assert not may_take(people.department_handler, petition, ("accept",))
    assert handovers.can_see(people.discipline_handler, petition)
    # A message written anyway for someone in the accused unit would be held back by the recipient rule.
    assert people.department_handler not in handovers.recipients(petition, "transfer", people.registrar)


def test_a_failing_mail_server_does_not_break_the_transition(
    scene, org, people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_handovers.BrokenBackend"
    people.township_handler.email = "zhao@example.cn"
    people.township_handler.save()
    petition = scene.petition()
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.qingbo_unit)
    petition.refresh_from_db()
    assert petition.status == "transferred"
    assert Notification.objects.filter(recipient=people.township_handler, petition=petition).exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_docs_show_the_current_handovers():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "workflow.md"
    assert handovers.as_markdown() in docs.read_text(encoding="utf-8")
