"""The petition (信访事项), its petitioners, parties and attachments (process.md §2, §12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.fieldcrypt import EncryptedTextField, digest
from xinfang.orgs.models import Level

from .choices import (  # noqa: F401  (re-exported: every reader imports them from models)
    ClosedReason,
    DeliveryMethod,
    LegalRoute,
    ReplyOpinion,
    Settlement,
    Track,
)


class Channel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    ONLINE = "online", "网上信访"
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    WECHAT = "wechat", "微信"
    MOBILE = "mobile", "手机信访"
    LEADER_MAILBOX = "leader_mailbox", "领导信箱"
    VIDEO = "video", "视频接访"
    FAX = "fax", "传真"


# 网信电访: every channel but the in-person visit, grouped in statistics.
ONLINE_LETTER_PHONE = [c for c in Channel.values if c != Channel.VISIT]
# Channels that count as "online" for the online share (网上信访占比).
ONLINE_CHANNELS = [Channel.ONLINE, Channel.SMS, Channel.WECHAT, Channel.MOBILE, Channel.LEADER_MAILBOX]


class Source(models.TextChoices):
    DIRECT = "direct", "群众直接信访"
    REFERRED_FROM_ABOVE = "referred_from_above", "上级转送交办"
    INSPECTION_HANDOVER = "inspection_handover", "巡视组移交"


class SourceAction(models.TextChoices):
    TRANSFER = "transfer", "转送"
    ASSIGN = "assign", "交办"


class PetitionClass(models.TextChoices):
    SUGGESTION = "suggestion", "建议意见类"
    ACCUSATION = "accusation", "检举控告类"
    CLAIM = "claim", "申诉求决类"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记"
    TRANSFERRED = "transferred", "已转送"
    ASSIGNED = "assigned", "已交办"
    ACCEPTED = "accepted", "办理中"
    REPLIED = "replied", "已答复"
    CONCLUDED = "concluded", "已办结"
    CLOSED = "closed", "已告知终止"
    UNDER_REVIEW = "under_review", "复查中"
    REVIEWED = "reviewed", "已复查"
    UNDER_RE_REVIEW = "under_re_review", "复核中"
    TERMINATED = "terminated", "三级终结"
    # A duplicate registration folded into the petition that remains (``merged_into``): not a batch of its own.
    MERGED = "merged", "已合并"


OPEN_STATUSES = [
    Status.REGISTERED,
    Status.TRANSFERRED,
    Status.ASSIGNED,
    Status.ACCEPTED,
    Status.REPLIED,
    Status.UNDER_REVIEW,
    Status.UNDER_RE_REVIEW,
]


# The states in which a petition has been concluded in the petition procedure, so it may be recorded settled.
SETTLEABLE_STATUSES = [Status.CONCLUDED, Status.REVIEWED, Status.TERMINATED]


class Category(models.Model):
    """The editable content-category tree (process.md §12)."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("完整路径", max_length=200, unique=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "内容分类"
        verbose_name_plural = "内容分类"
        ordering = ["sort_order", "path"]

    def __str__(self) -> str:
        return self.path

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.name}" if self.parent_id else self.name
        super().save(*args, **kwargs)

    @property
    def top(self) -> str:
        return self.path.split("/")[0]


