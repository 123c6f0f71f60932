"""Who wants to know when the deadline rules change.

When a calendar override, a year's official flag or a deadline policy changes, every callback in
``on_rules_changed`` is called once **after the transaction commits**, with a :class:`RulesChange` saying what
changed. Several changes in one transaction (an import of a year's schedule, an admin page saving many rows)
are merged into one call. If the transaction rolls back, nobody is called.

The workflow app registers its recompute of open petitions' deadlines here, e.g. in its ``AppConfig.ready``::

    from xinfang.deadlines import hooks

    hooks.register(recompute_open_deadlines)  # def recompute_open_deadlines(change: hooks.RulesChange)

Callbacks run in order; an exception propagates to whoever committed (the admin page, the CLI). A callback
that can be slow should enqueue a background job rather than do the work inline.

Saves through the ORM are noticed by signals (``signals.py``); code that bypasses them (``bulk_create``,
``QuerySet.update``) must call ``services.rules_changed(...)`` itself.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db import connections as db_connections


@dataclass(frozen=True)
class RulesChange:
    """What changed. Empty sets mean "nothing of that kind"; ``everything`` means "assume all changed"."""

    dates: frozenset[dt.date] = field(default_factory=frozenset)  # calendar override dates
    years: frozenset[int] = field(default_factory=frozenset)  # years whose official flag changed
    stage_codes: frozenset[str] = field(default_factory=frozenset)  # deadline policies
    everything: bool = False

    def merge(self, other: RulesChange) -> RulesChange:
        return RulesChange(
            dates=self.dates | other.dates,
            years=self.years | other.years,
            stage_codes=self.stage_codes | other.stage_codes,
            everything=self.everything or other.everything,
        )

    @property
    def calendar_changed(self) -> bool:
        """True when due dates of any stage may move (the calendar changed)."""
        return self.everything or bool(self.dates or self.years)

    def affects(self, stage_code: str, start: dt.date, due: dt.date) -> bool:
        """Cheap filter for a recompute: could this change move (or un-flag) a deadline of ``stage_code``
        that runs from ``start`` to ``due``? Conservative: a changed date up to 400 days after ``due`` counts,
        because an added holiday can push a deadline past later days."""
        if self.everything or stage_code in self.stage_codes:
            return True
        if any(start.year <= year <= due.year + 1 for year in self.years):
            return True
        horizon = due + dt.timedelta(days=400)
        return any(start < day <= horizon for day in self.dates)


Callback = Callable[[RulesChange], None]

#: The registry. Append through :func:`register`; tests may clear it.
on_rules_changed: list[Callback] = []


def register(callback: Callback) -> Callback:
    """Add a callback (once; registering it again does nothing). Usable as a decorator."""
    if callback not in on_rules_changed:
        on_rules_changed.append(callback)
    return callback


def unregister(callback: Callback) -> None:
    if callback in on_rules_changed:
        on_rules_changed.remove(callback)


class _Batch:
    def __init__(self, change: RulesChange) -> None:
        self.change = change

    def deliver(self) -> None:
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        for callback in list(on_rules_changed):
            callback(self.change)


_local = threading.local()


def notify(change: RulesChange, using: str = DEFAULT_DB_ALIAS) -> None:
    """Schedule ``change`` for delivery after the current transaction commits (at once outside one)."""
    batch: _Batch | None = getattr(_local, "batch", None)
    if batch is not None and _still_pending(batch, using):
        batch.change = batch.change.merge(change)
        return
    batch = _Batch(change)
    connection = db_connections[using]
    if connection.in_atomic_block:
        _local.batch = batch
    transaction.on_commit(batch.deliver, using=using)


def _still_pending(batch: _Batch, using: str) -> bool:
    """Whether the batch's on-commit call is still queued (it is dropped when its transaction rolls back)."""
    connection = db_connections[using]
    if not connection.in_atomic_block:
        return False
    return any(batch.deliver in entry for entry in getattr(connection, "run_on_commit", ()))
