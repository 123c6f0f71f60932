"""Instructions (阅批): submit, the leader's queue, 批示 to units, a dated one supervised, units answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.audit.models import Event
from xinfang.leaders import selectors
from xinfang.leaders.models import Submission, SubmissionStatus
from xinfang.leaders.services import instructions as service
from xinfang.petitions.models import PetitionClass
from xinfang.supervision.models import ReasonKind, Supervision, SupervisionStatus
from xinfang.workflow.services import perform

from .. import factories as f
from ..conftest import stop_clock
from .conftest import at

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2025, 10, 9)


@pytest.fixture
def petition(people, org, silence_notices):
    stop_clock(at(TODAY))
    petition = f.register(people.registrar)
    perform(petition, "transfer", people.registrar, to_unit=org.qingbo_unit)
    return petition


def test_submit_queue_instruct_without_date_and_answer(people, leaders, petition, org):
    submission = service.submit(
        people.registrar, petition=petition, leader=leaders.county, note="群众反映强烈"
    )
    assert list(selectors.queue_of(leaders.county)) == [submission]
    assert list(selectors.queue_of(leaders.county2)) == []
    with pytest.raises(ValidationError) as error:
        service.submit(people.registrar, petition=petition, leader=leaders.county)
    assert error.value.message_dict["leader"] == ["该事项已呈该领导阅批，尚未批示。"]
    with pytest.raises(PermissionDenied):
        service.instruct(submission, leaders.county2, text="请办理", units=[org.qingbo_unit])
    instruction = service.instruct(
        submission, leaders.county, text="请清波街道依法处理", units=[org.qingbo_unit]
    )
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.INSTRUCTED
    assert list(selectors.queue_of(leaders.county)) == []
    target = instruction.targets.get()
    assert target.supervision is None
    answered = service.answer(target, people.township_handler, text="已约谈信访人，正在核实")
    assert answered.answered_on_time is None  # no date, so neither on time nor late
    assert list(Event.objects.filter(petition=petition).values_list("action", flat=True).order_by("id"))[
        -3:
    ] == [
        "submit_to_leader",
        "write_instruction",
        "answer_instruction",
    ]


def test_a_dated_instruction_opens_a_supervision_and_the_answer_closes_the_loop(
    people, leaders, petition, org
):
    submission = service.submit(people.bureau_handler, petition=petition, leader=leaders.county)
    instruction = service.instruct(
        submission,
        leaders.county,
        text="请于月底前报结果",
        units=[org.qingbo_unit],
        response_due=D(2025, 10, 31),
    )
    target = instruction.targets.get()
    opened = Supervision.objects.get(pk=target.supervision_id)
    assert (opened.reason_kind, opened.unit, opened.response_due) == (
        ReasonKind.LEADER_INSTRUCTION,
        org.qingbo_unit,
        D(2025, 10, 31),
    )
    assert opened.opened_by == people.bureau_handler and "请于月底前报结果" in opened.text
    stop_clock(at(D(2025, 11, 3)))
    answered = service.answer(target, people.township_handler, text="已化解")
    assert answered.answered_on_time is False
    opened.refresh_from_db()
    assert opened.status == SupervisionStatus.ANSWERED
    with pytest.raises(ValidationError):
        service.answer(target, people.township_handler, text="再答")


def test_a_dated_instruction_to_a_unit_that_does_not_handle_it_writes_nothing(people, leaders, petition, org):
    submission = service.submit(people.registrar, petition=petition, leader=leaders.county)
    with pytest.raises(ValidationError) as error:
        service.instruct(
            submission, leaders.county, text="请办理", units=[org.housing], response_due=D(2025, 10, 31)
        )
    assert "上城区住房和城乡建设局" in error.value.message_dict["units"][0]
    assert not Supervision.objects.exists()
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.PENDING


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"text": " "}, "text", "请填写批示内容。"),
        ({"units": []}, "units", "请选择批示的承办单位。"),
        ({"response_due": D(2025, 10, 1)}, "response_due", "回复期限不能早于今天。"),
    ],
)
def test_bad_instructions_are_refused(people, leaders, petition, org, kwargs, field, message):
    submission = service.submit(people.registrar, petition=petition, leader=leaders.county)
    with pytest.raises(ValidationError) as error:
        service.instruct(
            submission, leaders.county, **({"text": "请办理", "units": [org.qingbo_unit]} | kwargs)
        )
    assert error.value.message_dict[field] == [message]
    assert not Event.objects.filter(action="write_instruction").exists()


def test_submit_refuses_an_outside_leader_and_an_accusation_stays_away_from_the_accused(people, leaders, org):
    stop_clock(at(TODAY))
    plain = f.register(people.registrar)
    with pytest.raises(ValidationError) as error:
        service.submit(people.registrar, petition=plain, leader=leaders.other)
    assert error.value.message_dict["leader"] == ["该领导不在本信访部门的管辖范围内。"]
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.qingbo_unit,
        category=f.category("纪检监察"),
    )
    submission = service.submit(people.registrar, petition=accusation, leader=leaders.county)
    with pytest.raises(ValidationError) as error:
        service.instruct(submission, leaders.county, text="请查处", units=[org.qingbo_unit])
    assert "被检举单位" in error.value.message_dict["units"][0]
    assert not selectors.targets_for_unit(people.township_handler).exists()


def test_the_leader_hears_of_a_submission_and_the_unit_of_an_undated_instruction(
    people, leaders, petition, org
):
    from xinfang.notifications.models import Notification

    submission = service.submit(people.registrar, petition=petition, leader=leaders.county)
    assert (
        Notification.objects.get(recipient=leaders.county).title
        == f"请阅批：信访事项{petition.registration_number}"
    )
    service.instruct(submission, leaders.county, text="请依法处理", units=[org.qingbo_unit])
    told = Notification.objects.filter(recipient=people.township_handler).values_list("body", flat=True)
    assert list(told) == ["请依法处理"]
