"""Checking the hash chain: the whole table (``verify``), an exported archive on its own (``check_archive``),
and writing that archive (``export``).

A problem is reported as the first place the chain breaks, naming the row (its id and ``seq``) and what the
break means: a row whose hash does not match its contents was changed; a missing ``seq`` was deleted; a row
beyond the chain head, or one whose link to its predecessor fails while its own hash matches, was inserted
or rewritten with a new hash. Messages are for people (Chinese).

Keyed links (``chain.KEYED_VERSION``): from the head's ``keyed_from`` on, a link needs ``XF_AUDIT_KEY``, so
someone able to write the table and move the chain head but without the key cannot append or re-hash rows
that verify. After ``audit purge`` the chain starts at the head's ``first_seq``, linked to ``anchor_hash``;
``verify`` accepts that start only when the purge's own keyed event names it. An exported archive kept off
site fixes the chain up to its last hash, and ``check_archive`` of consecutive archives checks they join.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db.models import Max, Min

from . import chain
from .models import ChainHead, Event

FORMAT = "xinfang-audit-archive/1"
CHUNK = 5000


@dataclass(frozen=True)
class Problem:
    kind: str  # changed, deleted, inserted, relinked, head
    message: str
    event_id: int | None = None
    seq: int | None = None


@dataclass(frozen=True)
class Result:
    checked: int
    last_seq: int
    last_hash: str
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _walk(
    rows: Iterable[dict[str, Any]],
    first_seq: int,
    previous: str,
    label,
    keyed_from: int | None = None,
    key: bytes | None = None,
) -> tuple[int, int, str, Problem | None]:
    """Check ``rows`` (in ``seq`` order) as a run of the chain starting at ``first_seq`` after ``previous``;
    rows from ``keyed_from`` on are keyed links under ``key``."""
    expected, checked = first_seq, 0
    last_seq = first_seq - 1
    for row in rows:
        seq = int(row["seq"])
        where = label(row)
        if seq > expected:
            missing = f"第 {expected} 号" if seq == expected + 1 else f"第 {expected}–{seq - 1} 号"
            return (
                checked,
                last_seq,
                previous,
                Problem(
                    "deleted",
                    f"留痕记录{missing}缺失（已被删除）：链在{where}之前断开。",
                    row.get("id"),
                    expected,
                ),
            )
        if seq < expected:
            return (
                checked,
                last_seq,
                previous,
                Problem("inserted", f"{where}重复了已出现的序号：该记录是插入的。", row.get("id"), seq),
            )
        own = chain.link(previous, row, chain.key_for(seq, keyed_from, key))
        if own != row["hash"]:
            # Its contents still give its stored hash after some other predecessor? Then the row was
            # rewritten with a fresh hash, or put in; otherwise its contents were changed.
            return checked, last_seq, previous, _mismatch(row, where, previous)
        previous, last_seq, expected, checked = row["hash"], seq, seq + 1, checked + 1
    return checked, last_seq, previous, None


def _mismatch(row: dict[str, Any], where: str, previous: str) -> Problem:
    return Problem(
        "changed",
        f"{where}的内容与其哈希不符：该记录被改动，或被插入、改写后重新计算了哈希"
        f"（链接前一条哈希 {previous[:12]}…）。",
        row.get("id"),
        int(row["seq"]),
    )


def _label(row: dict[str, Any]) -> str:
    ident = f"（id {row['id']}）" if row.get("id") is not None else ""
    return f"第 {row['seq']} 号留痕记录{ident}"


PURGE_ACTION = "purge_audit"


def _purge_problem(head: dict[str, Any]) -> Problem | None:
    """A chain that starts after row 1 must have been purged by ``audit purge``: its keyed event names the
    new start and the hash before it (a head moved by hand names a start no such event confirms)."""
    if head["first_seq"] == 1 and head["anchor_hash"] == chain.GENESIS:
        return None
    events = Event.objects.filter(action=PURGE_ACTION, seq__gte=head["first_seq"])
    if head["keyed_from"] is not None:
        events = events.filter(seq__gte=head["keyed_from"])
    for data in events.values_list("data", flat=True):
        data = chain._json(data)
        if data.get("first_seq") == head["first_seq"] and data.get("anchor_hash") == head["anchor_hash"]:
            return None
    return Problem(
        "head",
        f"链头记载留痕链自第 {head['first_seq']} 号开始，但没有相应的清理留痕记录：之前的记录被删除。",
        seq=head["first_seq"],
    )


def verify(key: bytes | None = None) -> Result:
    """The whole chain in the database, against the chain head: rows up to the head must link one to the
    next; a row beyond the head was not written by xinfang. ``key`` is ``XF_AUDIT_KEY`` (by default the
    setting's)."""
    if key is None:
        key = settings.XF_AUDIT_KEY.encode()
    head = (
        ChainHead.objects.filter(pk=1).values("seq", "hash", "keyed_from", "first_seq", "anchor_hash").first()
    )
    events = Event.objects.order_by("seq")
    if head is None:
        if events.exists():
            return Result(
                0, 0, chain.GENESIS, Problem("head", "留痕链头缺失（已被删除）：无法确认链的末尾。")
            )
        return Result(0, 0, chain.GENESIS)
    rows = events.filter(seq__lte=head["seq"]).values("id", "hash", *chain.FIELDS).iterator(chunk_size=CHUNK)
    checked, last_seq, last_hash, problem = _walk(
        rows, head["first_seq"], head["anchor_hash"], _label, head["keyed_from"], key
    )
    if problem is not None:
        return Result(checked, last_seq, last_hash, problem)
    problem = _purge_problem(head)
    if problem is not None:
        return Result(checked, last_seq, last_hash, problem)
    if head["seq"] > last_seq:
        gone = last_seq + 1
        missing = f"第 {gone} 号" if head["seq"] == gone else f"第 {gone}–{head['seq']} 号"
        message = f"链头为第 {head['seq']} 号，表中最后一条为第 {last_seq} 号：{missing}已被删除。"
        return Result(checked, last_seq, last_hash, Problem("deleted", message, seq=gone))
    if head["hash"] != last_hash:
        message = f"链头哈希与第 {last_seq} 号留痕记录不符：链头被改动。"
        return Result(checked, last_seq, last_hash, Problem("head", message))
    beyond = events.filter(seq__gt=head["seq"]).values("id", "seq").first()
    if beyond is not None:
        message = (
            f"第 {beyond['seq']} 号留痕记录（id {beyond['id']}）在链头（第 {head['seq']} 号）之后："
            "不是经系统写入的（被插入）。"
        )
        return Result(checked, last_seq, last_hash, Problem("inserted", message, beyond["id"], beyond["seq"]))
    return Result(checked, last_seq, last_hash)


# --- archives ------------------------------------------------------------------------------------------


def _archived(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], **chain.canonical(row), "hash": row["hash"]}


