"""What other apps do when petitions are registered: a seam, because petitions may not import them.

Registration (``registration.register_many``) writes a chunk of petitions together and runs two phases:

- ``before_insert(petitions)``: the unsaved ``Petition`` rows, in input order, before they are inserted; a
  callback may set their fields (the workflow sets the next due date from the periods registration starts).
- ``after_insert(petitions)``: the same rows once they have keys, in the same transaction, after the
  petition's own parties, attachments and audit events; a callback inserts its own rows (the workflow's
  deadlines, the search documents). Bulk inserts send no ``post_save``, so this is where such rows come from.

- ``deferred(petitions)``: work that need not be in the request (the search documents, the text
  signatures): run by the worker after commit (``petitions.deferral``), or in the transaction when there is
  no worker (huey immediate). A callback must be idempotent and skip the petitions whose rows already exist
  (a correction saved before the worker came may have written them).

Higher apps register their callbacks in ``AppConfig.ready()``; callbacks run in the order registered. With
none registered, registration writes the petitions and nothing of any other app.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Petition

Callback = Callable[[list[Petition]], None]
DeferredCallback = Callable[..., None]  # (petitions, *, fresh: bool)

_before_insert: list[Callback] = []
_after_insert: list[Callback] = []
_deferred: list[DeferredCallback] = []


def register_before_insert(callback: Callback) -> Callback:
    if callback not in _before_insert:  # registering a callback twice still runs it once
        _before_insert.append(callback)
    return callback


def register_after_insert(callback: Callback) -> Callback:
    if callback not in _after_insert:
        _after_insert.append(callback)
    return callback


def register_deferred(callback: DeferredCallback) -> DeferredCallback:
    if callback not in _deferred:
        _deferred.append(callback)
    return callback


def has_deferred() -> bool:
    return bool(_deferred)


def deferred(petitions: list[Petition], *, fresh: bool) -> None:
    """``fresh``: called in the registration's own transaction, so nothing of these petitions exists yet."""
    for callback in _deferred:
        callback(petitions, fresh=fresh)


def before_insert(petitions: list[Petition]) -> None:
    for callback in _before_insert:
        callback(petitions)


def after_insert(petitions: list[Petition]) -> None:
    for callback in _after_insert:
        callback(petitions)
