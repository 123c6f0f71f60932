"""Supervision (督办, process.md §6), the deadline warnings sent and who a colour escalates to (§5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Role, UnitKind


class WarningColour(models.TextChoices):
    RED = "red", "红色（超期）"
    YELLOW = "yellow", "黄色（临期）"
    BLUE = "blue", "蓝色（在办）"


class EscalationRule(models.Model):
    """Who hears of a deadline of this colour besides the handlers: users with ``role`` in the unit of
    ``unit_kind`` at the level of the petition bureau the responsible unit answers to."""

    colour = models.CharField("预警颜色", max_length=10, choices=WarningColour.choices)
    role = models.CharField("接收角色", max_length=20, choices=Role.choices)
    unit_kind = models.CharField("接收单位类型", max_length=20, choices=UnitKind.choices)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "预警升级规则"
        verbose_name_plural = "预警升级规则"
        ordering = ["colour", "id"]
        constraints = [
            models.UniqueConstraint(fields=["colour", "role", "unit_kind"], name="escalation_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} → {self.get_unit_kind_display()}{self.get_role_display()}"


class UrgentPhrase(models.Model):
    """A phrase that, found in a newly registered petition's text, marks the matter urgent (扬言: self-harm,
    violence, a mass gathering). Edited by the system administrator; ``urgency`` reads the active ones."""

    phrase = models.CharField("词句", max_length=40, unique=True)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "扬言词句"
        verbose_name_plural = "扬言词句"
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class DeadlineWarning(models.Model):
    """That the warning of one colour for one deadline went out; the scan sends each at most once."""

    deadline = models.ForeignKey(
        "workflow.Deadline", verbose_name="期限", on_delete=models.CASCADE, related_name="warnings"
    )
    colour = models.CharField("预警颜色", max_length=10, choices=WarningColour.choices)
    due_on = models.DateField("当时期满日")
    sent_at = models.DateTimeField("发送时间")
    handlers_told = models.PositiveIntegerField("通知承办人数", default=0)
    leaders_told = models.PositiveIntegerField("升级通知人数", default=0)

    class Meta:
        verbose_name = "期限预警记录"
        verbose_name_plural = "期限预警记录"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "colour"], name="deadline_warning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.get_colour_display()}"


class ReasonKind(models.TextChoices):
    DEADLINE_MISSED = "deadline_missed", "超期未办"
    SHIRKED_OR_DELAYED = "shirked_or_delayed", "推诿扯皮、敷衍拖延"
    DECISION_NOT_CARRIED_OUT = "decision_not_carried_out", "处理意见未落实"
    LEADER_INSTRUCTION = "leader_instruction", "领导批示"


class SupervisionStatus(models.TextChoices):
    OPEN = "open", "待回复"
    ANSWERED = "answered", "已回复"
    CLOSED = "closed", "已结束"


class Supervision(models.Model):
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="被督办单位", on_delete=models.PROTECT, related_name="supervisions"
    )
    bureau = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="督办单位", on_delete=models.PROTECT, related_name="supervisions_opened"
    )
    deadline = models.ForeignKey(
        "workflow.Deadline",
        verbose_name="所涉期限",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisions",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("督办时间")
    reason_kind = models.CharField("督办事由", max_length=30, choices=ReasonKind.choices)
    text = models.TextField("督办意见")
    response_due = models.DateField("回复期限")
    is_listed = models.BooleanField("挂牌督办", default=False)
    status = models.CharField(
        "督办状态", max_length=10, choices=SupervisionStatus.choices, default=SupervisionStatus.OPEN
    )
    letter = models.ForeignKey(
        "documents.Document",
        verbose_name="督办函",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_text = models.TextField("回复内容", blank=True)
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Stored when answered, so counts per unit are one grouped query.
    answered_on_time = models.BooleanField("按期回复", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_note = models.TextField("结束说明", blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "opened_at"], name="supervision_unit_opened"),
            models.Index(fields=["status", "response_due"], name="supervision_status_due"),
            models.Index(fields=["opened_at"], name="supervision_opened"),
        ]

    def __str__(self) -> str:
        return f"督办{self.unit}（{self.opened_at:%Y-%m-%d}）"

    @property
    def is_open(self) -> bool:
        return self.status == SupervisionStatus.OPEN


class SupervisionReminder(models.Model):
    """A reminder (催办) sent as the response date nears; ``days_before`` -1 means it has passed."""

    OVERDUE = -1

    supervision = models.ForeignKey(
        Supervision, verbose_name="督办", on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.SmallIntegerField("距回复期限天数")
    sent_at = models.DateTimeField("发送时间")
    recipients = models.PositiveIntegerField("通知人数", default=0)

    class Meta:
        verbose_name = "督办催办记录"
        verbose_name_plural = "督办催办记录"
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supervision", "days_before"], name="supervision_reminder_once"),
        ]

    def __str__(self) -> str:
        return "已逾期催办" if self.days_before == self.OVERDUE else f"到期前{self.days_before}日催办"
