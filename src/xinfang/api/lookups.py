"""Reference rows the API resolves by code on every registration, cached per process.

A registration names its category by path and its region (and units) by code. Those rows change a few times
a year, through the admin or `import-orgs`, yet resolving them cost one query each per request. Here each
process keeps what it has resolved, and forgets all of it when:

* a row of the model is saved or deleted in this process (signals below), at once;
* any process changed one: the same signals bump a version stamp in the shared Django cache (Redis in
  production, the file cache on one machine), which each process compares at most once a second;
* `MAX_AGE` seconds passed, whatever happened: the backstop for writes that send no signal (`QuerySet.update`,
  raw SQL, a restore).

A name that is not on file is never cached, so a row created a moment ago is found at once. What a stale
entry can do in the window is limited to a registration naming a category or unit by its previous path or
code, or a just-deactivated category (which `register` refuses once the entry is reloaded).
"""

from __future__ import annotations

import contextlib
import copy
import threading
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from xinfang import inputs
from xinfang.orgs.models import OrgUnit, Region
from xinfang.petitions.models import Category

VERSION_KEY = "xinfang:api:lookups"
CHECK_EVERY = 1.0  # seconds between two looks at the shared version stamp
MAX_AGE = 300.0  # seconds an entry is trusted without any signal


class Lookup:
    """`get(value)`: the row whose `field` equals `value` (a copy: callers may set attributes on it)."""

    def __init__(self, model, field: str):
        self.model = model
        self.field = field
        self._rows: dict[str, object] = {}
        self._lock = threading.Lock()
        self._version = None
        self._checked = 0.0
        self._loaded = 0.0

    def get(self, value: str):
        self._expire_if_changed()
        row = self._rows.get(value)
        if row is None:
            if inputs.has_nul(value):  # no code or path holds one; PostgreSQL would refuse the query
                raise self.model.DoesNotExist

            row = self.model._default_manager.get(**{self.field: value})  # DoesNotExist: not cached
            with self._lock:
                if not self._rows:
                    self._loaded = time.monotonic()
                self._rows[value] = row
        return copy.copy(row)

    def clear(self) -> None:
        with self._lock:
            self._rows = {}
            self._checked = 0.0

    def _expire_if_changed(self) -> None:
        now = time.monotonic()
        if now - self._checked < CHECK_EVERY:
            return
        version = cache.get(VERSION_KEY)
        with self._lock:
            self._checked = now
            if version != self._version or (self._rows and now - self._loaded > MAX_AGE):
                self._rows = {}
                self._version = version


_lookups: dict[tuple[type, str], Lookup] = {}


def lookup(model, field: str) -> Lookup:
    """The process's cache of `model` rows by `field` (made on first use)."""
    key = (model, field)
    found = _lookups.get(key)
    if found is None:
        found = _lookups.setdefault(key, Lookup(model, field))
    return found


def changed(**kwargs) -> None:
    """A reference row changed: forget here at once, and tell the other processes once it is committed (told
    before, one of them could read the old row again and keep it under the new stamp)."""
    clear_all()
    transaction.on_commit(_publish, robust=True)


def clear_all() -> None:
    for item in list(_lookups.values()):
        item.clear()


def _publish() -> None:
    clear_all()
    # A cache outage must not fail the admin's save: the other processes then forget within MAX_AGE.
    with contextlib.suppress(Exception):
        cache.set(VERSION_KEY, time.time_ns(), None)


def connect() -> None:
    for model in (Category, Region, OrgUnit):
        post_save.connect(changed, sender=model, dispatch_uid=f"api_lookups_save_{model.__name__}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"api_lookups_delete_{model.__name__}")
