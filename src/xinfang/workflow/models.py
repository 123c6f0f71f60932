"""Routing records: which unit a petition was sent to, when, and what it did with it.

Only the workflow service writes these. A unit's view of petitions (`visible_to`) is built on them:
a unit sees what was sent to it, and nothing else.
"""

from __future__ import annotations

from django.db import models


class RoutingAction(models.TextChoices):
    TRANSFER = "transfer", "转送"
    ASSIGN = "assign", "交办"
    HANDLE_SELF = "handle_self", "直接受理"


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
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    objected_at = models.DateTimeField("异议时间", null=True, blank=True)
    objection_reason = models.TextField("异议理由", blank=True)
    is_current = models.BooleanField("当前", default=True)

    class Meta:
        verbose_name = "转送交办记录"
        verbose_name_plural = "转送交办记录"
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["to_unit", "petition"], name="routing_unit_petition"),
        ]
