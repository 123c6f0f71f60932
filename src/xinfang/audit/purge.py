"""``xinfang audit purge``: removing audit events older than the retention period, once archived.

Refused unless the cut-off is at least ``XF_AUDIT_RETENTION_DAYS`` (never under 180) days back, the chain
verifies, and the archives given (``audit export`` files) verify and hold every row to be removed with the
same hashes as the database. The rows go in one transaction with the new start of the chain written into
the chain head (``first_seq``, ``anchor_hash``) and a ``purge_audit`` event that names that start: ``verify``
then checks the chain from the new first row and accepts the start only because that keyed event names it.

Only the owner of the tables can delete: on PostgreSQL the application's role holds no DELETE on the audit
table and the append-only trigger lets a DELETE through only in a session that set ``xinfang.audit_purge``;
on SQLite the delete trigger asks ``guard.allow_purge``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Min

from xinfang import clock

from . import guard, services, verification
from .models import ChainHead, Event


class PurgeRefused(Exception):
    pass


@dataclass(frozen=True)
class Purged:
    count: int
    first_seq: int  # the chain's first row now
    anchor_hash: str


def latest_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """The latest instant a purge may cut at: the retention period back from now."""
    return (now or clock.now()) - dt.timedelta(days=settings.XF_AUDIT_RETENTION_DAYS)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _archived(paths: list[Path], key: bytes) -> tuple[int, int, dict[int, str]]:
    """Check the archives in order; return the run of seq they cover together and every archived hash."""
    after, first, last, hashes = None, None, None, {}
    for path in paths:
        name = str(path)
        try:
            with path.open(encoding="utf-8") as stream:
                result = verification.check_archive(stream, name, after=after, key=key)
            with path.open(encoding="utf-8") as stream:
                header = json.loads(stream.readline())
                for line in stream:
                    if line.strip():
                        row = json.loads(line)
                        hashes[int(row["seq"])] = row["hash"]
        except OSError as error:
            raise PurgeRefused(f"无法读取归档文件 {name}：{error.strerror}") from None
        except verification.ArchiveError as error:
            raise PurgeRefused(str(error)) from None
        if not result.ok:
            raise PurgeRefused(f"归档文件 {name} 校验失败：{result.problem.message}")
        if header.get("first_seq") is None:
            continue
        first = header["first_seq"] if first is None else first
        last = result.last_seq
        after = result.last_hash
    if first is None:
        raise PurgeRefused("归档文件中没有留痕记录：请先用 xinfang audit export 导出要清理的记录并异地保存。")
    return first, last, hashes


def purge(before: dt.datetime, archives: list[Path], *, now: dt.datetime | None = None) -> Purged:
    cutoff = latest_cutoff(now)
    if before > cutoff:
        raise PurgeRefused(
            f"操作留痕至少保存 {settings.XF_AUDIT_RETENTION_DAYS} 天：只能清理 {cutoff:%Y-%m-%d} 之前的记录。"
        )
    if not archives:
        raise PurgeRefused("清理前须先导出归档（xinfang audit export），并以 --archive 给出归档文件。")
    key = services.chain_key()
    checked = verification.verify(key)
    if not checked.ok:
        raise PurgeRefused(f"留痕链校验未通过，不能清理：{checked.problem.message}")
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(pk=services.HEAD)
        kept = Event.objects.filter(recorded_at__gte=before).aggregate(first=Min("seq"))["first"]
        cut = kept if kept is not None else head.seq + 1
        last_purged = cut - 1
        if last_purged < head.first_seq:
            raise PurgeRefused(f"{before:%Y-%m-%d} 之前没有尚未清理的留痕记录。")
        first, last, hashes = _archived(archives, key)
        anchor = Event.objects.filter(seq=last_purged).values_list("hash", flat=True).get()
        if first > head.first_seq or last < last_purged or hashes.get(last_purged) != anchor:
            raise PurgeRefused(
                f"归档未覆盖要清理的第 {head.first_seq}–{last_purged} 号留痕记录（归档为第 {first}–{last} 号），"
                "或与数据库中的哈希不一致：请重新导出归档。"
            )
        count = _delete_through(last_purged)
        ChainHead.objects.filter(pk=services.HEAD).update(first_seq=cut, anchor_hash=anchor)
        head.refresh_from_db()
        services.record(
            action=verification.PURGE_ACTION,
            target=head,
            reason=f"清理 {before:%Y-%m-%d} 之前的操作留痕 {count} 条（已归档）",
            data={
                "before": before.isoformat(),
                "first_seq": cut,
                "anchor_hash": anchor,
                "purged": count,
                "archives": [_digest(path) for path in archives],
            },
        )
    return Purged(count, cut, anchor)


def _delete_through(last_seq: int) -> int:
    table = Event._meta.db_table
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL xinfang.audit_purge = 'on'")
                cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [last_seq])  # noqa: S608  # nosec B608 (the model's own table name)
            else:
                with guard.allow_purge():
                    cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [last_seq])  # noqa: S608  # nosec B608 (the model's own table name)
            return cursor.rowcount
    except DatabaseError as error:
        raise PurgeRefused(
            "数据库拒绝删除留痕记录：清理须以表的所有者身份运行（设置 XF_MIGRATE_DATABASE_URL，"
            f"xinfang audit purge 会以之连接）。{error}"
        ) from None
