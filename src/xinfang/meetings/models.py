"""Joint meetings (信访工作联席会议, `JointMeeting`, process.md §10): township and county meetings, their items
(petitions, disputes), a decision per item (lead unit, supporting units, action, deadline), and what a meeting
could not settle sent up: township → county meeting → the county government's 常务会 or party committee's
常委会 (高端会诊)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MeetingLevel(models.TextChoices):
    TOWNSHIP = "township", "乡镇（街道）联席会议"
    COUNTY = "county", "县联席会议"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "例会"
    AD_HOC = "ad_hoc", "专题会"


class JointMeeting(models.Model):
    level = models.CharField("会议层级", max_length=10, choices=MeetingLevel.choices)
    kind = models.CharField("会议类型", max_length=10, choices=MeetingKind.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="召集单位", on_delete=models.PROTECT, related_name="joint_meetings"
    )
    held_on = models.DateField("召开日期")
    title = models.CharField("会议名称", max_length=200)
    attendees = models.TextField("参会单位和领导")
    minutes = models.TextField("会议纪要", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"], name="meeting_unit_held")]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"


class EscalationTarget(models.TextChoices):
    COUNTY_MEETING = "county_meeting", "县联席会议"
    GOVERNMENT = "government", "县政府常务会"
    PARTY_COMMITTEE = "party_committee", "县委常委会"


class ItemStatus(models.TextChoices):
    OPEN = "open", "待议定"
    DECIDED = "decided", "已议定"
    ESCALATED = "escalated", "已提请上级研究"
    SETTLED = "settled", "已化解"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        JointMeeting, verbose_name="联席会议", on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField("议题序号")
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_items",
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        verbose_name="矛盾纠纷",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_items",
    )
    summary = models.TextField("议题")
    status = models.CharField("状态", max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    # The item this one continues, when a lower meeting sent it up.
    escalated_from = models.OneToOneField(
        "self",
        verbose_name="下级会议议题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="taken_up_as",
    )
    escalated_to = models.CharField("提请", max_length=20, choices=EscalationTarget.choices, blank=True)
    escalation_reason = models.TextField("提请理由", blank=True)
    # What the 常务会 / 常委会 decided: those meetings are not recorded here, only their outcome.
    escalation_outcome = models.TextField("上级研究结果", blank=True)
    settled_note = models.TextField("化解情况", blank=True)

    class Meta:
        verbose_name = "联席会议议题"
        verbose_name_plural = "联席会议议题"
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position"),
            models.CheckConstraint(
                condition=~(models.Q(petition__isnull=False) & models.Q(dispute__isnull=False)),
                name="agenda_item_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}第{self.position}项"


class Decision(models.Model):
    """What the meeting decided on an item: followed up like an assignment (交办), to its deadline."""

    item = models.ForeignKey(
        AgendaItem, verbose_name="议题", on_delete=models.CASCADE, related_name="decisions"
    )
    lead_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="meeting_decisions"
    )
    supporting_units = models.ManyToManyField(
        "orgs.OrgUnit", verbose_name="配合单位", blank=True, related_name="meeting_decisions_supported"
    )
    action = models.TextField("议定事项")
    deadline = models.DateField("办理时限")
    done_on = models.DateField("落实日期", null=True, blank=True)
    done_note = models.TextField("落实情况", blank=True)

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["item", "id"]
        indexes = [models.Index(fields=["lead_unit", "deadline"], name="decision_lead_deadline")]

    def __str__(self) -> str:
        return f"{self.lead_unit}：{self.action[:20]}"

    @property
    def is_open(self) -> bool:
        return self.done_on is None


class DecisionWarning(models.Model):
    """That the warning of one colour for one decision went out; the scan sends each at most once."""

    decision = models.ForeignKey(
        Decision, verbose_name="议定事项", on_delete=models.CASCADE, related_name="warnings"
    )
    colour = models.CharField("预警颜色", max_length=10)
    due_on = models.DateField("当时办理时限")
    sent_at = models.DateTimeField("发送时间")
    told = models.PositiveIntegerField("通知人数", default=0)

    class Meta:
        verbose_name = "议定事项预警记录"
        verbose_name_plural = "议定事项预警记录"
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["decision", "colour"], name="decision_warning_once")]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.colour}"


class DecisionSupervision(models.Model):
    """A 督办 opened on a decision its lead unit has not carried out (the supervision itself is the
    supervision app's; this row says which decision it presses)."""

    decision = models.ForeignKey(
        Decision, verbose_name="议定事项", on_delete=models.CASCADE, related_name="supervision_links"
    )
    supervision = models.OneToOneField(
        "supervision.Supervision",
        verbose_name="督办",
        on_delete=models.PROTECT,
        related_name="meeting_decision",
    )

    class Meta:
        verbose_name = "议定事项督办"
        verbose_name_plural = "议定事项督办"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.decision_id} → {self.supervision_id}"
