"""What a view may know about the client it answers."""

from __future__ import annotations


def client_ip(request) -> str | None:
    """The address the audit trail and the rate limits record: the socket's peer, REMOTE_ADDR, only.

    X-Forwarded-For is whatever the client wants it to be unless a trusted proxy rewrites it; behind nginx,
    ``security.ClientAddressMiddleware`` puts the proxy's X-Real-IP into REMOTE_ADDR, so this stays correct.
    """
    return request.META.get("REMOTE_ADDR") or None
