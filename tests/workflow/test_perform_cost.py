"""What ``perform`` costs: a bounded number of queries per action, no search re-index unless an indexed field
changed, the rules version checked once per action, and the caller's object brought up to date."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.scenes import when
from xinfang.deadlines import services as deadline_rules
from xinfang.petitions.models import Petition, Status
from xinfang.search.models import SearchDocument
from xinfang.workflow.services import perform

# Queries per typical action, savepoints not counted (measured: transfer 15 of which 3 re-index the search
# document as the responsible unit changes, accept 12, reply 8, deliver 11, rate 10), with one to spare. Before the
# petition was saved with only its changed fields and no longer reloaded, each took 4-6 more. Two of them are the
# audit chain's: the head read FOR UPDATE and moved (docs/security.md "安全审计").
# Sign-for (process.md §3) added one deadline row to a transfer and its closing to an acceptance; a delivery
# reads the current routing to refuse an assigned matter's unconfirmed result.
# transfer: +1 (17 → 18) for the federation's "which peers are active" read (federation.registry), paid by
# the first transition after its cache (60 s) went cold; the later actions find it cached.
BOUNDS = {"transfer": 18, "accept": 14, "reply": 9, "deliver": 13, "rate": 11}


def _act(scene, petition, action, actor, at, **data):
    scene.move(when(at))
    with CaptureQueriesContext(connection) as queries:
        perform(petition, action, actor, **data)
    # Savepoints depend on how deeply the caller nests transactions: not counted.
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_typical_actions_stay_within_their_query_bounds(scene):
    p, org = scene.people, scene.org
    petition = scene.petition()
    deadline_rules.get_rules()  # warm the per-process cache, as in a running server
    counts = {
        "transfer": _act(scene, petition, "transfer", p.registrar, "2026-03-03", to_unit=org.qingbo_unit),
        "accept": _act(scene, petition, "accept", p.township_handler, "2026-03-05"),
        "reply": _act(
            scene, petition, "reply", p.township_handler, "2026-04-01", opinion="support", text="予以支持。"
        ),
        "deliver": _act(
            scene,
            petition,
            "deliver",
            p.township_handler,
            "2026-04-03",
            method="post",
            received_on="2026-04-03",
        ),
        "rate": _act(scene, petition, "rate", None, "2026-04-07", target="unit", rating="satisfied"),
    }
    assert petition.status == Status.CONCLUDED
    over = {action: len(sql) for action, sql in counts.items() if len(sql) > BOUNDS[action]}
    assert over == {}, "\n\n".join(f"{a}: {counts[a]}" for a in over)
    for action, sql in counts.items():
        token_reads = [s for s in sql if "deadlines_rulesversion" in s]
        assert len(token_reads) <= 1, action
        # One read of the petition (locked); the caller's object is updated without a reload.
        assert sum('FROM "petitions_petition"' in s for s in sql) == 1, action


def test_search_document_is_rewritten_only_when_an_indexed_field_changes(scene):
    p, org = scene.people, scene.org
    petition = scene.petition()
    SearchDocument.objects.filter(petition=petition).update(tokens="stale")

    perform(
        petition, "transfer", p.registrar, at=None, to_unit=org.qingbo_unit
    )  # the responsible unit changes
    tokens = SearchDocument.objects.get(petition=petition).tokens
    assert tokens != "stale"
    assert "清波街道办事处" in tokens.split()

    SearchDocument.objects.filter(petition=petition).update(tokens="stale")
    scene.move(when("2026-03-05"))
    perform(petition, "accept", p.township_handler)  # same responsible unit: no indexed field changes
    scene.move(when("2026-04-01"))
    perform(petition, "reply", p.township_handler, opinion="support", text="予以支持。")
    assert SearchDocument.objects.get(petition=petition).tokens == "stale"
    assert Petition.objects.get(pk=petition.pk).status == Status.REPLIED


def test_only_changed_fields_are_written_and_the_rest_is_kept(scene):
    p, org = scene.people, scene.org
    petition = scene.petition()
    # A column written behind this object's back (no field of the action) survives the action.
    Petition.objects.filter(pk=petition.pk).update(subject_person="张某")
    scene.move(when("2026-03-03"))
    perform(petition, "transfer", p.registrar, to_unit=org.qingbo_unit)
    petition.refresh_from_db()
    assert petition.subject_person == "张某"
    assert petition.responsible_unit_id == org.qingbo_unit.pk
    assert petition.version == 2


def test_callers_object_reflects_the_saved_row(scene):
    p, org = scene.people, scene.org
    petition = scene.petition()
    stale_unit = petition.receiving_unit  # cached relation on the caller's object
    scene.move(when("2026-03-03"))
    perform(petition, "transfer", p.registrar, to_unit=org.qingbo_unit)
    fresh = Petition.objects.get(pk=petition.pk)
    fields = [f.attname for f in Petition._meta.concrete_fields]
    assert {n: getattr(petition, n) for n in fields} == {n: getattr(fresh, n) for n in fields}
    assert petition.responsible_unit == org.qingbo_unit
    assert petition.receiving_unit.pk == stale_unit.pk
    assert petition.next_due_on == fresh.next_due_on is not None


@pytest.mark.django_db
def test_rules_are_checked_once_per_block_but_a_change_inside_it_is_seen():
    with CaptureQueriesContext(connection) as queries, deadline_rules.rules_checked_once():
        first = deadline_rules.get_rules()
        assert deadline_rules.get_rules() is first
        deadline_rules.bump_version()  # a rule saved inside the block
        second = deadline_rules.get_rules()
        assert second is not first
        assert second.token != first.token
        assert deadline_rules.get_rules() is second
    assert _token_reads(queries) == 2  # the first call's, and the one after the change
    with CaptureQueriesContext(connection) as queries:  # outside a block every call checks
        deadline_rules.get_rules()
        deadline_rules.get_rules()
    assert _token_reads(queries) == 2


def _token_reads(queries) -> int:
    return sum('SELECT "deadlines_rulesversion"."token" AS' in q["sql"] for q in queries.captured_queries)
