"""Instances that know each other (docs/federation.md): peers, the links between a petition here and its copy
at a peer, and the outbox and inbox of the events they exchange.

A unit on this instance that stands for a unit of a peer (its 信访局 or department) is an ordinary ``OrgUnit``
whose code is in that peer's ``unit_codes``: routing a matter to it sends the matter to the peer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.fieldcrypt import EncryptedTextField


class Peer(models.Model):
    name = models.CharField("名称", max_length=60, unique=True)
    base_url = models.CharField("地址", max_length=200, blank=True, help_text="如 https://xf.city.example/")
    unit_codes = models.JSONField("所代表的单位代码", default=list)
    # HMAC-SHA256 keys, one per direction. The secrets are Fernet tokens under the field keys, which live
    # outside the database: a copy of the database alone cannot sign or verify (docs/federation.md).
    outbound_key_id = models.CharField("本端密钥编号", max_length=60)
    outbound_secret = EncryptedTextField("本端签名密钥")
    inbound_key_id = models.CharField("对端密钥编号", max_length=60, unique=True)
    inbound_secret = EncryptedTextField("对端签名密钥")
    service_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="服务账号", on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "联网实例"
        verbose_name_plural = "联网实例"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def primary_code(self) -> str:
        return self.unit_codes[0] if self.unit_codes else ""


class LinkDirection(models.TextChoices):
    FROM_PEER = "from_peer", "上级交来"
    TO_PEER = "to_peer", "交给对端"


class RemoteLink(models.Model):
    """A petition here and the same matter at a peer: both registration numbers are kept (the petitioner's
    query code stays with the instance where they filed)."""

    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="remote_links"
    )
    peer = models.ForeignKey(Peer, verbose_name="联网实例", on_delete=models.PROTECT, related_name="links")
    direction = models.CharField("方向", max_length=10, choices=LinkDirection.choices)
    remote_number = models.CharField("对端登记编号", max_length=40, blank=True)
    remote_petition_id = models.BigIntegerField("对端事项编号", null=True, blank=True)
    created_at = models.DateTimeField("建立时间")

    class Meta:
        verbose_name = "联网事项"
        verbose_name_plural = "联网事项"
        constraints = [models.UniqueConstraint(fields=["petition", "peer"], name="remotelink_unique")]
        indexes = [models.Index(fields=["peer", "remote_number"], name="remotelink_remote")]

    def __str__(self) -> str:
        return f"{self.peer} {self.remote_number or '-'}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    ACKED = "acked", "已确认"
    QUARANTINED = "quarantined", "对端拒收"
    DEAD = "dead", "发送失败"


class OutboxEvent(models.Model):
    peer = models.ForeignKey(Peer, verbose_name="联网实例", on_delete=models.PROTECT, related_name="outbox")
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveIntegerField("序号")
    key = models.UUIDField("幂等键", default=uuid.uuid4, unique=True)
    type = models.CharField("事件类型", max_length=40)
    # The whole envelope, encrypted: a sent-down matter carries the petitioners' ID numbers and phones.
    payload = EncryptedTextField("内容")
    status = models.CharField(
        "状态", max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间")
    last_error = models.TextField("最近错误或拒收理由", blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发事件"
        verbose_name_plural = "待发事件"
        ordering = ["peer", "petition", "seq"]
        constraints = [models.UniqueConstraint(fields=["peer", "petition", "seq"], name="outbox_seq_unique")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.peer} #{self.petition_id}.{self.seq} {self.type}"


class InboxStatus(models.TextChoices):
    APPLIED = "applied", "已办理"
    HELD = "held", "等待前序事件"
    QUARANTINED = "quarantined", "已隔离"


class InboxEvent(models.Model):
    peer = models.ForeignKey(Peer, verbose_name="联网实例", on_delete=models.PROTECT, related_name="inbox")
    key = models.CharField("幂等键", max_length=64)
    stream = models.CharField("对端登记编号", max_length=40, blank=True)
    seq = models.PositiveIntegerField("序号", default=0)
    type = models.CharField("事件类型", max_length=40, blank=True)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="信访事项",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField("状态", max_length=12, choices=InboxStatus.choices)
    reason = models.TextField("理由", blank=True)
    payload = EncryptedTextField("内容")
    received_at = models.DateTimeField("收到时间")
    applied_at = models.DateTimeField("办理时间", null=True, blank=True)

    class Meta:
        verbose_name = "收到事件"
        verbose_name_plural = "收到事件"
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["peer", "key"], name="inbox_key_unique")]
        indexes = [
            models.Index(fields=["peer", "stream", "seq"], name="inbox_stream"),
            models.Index(fields=["status"], name="inbox_status", condition=Q(status="held")),
        ]

    def __str__(self) -> str:
        return f"{self.peer} {self.stream}.{self.seq} {self.type}"
