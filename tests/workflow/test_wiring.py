"""What the workflow adds to lower apps through their hooks, and the periodic job it gives the worker."""

from __future__ import annotations

import datetime as dt

from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from tests.scenes import when
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.selectors import visible_to
from xinfang.workflow import tasks
from xinfang.workflow.models import DeadlineStatus
from xinfang.workflow.selectors import sent_to


def test_a_unit_sees_what_was_sent_to_it_through_the_workflows_scope(scene, org, people):
    assert sent_to in petition_selectors.unit_scopes  # registered by WorkflowConfig.ready()
    petition = scene.petition()
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.housing)
    scene.do(petition, "object", people.department_handler, "2026-03-04", reason="不属于本部门职责")
    petition.refresh_from_db()
    assert petition.responsible_unit is None and petition.receiving_unit != org.housing
    assert visible_to(people.department_handler).filter(pk=petition.pk).exists()


def test_without_the_hook_a_unit_sees_only_what_it_received_or_is_responsible_for(
    scene, org, people, monkeypatch
):
    petition = scene.petition()
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.housing)
    scene.do(petition, "object", people.department_handler, "2026-03-04", reason="不属于本部门职责")
    held = scene.petition("2026-03-05 09:00")
    scene.do(held, "transfer", people.registrar, "2026-03-05 10:00", to_unit=org.housing)
    monkeypatch.setattr(petition_selectors, "unit_scopes", [])
    visible = set(visible_to(people.department_handler).values_list("pk", flat=True))
    assert petition.pk not in visible  # only sent there once: the routing scope is what showed it
    assert held.pk in visible  # responsible for it now


def test_the_worker_closes_expired_windows_daily(scene):
    autodiscover_modules("tasks")  # what ``run_huey`` does when the worker starts
    midnight_in_shanghai = dt.datetime(2026, 5, 6, 16, 5)  # huey reads crontabs in UTC
    due = [type(task) for task in HUEY.read_periodic(midnight_in_shanghai)]
    assert tasks.expire_windows_task.task_class in due
    an_hour_later = [type(task) for task in HUEY.read_periodic(dt.datetime(2026, 5, 6, 17, 5))]
    assert tasks.expire_windows_task.task_class not in an_hour_later  # once a day
    petition = scene.concluded()  # the rating windows end 05-06
    scene.move(when("2026-05-07 00:05"))
    assert tasks.expire_windows_task.call_local() == 2
    windows = petition.deadlines.filter(stage="rating")
    assert {(w.status, w.on_time) for w in windows} == {(DeadlineStatus.MISSED, False)}
