"""Two people acting on the same petition at once: one succeeds, the other is told it changed."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.db import connection

from tests.scenes import when
from xinfang.audit.models import Event
from xinfang.petitions.models import Petition, Status
from xinfang.workflow.errors import StaleVersion, TransitionRefused
from xinfang.workflow.services import perform

# Not serialized_rollback: mixing it with other modules' plain transactional tests makes Django reload content
# types that a flush already recreated. The seed data these tests need is put back by `seeded` instead.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def seeded(transactional_db):
    """A transactional test's database may have been emptied by an earlier one: restore the migrations' seeds."""
    from django.apps import apps

    from xinfang.deadlines.models import DeadlinePolicy
    from xinfang.petitions.models import Category

    if not Category.objects.exists():
        importlib.import_module("xinfang.petitions.migrations.0002_default_categories").forwards(apps, None)
    if not DeadlinePolicy.objects.exists():
        importlib.import_module("xinfang.deadlines.migrations.0002_seed_policies").seed(apps, None)


def race(*jobs):
    """Run the jobs in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_second_of_two_concurrent_actions_with_the_same_version_is_refused(scene, people):
    petition = scene.drive("transferred")
    scene.move(when("2026-03-05"))
    version = petition.version
    events = Event.objects.filter(petition=petition).count()

    results = race(
        lambda: perform(
            Petition.objects.get(pk=petition.pk), "accept", people.township_handler, expected_version=version
        ),
        lambda: perform(
            Petition.objects.get(pk=petition.pk),
            "object",
            people.township_leader,
            expected_version=version,
            reason="不属于本单位",
        ),
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1, results
    assert isinstance(refused[0], StaleVersion), refused
    assert str(refused[0]) == "该信访事项已被他人更新，请刷新后重试"
    petition.refresh_from_db()
    assert petition.version == version + 1
    assert petition.status in (Status.ACCEPTED, Status.REGISTERED)
    assert Event.objects.filter(petition=petition).count() == events + 1


def test_concurrent_actions_without_versions_are_serialised(scene, people):
    """Without a version the row lock still serialises them: the second sees the new state and is refused."""
    petition = scene.drive("transferred")
    scene.move(when("2026-03-05"))
    results = race(
        *[
            lambda: perform(Petition.objects.get(pk=petition.pk), "accept", people.township_handler)
            for _ in range(4)
        ]
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 3, results
    assert all(isinstance(r, TransitionRefused) and r.code == "state" for r in refused), refused
    petition.refresh_from_db()
    assert petition.status == Status.ACCEPTED
    assert petition.deadlines.filter(stage="handle").count() == 1
    assert Event.objects.filter(petition=petition, action="accept").count() == 1
