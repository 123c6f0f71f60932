"""Keyset paging: a page is the rows just past the one at the edge of the last page, in one fixed order.

No OFFSET: the database seeks to the cursor along the order's index, so the thousandth page of a province's
list costs what the first does (bench/results). The order always ends with the id, which breaks ties. A cursor
that does not parse means the first page.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from xinfang import inputs

CURSOR_PARAMS = ("after", "before")


def aware_instant(text: str) -> dt.datetime:
    instant = dt.datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError("a cursor's instant carries its zone")
    return inputs.check_instant(instant)  # a crafted cursor near year 1 or 9999 would overflow in SQL


def encode_cursor(value, pk: int) -> str:
    """A (value, id) key as an opaque URL-safe token; an instant is written in UTC."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
    raw = f"{value.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(value: str | None, parse: Callable[[str], Any] = aware_instant) -> tuple[Any, int] | None:
    """The (value, id) key of `encode_cursor`, the value read by `parse`; None for anything else."""
    if not value:
        return None
    try:
        stamp, pk = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split("|")
        return parse(stamp), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    prev_cursor: str | None


@dataclass(frozen=True)
class Keyset:
    """An order: `field`, then the id; largest first when `descending`. Without a field, the id alone.

    With a field, a cursor is `encode_cursor`'s token and `parse` reads its value back; by the id alone it is
    the plain id, which templates may put into a link themselves.
    """

    field: str | None = None
    descending: bool = True
    parse: Callable[[str], Any] = aware_instant

    def page(self, qs: QuerySet, *, after: str | None = None, before: str | None = None, size: int) -> Page:
        """The `size` rows just past cursor `after` (or just before `before`), with the cursors either side."""
        before_key = self._decode(before)
        if before_key is not None:
            earlier = self._beyond(qs, before_key, backwards=True)
            rows = list(earlier.order_by(*self._order(backwards=True))[: size + 1])
            has_more = len(rows) > size
            rows = rows[:size][::-1]
            return Page(
                rows,
                next_cursor=self._cursor(rows[-1]) if rows else None,
                prev_cursor=self._cursor(rows[0]) if has_more else None,
            )
        after_key = self._decode(after)
        if after_key is not None:
            qs = self._beyond(qs, after_key)
        rows = list(qs.order_by(*self._order())[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
        return Page(
            rows,
            next_cursor=self._cursor(rows[-1]) if has_more else None,
            prev_cursor=self._cursor(rows[0]) if after_key is not None and rows else None,
        )

    def _order(self, *, backwards: bool = False) -> list[str]:
        sign = "-" if self.descending != backwards else ""
        return [f"{sign}{name}" for name in ([self.field, "id"] if self.field else ["id"])]

    def _beyond(self, qs: QuerySet, key: tuple, *, backwards: bool = False) -> QuerySet:
        """The rows that come after `key` in this order (before it, `backwards`)."""
        op = "lt" if self.descending != backwards else "gt"
        if self.field is None:
            return qs.filter(**{f"pk__{op}": key[0]})
        value, pk = key
        return qs.filter(Q(**{f"{self.field}__{op}": value}) | Q(**{self.field: value, f"pk__{op}": pk}))

    def _cursor(self, row) -> str:
        if self.field is None:
            return str(row.pk)
        return encode_cursor(getattr(row, self.field), row.pk)

    def _decode(self, value: str | None) -> tuple | None:
        if self.field is None:
            return (int(value),) if value and value.isascii() and value.isdigit() else None
        return decode_cursor(value, self.parse)


def page_query(params, **cursor: str) -> str:
    """The query string of `params` (a QueryDict) with `cursor` for its cursor: the filters travel along."""
    query = params.copy()
    for key in CURSOR_PARAMS:
        query.pop(key, None)
    query.update(cursor)
    return query.urlencode()
