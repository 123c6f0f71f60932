"""Importing petitions from the exchange format by replaying their histories (exchange-format.md).

Each line is registered through ``petitions.services`` and its events are replayed through
``workflow.services.perform`` (supervision through ``supervision.services``), each at its own time, so an
imported history obeys every rule the UI enforces and its deadlines follow the policy in force.

Lines without events (a ledger of registrations, the usual migration) are registered in chunks by
``register_many`` (the same checks and rows as ``register``, written with multi-row inserts), up to
``LEDGER_CHUNK_LINES`` lines a transaction. A line with events is registered and replayed on its own, in a savepoint;
such lines share a transaction for up to ``CHUNK_LINES`` lines or ``CHUNK_SECONDS``. Either way a line that
breaks a rule is rejected with its line number and the reason, nothing of it is written, and the other lines
are still imported. A line whose external id is already known is skipped.

Replayed history issues no documents and tells nobody: the notices were issued, and the people told, when
it happened, in the system the file comes from. The events still record which notice each one produced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from xinfang.orgs.importer import LineError, Rejection
from xinfang.petitions import services as petitions
from xinfang.petitions.models import Petition
from xinfang.supervision import services as supervision
from xinfang.supervision.models import Supervision, SupervisionStatus
from xinfang.workflow import hooks
from xinfang.workflow.actors import PetitionerActor
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.petition_deadlines import expire_windows
from xinfang.workflow.services import perform

from . import parsing
from .actors import ExchangeUnit
from .parsing import EventLine, Lookups, PetitionLine

LEDGER_CHUNK_LINES = 1000  # lines without events registered together, in one transaction
CHUNK_LINES = 200  # lines with events sharing one transaction (a savepoint each) ...
CHUNK_SECONDS = 1.0  # ... for at most about this long
LOOKUP_CHUNK = 900  # values per IN (...)

# Registration's field names, as the exchange format spells them.
FORMAT_KEYS = {"parties": "petitioners", "__all__": ""}


@dataclass(frozen=True)
class Skipped:
    line: int
    external_id: str

    def __str__(self) -> str:
        return f"第{self.line}行：外部编号“{self.external_id}”已经导入，跳过。"


@dataclass
class ImportResult:
    imported: int = 0
    events: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def rate(self) -> float:
        """Petitions imported per second."""
        return self.imported / self.seconds if self.seconds else 0.0

    @property
    def summary(self) -> str:
        prefix = "试运行（未写入）：" if self.dry_run else ""
        return (
            f"{prefix}导入{self.imported}件（事件{self.events}个），跳过{len(self.skipped)}件，"
            f"拒绝{len(self.rejected)}件；用时{self.seconds:.1f}秒，每秒{self.rate:.1f}件。"
        )


class _Rejected(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _notice_not_reissued(petition, notice_kind, event, actor) -> None:
    """Stands in for the documents app while history is replayed (see the module docstring)."""


@contextlib.contextmanager
def replaying_history() -> Iterator[None]:
    """No documents rendered and no notifications sent for the transitions performed inside.

    Notifications run after commit, so call the importer outside any transaction (the command does): a line's
    transaction then commits, with nobody to tell, before this block ends."""
    saved = hooks.notice_issuers[:], hooks.after_transition[:]
    hooks.notice_issuers[:] = [_notice_not_reissued]
    hooks.after_transition[:] = []
    try:
        yield
    finally:
        hooks.notice_issuers[:], hooks.after_transition[:] = saved


def _messages(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return "；".join(error.messages)
    parts = []
    for key, messages in error.message_dict.items():
        head, _, rest = key.partition(".")
        name = FORMAT_KEYS.get(head, head)
        if rest:  # parties.0.id_number → petitioners第1项的id_number
            index, _, sub = rest.partition(".")
            name = f"{name}第{int(index) + 1}项" + (f"的{sub}" if sub else "") if index.isdigit() else key
        parts.append(f"{name}：{'；'.join(messages)}" if name else "；".join(messages))
    return "；".join(parts)


# --- replaying one event ----------------------------------------------------------------------------------


def _actor(event: EventLine, data: dict):
    if event.by_unit is not None:
        return ExchangeUnit(event.by_unit)
    if event.action in parsing.PETITIONER_ACTIONS:
        return PetitionerActor(via=data.pop("via", None) or "import")
    raise LineError(f"{event.label}缺少办理单位（by_unit）。")


def _supervise(petition: Petition, event: EventLine, lookups: Lookups) -> None:
    data = dict(event.data)
    if event.by_unit is None:
        raise LineError(f"{event.label}缺少办理单位（by_unit）。")
    if event.action == "supervise":
        roles, allowed = (
            supervision.OPENING_ROLES,
            {"unit", "reason_kind", "text", "response_due", "is_listed"},
        )
    else:
        roles, allowed = supervision.ANSWERING_ROLES, {"text"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise LineError(f"{event.label}不接受这些参数：{'、'.join(unknown)}。")
    # A supervision names the person who opened or answered it: the first such user of the unit.
    user = lookups.staff(event.by_unit, roles)
    if user is None:
        raise LineError(f"{event.label}：单位“{event.by_unit.code}”没有可记录督办的用户账号。")
    if event.action == "supervise":
        try:
            response_due = dt.date.fromisoformat(str(data.get("response_due")))
        except ValueError:
            raise LineError(f"{event.label}的response_due应为日期（YYYY-MM-DD）。") from None
        supervision.open_supervision(
            user,
            petition=petition,
            unit=data.get("unit") or petition.responsible_unit,
            reason_kind=data.get("reason_kind"),
            text=str(data.get("text") or ""),
            response_due=response_due,
            is_listed=bool(data.get("is_listed")),
            at=event.at,
        )
        return
    open_ = (
        Supervision.objects.filter(petition=petition, unit=event.by_unit, status=SupervisionStatus.OPEN)
        .order_by("-opened_at", "-pk")
        .first()
    )
    if open_ is None:
        raise LineError(f"{event.label}：该单位没有待回复的督办。")
    supervision.answer(open_, user, text=str(data.get("text") or ""), at=event.at)


def _replay(petition: Petition, event: EventLine, lookups: Lookups) -> None:
    try:
        if event.action in parsing.SUPERVISION_ACTIONS:
            _supervise(petition, event, lookups)
            return
        data = dict(event.data)
        perform(petition, event.action, _actor(event, data), at=event.at, **data)
    except TransitionRefused as exc:
        where = f"（{exc.field}）" if exc.field else ""
        raise _Rejected(f"{event.label}被拒绝：{exc.reason}{where}") from None
    except ValidationError as exc:
        raise _Rejected(f"{event.label}被拒绝：{_messages(exc)}") from None
    except PermissionDenied as exc:
        raise _Rejected(f"{event.label}被拒绝：{exc}") from None


# --- one line ---------------------------------------------------------------------------------------------


def _write(line: PetitionLine, lookups: Lookups) -> Petition:
    """Register the petition and replay its events; raises (and so rolls back) on the first refusal."""
    registration = line.registration
    try:
        petition = petitions.register(registration, ExchangeUnit(registration.receiving_unit)).petition
    except ValidationError as exc:
        raise _Rejected(f"登记被拒绝：{_messages(exc)}") from None
    for event in line.events:
        _replay(petition, event, lookups)
    return petition


class _Run:
    """One import: lines are read in order and written in chunks, one transaction each.

    Lines without events (a ledger of registrations) wait in ``pending`` and are registered together by
    ``petitions.services.register_many`` (``flush``): up to ``chunk_size`` lines a transaction. A line with
    events is registered and replayed on its own, in a savepoint, after the pending lines before it are
    flushed (so registration numbers follow the file's order); such lines share a transaction until it has
    run ``CHUNK_SECONDS`` or ``CHUNK_LINES`` lines, which bounds how long a chunk holds the registration
    sequence's row lock against live intake."""

    def __init__(self, result: ImportResult, chunk_size: int):
        self.result = result
        self.chunk_size = chunk_size
        self.lookups = Lookups()
        self.pending: list[tuple[int, dict, str | None]] = []
        self.pending_ids: set[str] = set()

    def chunk(self, numbered: Iterator[tuple[int, str]]) -> bool:
        """Import lines in one transaction until the chunk is full; False when the file is done."""
        with transaction.atomic():
            started, replayed = time.perf_counter(), 0
            for number, text in numbered:
                try:
                    record = parsing.load(text)
                    external_id = parsing.external_id_of(record)
                except LineError as exc:
                    self.result.rejected.append(Rejection(number, str(exc)))
                    continue
                if record.get("events"):
                    self.flush()
                    self.replay_line(number, record, external_id)
                    replayed += 1
                    if replayed >= CHUNK_LINES or time.perf_counter() - started > CHUNK_SECONDS:
                        return True
                    continue
                repeat_of = record.get("repeat_of")
                if external_id in self.pending_ids or (
                    isinstance(repeat_of, str) and repeat_of.strip() in self.pending_ids
                ):
                    # The same external id again, or a repeat of a pending line: write the pending ones first,
                    # so this line sees them as a line-by-line import would.
                    self.flush()
                self.pending.append((number, record, external_id))
                if external_id:
                    self.pending_ids.add(external_id)
                if len(self.pending) >= self.chunk_size:
                    self.flush()
                    return True
            self.flush()
            return False

    def flush(self) -> None:
        """Register the pending lines together; a refused line is reported and nothing of it written."""
        if not self.pending:
            return
        pending, self.pending, self.pending_ids = self.pending, [], set()
        wanted = [external_id for _, _, external_id in pending if external_id]
        known = set()
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            known.update(Petition.objects.filter(external_id__in=chunk).values_list("external_id", flat=True))
        lines = []
        for number, record, external_id in pending:
            if external_id in known:
                self.result.skipped.append(Skipped(number, external_id))
                continue
            try:
                lines.append(parsing.parse(number, record, external_id, self.lookups))
            except LineError as exc:
                self.result.rejected.append(Rejection(number, str(exc)))
        if not lines:
            return
        registrations = [line.registration for line in lines]
        try:
            with transaction.atomic():
                outcomes = petitions.register_many(
                    registrations, [ExchangeUnit(reg.receiving_unit) for reg in registrations]
                )
        except DatabaseError:
            # A constraint the checks did not foresee: the chunk is rolled back; find the line line by line.
            for line in lines:
                self.write_line(line)
            return
        for line, outcome in zip(lines, outcomes, strict=True):
            if isinstance(outcome, ValidationError):
                self.result.rejected.append(Rejection(line.number, f"登记被拒绝：{_messages(outcome)}"))
            else:
                self.result.imported += 1

    def replay_line(self, number: int, record: dict, external_id: str | None) -> None:
        try:
            if external_id and Petition.objects.filter(external_id=external_id).exists():
                self.result.skipped.append(Skipped(number, external_id))
                return
            line = parsing.parse(number, record, external_id, self.lookups)
        except LineError as exc:
            self.result.rejected.append(Rejection(number, str(exc)))
            return
        self.write_line(line)

    def write_line(self, line: PetitionLine) -> None:
        """One line in a savepoint: registered, its events replayed; rolled back on the first refusal."""
        try:
            with transaction.atomic():
                _write(line, self.lookups)
        except (LineError, _Rejected) as exc:
            self.result.rejected.append(Rejection(line.number, str(exc)))
            return
        except DatabaseError as exc:  # a constraint the checks above did not foresee: the line is rolled back
            self.result.rejected.append(Rejection(line.number, f"数据库拒绝写入：{exc}"))
            return
        self.result.imported += 1
        self.result.events += len(line.events)


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(lines, start=1):
        text = raw.strip().lstrip("\ufeff")
        if text and not text.startswith("#"):
            yield number, text


def import_petitions(
    lines: Iterable[str], *, dry_run: bool = False, chunk_size: int = LEDGER_CHUNK_LINES
) -> ImportResult:
    """Import petition lines (str, one JSON object each); see the module docstring.

    ``dry_run`` checks everything (each line against the lines before it, as a real import would) inside one
    transaction that is rolled back at the end.
    """
    result = ImportResult(dry_run=dry_run)
    run = _Run(result, chunk_size)
    numbered = _numbered(lines)
    started = time.perf_counter()
    with replaying_history(), transaction.atomic() if dry_run else contextlib.nullcontext():
        while run.chunk(numbered):
            pass
        if result.imported:
            # The daily scan closes rating windows that ended unrated; an imported history is already past them.
            expire_windows()
        if dry_run:
            transaction.set_rollback(True)
    result.skipped.sort(key=lambda skipped: skipped.line)
    result.rejected.sort(key=lambda rejection: rejection.line)
    result.seconds = time.perf_counter() - started
    return result