def export(out: IO[str], *, since: dt.datetime | None, until: dt.datetime | None) -> tuple[int, int, int]:
    """Write the run of the chain from the first event recorded at or after ``since`` to the last one recorded
    before ``until``, every event between included (the chain has no holes): a header line, then one line per
    event. Returns (events, first seq, last seq)."""
    recorded = Event.objects.all()
    if since is not None:
        recorded = recorded.filter(recorded_at__gte=since)
    if until is not None:
        recorded = recorded.filter(recorded_at__lt=until)
    bounds = recorded.aggregate(first=Min("seq"), last=Max("seq"))
    first, last = bounds["first"], bounds["last"]
    previous = chain.GENESIS
    if first is not None and first > 1:
        previous = Event.objects.filter(seq=first - 1).values_list("hash", flat=True).first() or ""
    keyed_from = ChainHead.objects.filter(pk=1).values_list("keyed_from", flat=True).first()
    header = {
        "format": FORMAT,
        "chain": chain.VERSION,
        "keyed_from": keyed_from,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "first_seq": first,
        "last_seq": last,
        "previous_hash": previous if first is not None else None,
    }
    out.write(json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n")
    count = 0
    if first is not None:
        rows = (
            Event.objects.filter(seq__gte=first, seq__lte=last)
            .order_by("seq")
            .values("id", "hash", *chain.FIELDS)
            .iterator(chunk_size=CHUNK)
        )
        for row in rows:
            out.write(json.dumps(_archived(row), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count, first or 0, last or 0


class ArchiveError(ValueError):
    pass


def _lines(stream: IO[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError:
            raise ArchiveError(f"{name} 第 {number} 行不是 JSON。") from None
        if not isinstance(value, dict):
            raise ArchiveError(f"{name} 第 {number} 行不是 JSON 对象。")
        yield number, value


def check_archive(
    stream: IO[str], name: str, *, after: str | None = None, key: bytes | None = None
) -> Result:
    """Check an exported file on its own: each line's hash over its contents and its predecessor, the run of
    ``seq`` without holes, the count against the header. ``after`` is the last hash of the previous archive,
    to check that this one continues it; ``key`` (``XF_AUDIT_KEY``) checks the keyed rows."""
    lines = _lines(stream, name)
    try:
        _, header = next(lines)
    except StopIteration:
        raise ArchiveError(f"{name} 是空文件。") from None
    if header.get("format") != FORMAT or header.get("chain") != chain.VERSION:
        raise ArchiveError(f"{name} 不是 xinfang 留痕归档（格式 {FORMAT}）。")
    first, last, previous = header.get("first_seq"), header.get("last_seq"), header.get("previous_hash")
    if first is None:
        return Result(0, 0, after or "")
    if after is not None and previous != after:
        return Result(
            0,
            first - 1,
            previous or "",
            Problem("relinked", f"{name} 未接续上一份归档：开头的前一条哈希不同。"),
        )

    def rows() -> Iterator[dict[str, Any]]:
        for number, row in lines:
            try:
                chain.canonical(row)
            except (KeyError, TypeError, ValueError):
                raise ArchiveError(f"{name} 第 {number} 行缺少或写错了字段。") from None
            if not isinstance(row.get("hash"), str):
                raise ArchiveError(f"{name} 第 {number} 行没有哈希。")
            yield row

    keyed_from = header.get("keyed_from")
    if keyed_from is not None and int(keyed_from) <= int(last) and not key:
        raise ArchiveError(f"{name} 中第 {keyed_from} 号起的记录以密钥保护，校验需要 XF_AUDIT_KEY。")
    checked, last_seq, last_hash, problem = _walk(
        rows(), int(first), previous, _label, int(keyed_from) if keyed_from is not None else None, key
    )
    if problem is None and last_seq != last:
        problem = Problem(
            "deleted",
            f"{name} 的文件头写到第 {last} 号，文件只到第 {last_seq} 号：末尾的记录被删除。",
            seq=last_seq + 1,
        )
    return Result(checked, last_seq, last_hash, problem)
