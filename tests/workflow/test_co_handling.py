"""Co-handling (主办 / 协办, process.md §3): the bureau names the lead unit (the unit handling the matter) and
supporting units; supporting units see the matter, find it in their to-do list and add opinions, but never
reply; the figures count it for the lead unit only; an accused unit never supports; every refusal changes
nothing."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.scenes import when
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_to
from xinfang.stats import rates
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.workflow import todo
from xinfang.workflow.co_handling import co_handling_of
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.models import CoHandler
from xinfang.workflow.services import perform

from .conftest import snapshot


def co_handle(scene, petition, supporting, at="2026-03-05 15:00", **data):
    people, org = scene.people, scene.org
    data.setdefault("lead_unit", org.qingbo_unit)
    return scene.do(
        petition, "set_co_handlers", people.bureau_handler, at, supporting_units=supporting, **data
    )


def refused(petition, actor, action="set_co_handlers", **data):
    before = (snapshot(petition), CoHandler.objects.filter(petition=petition).count())
    with pytest.raises(TransitionRefused) as caught:
        perform(petition, action, actor, **data)
    assert (snapshot(petition), CoHandler.objects.filter(petition=petition).count()) == before
    return caught.value


def test_a_supporting_unit_sees_the_matter_and_its_to_do_but_may_not_reply(scene, org, people):
    petition = scene.drive("accepted")
    assert not visible_to(people.department_handler).filter(pk=petition.pk).exists()
    event = co_handle(scene, petition, [org.housing], text="联席会议议定")
    assert event.data["lead_unit"] == org.qingbo_unit.code
    assert event.data["supporting_units"] == [org.housing.code]
    found = co_handling_of(petition)
    assert found.lead == org.qingbo_unit and found.supporting == [org.housing]

    assert visible_to(people.department_handler).filter(pk=petition.pk).exists()
    assert not visible_to(people.other_township_handler).filter(pk=petition.pk).exists()
    tasks = {p.pk: p for p in todo.my_tasks(people.department_handler)}
    assert tasks[petition.pk].task_stage == todo.SUPPORT
    assert tasks[petition.pk].task_due_on == petition.handling_due_on
    assert todo.counts_by_stage(todo.tasks(people.department_handler))[todo.SUPPORT] == 1
    # The lead unit's own list still shows its handling period, not a support task.
    lead_tasks = {p.pk: p for p in todo.my_tasks(people.township_handler)}
    assert lead_tasks[petition.pk].task_stage == "handle"

    scene.do(petition, "add_support_opinion", people.department_handler, "2026-03-06", text="建议按政策解决")
    assert petition.events.get(action="add_support_opinion").reason == "建议按政策解决"
    problem = refused(petition, people.department_handler, "reply", opinion="support", text="予以支持")
    assert problem.code == "unit" and "责任单位" in problem.reason
    # Only a supporting unit adds a support opinion.
    problem = refused(petition, people.other_township_handler, "add_support_opinion", text="意见")
    assert problem.code == "unit" and "协办单位" in problem.reason

    scene.do(petition, "reply", people.township_handler, "2026-04-01", opinion="support", text="予以支持")
    assert petition.status == "replied"
    # Delivered: the support task is gone.
    scene.do(
        petition, "deliver", people.township_handler, "2026-04-03", method="post", received_on="2026-04-03"
    )
    assert petition.pk not in {p.pk for p in todo.my_tasks(people.department_handler)}


def test_setting_again_replaces_the_supporting_units(scene, org, people):
    petition = scene.drive("accepted")
    co_handle(scene, petition, [org.housing])
    co_handle(scene, petition, [org.hubin_unit], at="2026-03-06")
    assert co_handling_of(petition).supporting == [org.hubin_unit]
    assert CoHandler.objects.filter(petition=petition).count() == 4  # the earlier rows kept, not current
    assert not visible_to(people.department_handler).filter(pk=petition.pk).exists()
    assert visible_to(people.other_township_handler).filter(pk=petition.pk).exists()


def test_a_transferred_matter_is_led_by_the_unit_it_was_sent_to(scene, org, people):
    petition = scene.drive("transferred")
    co_handle(scene, petition, [org.housing.code], at="2026-03-04")
    assert co_handling_of(petition).lead == org.qingbo_unit


def test_bad_co_handlers_are_refused_with_reasons_and_change_nothing(scene, org, people):
    petition = scene.drive("accepted")
    scene.move(when("2026-03-06"))
    bureau = people.bureau_handler
    no_lead = refused(petition, bureau, supporting_units=[org.housing])
    assert (no_lead.field, no_lead.reason) == ("lead_unit", "请指定主办单位。")
    none = refused(petition, bureau, lead_unit=org.qingbo_unit, supporting_units=[])
    assert (none.field, none.reason) == ("supporting_units", "请至少指定一个协办单位。")
    lead_too = refused(
        petition, bureau, lead_unit=org.qingbo_unit, supporting_units=[org.housing, org.qingbo_unit]
    )
    assert (lead_too.field, lead_too.reason) == ("supporting_units", "主办单位不能同时是协办单位。")
    other_lead = refused(petition, bureau, lead_unit=org.housing, supporting_units=[org.hubin_unit])
    assert other_lead.field == "lead_unit" and "清波街道办事处" in other_lead.reason
    unknown = refused(petition, bureau, lead_unit=org.qingbo_unit, supporting_units=["NOPE"])
    assert "协办单位“NOPE”不存在" in unknown.reason
    outside = refused(petition, bureau, lead_unit=org.qingbo_unit, supporting_units=[org.other_bureau])
    assert "不在上城区" in outside.reason
    township = refused(
        petition, people.township_handler, lead_unit=org.qingbo_unit, supporting_units=[org.housing]
    )
    assert township.code == "unit" and "辖区信访部门" in township.reason
    registered = scene.petition("2026-03-06 08:00")
    state = refused(registered, bureau, lead_unit=org.bureau, supporting_units=[org.housing])
    assert state.code == "state" and "不能确定主办协办单位" in state.reason


def test_an_accused_unit_is_never_a_supporting_unit(scene, org, people):
    petition = scene.petition(
        petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing, category=f.category("纪检监察")
    )
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.discipline)
    scene.move(when("2026-03-04"))
    problem = refused(
        petition,
        people.bureau_handler,
        lead_unit=org.discipline,
        supporting_units=[org.qingbo_unit, org.housing],
    )
    assert problem.code == "confidential" and "不得由被检举控告的单位协办" in problem.reason
    assert not visible_to(people.department_handler).filter(pk=petition.pk).exists()


def test_the_figures_count_a_co_handled_matter_for_the_lead_unit_only(scene, org, people):
    petition = scene.drive("accepted")
    co_handle(scene, petition, [org.housing])
    scene.do(petition, "add_support_opinion", people.department_handler, "2026-03-10", text="意见")
    scene.do(petition, "reply", people.township_handler, "2026-04-01", opinion="support", text="予以支持")
    ctx = Ctx.of(
        Period.between(when("2026-03-01").date(), when("2026-06-30").date()), when("2026-06-30").date()
    )
    for defn in (rates.TIMELY_ACCEPTANCE, rates.ON_TIME_CONCLUSION, rates.FIRST_PETITION_ON_TIME):
        assert rates.rate(defn, Scope(unit=org.qingbo_unit), ctx) == rates.Rate(1, 1), defn.key
        assert rates.rate(defn, Scope(unit=org.housing), ctx) == rates.ZERO, defn.key
        by_unit = rates.rates_by_unit(defn, ctx)
        assert org.housing.pk not in by_unit and by_unit[org.qingbo_unit.pk] == rates.Rate(1, 1)
