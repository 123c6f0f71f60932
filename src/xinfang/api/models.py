"""API tokens: only a digest of each key is stored; the key is shown once, when it is issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TokenKind(models.TextChoices):
    LOGIN = "login", "登录获取"
    ISSUED = "issued", "本人签发"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    # The first characters of the key, so its owner can tell tokens apart; not enough to use one.
    prefix = models.CharField("令牌前缀", max_length=8)
    digest = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    kind = models.CharField("来源", max_length=10, choices=TokenKind.choices, default=TokenKind.LOGIN)
    name = models.CharField("用途说明", max_length=100, blank=True)
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_live")]

    def __str__(self) -> str:
        return f"{self.prefix}…"
