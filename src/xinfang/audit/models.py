"""The append-only trail of every change to a case (全程留痕).

One row per change, written in the same transaction as the change. There is no update or delete path:
the model refuses both, and database triggers (migration 0002) refuse them on SQLite and PostgreSQL too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("留痕记录不可修改。")

    def delete(self):
        raise AppendOnlyError("留痕记录不可删除。")


class Event(models.Model):
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    target_type = models.CharField("对象", max_length=40)
    target_id = models.CharField("对象标识", max_length=40, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="操作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("发生时间")
    recorded_at = models.DateTimeField("记录时间")
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    from_status = models.CharField("原状态", max_length=30, blank=True)
    to_status = models.CharField("新状态", max_length=30, blank=True)
    changes = models.JSONField("变更字段", default=dict, blank=True)
    reason = models.TextField("理由", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["petition", "at"]),
            models.Index(fields=["action", "at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("留痕记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("留痕记录不可删除。")
