"""The registration seam (`petitions.hooks`): other apps' rows come only from their callbacks."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.audit.models import Event
from xinfang.petitions import hooks, services
from xinfang.petitions.models import Petition, PetitionParty
from xinfang.search.models import SearchDocument
from xinfang.workflow.models import Deadline

from .. import factories as f

NOW = dt.datetime(2026, 6, 10, 15, 0)


@pytest.fixture
def now(frozen_clock):
    return frozen_clock(NOW)


@pytest.fixture
def no_callbacks(monkeypatch):
    monkeypatch.setattr(hooks, "_before_insert", [])
    monkeypatch.setattr(hooks, "_after_insert", [])
    monkeypatch.setattr(hooks, "_deferred", [])


def test_with_no_callbacks_registration_writes_the_petitions_and_nothing_of_other_apps(
    people, now, no_callbacks
):
    outcomes = services.register_many(
        [f.registration(parties=[f.person(801)]), f.registration(parties=[f.person(802)])], people.registrar
    )

    assert all(isinstance(o, services.Registered) for o in outcomes)
    assert Petition.objects.count() == 2
    assert PetitionParty.objects.count() == 2
    assert Event.objects.filter(action="register").count() == 2
    assert not Deadline.objects.exists()
    assert not SearchDocument.objects.exists()
    assert set(Petition.objects.values_list("next_due_on", flat=True)) == {None}


def test_the_installed_apps_start_deadlines_and_index_the_new_petitions(people, now):
    petition = f.register(people.registrar)

    assert Deadline.objects.filter(petition=petition).exists()
    assert petition.next_due_on is not None
    assert SearchDocument.objects.filter(petition=petition).exists()


def test_before_insert_sees_unsaved_rows_and_after_insert_the_same_rows_with_keys(people, now, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "_before_insert", [lambda rows: seen.append(("before", [p.pk for p in rows]))])
    monkeypatch.setattr(hooks, "_after_insert", [lambda rows: seen.append(("after", [p.pk for p in rows]))])

    outcomes = services.register_many(
        [f.registration(parties=[f.person(803)]), f.registration(parties=[f.person(804)])], people.registrar
    )

    keys = [o.petition.pk for o in outcomes]
    assert seen == [("before", [None, None]), ("after", keys)]


def test_a_callback_registered_twice_runs_once(monkeypatch):
    monkeypatch.setattr(hooks, "_after_insert", [])
    calls = []

    def callback(rows):
        calls.append(len(rows))

    hooks.register_after_insert(callback)
    hooks.register_after_insert(callback)
    hooks.after_insert([])

    assert calls == [0]
