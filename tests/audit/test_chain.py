"""The hash chain: every write path chains, `xinfang audit verify` names a row changed, deleted or inserted
by SQL, and an exported archive checks on its own."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import threading
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from xinfang import clock
from xinfang.audit import chain, guard, services, verification
from xinfang.audit.models import AppendOnlyError, ChainHead, Event
from xinfang.petitions import services as petitions

from .. import factories as f
from ..dbroles import owner_settings
from .tamper import tamper


def verify_output() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def verify_failure() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stdout=StringIO())
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.fixture
def trail(people):
    """A few petitions, one by one and in bulk, and an event from `record`: every write path."""
    f.register(people.registrar)
    petitions.register_many([f.registration(), f.registration()], people.registrar)
    services.record(action="note", target=people.registrar, actor=people.registrar, data={"why": "测试"})
    return list(Event.objects.order_by("seq"))


def test_every_write_path_chains_gapless_and_verify_passes(trail):
    assert len(trail) >= 7
    assert [event.seq for event in trail] == list(range(1, len(trail) + 1))
    previous = chain.GENESIS
    for event in trail:
        assert event.hash == chain.link(previous, chain.row_of(event), services.chain_key())
        previous = event.hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (trail[-1].seq, trail[-1].hash)
    assert f"共 {len(trail)} 条" in verify_output()


def test_an_event_cannot_be_saved_outside_the_chain(people):
    event = services.build(action="note", target=people.registrar)
    with pytest.raises(AppendOnlyError):
        event.save()
    assert not Event.objects.filter(action="note").exists()


def test_hash_is_the_same_after_a_round_trip_through_the_database(people):
    data = {"b": [1, 2.5, 1e20], "a": "中文", "n": None}
    services.record(action="note", target=people.registrar, ip_address="0:0:0:0:0:0:0:1", data=data)
    services.record(action="note", target=people.registrar, ip_address="10.0.0.1", reason="理由")
    assert verification.verify().ok


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_row_changed_by_sql(people):
    for _ in range(3):
        f.register(people.registrar)
    victim = Event.objects.order_by("seq")[4]
    assert verification.verify().ok
    tamper("UPDATE audit_event SET reason = %s WHERE id = %s", ["改动", victim.pk])
    message = verify_failure()
    assert f"第 {victim.seq} 号留痕记录（id {victim.pk}）" in message
    assert "改动" in message


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_row_deleted_by_sql_in_the_middle_and_at_the_end(people):
    for _ in range(3):
        f.register(people.registrar)
    events = list(Event.objects.order_by("seq"))
    tamper("DELETE FROM audit_event WHERE id = %s", [events[2].pk])
    message = verify_failure()
    assert f"第 {events[2].seq} 号缺失" in message
    assert f"id {events[3].pk}" in message
    tamper("DELETE FROM audit_event WHERE id = %s", [events[-1].pk])
    # The first break is still the one in the middle; the tail alone:
    assert "删除" in verify_failure()


@pytest.mark.django_db(transaction=True)
def test_verify_names_the_deleted_tail(people):
    for _ in range(2):
        f.register(people.registrar)
    last = Event.objects.order_by("seq").last()
    tamper("DELETE FROM audit_event WHERE id = %s", [last.pk])
    message = verify_failure()
    assert f"第 {last.seq} 号已被删除" in message


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_row_inserted_by_sql(people):
    f.register(people.registrar)
    last = Event.objects.order_by("seq").last()
    forged = {
        "seq": last.seq + 1,
        "target_type": "petition",
        "target_id": str(last.target_id),
        "action": "close",
        "at": last.at,
        "recorded_at": last.recorded_at,
        "changes": {},
        "data": {},
    }
    # A forger who knows the scheme and even the key: a valid link after the last row, but the head does not move.
    forged_hash = chain.link(last.hash, forged, services.chain_key())
    tamper(
        "INSERT INTO audit_event (target_type, target_id, action, at, recorded_at, from_status, to_status,"
        " changes, reason, data, seq, hash) VALUES (%s, %s, %s, %s, %s, '', '', '{}', '', '{}', %s, %s)",
        ["petition", last.target_id, "close", last.at, last.recorded_at, last.seq + 1, forged_hash],
    )
    inserted = Event.objects.get(seq=last.seq + 1)
    message = verify_failure()
    assert f"第 {inserted.seq} 号留痕记录（id {inserted.pk}）" in message
    assert "插入" in message


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_serialise_on_the_chain_head(people):
    errors = []

    def write(n):
        try:
            for i in range(5):
                services.record(action="note", target=people.registrar, data={"writer": n, "i": i})
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(Event.objects.filter(action="note").order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == 30
    assert verification.verify().ok
    assert ChainHead.objects.get().seq == Event.objects.count()


def _archive(**options) -> str:
    out = StringIO()
    call_command("audit", "export", "--output", options.pop("output"), stderr=StringIO(), **options)
    return out.getvalue()


def test_export_then_check_archive_passes_and_names_a_changed_line(trail, tmp_path):
    path = tmp_path / "audit.jsonl"
    _archive(output=str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["first_seq"] == 1 and header["last_seq"] == len(trail)
    assert [json.loads(line)["hash"] for line in lines[1:]] == [event.hash for event in trail]
    out = StringIO()
    call_command("audit", "check-archive", str(path), stdout=out)
    assert f"{len(trail)} 条，完整" in out.getvalue()

    changed = json.loads(lines[3])
    changed["reason"] = "改动"
    lines[3] = json.dumps(changed, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("audit", "check-archive", str(path), stdout=StringIO())
    assert f"第 {changed['seq']} 号留痕记录（id {changed['id']}）" in str(failure.value)


def test_consecutive_archives_join_and_a_dropped_line_is_named(trail, people, tmp_path, frozen_clock):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    day = trail[-1].recorded_at.astimezone(clock.SHANGHAI).date()
    frozen_clock(dt.datetime(day.year, day.month, day.day, 12) + dt.timedelta(days=3))
    services.record(action="note", target=people.registrar, data={"later": True})
    _archive(output=str(first), until=(day + dt.timedelta(days=1)).isoformat())
    _archive(output=str(second), since=(day + dt.timedelta(days=2)).isoformat())
    assert json.loads(first.read_text().splitlines()[0])["last_seq"] == len(trail)
    assert json.loads(second.read_text().splitlines()[0])["first_seq"] == len(trail) + 1
    out = StringIO()
    call_command("audit", "check-archive", str(first), str(second), stdout=out)
    assert out.getvalue().count("完整") == 2
    with pytest.raises(CommandError) as failure:
        call_command("audit", "check-archive", str(second), str(first), stdout=StringIO())
    assert "未接续" in str(failure.value)

    lines = first.read_text(encoding="utf-8").splitlines()
    dropped = json.loads(lines[2])
    first.write_text("\n".join(lines[:2] + lines[3:]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("audit", "check-archive", str(first), stdout=StringIO())
    assert f"第 {dropped['seq']} 号缺失" in str(failure.value)


def test_check_archive_refuses_a_file_that_is_not_an_archive(tmp_path, db):
    path = tmp_path / "x.jsonl"
    path.write_text('{"hello": 1}\n', encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("audit", "check-archive", str(path), stdout=StringIO())
    assert "不是 xinfang 留痕归档" in str(failure.value)


def test_the_migration_chains_existing_rows_as_the_service_does(people):
    if connection.vendor == "postgresql" and owner_settings() is not None:
        pytest.skip("the application's role may not lift the triggers; the owner's migration does")
    # A chain written before the key existed: unkeyed (v1) links, as migration 0004 makes them.
    assert not Event.objects.exists()
    ChainHead.objects.bulk_create([ChainHead(pk=1, seq=0, hash=chain.GENESIS)], ignore_conflicts=True)
    ChainHead.objects.filter(pk=1).update(keyed_from=None)
    services.record(action="note", target=people.registrar, data={"old": True})
    f.register(people.registrar)
    unkeyed = [(event.pk, event.seq, event.hash) for event in Event.objects.order_by("seq")]
    migration = importlib.import_module("xinfang.audit.migrations.0004_hash_chain")
    keyed = importlib.import_module("xinfang.audit.migrations.0006_keyed_chain_and_purge_point")
    historical = (
        MigrationExecutor(connection).loader.project_state(("audit", "0006_keyed_chain_and_purge_point")).apps
    )
    ChainHead.objects.all().delete()
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.chain_existing(historical, editor)
        keyed.key_from_next_row(historical, editor)
        if connection.vendor == "sqlite":
            for trigger in guard.SQLITE_TRIGGERS:
                cursor.execute(trigger)
    after = list(Event.objects.order_by("seq").values_list("pk", "seq", "hash"))
    assert after == unkeyed
    assert verification.verify().ok
    # The next row is keyed, links to the last unkeyed one, and the whole chain still verifies.
    head = ChainHead.objects.get()
    assert head.keyed_from == len(unkeyed) + 1
    services.record(action="note", target=people.registrar, data={"new": True})
    last = Event.objects.order_by("seq").last()
    assert last.hash == chain.link(unkeyed[-1][2], chain.row_of(last), services.chain_key())
    assert verification.verify().ok
