"""Written notices and opinions (文书): the templates an administrator edits and the documents issued.

A `Document` is a dated record on a petition: its number, the unit that issued it, the exact files given to
the petitioner (docx and PDF, with their sha256), the context they were rendered from and the template
version, and its delivery (送达), whose received date starts the review window (process.md §7).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xinfang.petitions.models import DeliveryMethod


class DocumentKind(models.TextChoices):
    """Codes are fixed: the workflow's transition table names them."""

    ACCEPTANCE_NOTICE = "acceptance_notice", "受理告知书"
    NON_ACCEPTANCE_NOTICE = "non_acceptance_notice", "不予受理告知书"
    TRANSFER_NOTICE = "transfer_notice", "转送告知书"
    EXTENSION_NOTICE = "extension_notice", "延期告知书"
    HANDLING_OPINION = "handling_opinion", "信访处理意见书"
    REVIEW_OPINION = "review_opinion", "复查意见书"
    RE_REVIEW_OPINION = "re_review_opinion", "复核意见书"
    NO_REACCEPTANCE_NOTICE = "no_reacceptance_notice", "不再受理告知书"
    SUPERVISION_LETTER = "supervision_letter", "督办函"
    ASSISTANCE_AGREEMENT = "assistance_agreement", "信访救助协议书"


class DocumentTemplate(models.Model):
    kind = models.CharField("文书种类", max_length=30, choices=DocumentKind.choices, unique=True)
    name = models.CharField("模板名称", max_length=100)
    title = models.CharField("文书标题", max_length=100)
    number_word = models.CharField(
        "文号字样",
        max_length=10,
        help_text="文号中〔年份〕之后、“字第”之前的字样，如“受”得到“〔2026〕受字第1号”",
    )
    body = models.TextField(
        "正文模板",
        help_text=(
            'Django 模板语言。可用标记：<header>发文机关（红头）</header>、<p class="number">文号</p>、'
            '<h1>标题</h1>、<h2>小标题</h2>、<p class="salutation">称呼</p>、<p>正文段落</p>、'
            '<p class="note">附注</p>、<div class="signature"><p>落款</p><p>日期</p></div>。'
            "过滤器：cn_date（日期）、cn_number（中文数字）、paragraphs（按行分段）、clause（去掉句末标点）。"
        ),
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("修改时间", null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DocumentSequence(models.Model):
    """The last serial handed out per number prefix (issuer, year and word), e.g. "上城信访〔2026〕受字".

    Keyed by the prefix rather than the unit, so two units that share a short name can never print the same
    number, and a word changed mid-year starts its own series.
    """

    prefix = models.CharField(max_length=80, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}第{self.last}号"


class DocumentStatus(models.TextChoices):
    """A transition's notice is recorded (number, context, text) in the transition and its files are written
    after commit by the worker (documents.tasks), so rendering never holds the petition's lock."""

    RENDERING = "rendering", "生成中"
    READY = "ready", "已生成"


def document_path(document: Document, ext: str) -> str:
    return (
        f"documents/{document.year}/{document.issuing_unit.code}/{document.kind}-{document.serial:05d}.{ext}"
    )


class Document(models.Model):
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访事项", on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField("文书种类", max_length=30, choices=DocumentKind.choices)
    title = models.CharField("标题", max_length=100)
    number = models.CharField("文号", max_length=100, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    issuing_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="出具单位", on_delete=models.PROTECT, related_name="documents"
    )
    issued_at = models.DateTimeField("出具时间")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="出具人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    template = models.ForeignKey(
        DocumentTemplate, verbose_name="模板", on_delete=models.PROTECT, related_name="documents"
    )
    template_version = models.PositiveIntegerField("模板版本")
    context = models.JSONField("填充内容", default=dict)
    event = models.ForeignKey(
        "audit.Event",
        verbose_name="所属操作",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="产生本文书的流程操作",
    )
    status = models.CharField(
        "文件状态", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.READY
    )
    # The filled template, kept only until the files are written (then emptied): the files say exactly what
    # the document said when it was issued, whatever the template says by the time the worker gets to it.
    markup = models.TextField("待生成的正文", blank=True, editable=False)
    docx = models.FileField("Word 文件", max_length=200)
    docx_sha256 = models.CharField("Word 文件摘要", max_length=64)
    pdf = models.FileField("PDF 文件", max_length=200)
    pdf_sha256 = models.CharField("PDF 文件摘要", max_length=64)

    delivery_method = models.CharField("送达方式", max_length=12, choices=DeliveryMethod.choices, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    received_on = models.DateField("签收日期", null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="送达登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    delivery_proof = models.FileField("送达凭证", max_length=200, blank=True)
    delivery_proof_name = models.CharField("送达凭证文件名", max_length=200, blank=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["petition", "issued_at"], name="document_petition_issued")]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None
