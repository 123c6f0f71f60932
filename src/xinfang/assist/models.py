"""What the intake assistance keeps (issue 18): each petition's MinHash signature and its LSH band hashes (the
similar-text lookup), links between related petitions, the trained suggestion models and the choices people
made among their suggestions (the labels of the next training)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TextSignature(models.Model):
    """The MinHash signature of a petition's summary and content: 256 unsigned 64-bit minima, little-endian."""

    # Not the primary key: xinfang.bulk inserts every field but the key.
    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, related_name="text_signature"
    )
    values = models.BinaryField("签名")
    shingles = models.PositiveIntegerField("字片数", default=0)

    class Meta:
        verbose_name = "文本签名"
        verbose_name_plural = "文本签名"

    def __str__(self) -> str:
        return f"文本签名 {self.petition_id}"


class SignatureBand(models.Model):
    """One LSH band of a signature: two petitions that share any (band, hash) are candidates."""

    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()

    class Meta:
        # (band, hash) finds a bucket; the petition last makes the index cover the lookup, newest first.
        indexes = [models.Index(fields=["band", "hash", "petition"], name="assist_band_hash")]

    def __str__(self) -> str:
        return f"{self.petition_id}:{self.band}"


class RelatedLink(models.Model):
    """Two petitions a person judged related (not a repeat: another matter of the same dispute, the same
    place, the same people). Stored once, lower key first; shown on both petitions' pages."""

    first = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("关联时间")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "关联事项"
        verbose_name_plural = "关联事项"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="assist_related_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="assist_related_order"
            ),
        ]

    def __str__(self) -> str:
        return f"关联 {self.first_id}–{self.second_id}"


class SuggestionModel(models.Model):
    """A trained suggestion model: its measured accuracy on the held-out slice and the file that holds it
    (under XF_DATA_DIR; loaded only when its SHA-256 matches ``sha256``)."""

    trained_at = models.DateTimeField("训练时间")
    seconds = models.FloatField("训练用时(秒)", default=0)
    labelled = models.PositiveIntegerField("有标注的事项数", default=0)
    train_size = models.PositiveIntegerField("训练集", default=0)
    test_size = models.PositiveIntegerField("留出集", default=0)
    enough = models.BooleanField("历史数据足够", default=False)
    accuracy = models.JSONField("准确率", default=dict)
    path = models.CharField("模型文件", max_length=300, blank=True)
    sha256 = models.CharField("模型文件摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "建议模型"
        verbose_name_plural = "建议模型"
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"建议模型 {self.trained_at:%Y-%m-%d %H:%M}"


class SuggestionKind(models.TextChoices):
    CATEGORY = "category", "问题分类"
    UNIT = "unit", "责任单位"


class SuggestionChoice(models.Model):
    """What was offered and what the person chose (empty: none of them): the label for the next training."""

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("建议类型", max_length=10, choices=SuggestionKind.choices)
    offered = models.JSONField("建议项", default=list)
    chosen = models.CharField("选用", max_length=200, blank=True)
    model = models.ForeignKey(
        SuggestionModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField("选用时间")

    class Meta:
        verbose_name = "建议选用记录"
        verbose_name_plural = "建议选用记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.chosen or '未选用'}"
