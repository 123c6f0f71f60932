"""The one source of the current time.

Every service asks this module for "now" so that tests, the importer (which replays events at their own
times) and the deadline scan can all run at a chosen instant. Never call `timezone.now()` elsewhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

_source: Callable[[], dt.datetime] = timezone.now


def now() -> dt.datetime:
    """The current instant, timezone-aware."""
    return _source()


def today() -> dt.date:
    """Today's date in Asia/Shanghai, the zone every statutory deadline is counted in."""
    return local_date(now())


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(SHANGHAI).date()


def set_source(source: Callable[[], dt.datetime]) -> None:
    global _source
    _source = source


def reset() -> None:
    set_source(timezone.now)


@contextlib.contextmanager
def frozen(instant: dt.datetime) -> Iterator[None]:
    """Run a block with the clock stopped at `instant` (aware, or naive meaning Asia/Shanghai)."""
    if timezone.is_naive(instant):
        instant = instant.replace(tzinfo=SHANGHAI)
    previous = _source
    set_source(lambda: instant)
    try:
        yield
    finally:
        set_source(previous)
