"""Rate limits (sliding windows) and lockouts for the public pages, kept in Django's cache.

Counters live in the cache, not the database, so a flood of requests writes nothing durable. With several
server processes the cache must be shared (Redis or the database cache backend); the default in-process
cache counts per process. Keys hold a hash of the address, phone or query code, never the value itself.
Times come from ``xinfang.clock`` so tests can move through a window without sleeping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from xinfang import clock

from . import config

PREFIX = "xf-portal"
LOCKED = "尝试次数过多，为保护信访人信息，查询暂时锁定，请30分钟后再试。"
TOO_MANY = "操作过于频繁，请稍后再试。"


def _key(kind: str, scope: str, ident: str) -> str:
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:40]
    return f"{PREFIX}:{kind}:{scope}:{digest}"


def _recent(key: str, seconds: int, now: float) -> list[float]:
    return [stamp for stamp in cache.get(key, []) if stamp > now - seconds]


def allowed(scope: str, ident: str | None) -> bool:
    """Whether one more attempt fits in the window (without counting it)."""
    if not ident:
        return True
    rule = config.limit(scope)
    now = clock.now().timestamp()
    return len(_recent(_key("rate", scope, ident), rule.seconds, now)) < rule.count


def retry_at(scope: str, ident: str | None) -> dt.datetime | None:
    """When one more attempt will fit again (the oldest counted attempt slides out); None if it fits now."""
    if not ident:
        return None
    rule = config.limit(scope)
    now = clock.now().timestamp()
    stamps = sorted(_recent(_key("rate", scope, ident), rule.seconds, now))
    if len(stamps) < rule.count:
        return None
    freed = stamps[len(stamps) - rule.count] + rule.seconds if rule.count else now + rule.seconds
    return dt.datetime.fromtimestamp(freed, tz=clock.SHANGHAI)


def hit(scope: str, ident: str | None) -> bool:
    """Count one attempt; False (and not counted) when the window is already full."""
    if not ident:
        return True
    rule = config.limit(scope)
    now = clock.now().timestamp()
    key = _key("rate", scope, ident)
    stamps = _recent(key, rule.seconds, now)
    if len(stamps) >= rule.count:
        return False
    stamps.append(now)
    cache.set(key, stamps, rule.seconds + 60)
    return True


def is_locked(scope: str, ident: str | None) -> bool:
    if not ident:
        return False
    until = cache.get(_key("lock", scope, ident))
    return until is not None and until > clock.now().timestamp()


def fail(scope: str, ident: str | None) -> bool:
    """Count a failure; lock the identifier once the failures in the window reach the limit. True if locked."""
    if not ident:
        return False
    rule = config.limit(scope)
    now = clock.now().timestamp()
    key = _key("fail", scope, ident)
    stamps = [*_recent(key, rule.seconds, now), now]
    cache.set(key, stamps, rule.seconds + 60)
    if len(stamps) >= rule.count:
        seconds = config.lock_seconds()
        cache.set(_key("lock", scope, ident), now + seconds, seconds + 60)
        cache.delete(key)
        return True
    return False


def clear_failures(scope: str, ident: str | None) -> None:
    if ident:
        cache.delete(_key("fail", scope, ident))


# --- the gate of every page that takes a query code and a phone ------------------------------------------------


def address_refusal(ip: str | None) -> str | None:
    """The address's lockout and rate, counted before the form is even read; the message, or None."""
    if is_locked("fail_ip", ip):
        return LOCKED
    if not hit("query_ip", ip):
        return TOO_MANY
    return None


@dataclass(frozen=True)
class Proof:
    found: Any = None  # what the code and phone proved (a petition, an appointment)
    refusal: str | None = None  # LOCKED or TOO_MANY; neither and nothing found: a wrong code or phone


def prove(ip: str | None, code: str, phone: str, lookup: Callable[[str, str], Any]) -> Proof:
    """One sequence for the follow page, the appointment check and the appointment request (after
    ``address_refusal``): code and phone lockouts, the per-phone query limit, then the lookup; a miss counts
    against the code, the phone and the address alike, a match clears the code's and the phone's failures."""
    if is_locked("fail_code", code) or is_locked("fail_phone", phone):
        return Proof(refusal=LOCKED)
    if not hit("query_phone", phone):
        return Proof(refusal=TOO_MANY)
    found = lookup(code, phone)
    if found is None:
        locked = [fail(s, i) for s, i in (("fail_code", code), ("fail_phone", phone), ("fail_ip", ip))]
        return Proof(refusal=LOCKED if any(locked) else None)
    clear_failures("fail_code", code)
    clear_failures("fail_phone", phone)
    return Proof(found=found)
