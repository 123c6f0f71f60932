"""Submissions to leaders and their instructions (领导阅批) through the API; see ``api.leaders``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from xinfang.http import client_ip
from xinfang.leaders import selectors
from xinfang.leaders.models import (
    InstructionTarget,
    Submission,
)
from xinfang.leaders.services import instructions
from xinfang.petitions.selectors import get_visible_or_404

from .leaders import (
    ERRORS,
    NewestFirst,
    _leader_field,
    _petition_field,
    _units_field,
)
from .serializers import StrictFieldsMixin, valid_data

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
        data = valid_data(SubmitSerializer, request)
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
        data = valid_data(InstructSerializer, request)
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
        data = valid_data(AnswerSerializer, request)
        answered = instructions.answer(target, request.user, text=data["text"], ip_address=client_ip(request))
        return Response(self.get_serializer(answered).data)
