"""Petition representations: field names follow the exchange format (shared/domain/exchange-format.md).

Units, regions and categories travel as codes and paths, never as database ids. Reading goes through
`disclosure` so that identity is masked per user and petition; writing only checks shape and resolves
codes, and leaves every rule of registration to `petitions.services.register`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinfang import inputs
from xinfang.audit.models import Event
from xinfang.orgs.models import Level, OrgUnit, Region, User
from xinfang.petitions import masking
from xinfang.petitions.models import (
    REGISTRATION_FACTS,
    Attachment,
    Category,
    Channel,
    PartyRole,
    Petition,
    PetitionClass,
    Source,
    SourceAction,
)
from xinfang.petitions.selectors import visible_link_changes, visible_repeat_of, visible_to
from xinfang.petitions.services import PartyInput, Registration
from xinfang.workflow.co_handling import co_handling_of

from . import lookups
from .disclosure import petitioner_view

UNKNOWN_FIELD = "不支持的字段。"

# --- Reading ---------------------------------------------------------------------------------------------


class PetitionerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="姓名；身份保密件对非承办人员只显示姓氏")
    id_number = serializers.CharField(help_text="身份证号；无权查看身份的角色看到的是打码后的号码")
    phone = serializers.CharField(help_text="联系电话；无权查看身份的角色看到的是打码后的号码")
    address = serializers.CharField(help_text="住址；身份保密件对非承办人员显示为 ***")
    role = serializers.ChoiceField(
        PartyRole.choices, help_text="principal 信访人 / co_petitioner / representative"
    )


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField(help_text="上传人")

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "uploaded_by"]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(help_text="操作人")
    actor_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="操作单位代码")
    changes = serializers.SerializerMethodField(help_text="变更字段 {字段: [原值, 新值]}")

    class Meta:
        model = Event
        fields = [
            "id",
            "action",
            "at",
            "actor",
            "actor_unit",
            "target_type",
            "from_status",
            "to_status",
            "reason",
            "changes",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.ListField()))
    def get_changes(self, event: Event) -> dict:
        # A petitioner's changed phone or address is identity; show it only when identities are unmasked.
        if event.target_type == "petitioner" and not self.context.get("unmasked", False):
            return {}
        return visible_link_changes(event.changes, self.context["request"].user)


class PetitionSerializer(serializers.ModelSerializer):
    """A petition in a list: everything but the long text, attachments and history."""

    receiving_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="登记单位代码")
    responsible_unit = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="责任单位代码"
    )
    category = serializers.SlugRelatedField(slug_field="path", read_only=True, help_text="内容分类路径")
    issue_region = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="问题属地区划代码"
    )
    subject_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="被反映单位代码")
    repeat_of = serializers.SerializerMethodField(
        help_text="重复件关联的原事项登记编号（读者无权查看的为空）"
    )
    is_repeat = serializers.SerializerMethodField(
        help_text="是否重复信访（原事项读者无权查看的为false：不提示存在无权查看的事项）"
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="状态中文名")
    addressed_leader = serializers.SerializerMethodField(
        help_text="领导信箱来信的收信领导：{id, name, line（答复意见书落款，如“某某县县长 张三”）}；其他为空"
    )
    petitioners = serializers.SerializerMethodField(help_text="信访人（按权限打码）")
    identity_masked = serializers.SerializerMethodField(help_text="本次返回的信访人身份信息是否经过打码")

    class Meta:
        model = Petition
        fields = [
            "id",
            "registration_number",
            "external_id",
            "status",
            "status_label",
            "channel",
            "source",
            "source_level",
            "source_action",
            "received_at",
            "registered_at",
            *REGISTRATION_FACTS,
            "repeat_of",
            "is_repeat",
            "identity_confidential",
            "identity_masked",
            "addressed_leader",
            "is_urgent",
            "petitioners",
        ]

    def get_addressed_leader(self, petition: Petition) -> dict | None:
        leader = petition.addressed_leader
        if leader is None:
            return None
        return {"id": leader.pk, "name": str(leader), "line": petition.addressed_leader_line}

    def get_repeat_of(self, petition: Petition) -> str | None:
        earlier = visible_repeat_of(petition, self.context["request"].user)
        return earlier.registration_number if earlier else None

    def get_is_repeat(self, petition: Petition) -> bool:
        return visible_repeat_of(petition, self.context["request"].user) is not None

    detail = False  # a list: protected identities stay masked whatever the role (petitions.masking)

    def _unmasked(self, petition: Petition) -> bool:
        return masking.unmasked(
            self.context["request"].user,
            petition,
            detail=self.detail,
            revealed=self.context.get("revealed", False),
        )

    @extend_schema_field(PetitionerSerializer(many=True))
    def get_petitioners(self, petition: Petition) -> list[dict]:
        unmask = self._unmasked(petition)
        return [petitioner_view(party.petitioner, party.role, unmask) for party in petition.parties.all()]

    def get_identity_masked(self, petition: Petition) -> bool:
        return not self._unmasked(petition)


class CoHandlingSerializer(serializers.Serializer):
    lead_unit = serializers.CharField(source="lead.code", allow_null=True, help_text="主办单位代码")
    supporting_units = serializers.SerializerMethodField(help_text="协办单位代码")

    def get_supporting_units(self, co_handling) -> list[str]:
        return [unit.code for unit in co_handling.supporting]


class PetitionDetailSerializer(PetitionSerializer):
    detail = True
    attachments = AttachmentSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField(help_text="操作记录（全程留痕），按时间顺序")
    co_handling = serializers.SerializerMethodField(help_text="主办、协办单位（多个单位办理时；否则为null）")
    settlement_label = serializers.CharField(
        source="get_settlement_display", read_only=True, help_text="案结事了方式中文名（未记录为空）"
    )
    merged_into = serializers.SerializerMethodField(
        help_text="已合并至的保留事项登记编号（未合并的、或读者无权查看保留事项的为空）"
    )

    class Meta(PetitionSerializer.Meta):
        fields = [
            *PetitionSerializer.Meta.fields,
            "track",
            "version",
            "content",
            "co_handling",
            "is_resolved",
            "settlement",
            "settlement_label",
            "settled_at",
            "urgent_phrases",
            "merged_into",
            "attachments",
            "events",
        ]

    def get_merged_into(self, petition: Petition) -> str | None:
        # As repeat_of: a survivor the reader may not see is not named (its number would tell it exists).
        if petition.merged_into_id is None:
            return None
        survivor = visible_to(self.context["request"].user).filter(pk=petition.merged_into_id).first()
        return survivor.registration_number if survivor else None

    @extend_schema_field(CoHandlingSerializer(allow_null=True))
    def get_co_handling(self, petition: Petition) -> dict | None:
        if getattr(petition, "just_registered", False):
            return None  # lead and supporting units are named only by the workflow, after registration
        found = co_handling_of(petition)
        return CoHandlingSerializer(found).data if found is not None else None

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, petition: Petition) -> list[dict]:
        context = {**self.context, "unmasked": self._unmasked(petition)}
        return EventSerializer(petition.events.all(), many=True, context=context).data


class RegisteredSerializer(PetitionDetailSerializer):
    query_code = serializers.SerializerMethodField(
        help_text="查询码，仅在登记时显示这一次，请告知信访人（系统只保存其摘要）"
    )

    class Meta(PetitionDetailSerializer.Meta):
        fields = [*PetitionDetailSerializer.Meta.fields, "query_code"]

    def get_query_code(self, petition: Petition) -> str:
        return self.context["query_code"]


# --- Writing ---------------------------------------------------------------------------------------------


class StrictFieldsMixin:
    """Refuse fields we do not know: a misspelt or unsupported key (e.g. `events`) must not vanish silently."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class CodeField(serializers.SlugRelatedField):
    """A unit, region or category named by code or path, resolved through the per-process cache (lookups.py):
    the same answers and errors as DRF's field, without a query per registration."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            return super().to_internal_value(data)  # DRF's own handling of odd input
        try:
            return lookups.lookup(self.queryset.model, self.slug_field).get(data)
        except ObjectDoesNotExist:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)


def _code_field(queryset, what: str, **kwargs):
    slug = "path" if queryset.model is Category else "code"
    # The cache holds every row of the model: only for a field that may name any of them.
    field_class = serializers.SlugRelatedField if queryset.query.has_filters() else CodeField
    return field_class(
        slug_field=slug,
        queryset=queryset,
        error_messages={
            "does_not_exist": f"{what}“{{value}}”不存在。",
            "invalid": f"{what}无效。",
            "null": f"请填写{what}。",
            "required": f"请填写{what}。",
        },
        **kwargs,
    )


class BoundedDateTimeField(serializers.DateTimeField):
    """An instant within `inputs`' sane range: DRF moves year 1 or 9999 into the current zone and overflows."""

    def to_internal_value(self, value):
        label = str(self.label or "时间")
        try:
            return inputs.check_instant(super().to_internal_value(value), label)
        except (OverflowError, inputs.InputError):
            raise serializers.ValidationError(inputs.range_message(label)) from None


