"""Routing records, replies, extensions and per-petition deadlines.

Only the workflow service writes these. A unit's view of petitions (`visible_to`) is built on routings:
a unit sees what was sent to it, and nothing else; review and re-review are routings too, so the reviewing
unit sees the petition it must review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import RatingTarget
from xinfang.petitions.models import DeliveryMethod, ReplyOpinion, Track


class RoutingAction(models.TextChoices):
    TRANSFER = "transfer", "转送"
    ASSIGN = "assign", "交办"
    HANDLE_SELF = "handle_self", "直接受理"
    REVIEW = "review", "复查"
    RE_REVIEW = "re_review", "复核"


class Routing(models.Model):
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="routings"
    )
    action = models.CharField("方式", max_length=12, choices=RoutingAction.choices)
    from_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="转出单位", on_delete=models.PROTECT, related_name="routings_sent"
    )
    to_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="接收单位", on_delete=models.PROTECT, related_name="routings_received"
    )
    sent_at = models.DateTimeField("转出时间")
    report_due = models.DateField("报结时限", null=True, blank=True)
    signed_for_at = models.DateTimeField("签收时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    # An assigned matter's result, as the assigning bureau judged it (审核认定办结 / 退回重办, process.md §3).
    result_confirmed_at = models.DateTimeField("审核认定办结时间", null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField("退回重办次数", default=0)
    objected_at = models.DateTimeField("异议时间", null=True, blank=True)
    objection_reason = models.TextField("异议理由", blank=True)
    # The routing to the unit that holds or handles the matter now; review routings are never current.
    is_current = models.BooleanField("当前", default=True)

    class Meta:
        verbose_name = "转送交办记录"
        verbose_name_plural = "转送交办记录"
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["to_unit", "petition"], name="routing_unit_petition"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.to_unit}"


class CoHandlerRole(models.TextChoices):
    LEAD = "lead", "主办单位"
    SUPPORTING = "supporting", "协办单位"


class CoHandler(models.Model):
    """A unit handling a matter together with others (主办 / 协办, process.md §3): the lead unit is the one
    that handles and replies (the petition's handling unit); supporting units see the matter in their lists
    and add their opinions. Setting them again ends the earlier rows (``is_current`` false), kept for the
    record."""

    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="co_handlers"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT, related_name="co_handled"
    )
    role = models.CharField("分工", max_length=12, choices=CoHandlerRole.choices)
    set_at = models.DateTimeField("确定时间")
    is_current = models.BooleanField("当前", default=True)

    class Meta:
        verbose_name = "主办协办单位"
        verbose_name_plural = "主办协办单位"
        ordering = ["petition", "role", "id"]
        indexes = [models.Index(fields=["unit", "role", "is_current"], name="cohandler_unit_role")]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "unit"], condition=Q(is_current=True), name="cohandler_current_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.unit}"


class ReplyForm(models.TextChoices):
    """How the handling opinion was given; simplified handling may use phone, SMS or online (process.md §4)."""

    WRITTEN = "written", "书面"
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    ONLINE = "online", "网上"


class Reply(models.Model):
    """The handling opinion (信访处理意见书) and its delivery (送达)."""

    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="replies"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="答复单位", on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField("处理意见", max_length=24, choices=ReplyOpinion.choices)
    text = models.TextField("意见内容")
    form = models.CharField("答复形式", max_length=10, choices=ReplyForm.choices, default=ReplyForm.WRITTEN)
    track = models.CharField("办理程序", max_length=12, choices=Track.choices)
    replied_at = models.DateTimeField("答复时间")
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivery_method = models.CharField("送达方式", max_length=10, choices=DeliveryMethod.choices, blank=True)
    delivered_at = models.DateTimeField("送达登记时间", null=True, blank=True)
    received_on = models.DateField("信访人收到日期", null=True, blank=True)

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["replied_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_opinion_display()}（{self.replied_at:%Y-%m-%d}）"


class Extension(models.Model):
    """An extension of the handling period (延期), approved by the head of the unit (Art. 34)."""

    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="extensions"
    )
    deadline = models.ForeignKey(
        "workflow.Deadline", verbose_name="期限", on_delete=models.PROTECT, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField("延长天数")
    reason = models.TextField("延期理由")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver_name = models.CharField("批准人姓名", max_length=50, blank=True)
    at = models.DateTimeField("批准时间")
    previous_due_on = models.DateField("原期限")
    new_due_on = models.DateField("延长后期限")

    class Meta:
        verbose_name = "延期记录"
        verbose_name_plural = "延期记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"延期{self.days}日（至{self.new_due_on:%Y-%m-%d}）"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "进行中"
    MET = "met", "按期完成"
    MISSED = "missed", "逾期"
    CANCELLED = "cancelled", "已取消"


class Deadline(models.Model):
    """One statutory period of one petition (process.md §5), with the facts statistics count.

    A unit's duty (route, accept, handle, review, ...) is met or missed when done; the petitioner's rating
    window (``is_window``) is met when rated and missed when it expires unrated. ``on_time`` is set when the
    period closes. Due dates follow the policy in force and are recomputed while open when the rules change.
    """

    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="deadlines"
    )
    stage = models.CharField("环节", max_length=32, choices=Stage.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rating_target = models.CharField("评价对象", max_length=10, choices=RatingTarget.choices, blank=True)
    is_window = models.BooleanField(
        "信访人期限", default=False, help_text="信访人可在期限内行使的权利，如评价。"
    )
    counts = models.BooleanField("计入统计", default=True)
    starts_on = models.DateField("起算日")
    days = models.PositiveSmallIntegerField("指定天数", null=True, blank=True)
    fixed_due = models.BooleanField("期限由交办确定", default=False)
    extension_days = models.PositiveSmallIntegerField("延长天数", default=0)
    paused_days = models.PositiveSmallIntegerField("不计入天数", default=0, help_text="如复核听证时间。")
    due_on = models.DateField("期满日")
    provisional = models.BooleanField("暂定", default=False, help_text="依据的年度节假日安排尚未公布。")
    status = models.CharField(
        "状态", max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    on_time = models.BooleanField("是否按期", null=True, blank=True)
    opened_at = models.DateTimeField("开始时间")

    class Meta:
        verbose_name = "办理期限"
        verbose_name_plural = "办理期限"
        ordering = ["due_on", "id"]
        indexes = [
            # Covering index: a month's rates for every unit read only the index (stats.rates, stats.volumes).
            models.Index(
                fields=[
                    "unit",
                    "stage",
                    "due_on",
                    "status",
                    "counts",
                    "rating_target",
                    "done_at",
                    "petition",
                ],
                name="deadline_unit_stage_due_cov",
            ),
            models.Index(fields=["status", "due_on"], name="deadline_status_due"),
            models.Index(fields=["petition", "status"], name="deadline_petition_status"),
            # The open duties only (a small part of the table): whose tasks a unit has (workflow.todo).
            # With the due date, a petition's earliest open duty is the first entry (no sort).
            models.Index(
                fields=["unit", "petition", "due_on"],
                condition=Q(status=DeadlineStatus.OPEN, is_window=False),
                name="deadline_open_duty",
            ),
            models.Index(
                fields=["petition", "due_on"],
                condition=Q(status=DeadlineStatus.OPEN, is_window=False),
                name="deadline_open_duty_petition",
            ),
            # The duties done lately (the supervision board's green rows, with the open ones above): without
            # it the board read every deadline ever closed (a sequential scan of the table).
            models.Index(
                fields=["done_at"],
                condition=Q(status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED], is_window=False),
                name="deadline_done_duty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.due_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == DeadlineStatus.OPEN
