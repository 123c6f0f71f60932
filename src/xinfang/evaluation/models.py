"""The petitioner's ratings (满意度评价) and the two appeal levels, review (复查) and re-review (复核).

Written only by the workflow service (actions rate, request_review, review_opinion, request_re_review,
re_review_opinion); statistics read them (participation and satisfaction rates per unit and month).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RatingValue(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


SATISFIED_VALUES = [RatingValue.SATISFIED, RatingValue.BASICALLY_SATISFIED]


class RatingTarget(models.TextChoices):
    BUREAU = "bureau", "信访部门"
    UNIT = "unit", "责任单位"


class RatingVia(models.TextChoices):
    PORTAL = "portal", "网上（查询码）"
    PHONE = "phone", "电话回访"
    RECEPTION = "reception", "来访当面"
    IMPORT = "import", "数据导入"


class Rating(models.Model):
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="ratings"
    )
    target = models.CharField("评价对象", max_length=10, choices=RatingTarget.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="被评价单位", on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField("评价", max_length=24, choices=RatingValue.choices)
    reason = models.TextField("理由", blank=True)
    via = models.CharField("评价渠道", max_length=10, choices=RatingVia.choices)
    rated_at = models.DateTimeField("评价时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "满意度评价"
        verbose_name_plural = "满意度评价"
        ordering = ["rated_at", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "target"], name="rating_once_per_target")]
        # Covering index for the monthly participation and satisfaction rates of every unit.
        indexes = [
            models.Index(
                fields=["unit", "rated_at", "target", "rating", "petition"], name="rating_unit_rated_cov"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()}：{self.get_rating_display()}"

    @property
    def is_satisfied(self) -> bool:
        return self.rating in SATISFIED_VALUES


class ReviewLevel(models.TextChoices):
    REVIEW = "review", "复查"
    RE_REVIEW = "re_review", "复核"


class ReviewDecision(models.TextChoices):
    UPHOLD = "uphold", "维持原处理意见"
    CHANGE = "change", "变更原处理意见"
    REVOKE = "revoke", "撤销原处理意见"


class Review(models.Model):
    """One appeal: requested by the petitioner, decided by the unit one level up, delivered."""

    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="reviews"
    )
    level = models.CharField("层级", max_length=10, choices=ReviewLevel.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="复查(复核)单位", on_delete=models.PROTECT, related_name="+"
    )
    original_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="原办理(复查)单位", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("请求时间")
    request_text = models.TextField("请求理由", blank=True)
    decision = models.CharField("意见", max_length=10, choices=ReviewDecision.choices, blank=True)
    text = models.TextField("意见内容", blank=True)
    decided_at = models.DateTimeField("作出意见时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField("信访人收到日期", null=True, blank=True)
    hearing_days = models.PositiveSmallIntegerField("听证天数", default=0)

    class Meta:
        verbose_name = "复查复核"
        verbose_name_plural = "复查复核"
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "level"], name="review_once_per_level")]
        indexes = [models.Index(fields=["unit", "requested_at"], name="review_unit_requested")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.unit}"
