"""What other apps do when petitions are registered: a seam, because petitions may not import them.

Registration (``registration.register_many``) writes a chunk of petitions together and runs two phases:

- ``before_insert(petitions)``: the unsaved ``Petition`` rows, in input order, before they are inserted; a
  callback may set their fields (the workflow sets the next due date from the periods registration starts).
- ``after_insert(petitions)``: the same rows once they have keys, in the same transaction, after the
  petition's own parties, attachments and audit events; a callback inserts its own rows (the workflow's
  deadlines, the search documents). Bulk inserts send no ``post_save``, so this is where such rows come from.

Higher apps register their callbacks in ``AppConfig.ready()``; callbacks run in the order registered. With
none registered, registration writes the petitions and nothing of any other app.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Petition

Callback = Callable[[list[Petition]], None]

_before_insert: list[Callback] = []
_after_insert: list[Callback] = []


def register_before_insert(callback: Callback) -> Callback:
    if callback not in _before_insert:  # registering a callback twice still runs it once
        _before_insert.append(callback)
    return callback


def register_after_insert(callback: Callback) -> Callback:
    if callback not in _after_insert:
        _after_insert.append(callback)
    return callback


def before_insert(petitions: list[Petition]) -> None:
    for callback in _before_insert:
        callback(petitions)


def after_insert(petitions: list[Petition]) -> None:
    for callback in _after_insert:
        callback(petitions)
