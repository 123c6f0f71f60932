"""Statistics settings an administrator can change (process.md §8 marks these as defaults, not constants)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from xinfang.orgs.models import LEADER_ROLES
from xinfang.petitions.models import Petition, PetitionClass


class StatisticsPolicy(models.Model):
    """A single row; `current()` returns it, or the defaults when nobody has saved one."""

    backlog_days = models.PositiveIntegerField(
        "积案认定天数",
        default=365,
        validators=[MinValueValidator(1)],
        help_text="登记后超过该天数仍未化解、未办结的信访事项认定为信访积案。",
    )
    long_term_visits = models.PositiveSmallIntegerField(
        "信访老户认定次数",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="统计期内到省、进京走访达到该次数的信访人计为信访老户（只统计人数，不形成名单）。",
    )
    long_term_window_days = models.PositiveIntegerField(
        "信访老户统计天数", default=730, validators=[MinValueValidator(1)], help_text="默认两年。"
    )
    long_term_includes_city = models.BooleanField(
        "信访老户含到市走访", default=False, help_text="默认只计赴省、进京走访。"
    )

    class Meta:
        verbose_name = "统计口径设置"
        verbose_name_plural = "统计口径设置"

    def __str__(self) -> str:
        return "统计口径设置"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> StatisticsPolicy:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


# --- bulletins (通报) ------------------------------------------------------------------------------------------


class BulletinKind(models.TextChoices):
    DAILY = "daily", "信访情况日通报"
    WEEKLY = "weekly", "信访要情"
    MONTHLY = "monthly", "信访工作月度通报"
    RECEPTION = "reception", "县级党政领导公开接访情况周通报"
    CAMPAIGN = "campaign", "专项活动化解进度周通报"


class BulletinTemplate(models.Model):
    """The editable body of a bulletin: the documents app's markup and filters (see its template help)."""

    kind = models.CharField("通报种类", max_length=10, choices=BulletinKind.choices, unique=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField(
        "正文模板",
        help_text=(
            'Django 模板语言，标记同文书模板：<header>、<p class="number">、<h1>、<h2>、<p>、'
            '<div class="signature">。可用变量见 docs/statistics.md“通报”一节。'
        ),
    )
    updated_at = models.DateTimeField("修改时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "通报模板"
        verbose_name_plural = "通报模板"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_kind_display()


def bulletin_path(bulletin: Bulletin, ext: str) -> str:
    return f"bulletins/{bulletin.period_start.year}/{bulletin.issuing_unit.code}/{bulletin.kind}-{bulletin.serial:04d}.{ext}"


class Bulletin(models.Model):
    """One issued bulletin: the files, and the context they were rendered from."""

    kind = models.CharField("通报种类", max_length=10, choices=BulletinKind.choices)
    issuing_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="编发单位", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name="统计范围", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("统计起始日")
    period_end = models.DateField("统计截止日")
    serial = models.PositiveIntegerField("期号")
    title = models.CharField("标题", max_length=100)
    issued_at = models.DateTimeField("编发时间")
    issued_by = models.ForeignKey(
        "orgs.User", verbose_name="编发人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    context = models.JSONField("数据", default=dict)
    docx = models.FileField("Word 文件", upload_to="bulletins/", max_length=200)
    pdf = models.FileField("PDF 文件", upload_to="bulletins/", max_length=200)
    docx_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    # The HTML the leaders' inbox shows, kept when first sent (stats.delivery.deliver).
    delivered_html = models.TextField("呈送文本", blank=True, editable=False)

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-issued_at", "-id"]
        constraints = [
            # Issuing again for the same period replaces the files and keeps the serial (期号).
            models.UniqueConstraint(
                fields=["kind", "issuing_unit", "region", "period_start", "period_end"],
                name="bulletin_once_per_period",
            ),
        ]
        indexes = [models.Index(fields=["issuing_unit", "kind", "-period_start"], name="bulletin_unit_kind")]

    def __str__(self) -> str:
        return f"{self.title}（第{self.serial}期）"


class BulletinRecipient(models.Model):
    """A leader the bureau chose to receive its bulletins (seed 003: "呈送给市委书记、市长和市委政法委书记").
    A bureau with none configured sends to the users of its region holding XF_BULLETIN_RECIPIENT_ROLES."""

    bureau = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="编发单位", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey("orgs.User", verbose_name="接收领导", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "通报接收领导"
        verbose_name_plural = "通报接收领导"
        ordering = ["bureau", "id"]
        constraints = [models.UniqueConstraint(fields=["bureau", "user"], name="bulletin_recipient_once")]

    def __str__(self) -> str:
        return f"{self.bureau} → {self.user}"

    def clean(self) -> None:
        refusal = recipient_refusal(self.bureau, self.user) if self.bureau_id and self.user_id else None
        if refusal:
            raise ValidationError({"user": refusal})


def recipient_refusal(bureau, user) -> str | None:
    """Why ``user`` may not receive ``bureau``'s bulletins, or None. Bulletins count every petition of the
    bureau's area except accusations against the bureau, so they go only to leaders (party and government, the
    bureau's own) of that area or above it, and never to a user whose unit some accusation names."""
    unit = getattr(user, "unit", None)
    if not user.is_active or not user.has_role(*LEADER_ROLES):
        return "通报只呈送党政领导或信访局领导。"
    if unit is None or not (bureau.region.contains(unit.region) or unit.region.contains(bureau.region)):
        return "该领导不在本信访部门的辖区内。"
    if unit.pk != bureau.pk and accused(unit.pk):
        return "该领导所在单位是检举控告的对象，不能接收统计通报。"
    return None


def accused(unit_id: int) -> bool:
    return Petition.objects.filter(petition_class=PetitionClass.ACCUSATION, subject_unit_id=unit_id).exists()


class BulletinDelivery(models.Model):
    """One bulletin sent to one leader, and its read receipt (when the leader first opened it)."""

    bulletin = models.ForeignKey(
        Bulletin, verbose_name="通报", on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        "orgs.User", verbose_name="接收人", on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("呈送时间")
    read_at = models.DateTimeField("首次阅读时间", null=True, blank=True)
    read_count = models.PositiveIntegerField("阅读次数", default=0)

    class Meta:
        verbose_name = "通报呈送"
        verbose_name_plural = "通报呈送"
        ordering = ["-sent_at", "-id"]
        constraints = [
            # A retried send finds the row and sends nothing twice.
            models.UniqueConstraint(fields=["bulletin", "recipient"], name="bulletin_delivered_once"),
        ]
        indexes = [models.Index(fields=["recipient", "-sent_at"], name="bulletin_inbox")]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.recipient}"


# --- assessment (考评) -----------------------------------------------------------------------------------------


class AssessmentScheme(models.Model):
    """A scoring scheme: weighted indicators, applied to units of some kinds month by month."""

    name = models.CharField("方案名称", max_length=100)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name="适用区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空表示各地通用；填写则只用于该区划（及其下级区划）的考评，并优先于通用方案。",
    )
    unit_kinds = models.JSONField(
        "参评单位类型",
        default=list,
        help_text='如 ["township"] 或 ["township", "department"]；各类型分别排名。',
    )
    valid_from = models.DateField("启用月份", help_text="从该日期所在月份起适用。")
    is_active = models.BooleanField("启用", default=True)
    top_positions = models.PositiveSmallIntegerField(
        "连续靠前：名次", default=2, help_text="连续若干个月排名在前该名次以内的，予以标注。"
    )
    top_streak_months = models.PositiveSmallIntegerField("连续靠前：月数", default=3)
    bottom_streak_months = models.PositiveSmallIntegerField("连续末位：月数", default=2)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "考评方案"
        verbose_name_plural = "考评方案"
        ordering = ["-valid_from", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def total_points(self):
        return sum(i.weight for i in self.indicators.all())


class IndicatorMetric(models.TextChoices):
    TIMELY_ACCEPTANCE = "timely_acceptance", "及时受理率"
    ON_TIME_CONCLUSION = "on_time_conclusion", "按期办结率"
    PARTICIPATION_UNIT = "participation.unit", "参评率（责任单位）"
    SATISFACTION_UNIT = "satisfaction.unit", "满意率（责任单位）"
    FIRST_PETITION_ON_TIME = "first_petition_on_time", "初信初访按期办结率"
    VISITS_NATIONAL = "visits.national", "进京访批次"
    VISITS_PROVINCE = "visits.province", "赴省访批次"
    VISITS_CITY = "visits.city", "到市访批次"
    REPEAT = "volume.repeat", "重复信访批次"
    COLLECTIVE = "volume.collective", "集体访批次"
    SUPERVISION_LATE = "supervision.late", "督办件未按期反馈件数"
    MANUAL = "manual", "人工评定"


class ScoringMethod(models.TextChoices):
    PROPORTIONAL = "proportional", "按比例得分：分值 × 实际值 ÷ 目标值（不超过分值）"
    PER_POINT = "per_point", "低于目标每1个百分点扣分"
    PER_ITEM = "per_item", "每发生1件（批）扣分"
    MANUAL = "manual", "人工评定扣分"


class Indicator(models.Model):
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name="考评方案", on_delete=models.CASCADE, related_name="indicators"
    )
    group = models.CharField("类别", max_length=20, help_text="如：访量、三率、制度落实。")
    name = models.CharField("指标名称", max_length=50)
    metric = models.CharField("统计口径", max_length=30, choices=IndicatorMetric.choices)
    method = models.CharField("计分方法", max_length=20, choices=ScoringMethod.choices)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2)
    target = models.DecimalField(
        "目标值（%）",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="比率类指标的目标，如 100。",
    )
    deduction = models.DecimalField(
        "扣分标准", max_digits=6, decimal_places=2, default=0, help_text="每个百分点或每件（批）扣的分数。"
    )
    full_when_nothing_due = models.BooleanField(
        "无应办事项时得满分", default=True, help_text="当月没有到期应受理、应办结或应评价的事项时。"
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "考评指标"
        verbose_name_plural = "考评指标"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.group}：{self.name}（{self.weight}分）"


class ManualDeduction(models.Model):
    """An assessor's deduction on a manual indicator for one unit and month, with the reason."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="考评指标", on_delete=models.CASCADE, related_name="deductions"
    )
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="该月第一天。")
    points = models.DecimalField("扣分", max_digits=6, decimal_places=2)
    reason = models.TextField("扣分理由")
    recorded_by = models.ForeignKey(
        "orgs.User", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "人工扣分"
        verbose_name_plural = "人工扣分"
        ordering = ["month", "unit", "id"]
        indexes = [models.Index(fields=["indicator", "month"], name="deduction_indicator_month")]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y年%m月} {self.indicator.name} −{self.points}"


class AssessmentRun(models.Model):
    """The scores of one scheme for one month, as computed (and recomputed on demand)."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name="考评方案", on_delete=models.CASCADE, related_name="runs"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name="考评范围", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("月份", help_text="该月第一天。")
    computed_at = models.DateTimeField("计算时间")
    as_of = models.DateField("判断逾期的日期")

    class Meta:
        verbose_name = "月度考评"
        verbose_name_plural = "月度考评"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "region", "month"], name="assessment_run_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y年%m月} {self.scheme}"


class AssessmentScore(models.Model):
    run = models.ForeignKey(
        AssessmentRun, verbose_name="月度考评", on_delete=models.CASCADE, related_name="scores"
    )
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    group = models.CharField("排名组", max_length=20)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField("名次")
    details = models.JSONField("各项得分", default=list)
    top_streak = models.BooleanField("连续靠前", default=False)
    bottom_streak = models.BooleanField("连续末位", default=False)

    class Meta:
        verbose_name = "考评得分"
        verbose_name_plural = "考评得分"
        ordering = ["group", "rank", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="assessment_score_unique")]

    def __str__(self) -> str:
        return f"{self.unit} 第{self.rank}名 {self.total}分"


