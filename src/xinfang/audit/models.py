"""The append-only trail of every change to a case (全程留痕).

One row per change, written in the same transaction as the change. There is no update or delete path:
the model refuses both, database triggers (migrations 0003 and 0005) refuse them on SQLite and PostgreSQL,
and on PostgreSQL the application's role holds only SELECT and INSERT on the table (scripts/pg-app-role).
Each row is a link of one hash chain (``chain.py``, ``seq`` and ``hash``), so a row changed, deleted or
inserted behind the application's back is named by ``xinfang audit verify``.
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
        db_index=False,  # (petition, at) below serves every lookup by petition: one index less per event
    )
    target_type = models.CharField("对象", max_length=40)
    target_id = models.CharField("对象标识", max_length=40, blank=True)
    # No index of its own (nor PostgreSQL's LIKE twin): (action, at) below serves every lookup by action.
    action = models.CharField("操作", max_length=40)
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
    # Set by ``services`` under the chain head's lock, never by a caller.
    seq = models.PositiveBigIntegerField("链序号", unique=True, editable=False)
    hash = models.CharField("链哈希", max_length=64, editable=False)

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
        if self.seq is None:
            # An unchained row would break the chain for every later reader: services.record chains it.
            raise AppendOnlyError("留痕记录须经 audit.services.record 写入。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("留痕记录不可删除。")


class ChainHead(models.Model):
    """The last link of the chain: one row, taken FOR UPDATE by every writer, so concurrent transactions
    append one after another and ``seq`` has no gap or duplicate. ``verify`` compares the table's last row
    with it, which is how a deleted tail is seen."""

    seq = models.PositiveBigIntegerField("链序号", default=0)
    hash = models.CharField("链哈希", max_length=64)
    # Links from this seq on are keyed (chain.KEYED_VERSION); a new chain is keyed from its first row, one
    # made before the key existed from the first row written after migration 0006.
    keyed_from = models.PositiveBigIntegerField("密钥保护起始序号", null=True, default=1)
    # After `audit purge`: the chain's first kept row and the hash it links to (the last purged row's),
    # both also named by the purge's own (keyed) event, which `verify` requires.
    first_seq = models.PositiveBigIntegerField("链起始序号", default=1)
    anchor_hash = models.CharField("起始前一条哈希", max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "留痕链头"
        verbose_name_plural = "留痕链头"

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"
