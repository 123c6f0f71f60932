"""Deadline rules an administrator can edit: the policy table, the calendar overrides and the colours.

There is deliberately no per-petition deadline here: the workflow app stores those, computed with
``services.compute_due``. Every change to these tables invalidates the cached rules (``RulesVersion``) and,
after commit, tells the callbacks in ``hooks.on_rules_changed`` (see ``signals.py``).
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from xinfang import clock


class _RemembersLoaded:
    """Keeps the key field's value as loaded, so a change signal can name the old value too."""

    remembered_field = ""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        name = cls.remembered_field
        if name in field_names:
            setattr(instance, f"_loaded_{name}", values[field_names.index(name)])
        return instance


class Counting(models.TextChoices):
    CALENDAR = "calendar", "自然日"
    WORKING = "working", "工作日"


class StartRule(models.TextChoices):
    """What event starts a period (the day of the event itself does not count)."""

    RECEIPT = "receipt", "收到信访事项之日"
    RECEIPT_BY_UNIT = "receipt_by_unit", "有关单位收到转送、交办事项之日"
    ASSIGNMENT = "assignment", "交办之日"
    ACCEPTANCE = "acceptance", "受理之日"
    END_OF_HANDLING = "end_of_handling", "原办理期限届满之日"
    REPLY_RECEIVED = "reply_received", "信访人收到处理意见之日"
    REQUEST_RECEIVED = "request_received", "收到请求之日"
    REVIEW_RECEIVED = "review_received", "信访人收到复查意见之日"
    RETURNED = "returned", "交办机关退回重办之日"


class Stage(models.TextChoices):
    """Stage codes: the names other apps use to ask for a deadline (``services.compute_due``)."""

    ROUTE = "route", "登记后分类处理"
    NOTIFY_DIRECT = "notify_direct", "书面告知信访人（直接信访）"
    SIGN_FOR = "sign_for", "签收（转送、交办事项）"
    ACCEPT = "accept", "受理并告知（转送、交办事项）"
    OBJECT = "object", "对转送、交办提出异议"
    REPORT = "report", "报告交办事项办理结果"
    HANDLE = "handle", "办理"
    SIMPLIFIED = "simplified", "简易办理"
    REWORK = "rework", "退回重办"
    REQUEST_REVIEW = "request_review", "提出复查请求"
    REVIEW = "review", "复查意见"
    REQUEST_RE_REVIEW = "request_re_review", "提出复核请求"
    RE_REVIEW = "re_review", "复核意见"
    RATING = "rating", "满意度评价"


class CalendarDay(_RemembersLoaded, models.Model):
    """An administrator's override of one day; it wins over the ``chinese_calendar`` package."""

    remembered_field = "date"

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "是否工作日", help_text="勾选表示当天上班（含调休上班）；不勾选表示放假。"
    )
    name = models.CharField("名称", max_length=50, blank=True, help_text="例如：春节、调休上班。")
    note = models.TextField("备注", blank=True, help_text="依据，例如国务院办公厅通知的文号。")

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date:%Y-%m-%d} {kind}{f'（{self.name}）' if self.name else ''}"


class CalendarYear(_RemembersLoaded, models.Model):
    """Marks a year's schedule as official once its holidays have been entered; until then deadlines that
    depend on the year are shown as provisional (暂定)."""

    remembered_field = "year"

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_official = models.BooleanField("已按官方安排确认", default=False)
    note = models.TextField(
        "备注", blank=True, help_text="依据，例如国务院办公厅关于该年部分节假日安排的通知。"
    )

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年（{'正式' if self.is_official else '暂定'}）"


class DeadlinePolicy(_RemembersLoaded, models.Model):
    """One row per stage: how long, counted how, from what."""

    remembered_field = "code"

    code = models.CharField("环节代码", max_length=32, unique=True, choices=Stage.choices)
    name = models.CharField("环节名称", max_length=100)
    days = models.PositiveIntegerField("期限（日）", help_text="0 表示由信访部门交办时确定。")
    counting = models.CharField(
        "计算方式", max_length=16, choices=Counting.choices, default=Counting.CALENDAR
    )
    start_rule = models.CharField("起算", max_length=32, choices=StartRule.choices)
    roll_to_workday = models.BooleanField(
        "期满日遇节假日顺延",
        default=True,
        help_text="期限最后一日是法定休假日的，以休假日结束的次日为最后一日。",
    )
    max_extension_days = models.PositiveIntegerField("最长延期（日）", default=0)
    excludes_hearing = models.BooleanField("听证时间不计入期限", default=False)
    is_active = models.BooleanField("启用", default=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "办理时限规则"
        verbose_name_plural = "办理时限规则"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ColourPolicy(models.Model):
    """The thresholds of the deadline colours (四色督办); a single row."""

    yellow_days = models.PositiveSmallIntegerField(
        "黄色预警：距期满天数", default=3, help_text="距期满日不超过该天数（含期满当日）即为黄色。"
    )
    yellow_percent = models.DecimalField(
        "黄色预警：剩余期限比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="可选。剩余天数不超过整个期限的该比例时也为黄色。",
    )

    class Meta:
        verbose_name = "四色预警设置"
        verbose_name_plural = "四色预警设置"

    def __str__(self) -> str:
        return "四色预警设置"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> ColourPolicy:
        return cls.objects.get_or_create(pk=1)[0]


class RulesVersion(models.Model):
    """A single row whose token changes, in the same transaction, whenever any rule above changes.

    Each process caches the rules together with the token it loaded them at and reloads when the token in
    the database differs: a change is seen by every worker at once, and a rolled-back change (tests!) reverts
    the token too.
    """

    token = models.UUIDField("版本", default=uuid.uuid4)
    changed_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "时限规则版本"
        verbose_name_plural = "时限规则版本"

    def __str__(self) -> str:
        return str(self.token)
