"""Which peers are active and which unit codes they serve, read once a minute at most per cache.

``perform`` asks on every transition; with no peer (the usual single instance) the answer is a cache hit,
so a transition pays nothing, and one query when the cache is cold. A change to a peer clears it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from .models import Peer

KEY = "federation:active-peers:v1"
TTL_SECONDS = 60


@dataclass(frozen=True)
class ActivePeer:
    id: int
    codes: frozenset[str]


def active() -> list[ActivePeer]:
    rows = cache.get(KEY)
    if rows is None:
        rows = [
            (pk, list(codes))
            for pk, codes in Peer.objects.filter(is_active=True).order_by().values_list("pk", "unit_codes")
        ]
        cache.set(KEY, rows, TTL_SECONDS)
    return [ActivePeer(pk, frozenset(codes)) for pk, codes in rows]


def forget() -> None:
    cache.delete(KEY)


def serving(code: str) -> ActivePeer | None:
    """The active peer a local unit code stands for, if any."""
    return next((peer for peer in active() if code in peer.codes), None)
