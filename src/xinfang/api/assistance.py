"""Assistance grants (救助帮扶): list, detail, apply, approve, pay, 救助息访. Scoped by
``assistance.selectors.grants_visible_to``; every write is one service call; refusals are problem details."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from xinfang.assistance import services
from xinfang.assistance.models import Fund, Grant
from xinfang.assistance.selectors import grants_visible_to
from xinfang.http import client_ip

from .mechanisms import get_scoped_or_404, visible_petition
from .problems import problem_responses
from .serializers import valid_data


class GrantPagination(CursorPagination):
    ordering = ("-applied_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class GrantSerializer(serializers.ModelSerializer):
    petition = serializers.SlugRelatedField(slug_field="registration_number", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="救助单位代码")
    approved_by = serializers.StringRelatedField()
    paid_by = serializers.StringRelatedField()
    agreement = serializers.SlugRelatedField(
        slug_field="number", read_only=True, help_text="救助协议书文号；未出具时为空"
    )

    class Meta:
        model = Grant
        fields = [
            "id", "petition", "unit", "fund", "amount", "applicant_name", "beneficiary_count", "reason",
            "status", "applied_at", "approved_by", "approved_at", "approval_rule", "paid_by", "paid_on",
            "payment_reference", "ended_petitioning", "agreement",
        ]  # fmt: skip


class GrantCreateSerializer(serializers.Serializer):
    petition = serializers.CharField(help_text="信访事项登记编号")
    fund = serializers.ChoiceField(Fund.choices)
    amount = serializers.CharField(help_text="救助金额（元），大于零，最多两位小数")
    applicant_name = serializers.CharField(max_length=100)
    beneficiary_count = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()


class ApproveSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="审批依据（救助办法及条款）")


class PaySerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    ended_petitioning = serializers.BooleanField(required=False, allow_null=True, default=None)


class EndingSerializer(serializers.Serializer):
    ended_petitioning = serializers.BooleanField(help_text="是否救助息访")


@extend_schema_view(
    list=extend_schema(
        summary="信访救助列表", responses={200: GrantSerializer(many=True), **problem_responses(401)}
    ),
    retrieve=extend_schema(
        summary="信访救助详情", responses={200: GrantSerializer, **problem_responses(401, 404)}
    ),
    create=extend_schema(
        summary="申请信访救助",
        description="以本单位名义对本人可见的信访事项申请救助。金额须大于零且不超过单笔上限。",
        request=GrantCreateSerializer,
        responses={201: GrantSerializer, **problem_responses(400, 401, 403, 404)},
    ),
)
@extend_schema(tags=["信访救助"])
class GrantViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    pagination_class = GrantPagination
    serializer_class = GrantSerializer
    filterset_fields = ["status", "fund", "unit__code"]

    def get_queryset(self):
        return grants_visible_to(self.request.user).select_related(
            "petition", "unit", "approved_by", "paid_by", "agreement"
        )

    def get_object(self):
        return get_scoped_or_404(self.get_queryset(), self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = valid_data(GrantCreateSerializer, request)
        petition = visible_petition(request.user, data.pop("petition"))
        grant = services.apply(request.user, petition, ip_address=client_ip(request), **data)
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="审批信访救助",
        request=ApproveSerializer,
        responses={200: GrantSerializer, **problem_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        grant = self.get_object()
        data = valid_data(ApproveSerializer, request)
        grant = services.approve(grant, request.user, rule=data["rule"], ip_address=client_ip(request))
        return Response(GrantSerializer(grant).data)

    @extend_schema(
        summary="登记救助发放",
        request=PaySerializer,
        responses={200: GrantSerializer, **problem_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        grant = self.get_object()
        data = valid_data(PaySerializer, request)
        grant = services.pay(grant, request.user, ip_address=client_ip(request), **data)
        return Response(GrantSerializer(grant).data)

    @extend_schema(
        summary="记录是否救助息访",
        request=EndingSerializer,
        responses={200: GrantSerializer, **problem_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def ending(self, request, pk=None):
        grant = self.get_object()
        data = valid_data(EndingSerializer, request)
        grant = services.record_ending(grant, request.user, ip_address=client_ip(request), **data)
        return Response(GrantSerializer(grant).data)
