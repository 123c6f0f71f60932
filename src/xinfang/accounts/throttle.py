"""Login throttling: every attempt is counted before the password is checked, under a row lock.

``reserve`` takes one attempt from the account's and the address's allowance before the password is looked
at; a success gives it back (``succeeded``), a failure keeps it and locks the row once the allowance is spent
(``failed``). Because the attempt is taken first and under the lock, fifty concurrent guesses get at most
the allowance through to the password check, not fifty. Each step is one transaction with its audit events.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xinfang import clock
from xinfang.audit import services as audit

from . import config
from .models import LoginThrottle, Scope


@dataclass(frozen=True)
class Who:
    username: str
    address: str | None

    def limits(self) -> list[tuple[str, str, int]]:
        """(scope, key, allowance) in one fixed order, so two transactions never wait on each other."""
        keys = []
        if self.username:
            keys.append(
                (Scope.ACCOUNT, self.username.strip().lower()[:150], config.max_failures_per_account())
            )
        if self.address:
            keys.append((Scope.ADDRESS, self.address, config.max_failures_per_address()))
        return keys


def _rows(who: Who) -> list[tuple[LoginThrottle, int]]:
    rows = []
    for scope, key, allowance in who.limits():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(scope=scope, key=key)
        rows.append((row, allowance))
    return rows


def _event(action: str, row: LoginThrottle, who: Who, *, actor=None, reason: str = "", data=None) -> None:
    audit.record(
        action=action,
        target=row,
        actor=actor,
        ip_address=who.address,
        reason=reason,
        data={"username": who.username, "scope": row.scope, "key": row.key, **(data or {})},
    )


def _expire(row: LoginThrottle, who: Who, now: dt.datetime) -> None:
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until, row.attempts, row.window_started_at = None, 0, None
        _event("login_unlocked", row, who, reason="锁定期满自动解除")
    if row.window_started_at is None or row.window_started_at <= now - config.failure_window():
        row.attempts, row.window_started_at = 0, now


def reserve(who: Who) -> bool:
    """Take one attempt; False (nothing taken, the refusal audited) while the account or address is locked."""
    now = clock.now()
    with transaction.atomic():
        rows = _rows(who)
        for row, _ in rows:
            _expire(row, who, now)
        locked = [row for row, _ in rows if row.locked_until is not None]
        if not locked:
            for row, _ in rows:
                row.attempts += 1
        for row, allowance in rows:
            if not locked and row.attempts > allowance:
                # Only reachable when the allowance was lowered under a running window.
                row.locked_until = now + config.lock_period()
                locked.append(row)
            row.updated_at = now
            row.save()
        for row in locked:
            _event("login_refused", row, who, reason="账号或地址已锁定，拒绝登录")
        return not locked


def failed(who: Who) -> None:
    """The password was wrong: keep the attempt, lock what has spent its allowance."""
    now = clock.now()
    with transaction.atomic():
        rows = _rows(who)
        first = True
        for row, allowance in rows:
            if first:
                _event("login_failed", row, who, reason="用户名或密码错误", data={"attempts": row.attempts})
                first = False
            if row.attempts >= allowance and row.locked_until is None:
                row.locked_until = now + config.lock_period()
                _event(
                    "login_locked",
                    row,
                    who,
                    reason=f"连续登录失败{row.attempts}次，锁定至{timezone.localtime(row.locked_until):%H:%M}",
                    data={"attempts": row.attempts, "locked_until": row.locked_until},
                )
            row.updated_at = now
            row.save()


def succeeded(who: Who) -> None:
    """The password was right: the account starts afresh, the address gets back the attempt it lent."""
    now = clock.now()
    with transaction.atomic():
        for row, _ in _rows(who):
            row.attempts = 0 if row.scope == Scope.ACCOUNT else max(0, row.attempts - 1)
            row.updated_at = now
            row.save()


def minutes_locked(who: Who) -> int:
    """Whole minutes left of the longest lock on the account or address, 0 when neither is locked."""
    now = clock.now()
    untils = LoginThrottle.objects.filter(
        scope__in=[scope for scope, _, _ in who.limits()],
        key__in=[key for _, key, _ in who.limits()],
        locked_until__gt=now,
    ).values_list("scope", "key", "locked_until")
    wanted = {(scope, key) for scope, key, _ in who.limits()}
    left = [until - now for scope, key, until in untils if (scope, key) in wanted]
    return math.ceil(max(left).total_seconds() / 60) if left else 0


def unlock(row: LoginThrottle, *, actor=None, address: str | None = None) -> None:
    """A security administrator lifts a lock before it runs out."""
    with transaction.atomic():
        row = LoginThrottle.objects.select_for_update().get(pk=row.pk)
        row.locked_until, row.attempts, row.window_started_at = None, 0, None
        row.updated_at = clock.now()
        row.save()
        _event(
            "login_unlocked",
            row,
            Who(row.key if row.scope == Scope.ACCOUNT else "", address),
            actor=actor,
            reason="管理员解除锁定",
        )
