"""Assistance (救助帮扶, process.md §10): a hardship grant made in resolving a petition."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Fund(models.TextChoices):
    PETITION_FUND = "petition_fund", "信访救助资金"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    JUDICIAL = "judicial", "司法救助"
    OTHER = "other", "其他"


class GrantStatus(models.TextChoices):
    APPLIED = "applied", "待审批"
    APPROVED = "approved", "已审批"
    PAID = "paid", "已发放"


class Grant(models.Model):
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="grants"
    )
    # The unit that grants (and answers for) the aid; it need not be the one handling the petition.
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="救助单位", on_delete=models.PROTECT, related_name="grants"
    )
    fund = models.CharField("资金渠道", max_length=20, choices=Fund.choices)
    amount = models.DecimalField("救助金额（元）", max_digits=12, decimal_places=2)
    applicant_name = models.CharField("申请人", max_length=100)
    beneficiary_count = models.PositiveIntegerField("受助人数", default=1)
    reason = models.TextField("救助事由")
    status = models.CharField("状态", max_length=10, choices=GrantStatus.choices, default=GrantStatus.APPLIED)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请经办人", on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField("申请时间")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    approval_rule = models.CharField("审批依据", max_length=200, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_on = models.DateField("发放日期", null=True, blank=True)
    payment_reference = models.CharField("发放凭证号", max_length=100, blank=True)
    # 救助息访: the petitioner stopped petitioning because of this grant. None until someone says.
    ended_petitioning = models.BooleanField("救助息访", null=True, blank=True)
    # The assistance agreement (救助协议书) with the petitioner, once issued (``services.issue_agreement``).
    agreement = models.ForeignKey(
        "documents.Document",
        verbose_name="救助协议书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "信访救助"
        verbose_name_plural = "信访救助"
        ordering = ["-applied_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "paid_on"], name="grant_unit_paid"),
            models.Index(fields=["paid_on"], name="grant_paid"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grant_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"救助{self.amount}元（{self.get_fund_display()}）"