# --- targets (年度目标) and creation indicators (创建指标) ------------------------------------------------------


class TargetKind(models.TextChoices):
    CEILING = "ceiling", "不超过（上限）"
    FLOOR = "floor", "不低于（下限）"


class Decomposition(models.TextChoices):
    EVEN = "even", "按月平均分解"
    PROFILE = "profile", "按月度分解表"


class Target(models.Model):
    """A yearly target on one figure of `stats.targets.FIGURES`, for a unit or a jurisdiction, decomposed by
    month. Written only through `stats.target_services.set_target` (validated, audited)."""

    year = models.PositiveSmallIntegerField("年度")
    figure = models.CharField("指标", max_length=60, help_text="stats.targets.FIGURES 中的指标。")
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name="辖区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("目标类型", max_length=10, choices=TargetKind.choices)
    value = models.DecimalField(
        "年度目标值", max_digits=12, decimal_places=2, help_text="比率为百分数（如 98），数量为件、批或人次。"
    )
    decomposition = models.CharField(
        "月度分解", max_length=10, choices=Decomposition.choices, default=Decomposition.EVEN
    )
    profile = models.JSONField(
        "月度分解表",
        default=list,
        blank=True,
        help_text="12个非负数：数量指标为各月权重，比率指标为各月目标值（%）。",
    )
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("修改时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["-year", "figure", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, region__isnull=True)
                | models.Q(unit__isnull=True, region__isnull=False),
                name="target_unit_or_region",
            ),
            models.UniqueConstraint(fields=["year", "figure", "unit"], name="target_once_per_unit"),
            models.UniqueConstraint(fields=["year", "figure", "region"], name="target_once_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.figure}"


class IndicatorLevel(models.TextChoices):
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"
    UNIT = "unit", "单位"


class CreationIndicator(models.Model):
    """A creation standard (创建指标: 三无、四无、无访村): conditions, each a countable figure of
    `stats.targets.FIGURES` with a maximum, met by a township, village or unit inside `region` in `year`.
    Written only through `stats.target_services.set_indicator`."""

    name = models.CharField("名称", max_length=50, help_text="如：四无乡镇、无访村。")
    level = models.CharField("评定对象", max_length=10, choices=IndicatorLevel.choices)
    region = models.ForeignKey(
        "orgs.Region", verbose_name="评定范围", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    conditions = models.JSONField(
        "条件", default=list, help_text='如 [{"figure": "visits.national_province.batches", "max": 0}]。'
    )
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("修改时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "创建指标"
        verbose_name_plural = "创建指标"
        ordering = ["-year", "region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "region", "year"], name="creation_indicator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"


from .fact_models import DeadlineFact, FactOverlap, RatingFact  # noqa: E402,F401  (the per-day facts' tables)
