"""The dispute-screening ledger (矛盾纠纷排查化解台账, `DisputeLedger`, process.md §10).

A row is a dispute, never a person: the parties are described in text, and there is no watch list, no
重点人员 register and no 稳控 field (issue 15, "Scope")."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DisputeKind(models.TextChoices):
    LAND = "land", "土地山林权属"
    REQUISITION = "requisition", "征地拆迁"
    FAMILY = "family", "婚姻家庭"
    NEIGHBOURS = "neighbours", "邻里纠纷"
    LABOUR = "labour", "劳动争议（欠薪）"
    PROPERTY = "property", "物业及房地产"
    MEDICAL = "medical", "医疗纠纷"
    ENVIRONMENT = "environment", "环境污染"
    CONTRACT = "contract", "合同债务"
    OTHER = "other", "其他"


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class FoundVia(models.TextChoices):
    SCREENING = "screening", "排查"
    VISIT = "visit", "来访"
    GRID = "grid", "网格"
    DEPARTMENT = "department", "部门移交"


class HandlingLevel(models.TextChoices):
    """The four-level path, lowest first; the order of ``LEVEL_PATH`` is the order of escalation."""

    VILLAGE = "village", "村(组)"
    TOWNSHIP = "township", "乡镇(街道)"
    COUNTY_MEETING = "county_meeting", "县联席会议"
    LEADERSHIP = "leadership", "党委常委会/政府常务会"


LEVEL_PATH = [
    HandlingLevel.VILLAGE,
    HandlingLevel.TOWNSHIP,
    HandlingLevel.COUNTY_MEETING,
    HandlingLevel.LEADERSHIP,
]


class DisputeStatus(models.TextChoices):
    OPEN = "open", "化解中"
    CLOSED = "closed", "已办结"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "化解"
    PETITION = "petition", "转入信访程序"
    LEGAL_ROUTE = "legal_route", "导入法定途径"


class Dispute(models.Model):
    kind = models.CharField("纠纷类型", max_length=20, choices=DisputeKind.choices)
    region = models.ForeignKey(
        "orgs.Region", verbose_name="发生地", on_delete=models.PROTECT, related_name="disputes"
    )
    # Copied from the region so the township rows of the ledger report and jurisdiction scopes are prefixes.
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    title = models.CharField("纠纷名称", max_length=200)
    parties = models.TextField("当事各方", help_text="当事各方的情况描述（不建人员名单）")
    matter = models.TextField("争议事项")
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    found_via = models.CharField("发现途径", max_length=20, choices=FoundVia.choices)
    found_on = models.DateField("排查（发现）日期")
    recorded_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")
    handling_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="化解责任单位", on_delete=models.PROTECT, related_name="disputes"
    )
    level = models.CharField("化解层级", max_length=20, choices=HandlingLevel.choices)
    status = models.CharField(
        "状态", max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    outcome = models.CharField("办结方式", max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("化解结果", blank=True)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="转入的信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "矛盾纠纷"
        verbose_name_plural = "矛盾纠纷排查化解台账"
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["found_on", "region_code"], name="dispute_found_region")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class Escalation(models.Model):
    """One step up the four-level path; a step over a level says why."""

    dispute = models.ForeignKey(
        Dispute, verbose_name="矛盾纠纷", on_delete=models.CASCADE, related_name="escalations"
    )
    from_level = models.CharField("原层级", max_length=20, choices=HandlingLevel.choices)
    to_level = models.CharField("提级至", max_length=20, choices=HandlingLevel.choices)
    from_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="原责任单位", on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="新责任单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("提级理由")
    skip_reason = models.TextField("越级理由", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提级人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("提级时间")

    class Meta:
        verbose_name = "提级记录"
        verbose_name_plural = "提级记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_level_display()} → {self.get_to_level_display()}"


class MediationKind(models.TextChoices):
    PEOPLE = "people", "人民调解"
    ADMINISTRATIVE = "administrative", "行政调解"
    JUDICIAL = "judicial", "司法调解"


class Mediation(models.Model):
    """Mediation on the way (三调联动); an agreement reached is recorded with its text."""

    dispute = models.ForeignKey(
        Dispute, verbose_name="矛盾纠纷", on_delete=models.CASCADE, related_name="mediations"
    )
    kind = models.CharField("调解类型", max_length=20, choices=MediationKind.choices)
    body = models.CharField("调解组织", max_length=200)
    mediated_on = models.DateField("调解日期")
    agreed = models.BooleanField("达成协议", default=False)
    agreement = models.TextField("调解协议", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "调解记录"
        verbose_name_plural = "调解记录"
        ordering = ["mediated_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.body}）"
