"""Audit retention and purge, and the keyed chain (issue 12): `xinfang audit purge --before DATE` refuses what
is younger than the retention period and what is not archived, deletes only as the owner, and leaves
`audit verify` checking from the new first row; a row re-hashed without the key is named by `verify`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xinfang import clock
from xinfang.audit import chain, services, verification
from xinfang.audit.models import ChainHead, Event
from xinfang.manage import runs_as_owner

from .. import factories as f
from ..dbroles import owner_settings
from .tamper import tamper

pytestmark = pytest.mark.django_db(transaction=True)

OLD = dt.datetime(2025, 1, 6, 10, 0, tzinfo=clock.SHANGHAI)
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture
def trail(people, frozen_clock):
    """Three old events (January 2025) and two recent ones (March 2026)."""
    frozen_clock(OLD)
    for n in range(3):
        services.record(action="note", target=people.registrar, data={"n": n})
    frozen_clock(NOW - dt.timedelta(days=1))
    f.register(people.registrar)
    frozen_clock(NOW)
    return list(Event.objects.order_by("seq"))


def run(*args) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args) -> str:
    with pytest.raises(CommandError) as failure:
        run(*args)
    assert failure.value.returncode == 1
    return str(failure.value)


def archive(tmp_path, until: str = "2025-12-31"):
    path = tmp_path / "audit-2025.jsonl"
    run("export", "--until", until, "--output", str(path))
    return path


def restricted() -> bool:
    return connection.vendor == "postgresql" and owner_settings() is not None


def test_a_purge_inside_the_retention_period_is_refused(trail, tmp_path, settings):
    settings.XF_AUDIT_RETENTION_DAYS = 180
    path = archive(tmp_path, until=NOW.date().isoformat())
    message = refused(
        "purge", "--before", (NOW.date() - dt.timedelta(days=30)).isoformat(), "--archive", str(path)
    )
    assert "至少保存 180 天" in message
    assert Event.objects.count() == len(trail)


def test_a_purge_without_an_archive_is_refused(trail, tmp_path):
    assert "先导出归档" in refused("purge", "--before", "2025-06-01")
    # An archive that does not reach the rows to purge is refused as well.
    partial = tmp_path / "partial.jsonl"
    run("export", "--until", "2024-12-31", "--output", str(partial))
    assert "没有留痕记录" in refused("purge", "--before", "2025-06-01", "--archive", str(partial))
    assert Event.objects.count() == len(trail)


def test_an_archive_changed_after_export_is_refused(trail, tmp_path):
    path = archive(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["reason"] = "改动"
    lines[2] = json.dumps(row, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "校验失败" in refused("purge", "--before", "2025-06-01", "--archive", str(path))
    assert Event.objects.count() == len(trail)


def test_the_purge_deletes_the_archived_old_rows_and_verify_checks_from_the_new_first_row(trail, tmp_path):
    if restricted():
        pytest.skip("the application's role may not delete; see test_the_application_role_cannot_purge")
    path = archive(tmp_path)
    out = run("purge", "--before", "2025-06-01", "--archive", str(path))
    assert "已删除 3 条" in out
    assert not Event.objects.filter(seq__lte=3).exists()
    head = ChainHead.objects.get()
    assert head.first_seq == 4 and head.anchor_hash == trail[2].hash
    event = Event.objects.get(action="purge_audit")
    assert event.data["first_seq"] == 4 and event.data["purged"] == 3
    assert "链完整" in run("verify") or "留痕链完整" in run("verify")
    # The archive still checks on its own, off site.
    assert "完整" in run("check-archive", str(path))
    # A head moved further by hand, with the rows before it deleted, names no purge event: refused.
    tamper("DELETE FROM audit_event WHERE seq = 4")
    ChainHead.objects.filter(pk=1).update(first_seq=5, anchor_hash=trail[3].hash)
    assert "没有相应的清理留痕记录" in refused("verify")


def test_the_application_role_cannot_purge(trail, tmp_path):
    if not restricted():
        pytest.skip("only the restricted PostgreSQL leg connects as the application's role")
    path = archive(tmp_path)
    assert "所有者" in refused("purge", "--before", "2025-06-01", "--archive", str(path))
    assert Event.objects.count() == len(trail)


def test_the_console_script_runs_purge_as_the_owner():
    assert runs_as_owner(["xinfang", "audit", "purge", "--before", "2025-06-01"])
    assert runs_as_owner(["xinfang", "migrate"])
    assert not runs_as_owner(["xinfang", "audit", "verify"])
    assert not runs_as_owner(["xinfang", "audit"])


def test_a_row_re_hashed_without_the_key_is_named(trail):
    """Someone who can write the table changes a row and recomputes every hash from it on, and the head,
    knowing the scheme but not XF_AUDIT_KEY: verify names the changed row."""
    target = trail[1]
    rows = list(Event.objects.order_by("seq").values("id", "hash", *chain.FIELDS))
    previous = rows[0]["hash"]
    for row in rows[1:]:
        if row["id"] == target.pk:
            row["reason"] = "被改写"
        row["hash"] = chain.link(previous, row)  # no key: what a forger can compute
        tamper(
            "UPDATE audit_event SET reason = %s, hash = %s WHERE id = %s",
            [row["reason"], row["hash"], row["id"]],
        )
        previous = row["hash"]
    ChainHead.objects.filter(pk=1).update(hash=previous)
    message = refused("verify")
    assert f"第 {target.seq} 号留痕记录（id {target.pk}）" in message
    # With the key, the same recomputation verifies: it is the key that the forger lacks.
    key = services.chain_key()
    previous = rows[0]["hash"]
    for row in rows[1:]:
        row["hash"] = chain.link(previous, row, key)
        tamper("UPDATE audit_event SET hash = %s WHERE id = %s", [row["hash"], row["id"]])
        previous = row["hash"]
    ChainHead.objects.filter(pk=1).update(hash=previous)
    assert verification.verify().ok


def test_a_keyed_chain_does_not_verify_under_another_key(trail):
    assert verification.verify().ok
    assert not verification.verify(b"another key").ok
