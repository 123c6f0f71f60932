"""Leaders at work through the API (process.md §10): reception schedules and sessions, case ownership (包案),
submissions to leaders and their instructions (阅批).

The same services as the workbench decide, so the validation, the scoping (``leaders.selectors``; petitions
through ``visible_to``) and the audit trail are the same; a refusal is problem details (400 with the Chinese
messages by field, 403, 404). Units are named by code, leaders and petitions by id.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from xinfang.http import client_ip
from xinfang.leaders import access, selectors
from xinfang.leaders.models import (
    LEADER_LEVELS,
    WEEKDAYS,
    CaseOwnership,
    HolidayRule,
    InstructionTarget,
    Outcome,
    ReceptionKind,
    ReceptionSchedule,
    ReceptionSession,
    Recurrence,
    ResolutionStandard,
    SessionPetition,
    Submission,
)
from xinfang.leaders.services import instructions, ownership, reception
from xinfang.leaders.services.ownership import Step
from xinfang.orgs.models import OrgUnit, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import get_visible_or_404, visible_to

from .problems import problem_responses
from .serializers import StrictFieldsMixin, _code_field

ERRORS = problem_responses(400, 401, 403, 404)


class NewestFirst(CursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _unit_field(**kwargs):
    return _code_field(OrgUnit.objects.filter(is_active=True), "单位", **kwargs)


def _units_field(**kwargs):
    return serializers.ListField(child=_unit_field(), required=False, **kwargs)


def _leader_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        error_messages={"does_not_exist": "领导“{pk_value}”不存在。", "required": "请选择领导。"},
        **kwargs,
    )


def _petition_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=Petition.objects.all(),
        error_messages={"does_not_exist": "信访事项“{pk_value}”不存在。"},
        **kwargs,
    )


class LeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="leader_id")
    name = serializers.CharField(source="leader.__str__")
    post = serializers.CharField(source="leader_post")
    level = serializers.ChoiceField(source="leader_level", choices=LEADER_LEVELS)


# --- reception ---------------------------------------------------------------------------------------------


class ScheduleSerializer(serializers.ModelSerializer):
    leader = LeaderSerializer(source="*", read_only=True)
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ReceptionSchedule
        fields = [
            "id",
            "bureau",
            "kind",
            "leader",
            "place",
            "topics",
            "recurrence",
            "day_of_month",
            "weekday",
            "holiday_rule",
            "start_time",
            "end_time",
            "starts_on",
            "ends_on",
            "is_active",
        ]


class ScheduleWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReceptionKind.choices)
    leader = _leader_field()
    leader_post = serializers.CharField(max_length=60, allow_blank=True)
    leader_level = serializers.ChoiceField(choices=LEADER_LEVELS)
    place = serializers.CharField(max_length=120, allow_blank=True)
    topics = serializers.CharField(max_length=200, required=False, allow_blank=True)
    recurrence = serializers.ChoiceField(choices=Recurrence.choices)
    day_of_month = serializers.IntegerField(required=False, allow_null=True)
    weekday = serializers.ChoiceField(choices=WEEKDAYS, required=False, allow_null=True)
    holiday_rule = serializers.ChoiceField(choices=HolidayRule.choices, required=False)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class UntilSerializer(StrictFieldsMixin, serializers.Serializer):
    until = serializers.DateField(help_text="生成接访场次至该日（含）")


class SessionLinkSerializer(serializers.ModelSerializer):
    petition = serializers.IntegerField(source="petition_id")
    registration_number = serializers.CharField(source="petition.registration_number")
    outcome_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SessionPetition
        fields = ["petition", "registration_number", "outcome", "outcome_unit", "outcome_due", "note"]


class SessionSerializer(serializers.ModelSerializer):
    leader = LeaderSerializer(source="*", read_only=True)
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    attending_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    petitions = serializers.SerializerMethodField()

    class Meta:
        model = ReceptionSession
        fields = [
            "id",
            "schedule",
            "scheduled_for",
            "bureau",
            "kind",
            "leader",
            "place",
            "topics",
            "date",
            "start_time",
            "end_time",
            "attending_units",
            "status",
            "cancel_reason",
            "work_note",
            "petitions",
        ]

    @extend_schema_field(SessionLinkSerializer(many=True))
    def get_petitions(self, session) -> list[dict]:
        user = self.context["request"].user
        return SessionLinkSerializer(selectors.links_visible_to(user, session), many=True).data


class SessionWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReceptionKind.choices)
    leader = _leader_field()
    leader_post = serializers.CharField(max_length=60, allow_blank=True)
    leader_level = serializers.ChoiceField(choices=LEADER_LEVELS)
    place = serializers.CharField(max_length=120, allow_blank=True)
    topics = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    attending_units = _units_field()


class ReasonSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True)


class NoteSerializer(StrictFieldsMixin, serializers.Serializer):
    note = serializers.CharField(max_length=5000, allow_blank=True)


class LinkSerializer(StrictFieldsMixin, serializers.Serializer):
    petition = _petition_field(help_text="在本次接访中登记的信访事项 id")


class OutcomeSerializer(StrictFieldsMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in Outcome.choices if c[0] != Outcome.PENDING])
    unit = _unit_field(required=False, allow_null=True, help_text="限期化解的责任单位代码")
    due = serializers.DateField(required=False, allow_null=True, help_text="限期化解的期限")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema(tags=["领导接访"])
@extend_schema_view(
    list=extend_schema(summary="本信访部门的接访安排", responses={200: ScheduleSerializer, **ERRORS}),
    retrieve=extend_schema(summary="一项接访安排", responses={200: ScheduleSerializer, **ERRORS}),
)
class ScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ScheduleSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        bureau = access.bureau_of(self.request.user)
        if bureau is None:
            return ReceptionSchedule.objects.none()
        return ReceptionSchedule.objects.filter(bureau=bureau).select_related("leader", "bureau")

    @extend_schema(
        summary="制定接访安排", request=ScheduleWriteSerializer, responses={201: ScheduleSerializer, **ERRORS}
    )
    def create(self, request):
        data = _valid(ScheduleWriteSerializer, request)
        schedule = reception.create_schedule(request.user, ip_address=client_ip(request), **data)
        return Response(ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改接访安排（只传要改的字段）",
        request=ScheduleWriteSerializer(partial=True),
        responses={200: ScheduleSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        schedule = self.get_object()
        data = _valid(ScheduleWriteSerializer, request, partial=True)
        schedule = reception.update_schedule(schedule, request.user, ip_address=client_ip(request), **data)
        return Response(ScheduleSerializer(schedule).data)

    @extend_schema(
        summary="按规则生成接访场次（按工作日历，遇节假日按规则调整）",
        request=UntilSerializer,
        responses={201: SessionSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        schedule = self.get_object()
        data = _valid(UntilSerializer, request)
        made = reception.make_sessions(
            schedule, request.user, until=data["until"], ip_address=client_ip(request)
        )
        body = SessionSerializer(made, many=True, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


def _valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(tags=["领导接访"])
@extend_schema_view(
    list=extend_schema(
        summary="可见的接访场次（领导本人的；信访部门辖区内的）", responses={200: SessionSerializer, **ERRORS}
    ),
    retrieve=extend_schema(
        summary="一次接访及其登记的信访事项", responses={200: SessionSerializer, **ERRORS}
    ),
)
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return (
            selectors.sessions_visible_to(self.request.user)
            .select_related("leader", "bureau")
            .prefetch_related("attending_units")
        )

    @extend_schema(
        summary="安排一次接访（约访、下访等）",
        request=SessionWriteSerializer,
        responses={201: SessionSerializer, **ERRORS},
    )
    def create(self, request):
        data = _valid(SessionWriteSerializer, request)
        session = reception.create_session(
            request.user,
            ip_address=client_ip(request),
            **(data | {"attending_units": data.get("attending_units", [])}),
        )
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="取消接访（须写明原因）",
        request=ReasonSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session = self.get_object()
        data = _valid(ReasonSerializer, request)
        session = reception.cancel_session(
            session, request.user, reason=data["reason"], ip_address=client_ip(request)
        )
        return Response(self.get_serializer(session).data)

    @extend_schema(
        summary="无来访时开展的工作（约访、研判等）",
        request=NoteSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def work(self, request, pk=None):
        session = self.get_object()
        data = _valid(NoteSerializer, request)
        session = reception.record_work(
            session, request.user, note=data["note"], ip_address=client_ip(request)
        )
        return Response(self.get_serializer(session).data)

    @extend_schema(
        summary="在本次接访中登记（关联信访事项）",
        request=LinkSerializer,
        responses={201: SessionLinkSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def petitions(self, request, pk=None):
        session = self.get_object()
        data = _valid(LinkSerializer, request)
        petition = get_visible_or_404(request.user, data["petition"].pk)
        link = reception.link_petition(session, petition, request.user, ip_address=client_ip(request))
        return Response(SessionLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="记录接访结果（现场协调化解、限期化解、按程序办理）",
        request=OutcomeSerializer,
        responses={200: SessionLinkSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"petitions/(?P<petition_id>\d+)/outcome")
    def outcome(self, request, pk=None, petition_id=None):
        session = self.get_object()
        data = _valid(OutcomeSerializer, request)
        petition = get_visible_or_404(request.user, petition_id)
        link = reception.set_outcome(
            session,
            petition,
            request.user,
            outcome=data["outcome"],
            unit=data.get("unit"),
            due=data.get("due"),
            note=data.get("note", ""),
            ip_address=client_ip(request),
        )
        return Response(SessionLinkSerializer(link).data)


# --- ownership ---------------------------------------------------------------------------------------------


class StepSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300, allow_blank=True)
    due_on = serializers.DateField(allow_null=True)


class OwnershipSerializer(serializers.ModelSerializer):
    leader = LeaderSerializer(source="*", read_only=True)
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    petitions = serializers.SerializerMethodField()
    team_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    team_users = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()
    handed_to = serializers.SerializerMethodField()

    class Meta:
        model = CaseOwnership
        fields = [
            "id",
            "bureau",
            "petitions",
            "problem",
            "leader",
            "team_users",
            "team_units",
            "steps",
            "resolution_due",
            "status",
            "handed_from",
            "handed_to",
            "opened_at",
            "ended_at",
            "end_note",
            "standards_met",
            "resolved_on_time",
            "progress",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_petitions(self, obj) -> list[int]:
        user = self.context["request"].user
        return list(visible_to(user).filter(ownerships=obj).values_list("pk", flat=True).order_by("pk"))

    @extend_schema_field(NoteSerializer(many=True))
    def get_progress(self, obj) -> list[dict]:
        return [
            {"note": p.text, "at": p.at.isoformat(), "by": str(p.by)}
            for p in obj.progress.select_related("by")
        ]

    def get_handed_to(self, obj) -> int | None:
        successor = getattr(obj, "handed_to", None) if obj.status == "handed_on" else None
        return successor.pk if successor else None


class OwnershipWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    petitions = serializers.ListField(child=_petition_field(), allow_empty=True)
    problem = serializers.CharField(max_length=300, allow_blank=True)
    leader = _leader_field()
    leader_post = serializers.CharField(max_length=60, allow_blank=True)
    leader_level = serializers.ChoiceField(choices=LEADER_LEVELS)
    team_users = serializers.ListField(child=_leader_field(), required=False)
    team_units = _units_field()
    steps = StepSerializer(many=True, required=False)
    resolution_due = serializers.DateField(allow_null=True)


class HandOnSerializer(OwnershipWriteSerializer):
    petitions = None
    problem = None
    note = serializers.CharField(max_length=2000, allow_blank=True)


class ResolveSerializer(StrictFieldsMixin, serializers.Serializer):
    standards = serializers.PrimaryKeyRelatedField(queryset=ResolutionStandard.objects.all(), many=True)
    note = serializers.CharField(max_length=5000, allow_blank=True)


def _ownership_args(data: dict) -> dict:
    return {
        "leader": data["leader"],
        "leader_post": data["leader_post"],
        "leader_level": data["leader_level"],
        "resolution_due": data["resolution_due"],
        "steps": [Step(s["text"], s["due_on"]) for s in data.get("steps", [])],
        "team_users": data.get("team_users", []),
        "team_units": data.get("team_units", []),
    }


@extend_schema(tags=["领导包案"])
@extend_schema_view(
    list=extend_schema(
        summary="可见的包案（领导本人、工作专班的；信访部门辖区内的）",
        responses={200: OwnershipSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="一项包案", responses={200: OwnershipSerializer, **ERRORS}),
)
class OwnershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OwnershipSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return (
            selectors.ownerships_visible_to(self.request.user)
            .select_related("leader", "bureau")
            .prefetch_related("team_units", "team_users", "steps")
        )

    @extend_schema(
        summary="确定包案领导（五个一）",
        request=OwnershipWriteSerializer,
        responses={201: OwnershipSerializer, **ERRORS},
    )
    def create(self, request):
        data = _valid(OwnershipWriteSerializer, request)
        made = ownership.open_ownership(
            request.user,
            petitions=data["petitions"],
            problem=data["problem"],
            ip_address=client_ip(request),
            **_ownership_args(data),
        )
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="记录包案进展", request=NoteSerializer, responses={200: OwnershipSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        owned = self.get_object()
        data = _valid(NoteSerializer, request)
        ownership.add_progress(owned, request.user, note=data["note"], ip_address=client_ip(request))
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="化解办结（对照化解标准）",
        request=ResolveSerializer,
        responses={200: OwnershipSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        owned = self.get_object()
        data = _valid(ResolveSerializer, request)
        done = ownership.resolve(
            owned, request.user, standards=data["standards"], note=data["note"], ip_address=client_ip(request)
        )
        return Response(self.get_serializer(done).data)

    @extend_schema(
        summary="移交其他领导包案（如市级交县级）",
        request=HandOnSerializer,
        responses={201: OwnershipSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="hand-on")
    def hand_on(self, request, pk=None):
        owned = self.get_object()
        data = _valid(HandOnSerializer, request)
        successor = ownership.hand_on(
            owned, request.user, note=data["note"], ip_address=client_ip(request), **_ownership_args(data)
        )
        return Response(self.get_serializer(successor).data, status=status.HTTP_201_CREATED)


# --- instructions ------------------------------------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    instruction_text = serializers.CharField(source="instruction.text", read_only=True)
    response_due = serializers.DateField(source="instruction.response_due", read_only=True)
    petition = serializers.IntegerField(source="instruction.submission.petition_id", read_only=True)

    class Meta:
        model = InstructionTarget
        fields = [
            "id",
            "petition",
            "unit",
            "instruction_text",
            "response_due",
            "supervision",
            "answer_text",
            "answered_at",
            "answered_on_time",
        ]


class SubmissionSerializer(serializers.ModelSerializer):
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    instruction = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "bureau", "petition", "leader", "note", "status", "submitted_at", "instruction"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_instruction(self, obj) -> dict | None:
        instruction = getattr(obj, "instruction", None) if obj.status == "instructed" else None
        if instruction is None:
            return None
        return {
            "text": instruction.text,
            "response_due": instruction.response_due.isoformat() if instruction.response_due else None,
            "written_at": instruction.written_at.isoformat(),
            "targets": TargetSerializer(instruction.targets.select_related("unit"), many=True).data,
        }


class SubmitSerializer(StrictFieldsMixin, serializers.Serializer):
    petition = _petition_field()
    leader = _leader_field()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class InstructSerializer(StrictFieldsMixin, serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True)
    units = _units_field()
    response_due = serializers.DateField(required=False, allow_null=True, help_text="填写后由信访部门督办")


class AnswerSerializer(StrictFieldsMixin, serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True)


@extend_schema(tags=["领导阅批"])
@extend_schema_view(
    list=extend_schema(
        summary="阅批件（领导本人的；信访部门辖区内的）", responses={200: SubmissionSerializer, **ERRORS}
    ),
    retrieve=extend_schema(summary="一件阅批件及其批示", responses={200: SubmissionSerializer, **ERRORS}),
)
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SubmissionSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        qs = selectors.submissions_visible_to(self.request.user).select_related("bureau")
        if self.request.query_params.get("queue") == "1":
            qs = qs.filter(leader=self.request.user, status="pending")
        return qs

    @extend_schema(
        summary="提交领导阅批", request=SubmitSerializer, responses={201: SubmissionSerializer, **ERRORS}
    )
    def create(self, request):
        data = _valid(SubmitSerializer, request)
        petition = get_visible_or_404(request.user, data["petition"].pk)
        made = instructions.submit(
            request.user,
            petition=petition,
            leader=data["leader"],
            note=data.get("note", ""),
            ip_address=client_ip(request),
        )
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="领导批示（填写回复期限即督办）",
        request=InstructSerializer,
        responses={200: SubmissionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        submission = self.get_object()
        data = _valid(InstructSerializer, request)
        instructions.instruct(
            submission,
            request.user,
            text=data["text"],
            units=data.get("units", []),
            response_due=data.get("response_due"),
            ip_address=client_ip(request),
        )
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema(tags=["领导阅批"])
@extend_schema_view(
    list=extend_schema(summary="交办本单位的批示", responses={200: TargetSerializer, **ERRORS}),
    retrieve=extend_schema(summary="一件交办本单位的批示", responses={200: TargetSerializer, **ERRORS}),
)
class InstructionTargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TargetSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return selectors.targets_for_unit(self.request.user)

    @extend_schema(
        summary="书面回复批示办理情况", request=AnswerSerializer, responses={200: TargetSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        target = self.get_object()
        data = _valid(AnswerSerializer, request)
        answered = instructions.answer(target, request.user, text=data["text"], ip_address=client_ip(request))
        return Response(self.get_serializer(answered).data)
