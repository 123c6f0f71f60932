"""Registration's deferred work (petitions.deferral): with a worker (huey not immediate) the search document
and the text signature are written after commit by the task, and equal what the synchronous registration
writes; before the worker came, the petition is still found by its number and by ID number, and the related-
cases panel compares it from its text; the task runs once however often it is queued; a correction first
wins; the sweep picks up what the queue lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY

from tests import factories as f
from xinfang import clock
from xinfang.assist import related
from xinfang.assist.models import SignatureBand, TextSignature
from xinfang.assist.signatures import rows_for
from xinfang.petitions import deferral, hooks, services
from xinfang.petitions.models import DeferredWork, Petition
from xinfang.search.index import document_text
from xinfang.search.models import SearchDocument
from xinfang.search.query import search_petitions

from ..assist.pairs import MATTERS

pytestmark = pytest.mark.django_db

EARLIER, PARAPHRASE = MATTERS[0]["earlier"], MATTERS[0]["paraphrase"]


@pytest.fixture
def with_worker(monkeypatch):
    """As in production: tasks are queued, not run where they are queued."""
    monkeypatch.setattr(HUEY, "immediate", False)


def register_waiting(registrar, capture, **overrides) -> tuple[Petition, list]:
    """Registered and committed (the callbacks captured, not run): the worker has not come yet."""
    with capture(execute=False) as callbacks:
        petition = f.register(registrar, **overrides)
    return petition, callbacks


def written(petition: Petition) -> tuple:
    tokens = SearchDocument.objects.filter(petition=petition).values_list("tokens", flat=True).first()
    signature = TextSignature.objects.filter(petition=petition).values_list("values", "shingles").first()
    bands = sorted(SignatureBand.objects.filter(petition=petition).values_list("band", "hash"))
    return tokens, signature and (bytes(signature[0]), signature[1]), bands


def run_worker(callbacks) -> None:
    """The queued task, run as the worker runs it."""
    HUEY.immediate = True
    try:
        for callback in callbacks:
            callback()
    finally:
        HUEY.immediate = False


def test_the_worker_writes_what_synchronous_registration_writes(
    people, with_worker, django_capture_on_commit_callbacks
):
    petition, callbacks = register_waiting(
        people.registrar, django_capture_on_commit_callbacks, summary=EARLIER[0], content=EARLIER[1]
    )
    assert written(petition) == (None, None, [])
    assert DeferredWork.objects.filter(petition=petition).exists()
    assert len(callbacks) == 1

    run_worker(callbacks)
    after_worker = written(petition)
    assert not DeferredWork.objects.exists()
    signature, bands = rows_for(petition.pk, petition.summary, petition.content)
    assert after_worker[0] == document_text(petition)
    assert after_worker[1] == (bytes(signature.values), signature.shingles)
    assert after_worker[2] == sorted((b.band, b.hash) for b in bands) and len(after_worker[2]) == 128

    # What the registration's own transaction writes when there is no worker: the same rows.
    SearchDocument.objects.filter(petition=petition).delete()
    TextSignature.objects.filter(petition=petition).delete()
    SignatureBand.objects.filter(petition=petition).delete()
    hooks.deferred([Petition.objects.get(pk=petition.pk)], fresh=True)
    assert written(petition) == after_worker


def test_without_a_worker_everything_is_written_in_the_registration(people):
    petition = f.register(people.registrar)
    tokens, signature, bands = written(petition)
    assert tokens and signature and len(bands) == 128
    assert not DeferredWork.objects.exists()


def test_before_the_worker_the_petition_is_found_by_number_and_id_number(
    people, with_worker, django_capture_on_commit_callbacks
):
    person = f.person(8801)
    petition, _ = register_waiting(people.registrar, django_capture_on_commit_callbacks, parties=[person])
    everything = Petition.objects.all()
    for typed in (petition.registration_number, petition.registration_number.lower(), person.id_number):
        assert list(
            search_petitions(everything, typed, user=people.registrar).values_list("pk", flat=True)
        ) == [petition.pk], typed


def test_before_the_worker_the_panel_compares_the_waiting_petition_from_its_text(
    people, org, with_worker, django_capture_on_commit_callbacks
):
    waiting, callbacks = register_waiting(
        people.registrar,
        django_capture_on_commit_callbacks,
        summary=EARLIER[0],
        content=EARLIER[1],
        received_at=clock.now() - dt.timedelta(days=3),
    )
    query = related.Query(summary=PARAPHRASE[0], content=PARAPHRASE[1])
    before = [(row.petition.pk, row.score) for row in related.panel(query, people.registrar).similar]
    assert before and before[0][0] == waiting.pk
    run_worker(callbacks)
    after = [(row.petition.pk, row.score) for row in related.panel(query, people.registrar).similar]
    assert after == before  # the same rows and scores once the signature is stored


def test_the_waiting_petition_is_compared_only_within_the_readers_scope(
    people, org, with_worker, django_capture_on_commit_callbacks
):
    housing = f.UserFactory(username="zjj_reader", unit=org.housing)
    register_waiting(
        people.registrar,
        django_capture_on_commit_callbacks,
        summary=EARLIER[0],
        content=EARLIER[1],
        petition_class="accusation",
        subject_unit=org.housing,
    )
    query = related.Query(summary=PARAPHRASE[0], content=PARAPHRASE[1])
    assert related.panel(query, housing).similar == []


def test_the_task_twice_writes_once(people, with_worker, django_capture_on_commit_callbacks):
    petition, callbacks = register_waiting(people.registrar, django_capture_on_commit_callbacks)
    run_worker(callbacks)
    first = written(petition)
    assert deferral.run() == 0  # nothing waiting any more
    hooks.deferred([petition], fresh=False)  # the callbacks themselves skip what exists
    assert written(petition) == first
    assert SearchDocument.objects.filter(petition=petition).count() == 1
    assert SignatureBand.objects.filter(petition=petition).count() == 128


def test_a_correction_before_the_worker_is_kept(people, with_worker, django_capture_on_commit_callbacks):
    petition, callbacks = register_waiting(people.registrar, django_capture_on_commit_callbacks)
    services.correct_details(
        petition, {"summary": "反映小区电梯长期故障"}, people.registrar, reason="摘要有误"
    )
    corrected = written(petition)
    assert "电梯" in corrected[0].split()
    run_worker(callbacks)
    assert written(petition) == corrected
    assert TextSignature.objects.filter(petition=petition).count() == 1
    assert not DeferredWork.objects.exists()


def test_the_sweep_runs_what_the_queue_lost(people, with_worker, django_capture_on_commit_callbacks):
    lost, _ = register_waiting(people.registrar, django_capture_on_commit_callbacks)  # its task never runs
    assert deferral.sweep() == 0  # queued a moment ago: its task may still come
    with clock.frozen(clock.now() + deferral.SWEEP_AFTER + dt.timedelta(seconds=1)):
        assert deferral.sweep() == 1
    tokens, signature, bands = written(lost)
    assert tokens and signature and len(bands) == 128
    assert not DeferredWork.objects.exists()


def test_a_chunk_queues_one_task(people, with_worker, django_capture_on_commit_callbacks):
    registrations = [f.registration(parties=[f.person(8900 + i)]) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcomes = services.register_many(registrations, people.registrar)
    assert len(callbacks) == 1 and DeferredWork.objects.count() == 5
    run_worker(callbacks)
    assert SearchDocument.objects.filter(petition__in=[o.petition for o in outcomes]).count() == 5
    assert not DeferredWork.objects.exists()


def test_with_a_worker_a_registration_runs_fewer_statements(
    people, with_worker, django_capture_on_commit_callbacks
):
    f.register(people.registrar)  # the sequence row exists
    with CaptureQueriesContext(connection) as deferred, django_capture_on_commit_callbacks(execute=False):
        services.register(f.registration(parties=[f.person(8701)]), people.registrar)
    HUEY.immediate = True
    try:
        with CaptureQueriesContext(connection) as synchronous:
            services.register(f.registration(parties=[f.person(8702)]), people.registrar)
    finally:
        HUEY.immediate = False
    # Gone from the request: the unit names, the parties' names and the document (search); the signature
    # and its bands (assist; COPY on PostgreSQL, which Django does not count). Added: the DeferredWork rows.
    assert len(deferred) <= len(synchronous) - 3