class CategoryRoute(models.Model):
    """The unit that routing suggests for a category in a region; a person confirms."""

    category = models.ForeignKey(
        Category, verbose_name="内容分类", on_delete=models.CASCADE, related_name="routes"
    )
    region = models.ForeignKey("orgs.Region", verbose_name="区划", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="默认责任单位", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "分类默认责任单位"
        verbose_name_plural = "分类默认责任单位"
        constraints = [models.UniqueConstraint(fields=["category", "region"], name="category_route_unique")]

    def __str__(self) -> str:
        return f"{self.category} @ {self.region} → {self.unit}"


def digest_id_number(value: str | None) -> str | None:
    """What ``Petitioner.id_number_digest`` holds for a normalised ID number: filter on this, never on the
    encrypted field."""
    return digest("id_number", value)


def digest_phone(value: str | None) -> str | None:
    """What ``Petitioner.phone_digest`` holds for a normalised phone."""
    return digest("phone", value)


class Petitioner(models.Model):
    """One record per real person, reused across petitions."""

    name = models.CharField("姓名", max_length=50)
    # Encrypted at rest (docs/security.md, "Data at rest"); found by value only through the keyed digests. The
    # digests are declared before their fields: the constructor sets fields in this order, and setting an
    # encrypted field is what fills its digest.
    id_number_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_number = EncryptedTextField(
        "身份证号", max_length=18, null=True, blank=True, digest_field="id_number_digest"
    )
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField("联系电话", max_length=20, blank=True, digest_field="phone_digest")
    address = EncryptedTextField("住址", max_length=200, blank=True)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name="所在区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("建档时间")

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"
        indexes = [models.Index(fields=["name", "phone_digest"])]

    def __str__(self) -> str:
        return self.name


class Petition(models.Model):
    registration_number = models.CharField("登记编号", max_length=40, unique=True)
    external_id = models.CharField("外部编号", max_length=60, null=True, blank=True, unique=True)
    query_code_hash = models.CharField("查询码摘要", max_length=64, unique=True, editable=False)

    channel = models.CharField("信访形式", max_length=20, choices=Channel.choices)
    source = models.CharField("来源", max_length=24, choices=Source.choices, default=Source.DIRECT)
    source_level = models.CharField(
        "转交办层级", max_length=10, choices=Level.choices, blank=True, help_text="上级转送交办时，来自哪一级"
    )
    source_action = models.CharField("转交办方式", max_length=10, choices=SourceAction.choices, blank=True)
    received_at = models.DateTimeField("收到时间")
    registered_at = models.DateTimeField("登记时间")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="登记单位", on_delete=models.PROTECT, related_name="received_petitions"
    )
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_petitions",
    )
    # Region codes copied from the two units, so jurisdiction filters are one indexed startswith each.
    receiving_region_code = models.CharField(max_length=12, editable=False)
    responsible_region_code = models.CharField(max_length=12, blank=True, editable=False)

    visit_level = models.CharField("来访层级", max_length=10, choices=Level.choices, blank=True)
    person_count = models.PositiveIntegerField("人次", default=1)
    is_collective = models.BooleanField("集体访", default=False)

    petition_class = models.CharField("信访类别", max_length=12, choices=PetitionClass.choices)
    category = models.ForeignKey(
        Category, verbose_name="内容分类", on_delete=models.PROTECT, related_name="+"
    )
    issue_region = models.ForeignKey(
        "orgs.Region", verbose_name="问题属地", on_delete=models.PROTECT, related_name="+"
    )
    issue_region_code = models.CharField(max_length=12, editable=False)
    subject_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="被反映单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_person = models.CharField("被反映人", max_length=100, blank=True)
    # 领导信箱: the leader the letter was written to, whose name the written reply is issued under.
    addressed_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收信领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    addressed_leader_post = models.CharField("收信领导职务", max_length=60, blank=True)
    summary = models.CharField("事项摘要", max_length=200)
    content = models.TextField("诉求内容")

    repeat_of = models.ForeignKey(
        "self",
        verbose_name="重复件关联",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    is_repeat = models.BooleanField("重复信访", default=False)
    merged_into = models.ForeignKey(
        "self", verbose_name="合并至", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    # 扬言: set at registration from the text by the urgent-phrase list (supervision.urgency); on the matter only.
    is_urgent = models.BooleanField("紧急", default=False)
    urgent_phrases = models.JSONField("扬言词句", default=list, blank=True)
    identity_confidential = models.BooleanField("要求身份保密", default=False)

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    track = models.CharField("办理程序", max_length=12, choices=Track.choices, default=Track.ORDINARY)
    # Bumped by every workflow transition; a form posts the version it saw, so a stale action is refused.
    version = models.PositiveIntegerField("版本", default=1)

    # Facts recorded by the workflow service when transitions happen (only it writes them), so that lists,
    # colours and a month's statistics per unit read columns instead of replaying events.
    report_due_on = models.DateField("上级交办报结时限", null=True, blank=True)
    routed_at = models.DateTimeField("分类处理时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_on_time = models.BooleanField("按期受理", null=True, blank=True)
    handling_due_on = models.DateField("办理期限", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延期天数", default=0)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_on_time = models.BooleanField("按期答复", null=True, blank=True)
    reply_opinion = models.CharField("处理意见", max_length=24, choices=ReplyOpinion.choices, blank=True)
    reply_received_on = models.DateField("答复送达日期", null=True, blank=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    rating_window_ends_on = models.DateField("评价截止日期", null=True, blank=True)
    closed_at = models.DateTimeField("告知终止时间", null=True, blank=True)
    closed_reason = models.CharField("终止原因", max_length=24, choices=ClosedReason.choices, blank=True)
    legal_route = models.CharField("法定途径", max_length=20, choices=LegalRoute.choices, blank=True)
    terminated_at = models.DateTimeField("终结时间", null=True, blank=True)
    is_resolved = models.BooleanField("已化解", default=False)
    resolved_at = models.DateTimeField("化解时间", null=True, blank=True)
    # 案结事了 / 息诉息访: recorded by the bureau after conclusion (``record_settlement``); blank until then.
    settlement = models.CharField("案结事了方式", max_length=20, choices=Settlement.choices, blank=True)
    settled_at = models.DateTimeField("案结事了时间", null=True, blank=True)
    next_due_on = models.DateField("最近期限", null=True, blank=True)
    next_due_stage = models.CharField("最近期限环节", max_length=32, blank=True)
    last_transition_at = models.DateTimeField("最近流转时间", null=True, blank=True)

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="petition_recent"),
            models.Index(fields=["status", "-received_at"], name="petition_status_recent"),
            models.Index(fields=["receiving_region_code", "-received_at"], name="petition_recv_region"),
            models.Index(fields=["responsible_region_code", "-received_at"], name="petition_resp_region"),
            models.Index(fields=["receiving_unit", "-received_at"], name="petition_recv_unit"),
            models.Index(fields=["responsible_unit", "-received_at"], name="petition_resp_unit"),
            models.Index(fields=["channel", "-received_at"], name="petition_channel"),
            models.Index(fields=["category", "-received_at"], name="petition_category"),
            models.Index(fields=["issue_region_code"], name="petition_issue_region"),
            # Covering index for monthly volumes per unit (stats.rates, stats.volumes).
            models.Index(
                fields=["received_at", "responsible_unit", "receiving_unit", "person_count"],
                name="petition_volume_cov",
            ),
            models.Index(fields=["next_due_on"], name="petition_next_due"),
            models.Index(fields=["responsible_unit", "replied_at"], name="petition_resp_replied"),
            # The replies waiting for delivery, by unit: a unit's to-do list (workflow.todo). Partial: small.
            models.Index(
                fields=["responsible_unit"], condition=Q(status=Status.REPLIED), name="petition_replied_unit"
            ),
            # The urgent matters pinned above the worklist and the board: few, so a partial index.
            models.Index(fields=["-received_at"], condition=Q(is_urgent=True), name="petition_urgent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(person_count__gte=1), name="petition_person_count_positive"),
        ]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def addressed_leader_line(self) -> str:
        """How the reply signs for the leader written to: "某某县县长 张三" (no post given: the leader's unit)."""
        leader = self.addressed_leader
        if leader is None:
            return ""
        post = self.addressed_leader_post or (leader.unit.name if leader.unit_id else "")
        return f"{post} {leader}".strip()

    @property
    def is_first_petition(self) -> bool:
        return not self.is_repeat

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def principal(self) -> Petitioner | None:
        party = next((p for p in self.parties.all() if p.role == PartyRole.PRINCIPAL), None)
        return party.petitioner if party else None


class PartyRole(models.TextChoices):
    PRINCIPAL = "principal", "信访人"
    CO_PETITIONER = "co_petitioner", "联名信访人"
    REPRESENTATIVE = "representative", "代表"


MAX_REPRESENTATIVES = 5  # Regulation Art. 20
COLLECTIVE_MIN_PERSONS = 5


class PetitionParty(models.Model):
    petition = models.ForeignKey(
        Petition, verbose_name="信访事项", on_delete=models.PROTECT, related_name="parties"
    )
    petitioner = models.ForeignKey(
        Petitioner, verbose_name="信访人", on_delete=models.PROTECT, related_name="parties"
    )
    role = models.CharField("身份", max_length=20, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "信访当事人"
        verbose_name_plural = "信访当事人"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "petitioner"], name="party_unique_per_petition"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.petitioner}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored by content hash: the same file uploaded twice is one file on disk, and names cannot collide.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    petition = models.ForeignKey(
        Petition, verbose_name="信访事项", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小(字节)")
    sha256 = models.CharField("内容摘要", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class RegistrationSequence(models.Model):
    """The last registration number handed out per region and year."""

    region_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="registration_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code}-{self.year}: {self.last}"


class DeferredWork(models.Model):
    """A registered petition whose worker-side work (``petitions.deferral``: its search document and text
    signature) is not done yet; the worker deletes the row when it is."""

    # Not the primary key: xinfang.bulk inserts every field but the key.
    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return str(self.petition_id)


# The facts of a registration that every reader of a petition is shown (the API, the admin), in one order.
REGISTRATION_FACTS = [
    "receiving_unit",
    "responsible_unit",
    "visit_level",
    "person_count",
    "is_collective",
    "petition_class",
    "category",
    "issue_region",
    "subject_unit",
    "subject_person",
    "summary",
]


class RegistrationKey(models.Model):
    """A client's key for one registration: the API's Idempotency-Key, a form's one-time token.

    A retry with the key gets the first registration back instead of a second one (petitions.idempotency).
    The query code is kept sealed (encrypted with a key outside the database) so a retry after a lost answer
    can still show it; the row expires after a day.
    """

    scope = models.CharField(max_length=40)  # whose key: "api:<user id>", "workbench:<user id>", "portal"
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64, blank=True)  # SHA-256 of the request; empty for forms
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, null=True, related_name="+")
    sealed_query_code = models.TextField(blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="registration_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.key}"
