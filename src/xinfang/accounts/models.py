"""Login failure counters and lockouts, per account and per client address.

A database row, not a cache entry: the counter is taken under a row lock (``select_for_update``; SQLite's
IMMEDIATE transactions serialise writers), so concurrent guesses cannot slip past the limit, and every
process of every machine sees the same lock without a shared cache.
"""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    ACCOUNT = "account", "账号"
    ADDRESS = "address", "客户端地址"


class LoginThrottle(models.Model):
    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    # The username as typed (lower-cased) or the client address.
    key = models.CharField("账号或地址", max_length=150)
    attempts = models.PositiveIntegerField("窗口内尝试次数", default=0)
    window_started_at = models.DateTimeField("窗口开始", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", null=True, blank=True)

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key}"
