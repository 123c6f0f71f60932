"""The dispute ledger (矛盾纠纷排查化解台账): list, detail, record, escalate, mediate, close, and the monthly
report as xlsx. Scoped by ``disputes.selectors.disputes_visible_to``; refusals are problem details."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from xinfang.disputes import report, services
from xinfang.disputes.models import (
    Dispute,
    DisputeKind,
    Escalation,
    FoundVia,
    HandlingLevel,
    Mediation,
    MediationKind,
    Outcome,
    RiskLevel,
)
from xinfang.disputes.selectors import disputes_visible_to
from xinfang.http import client_ip
from xinfang.orgs.models import OrgUnit, Region

from .mechanisms import get_scoped_or_404, visible_petition
from .problems import problem_responses
from .serializers import valid_data

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DisputePagination(CursorPagination):
    ordering = ("-found_on", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class EscalationSerializer(serializers.ModelSerializer):
    to_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    by = serializers.StringRelatedField()

    class Meta:
        model = Escalation
        fields = ["from_level", "to_level", "to_unit", "reason", "skip_reason", "by", "at"]


class MediationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mediation
        fields = ["kind", "body", "mediated_on", "agreed", "agreement"]


class DisputeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handling_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    petition = serializers.SlugRelatedField(slug_field="registration_number", read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)
    mediations = MediationSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id", "kind", "region", "title", "parties", "matter", "risk_level", "found_via", "found_on",
            "handling_unit", "level", "status", "outcome", "outcome_note", "petition", "closed_at",
            "escalations", "mediations",
        ]  # fmt: skip


class UnitCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=OrgUnit.objects.filter(is_active=True), **kwargs)


class DisputeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(DisputeKind.choices)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="发生地区划代码"
    )
    title = serializers.CharField(max_length=200)
    parties = serializers.CharField(help_text="当事各方的情况描述")
    matter = serializers.CharField()
    risk_level = serializers.ChoiceField(RiskLevel.choices)
    found_via = serializers.ChoiceField(FoundVia.choices)
    found_on = serializers.DateField()
    level = serializers.ChoiceField(HandlingLevel.choices)
    handling_unit = UnitCodeField(required=False, help_text="化解责任单位代码，默认本单位")


class EscalateSerializer(serializers.Serializer):
    to_level = serializers.ChoiceField(HandlingLevel.choices)
    to_unit = UnitCodeField()
    reason = serializers.CharField()
    skip_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="越级提级时必填"
    )


class MediateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(MediationKind.choices)
    body = serializers.CharField(max_length=200)
    mediated_on = serializers.DateField()
    agreed = serializers.BooleanField()
    agreement = serializers.CharField(required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    petition = serializers.CharField(required=False, help_text="转入信访程序时，信访事项登记编号")


WRITE_ERRORS = problem_responses(400, 401, 403, 404)


@extend_schema_view(
    list=extend_schema(
        summary="矛盾纠纷台账", responses={200: DisputeSerializer(many=True), **problem_responses(401)}
    ),
    retrieve=extend_schema(
        summary="矛盾纠纷详情", responses={200: DisputeSerializer, **problem_responses(401, 404)}
    ),
    create=extend_schema(
        summary="登记矛盾纠纷",
        request=DisputeCreateSerializer,
        responses={201: DisputeSerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["矛盾纠纷排查化解"])
class DisputeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    pagination_class = DisputePagination
    serializer_class = DisputeSerializer
    filterset_fields = ["status", "kind", "level", "risk_level"]

    def get_queryset(self):
        return (
            disputes_visible_to(self.request.user)
            .select_related("region", "handling_unit", "petition")
            .prefetch_related("escalations__to_unit", "escalations__by", "mediations")
        )

    def get_object(self):
        return get_scoped_or_404(self.get_queryset(), self.kwargs["pk"])

    def _done(self, dispute, code=status.HTTP_200_OK):
        return Response(DisputeSerializer(self.get_queryset().get(pk=dispute.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = valid_data(DisputeCreateSerializer, request)
        dispute = services.record_dispute(request.user, ip_address=client_ip(request), **data)
        return self._done(dispute, status.HTTP_201_CREATED)

    @extend_schema(
        summary="提级化解", request=EscalateSerializer, responses={200: DisputeSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        dispute = self.get_object()
        services.escalate(
            dispute, request.user, ip_address=client_ip(request), **valid_data(EscalateSerializer, request)
        )
        return self._done(dispute)

    @extend_schema(
        summary="记录调解", request=MediateSerializer, responses={200: DisputeSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def mediate(self, request, pk=None):
        dispute = self.get_object()
        services.mediate(
            dispute, request.user, ip_address=client_ip(request), **valid_data(MediateSerializer, request)
        )
        return self._done(dispute)

    @extend_schema(
        summary="办结", request=CloseSerializer, responses={200: DisputeSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        dispute = self.get_object()
        data = valid_data(CloseSerializer, request)
        number = data.pop("petition", None)
        petition = visible_petition(request.user, number) if number else None
        services.close(dispute, request.user, petition=petition, ip_address=client_ip(request), **data)
        return self._done(dispute)

    @extend_schema(
        summary="矛盾纠纷排查化解月报表（xlsx）",
        parameters=[
            OpenApiParameter("region", str, required=True, description="行政区划代码（本单位辖区内）"),
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("month", int, required=True),
        ],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY), **problem_responses(400, 401, 403)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_fields=[])
    def report(self, request):
        try:
            year, month = (
                int(request.query_params.get("year", "")),
                int(request.query_params.get("month", "")),
            )
            if not 1 <= month <= 12 or not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise ValidationError({"month": "请给出年份和月份（1—12）。"}) from None
        region = Region.objects.filter(code=request.query_params.get("region", "")).first()
        if region is None:
            raise ValidationError({"region": "行政区划不存在。"})
        unit = request.user.unit
        if unit is None or not (unit.sees_jurisdiction and unit.region.contains(region)):
            raise PermissionDenied("只能导出本辖区的台账报表。")
        response = HttpResponse(report.monthly_workbook(region, year, month), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="disputes-{region.code}-{year}-{month:02d}.xlsx"'
        )
        return response
