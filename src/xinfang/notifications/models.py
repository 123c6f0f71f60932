"""In-app notifications (站内消息) and the record of every SMS sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xinfang.fieldcrypt import EncryptedTextField
from xinfang.petitions.identity import mask_phone


class Kind(models.TextChoices):
    ROUTED = "routed", "收到转送交办事项"
    OBJECTED = "objected", "单位提出异议"
    ACCEPTED = "accepted", "已受理待答复"
    REPLIED = "replied", "已答复待送达"
    URGED = "urged", "交办机关催办"
    SUPPLEMENTED = "supplemented", "交办机关补充材料"
    CONFIRMED = "confirmed", "审核认定办结"
    RETURNED = "returned", "退回重办"
    REVIEW_REQUESTED = "review_requested", "收到复查复核请求"
    DISSATISFIED = "dissatisfied", "信访人评价不满意"
    DEADLINE_DUE_SOON = "deadline_due_soon", "即将到期预警"
    DEADLINE_OVERDUE = "deadline_overdue", "超期预警"
    ESCALATION = "escalation", "超期升级提醒"
    SUPERVISION = "supervision", "督办"
    SUPERVISION_REMINDER = "supervision_reminder", "督办催办"
    SUPERVISION_ANSWERED = "supervision_answered", "督办回复"
    URGENT = "urgent", "紧急信访事项（扬言）"
    GENERAL = "general", "通知"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Not restricted to `Kind`: another app may send a kind of its own without a migration here.
    kind = models.CharField("类型", max_length=40, default=Kind.GENERAL)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("发送时间")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-id"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind in Kind.values else self.kind

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SmsStatus(models.TextChoices):
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class SmsMessage(models.Model):
    """One text message handed to the SMS gateway (or, in development, to the log)."""

    phone = EncryptedTextField("手机号码", max_length=20)
    template = models.CharField("短信模板", max_length=40, blank=True)
    # The template's parameters as sent, secrets (query codes, one-time codes) masked: see ``sms``.
    params = models.JSONField("模板参数", default=dict, blank=True)
    text = models.TextField("短信内容（已隐去查询码、验证码）")
    backend = models.CharField("发送通道", max_length=120)
    status = models.CharField("状态", max_length=10, choices=SmsStatus.choices, default=SmsStatus.SENT)
    error = models.CharField("失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = "短信记录"
        verbose_name_plural = "短信记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.masked_phone} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
