"""Issuing, finding and revoking API tokens (``ApiToken``); one audit event per issue and revoke.

A key is 32 random bytes, so a plain SHA-256 digest is enough to store (no salt or slow hash: nothing to
guess). Keys live ``settings.XF_API_TOKEN_DAYS`` days. Logging in through ``/api/v1/auth/token`` rotates
the user's login token (the previous one is revoked); tokens the owner issues for a script stay until they
expire or are revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction

from xinfang import clock
from xinfang.audit import services as audit

from .models import ApiToken, TokenKind

PREFIX_LENGTH = 8


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "XF_API_TOKEN_DAYS", 30))


@transaction.atomic
def issue(user, *, kind: str = TokenKind.ISSUED, name: str = "", ip_address: str | None = None):
    """A new token for ``user``: returns (row, key). The key is not stored; show it to the user now."""
    now = clock.now()
    if kind == TokenKind.LOGIN:
        for old in ApiToken.objects.filter(user=user, kind=TokenKind.LOGIN, revoked_at__isnull=True):
            _revoke(old, user, now, ip_address, reason="登录时轮换")
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        prefix=key[:PREFIX_LENGTH],
        digest=digest(key),
        kind=kind,
        name=name.strip()[:100],
        created_at=now,
        expires_at=now + lifetime(),
    )
    audit.record(
        action="issue_api_token",
        target=token,
        actor=user,
        ip_address=ip_address,
        data={"prefix": token.prefix, "kind": kind, "expires_at": token.expires_at.isoformat()},
    )
    return token, key


def find(key: str) -> ApiToken | None:
    """The live token of ``key`` with its user, unit and region (every API request reads them next)."""
    token = ApiToken.objects.select_related("user__unit__region").filter(digest=digest(key)).first()
    if token is None or token.revoked_at is not None:
        return None
    return token


def is_expired(token: ApiToken) -> bool:
    return token.expires_at <= clock.now()


def live_tokens(user):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=clock.now())


@transaction.atomic
def revoke(token: ApiToken, actor, *, ip_address: str | None = None, reason: str = "本人吊销") -> None:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        _revoke(locked, actor, clock.now(), ip_address, reason=reason)


def _revoke(token: ApiToken, actor, now, ip_address, *, reason: str) -> None:
    token.revoked_at = now
    token.save(update_fields=["revoked_at"])
    audit.record(
        action="revoke_api_token",
        target=token,
        actor=actor,
        ip_address=ip_address,
        reason=reason,
        data={"prefix": token.prefix},
    )
