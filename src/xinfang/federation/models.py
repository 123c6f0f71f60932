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


# --- reporting up (docs/federation.md "Reporting up") ------------------------------------------------------
# What a lower peer's own statistics read for a matter sent to it, as it reported it with its events: the
# rows carry the column names of the peer's own rows (``workflow.Deadline``, ``evaluation.Rating``, the
# petition's intake columns), so the statistics apply their very definitions to them (``stats.peer_figures``).


class ReportedUnit(models.Model):
    """A unit of a peer that holds a reported row: only its kind matters to the figures (the jurisdiction's
    acceptance leaves the bureaus' own periods out)."""

    peer = models.ForeignKey(Peer, verbose_name="联网实例", on_delete=models.CASCADE, related_name="+")
    code = models.CharField("单位代码", max_length=40)
    name = models.CharField("名称", max_length=100, blank=True)
    kind = models.CharField("类型", max_length=20)

    class Meta:
        verbose_name = "对端单位"
        verbose_name_plural = "对端单位"
        constraints = [models.UniqueConstraint(fields=["peer", "code"], name="reportedunit_unique")]

    def __str__(self) -> str:
        return f"{self.peer} {self.code}"


class ReportedMatter(models.Model):
    """A matter sent to a peer as the peer registered it (its receipt and intake columns; the peer registers a
    matter from above as 上级转送交办, so its source columns differ from this instance's)."""

    peer = models.ForeignKey(Peer, verbose_name="联网实例", on_delete=models.CASCADE, related_name="+")
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.CASCADE, related_name="+"
    )
    region_code = models.CharField("对端辖区", max_length=12)
    received_at = models.DateTimeField("登记时间")
    channel = models.CharField("信访形式", max_length=20)
    visit_level = models.CharField("来访层级", max_length=12, blank=True)
    source = models.CharField("来源", max_length=30, blank=True)
    source_level = models.CharField("转交办层级", max_length=12, blank=True)
    source_action = models.CharField("转交办方式", max_length=12, blank=True)
    person_count = models.PositiveIntegerField("人数", default=1)
    is_collective = models.BooleanField("集体访", default=False)
    status = models.CharField("状态", max_length=20, blank=True)
    reported_at = models.DateTimeField("报送时间")

    class Meta:
        verbose_name = "对端报送事项"
        verbose_name_plural = "对端报送事项"
        constraints = [models.UniqueConstraint(fields=["peer", "petition"], name="reportedmatter_unique")]

    def __str__(self) -> str:
        return f"{self.peer} #{self.petition_id}"


class _ReportedRow(models.Model):
    """A row a peer reported for one of its matters, at one of its units."""

    peer = models.ForeignKey(Peer, verbose_name="联网实例", on_delete=models.CASCADE, related_name="+")
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        ReportedUnit, verbose_name="对端单位", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class ReportedDeadline(_ReportedRow):
    stage = models.CharField("环节", max_length=32)
    rating_target = models.CharField("评价对象", max_length=10, blank=True)
    counts = models.BooleanField("计入统计", default=True)
    due_on = models.DateField("期满日")
    status = models.CharField("状态", max_length=10)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "对端报送期限"
        verbose_name_plural = "对端报送期限"
        indexes = [models.Index(fields=["peer", "stage", "due_on"], name="reporteddeadline_due")]

    def __str__(self) -> str:
        return f"{self.peer} #{self.petition_id} {self.stage}"


class ReportedRating(_ReportedRow):
    target = models.CharField("评价对象", max_length=10)
    rating = models.CharField("评价", max_length=24)
    rated_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = "对端报送评价"
        verbose_name_plural = "对端报送评价"
        indexes = [models.Index(fields=["peer", "rated_at"], name="reportedrating_rated")]

    def __str__(self) -> str:
        return f"{self.peer} #{self.petition_id} {self.target}"


class NotifiedVisit(models.Model):
    """A skip-level visit (越级访) a peer above registered for a matter in this instance's jurisdiction and
    notified here: a count, not a matter to handle (docs/federation.md "Skip-level visits"). The columns
    are the petition's, so a slice narrows these as it narrows petitions. Once the same matter is sent down
    (``petition`` set) the petition counts it and this row no longer does."""

    peer = models.ForeignKey(Peer, verbose_name="联网实例", on_delete=models.PROTECT, related_name="+")
    sender_ref = models.CharField("对端登记编号", max_length=40)
    received_at = models.DateTimeField("来访时间")
    channel = models.CharField("信访形式", max_length=20, default="visit")
    visit_level = models.CharField("来访层级", max_length=12)
    source = models.CharField("来源", max_length=30, default="direct")
    source_level = models.CharField("转交办层级", max_length=12, blank=True)
    source_action = models.CharField("转交办方式", max_length=12, blank=True)
    petition_class = models.CharField("信访类别", max_length=20)
    category = models.ForeignKey(
        "petitions.Category", verbose_name="内容分类", on_delete=models.PROTECT, related_name="+"
    )
    issue_region_code = models.CharField("问题属地", max_length=12)
    person_count = models.PositiveIntegerField("人数", default=1)
    is_collective = models.BooleanField("集体访", default=False)
    is_repeat = models.BooleanField("重复信访", default=False)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="交办后的信访事项",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "上级通报越级访"
        verbose_name_plural = "上级通报越级访"
        constraints = [models.UniqueConstraint(fields=["peer", "sender_ref"], name="notifiedvisit_unique")]
        indexes = [models.Index(fields=["issue_region_code", "received_at"], name="notifiedvisit_region")]

    def __str__(self) -> str:
        return f"{self.peer} {self.sender_ref}"
