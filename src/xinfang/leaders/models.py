"""Leaders at work (process.md §10): reception days and sessions (`Reception`), case ownership
(`CaseOwnership`, 包案, 五个一) and written instructions (`leader_instruction`, 阅批).

Everything here is about matters, never about people to watch: no lists of persons, no movements.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.orgs.models import Level


class ReceptionKind(models.TextChoices):
    SITTING = "sitting", "坐班接访"
    DESCEND = "descend", "下沉接访"
    VILLAGE = "village", "村级接访"
    APPOINTMENT = "appointment", "约访"
    FIELD = "field", "下访"
    WITH_CASE = "with_case", "带案下访"
    VIDEO = "video", "视频接访"


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", "每月固定日"
    WEEKLY = "weekly", "每周固定星期"


class HolidayRule(models.TextChoices):
    NEXT = "next", "顺延至下一个工作日"
    PREVIOUS = "previous", "提前至上一个工作日"
    SKIP = "skip", "当次取消"


WEEKDAYS = [
    (0, "星期一"),
    (1, "星期二"),
    (2, "星期三"),
    (3, "星期四"),
    (4, "星期五"),
    (5, "星期六"),
    (6, "星期日"),
]
LEADER_LEVELS = [(level.value, level.label) for level in Level if level != Level.NATIONAL]


class ReceptionSchedule(models.Model):
    """A recurring reception day, edited by the bureau; sessions are made from it for a span of dates."""

    bureau = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="安排单位", on_delete=models.PROTECT, related_name="reception_schedules"
    )
    kind = models.CharField("接访方式", max_length=20, choices=ReceptionKind.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接访领导", on_delete=models.PROTECT, related_name="+"
    )
    leader_post = models.CharField("领导职务", max_length=60)
    leader_level = models.CharField("领导层级", max_length=10, choices=LEADER_LEVELS)
    place = models.CharField("接访地点", max_length=120)
    topics = models.CharField("接访事项范围", max_length=200, blank=True)
    recurrence = models.CharField("重复规则", max_length=10, choices=Recurrence.choices)
    day_of_month = models.PositiveSmallIntegerField("每月几日", null=True, blank=True)
    weekday = models.PositiveSmallIntegerField("星期", null=True, blank=True, choices=WEEKDAYS)
    holiday_rule = models.CharField(
        "遇节假日", max_length=10, choices=HolidayRule.choices, default=HolidayRule.NEXT
    )
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "接访安排"
        verbose_name_plural = "接访安排"
        ordering = ["bureau", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.leader}（{self.rule_label}）"

    @property
    def rule_label(self) -> str:
        if self.recurrence == Recurrence.MONTHLY:
            return f"每月{self.day_of_month}日"
        return f"每{dict(WEEKDAYS).get(self.weekday, '')}".replace("每星期", "每周")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "已安排"
    CANCELLED = "cancelled", "已取消"


class ReceptionSession(models.Model):
    """One reception: who received (leader, post, level), where, when, which units attended."""

    schedule = models.ForeignKey(
        ReceptionSchedule,
        verbose_name="接访安排",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    # The schedule's date before the holiday rule moved it; the pair is unique so a span is made once.
    scheduled_for = models.DateField("原定日期", null=True, blank=True)
    bureau = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="安排单位", on_delete=models.PROTECT, related_name="reception_sessions"
    )
    kind = models.CharField("接访方式", max_length=20, choices=ReceptionKind.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接访领导", on_delete=models.PROTECT, related_name="+"
    )
    leader_post = models.CharField("领导职务", max_length=60)
    leader_level = models.CharField("领导层级", max_length=10, choices=LEADER_LEVELS)
    place = models.CharField("接访地点", max_length=120)
    topics = models.CharField("接访事项范围", max_length=200, blank=True)
    date = models.DateField("接访日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    attending_units = models.ManyToManyField(
        "orgs.OrgUnit", verbose_name="参加单位", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    # 无访说案: what the leader did when nobody came (约访, 研判 ...).
    work_note = models.TextField("无来访时开展的工作", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "接访场次"
        verbose_name_plural = "接访场次"
        ordering = ["-date", "-start_time", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "scheduled_for"],
                condition=Q(schedule__isnull=False),
                name="reception_session_once_per_date",
            ),
        ]
        indexes = [
            models.Index(fields=["bureau", "date"], name="reception_session_bureau_date"),
            models.Index(fields=["leader", "date"], name="reception_session_leader_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}（{self.leader}）"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class Outcome(models.TextChoices):
    PENDING = "pending", "待定"
    ON_SPOT = "on_spot", "现场协调化解"
    TIME_LIMITED = "time_limited", "限期化解"
    ROUTED = "routed", "按程序办理"


class SessionPetition(models.Model):
    """A petition registered at a session, and its outcome there."""

    session = models.ForeignKey(
        ReceptionSession, verbose_name="接访场次", on_delete=models.PROTECT, related_name="links"
    )
    petition = models.OneToOneField(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="reception_link"
    )
    outcome = models.CharField("接访结果", max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="限期化解单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_due = models.DateField("化解期限", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField("关联时间")

    class Meta:
        verbose_name = "接访登记事项"
        verbose_name_plural = "接访登记事项"
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return f"{self.session} · {self.petition_id}"


# --- case ownership (包案) -------------------------------------------------------------------------------


class ResolutionStandard(models.Model):
    """One item of the resolution standard (化解标准) an ownership is judged against; administrators keep it."""

    text = models.CharField("化解标准条目", max_length=200)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "化解标准条目"
        verbose_name_plural = "化解标准"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class OwnershipStatus(models.TextChoices):
    OPEN = "open", "包案中"
    RESOLVED = "resolved", "已化解"
    HANDED_ON = "handed_on", "已移交"


class CaseOwnership(models.Model):
    """五个一: one problem, one leader, one team, one plan, to the end."""

    bureau = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="安排单位", on_delete=models.PROTECT, related_name="ownerships"
    )
    petitions = models.ManyToManyField(
        "petitions.Petition", verbose_name="信访事项", related_name="ownerships"
    )
    problem = models.CharField("一个问题", max_length=300)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="包案领导", on_delete=models.PROTECT, related_name="+"
    )
    leader_post = models.CharField("领导职务", max_length=60)
    leader_level = models.CharField("领导层级", max_length=10, choices=LEADER_LEVELS)
    team_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="工作专班人员", blank=True, related_name="+"
    )
    team_units = models.ManyToManyField("orgs.OrgUnit", verbose_name="责任单位", blank=True, related_name="+")
    resolution_due = models.DateField("化解时限")
    status = models.CharField(
        "状态", max_length=10, choices=OwnershipStatus.choices, default=OwnershipStatus.OPEN
    )
    handed_from = models.OneToOneField(
        "self",
        verbose_name="移交自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handed_to",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确定人", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("包案时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_note = models.TextField("结束说明", blank=True)
    # The standard's items as they read when the case was judged resolved: the list may change later.
    standards_met = models.JSONField("达到的化解标准", default=list, blank=True)
    resolved_on_time = models.BooleanField("按期化解", null=True, blank=True)

    class Meta:
        verbose_name = "领导包案"
        verbose_name_plural = "领导包案"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["bureau", "opened_at"], name="ownership_bureau_opened"),
            models.Index(fields=["leader", "status"], name="ownership_leader_status"),
        ]

    def __str__(self) -> str:
        return f"{self.leader}包案：{self.problem}"

    @property
    def is_open(self) -> bool:
        return self.status == OwnershipStatus.OPEN


class OwnershipWarning(models.Model):
    """That the warning of one colour for an ownership's resolution deadline went out (the scan sends each
    once, like ``supervision.DeadlineWarning`` for the statutory deadlines)."""

    ownership = models.ForeignKey(
        CaseOwnership, verbose_name="包案", on_delete=models.CASCADE, related_name="warnings"
    )
    colour = models.CharField("预警颜色", max_length=10)
    due_on = models.DateField("当时化解时限")
    sent_at = models.DateTimeField("发送时间")
    told = models.PositiveIntegerField("通知人数", default=0)

    class Meta:
        verbose_name = "包案期限预警记录"
        verbose_name_plural = "包案期限预警记录"
        constraints = [
            models.UniqueConstraint(fields=["ownership", "colour"], name="ownership_warning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ownership_id} {self.colour}"


class PlanStep(models.Model):
    ownership = models.ForeignKey(
        CaseOwnership, verbose_name="包案", on_delete=models.CASCADE, related_name="steps"
    )
    text = models.CharField("工作步骤", max_length=300)
    due_on = models.DateField("完成时间")
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "化解方案步骤"
        verbose_name_plural = "化解方案步骤"
        ordering = ["ownership", "order", "id"]

    def __str__(self) -> str:
        return self.text


class ProgressEntry(models.Model):
    ownership = models.ForeignKey(
        CaseOwnership, verbose_name="包案", on_delete=models.PROTECT, related_name="progress"
    )
    text = models.TextField("工作进展")
    at = models.DateTimeField("记录时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "包案进展"
        verbose_name_plural = "包案进展"
        ordering = ["ownership", "at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


# --- instructions (阅批) ----------------------------------------------------------------------------------


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "待批阅"
    INSTRUCTED = "instructed", "已批示"


class Submission(models.Model):
    """A petition the bureau put before a leader (提交阅批)."""

    bureau = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="呈报单位", on_delete=models.PROTECT, related_name="submissions"
    )
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="submissions"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="呈阅领导", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("呈报说明", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="呈报人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("呈报时间")

    class Meta:
        verbose_name = "提交阅批"
        verbose_name_plural = "提交阅批"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "leader"],
                condition=Q(status="pending"),
                name="submission_one_pending_per_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"呈{self.leader}阅批：{self.petition_id}"


class Instruction(models.Model):
    """The leader's written instruction (批示) on a submission, to one or more units."""

    submission = models.OneToOneField(
        Submission, verbose_name="提交阅批", on_delete=models.PROTECT, related_name="instruction"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批示领导", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("批示内容")
    response_due = models.DateField("回复期限", null=True, blank=True)
    written_at = models.DateTimeField("批示时间")

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.leader}批示（{self.written_at:%Y-%m-%d}）"


class InstructionTarget(models.Model):
    """One unit an instruction goes to, and its written answer."""

    instruction = models.ForeignKey(
        Instruction, verbose_name="批示", on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+"
    )
    supervision = models.OneToOneField(
        "supervision.Supervision",
        verbose_name="督办",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruction_target",
    )
    answer_text = models.TextField("办理情况", blank=True)
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on_time = models.BooleanField("按期回复", null=True, blank=True)

    class Meta:
        verbose_name = "批示承办单位"
        verbose_name_plural = "批示承办单位"
        ordering = ["instruction", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "unit"], name="instruction_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.instruction} → {self.unit}"


# Appointments live in their own module; imported here so Django registers them with the app.
from .appointment_models import EXPECTED, HELD, Appointment, AppointmentChannel, AppointmentStatus  # noqa: E402, F401