class PetitionerInputSerializer(StrictFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text="姓名", validators=[inputs.VisibleText("姓名")])
    id_number = serializers.CharField(max_length=30, allow_blank=True, default="", help_text="18位身份证号")
    phone = serializers.CharField(max_length=30, allow_blank=True, default="", help_text="手机或固定电话")
    address = serializers.CharField(max_length=200, allow_blank=True, default="", help_text="住址")
    role = serializers.ChoiceField(PartyRole.choices, default=PartyRole.PRINCIPAL, help_text="身份")


class PetitionCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    channel = serializers.ChoiceField(Channel.choices, help_text="信访形式")
    source = serializers.ChoiceField(Source.choices, default=Source.DIRECT, help_text="来源")
    source_level = serializers.ChoiceField(
        Level.choices, allow_blank=True, default="", help_text="上级转送交办时来自哪一级"
    )
    source_action = serializers.ChoiceField(
        SourceAction.choices, allow_blank=True, default="", help_text="上级转送还是交办"
    )
    received_at = BoundedDateTimeField(
        label="收到时间",
        help_text="收到时间，ISO 8601，如 2026-03-02T09:30:00+08:00；不带时区按北京时间",
        error_messages={
            "invalid": "收到时间不是有效的日期时间：日期须真实存在，格式如 2026-03-02T09:30:00+08:00。",
            "required": "请填写收到时间。",
            "null": "请填写收到时间。",
        },
    )
    receiving_unit = _code_field(
        OrgUnit.objects.all(), "单位代码", required=False, help_text="登记单位代码；省略时为登记员所在单位"
    )
    visit_level = serializers.ChoiceField(
        Level.choices, allow_blank=True, default="", help_text="来访层级（仅来访）"
    )
    person_count = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, allow_null=True, help_text="人次；省略时为信访人数"
    )
    petitioners = PetitionerInputSerializer(many=True, help_text="信访人、联名信访人或集体访代表")
    petition_class = serializers.ChoiceField(PetitionClass.choices, help_text="信访类别")
    category = _code_field(Category.objects.all(), "内容分类", help_text="内容分类路径，如 城乡建设/征收拆迁")
    issue_region = _code_field(Region.objects.all(), "区划代码", help_text="问题属地区划代码")
    subject_unit = _code_field(
        OrgUnit.objects.all(), "单位代码", required=False, allow_null=True, help_text="被反映单位代码"
    )
    subject_person = serializers.CharField(
        max_length=100,
        allow_blank=True,
        default="",
        help_text="被反映人",
        validators=[inputs.VisibleText("被反映人")],
    )
    summary = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text="事项摘要",
        validators=[inputs.VisibleText("事项摘要")],
    )
    content = serializers.CharField(allow_blank=True, default="", help_text="诉求内容、事实和理由")
    repeat_of = serializers.CharField(
        max_length=60,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="重复信访时原事项的登记编号或外部编号",
    )
    external_id = serializers.CharField(max_length=60, required=False, allow_null=True, allow_blank=True)
    identity_confidential = serializers.BooleanField(default=False, help_text="信访人要求身份保密")
    addressed_leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True).select_related("unit"),
        required=False,
        allow_null=True,
        help_text="领导信箱来信必填：收信领导的用户编号（党政领导或信访局领导）",
        error_messages={"does_not_exist": "收信领导不存在。", "incorrect_type": "收信领导编号无效。"},
    )
    addressed_leader_post = serializers.CharField(
        max_length=60, allow_blank=True, default="", help_text="收信领导职务，如“某某县县长”"
    )

    def validate_receiving_unit(self, unit: OrgUnit) -> OrgUnit:
        user = self.context["request"].user
        if unit.pk != user.unit_id:
            raise serializers.ValidationError("只能登记本单位收到的信访事项。")
        return unit

    def validate_repeat_of(self, value: str | None) -> Petition | None:
        if not value:
            return None
        match = (
            visible_to(self.context["request"].user)
            .filter(Q(registration_number=value) | Q(external_id=value))
            .first()
        )
        if match is None:
            raise serializers.ValidationError("关联的原信访事项不存在。")
        return match

    def to_registration(self) -> Registration:
        data = self.validated_data
        return Registration(
            channel=data["channel"],
            received_at=data["received_at"],
            petition_class=data["petition_class"],
            category=data["category"],
            issue_region=data["issue_region"],
            summary=data["summary"],
            content=data["content"],
            parties=[PartyInput(**party) for party in data["petitioners"]],
            person_count=data.get("person_count"),
            visit_level=data["visit_level"],
            source=data["source"],
            source_level=data["source_level"],
            source_action=data["source_action"],
            subject_unit=data.get("subject_unit"),
            subject_person=data["subject_person"],
            repeat_of=data.get("repeat_of"),
            identity_confidential=data["identity_confidential"],
            addressed_leader=data.get("addressed_leader"),
            addressed_leader_post=data["addressed_leader_post"],
            external_id=data.get("external_id") or None,
            # Left None on purpose: the service then requires the registrar role and uses their unit.
            receiving_unit=None,
        )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="附件文件；按内容判断类型，超过大小上限或内容与扩展名不符将被拒绝")


def valid_data(serializer_class, request, **kwargs) -> dict:
    """The request body validated by `serializer_class`; invalid input raises, and becomes problem details."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
