"""Campaigns (专项活动, process.md §10): a named drive with batches of cases assigned by a higher body,
screening (甄别), a responsible unit per case, a resolution standard and deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AssigningBody(models.TextChoices):
    CENTRAL = "central", "中央联席办"
    PROVINCIAL = "provincial", "省联席办"
    CITY = "city", "市联席办"
    INSPECTION = "inspection", "巡视组"


class CampaignStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class Campaign(models.Model):
    name = models.CharField("活动名称", max_length=200)
    assigning_body = models.CharField("交办机关", max_length=20, choices=AssigningBody.choices)
    # The bureau that runs the campaign here; its region is the campaign's (我县, 我市).
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="campaigns"
    )
    assigned_on = models.DateField("交办日期")
    deadline = models.DateField("完成期限")
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "专项活动"
        verbose_name_plural = "专项活动"
        ordering = ["-assigned_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One item of the campaign's resolution standard (e.g. the central joint meeting's backlog criteria)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项活动", on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField("序号")
    text = models.CharField("化解标准", max_length=300)

    class Meta:
        verbose_name = "化解标准"
        verbose_name_plural = "化解标准"
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="criterion_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Batch(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="专项活动", on_delete=models.CASCADE, related_name="batches"
    )
    name = models.CharField("批次", max_length=40)
    assigned_on = models.DateField("交办日期")
    due_on = models.DateField("化解期限")

    class Meta:
        verbose_name = "交办批次"
        verbose_name_plural = "交办批次"
        ordering = ["campaign", "assigned_on", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="batch_name_unique")]

    def __str__(self) -> str:
        return f"{self.campaign}{self.name}"


class Screening(models.TextChoices):
    PENDING = "pending", "待甄别"
    IN = "in", "纳入"
    OUT = "out", "不纳入"


class CampaignCase(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="专项活动", on_delete=models.CASCADE, related_name="cases"
    )
    batch = models.ForeignKey(Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="cases")
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="campaign_cases"
    )
    screening = models.CharField(
        "甄别结果", max_length=10, choices=Screening.choices, default=Screening.PENDING
    )
    screening_reason = models.TextField("甄别理由", blank=True)
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="campaign_cases"
    )
    # Hook point for case ownership (包案): the leaders app's CaseOwnership can later take its place or point
    # here; until then a plain user.
    owning_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包案领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField("化解期限")
    resolved_on = models.DateField("化解日期", null=True, blank=True)
    resolution_note = models.TextField("化解情况", blank=True)
    criteria_met = models.JSONField("符合的化解标准", default=list, blank=True)

    class Meta:
        verbose_name = "专项活动案件"
        verbose_name_plural = "专项活动案件"
        ordering = ["campaign", "batch", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "petition"], name="campaign_case_once")]
        # The unit scope every visible_to of a non-jurisdiction unit runs (selectors.responsible_for).
        indexes = [models.Index(fields=["responsible_unit", "petition"], name="campaign_case_unit_petition")]

    def __str__(self) -> str:
        return f"{self.campaign}：{self.petition_id}"


class ListImport(models.Model):
    """One import of the assigning body's list; the same list (by content) twice is skipped."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项活动", on_delete=models.CASCADE, related_name="imports"
    )
    digest = models.CharField("清单摘要（SHA-256）", max_length=64)
    lines = models.PositiveIntegerField("行数")
    added = models.PositiveIntegerField("新增案件数")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        verbose_name = "交办清单导入"
        verbose_name_plural = "交办清单导入"
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "digest"], name="campaign_import_once")]

    def __str__(self) -> str:
        return f"{self.campaign}（{self.lines}行）"
