"""The choices of a petition's handling facts (procedure, closing, reply, settlement, delivery), beside the
models so ``models.py`` stays one idea per screen; ``models`` re-exports them."""

from __future__ import annotations

from django.db import models


class Track(models.TextChoices):
    ORDINARY = "ordinary", "普通程序"
    SIMPLIFIED = "simplified", "简易办理"


class LegalRoute(models.TextChoices):
    """Routes (1)-(4) of Art. 31: the matter leaves the petition procedure for another legal procedure."""

    LITIGATION = "litigation", "诉讼、检察或公安程序"
    ARBITRATION = "arbitration", "仲裁程序"
    PARTY_APPEAL = "party_appeal", "党员申诉程序"
    ADMINISTRATIVE = "administrative", "行政复议、裁决、确认、许可、处罚等程序"


class ClosedReason(models.TextChoices):
    LEGAL_ROUTE = "legal_route", "导入法定途径"
    SAME_MATTER_PENDING = "same_matter_pending", "同一事项正在办理或复查复核期内"
    MATTER_TERMINATED = "matter_terminated", "同一事项已三级终结"


class ReplyOpinion(models.TextChoices):
    """The handling opinion (Art. 32) or a mediation/settlement agreement (Art. 33)."""

    SUPPORT = "support", "予以支持"
    EXPLAIN = "explain", "解释说明"
    NOT_SUPPORT = "not_support", "不予支持"
    MEDIATION_AGREEMENT = "mediation_agreement", "调解协议"


class Settlement(models.TextChoices):
    """How a concluded petition ended 案结事了 / 息诉息访 (`settled`, process.md §4), beyond 办结 and 化解."""

    TERMINATED_BY_LAW = "terminated_by_law", "依法终结"
    HEARING = "hearing", "听证"
    AGREEMENT = "agreement", "协议化解"
    ASSISTANCE = "assistance", "救助息访"
    PROCEDURAL = "procedural", "程序性办结"


class DeliveryMethod(models.TextChoices):
    """How a reply or a notice reached the petitioner (送达); its received date starts the petitioner's windows."""

    IN_PERSON = "in_person", "直接送达"
    POST = "post", "邮寄送达"
    ONLINE = "online", "网上送达"
    SMS = "sms", "短信送达"
