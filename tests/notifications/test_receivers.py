"""Workflow transitions tell the people who must act, after the transition commits."""

from __future__ import annotations

import pytest
from django.core import mail

from xinfang.notifications.models import Kind, Notification
from xinfang.workflow.errors import TransitionRefused


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_transfer_tells_the_handlers_of_the_receiving_unit(scene, people, django_capture_on_commit_callbacks):
    people.township_handler.email = "zhao@example.cn"
    people.township_handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        petition = scene.transferred()
    note = Notification.objects.get(recipient=people.township_handler)
    assert note.kind == Kind.ROUTED
    assert petition.registration_number in note.title
    assert note.url == f"/petitions/{petition.pk}/"
    assert kinds_for(people.other_township_handler) == []
    assert kinds_for(people.township_leader) == []  # a handler exists, so the head is not bothered
    assert [m.to for m in mail.outbox] == [["zhao@example.cn"]]


def test_nothing_is_sent_before_the_transition_commits(scene, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        scene.transferred()
    assert not Notification.objects.exists()


def test_a_refused_transition_tells_nobody(scene, people, django_capture_on_commit_callbacks):
    petition = scene.petition()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefused):
        scene.do(petition, "transfer", people.township_handler, "2026-03-03", to_unit=scene.org.hubin_unit)
    assert not Notification.objects.exists()


def test_an_objection_tells_the_bureau_that_routed_it(scene, people, django_capture_on_commit_callbacks):
    petition = scene.transferred()
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "object", people.township_handler, "2026-03-04", reason="不属于本街道职责。")
    assert Kind.OBJECTED in kinds_for(people.registrar)
    assert Kind.OBJECTED in kinds_for(people.bureau_handler)
    assert Kind.OBJECTED not in kinds_for(people.bureau_leader)
    body = Notification.objects.filter(kind=Kind.OBJECTED).first().body
    assert "不属于本街道职责" in body


def test_a_dissatisfied_rating_tells_the_supervisor(scene, people, django_capture_on_commit_callbacks):
    petition = scene.transferred()
    h = people.township_handler
    scene.do(petition, "accept", h, "2026-03-05")
    scene.do(petition, "reply", h, "2026-04-01", opinion="support", text="经核查，予以支持。")
    scene.do(petition, "deliver", h, "2026-04-03", method="post", received_on="2026-04-03")
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "rate", people.registrar, "2026-04-05", target="unit", rating="satisfied")
    assert not Notification.objects.filter(kind=Kind.DISSATISFIED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(
            petition,
            "rate",
            people.registrar,
            "2026-04-05",
            target="bureau",
            rating="dissatisfied",
            reason="答复不及时。",
        )
    # bureau_handler holds the supervisor role in the county bureau.
    assert kinds_for(people.bureau_handler) == [Kind.DISSATISFIED]
    assert kinds_for(people.bureau_leader) == []
    assert "答复不及时" in Notification.objects.get(kind=Kind.DISSATISFIED).body


def petitioner_texts():
    from xinfang.notifications.models import SmsMessage

    return list(SmsMessage.objects.order_by("id").values_list("text", flat=True))


def test_the_petitioner_is_told_each_step_by_sms(scene, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        petition = scene.transferred()
    texts = petitioner_texts()
    assert len(texts) == 1
    assert "已转送清波街道办事处办理" in texts[0]
    assert petition.registration_number in texts[0]
    assert "查询码" in texts[0]


def test_steps_the_petitioner_takes_or_the_importer_replays_send_nothing(scene, people):
    from xinfang.notifications import receivers
    from xinfang.workflow.actors import PetitionerActor, UnitActor
    from xinfang.workflow.hooks import Performed

    petition = scene.petition()
    for actor in (None, PetitionerActor(via="portal"), UnitActor(scene.org.bureau)):
        receivers._tell_petitioner(
            Performed(
                petition=petition, event=None, action="transfer", actor=actor, from_status="", to_status=""
            )
        )
    assert petitioner_texts() == []
