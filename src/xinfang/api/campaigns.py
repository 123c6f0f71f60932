"""Campaigns (专项活动): campaigns, batches, the list import, cases (screen, assign, resolve), the figures per
campaign and batch and the units' ranking. Scoped by ``campaigns.selectors``; figures are computed over the
cases the user may see, so an accused unit never counts an accusation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from xinfang import clock
from xinfang.campaigns import figures, importer, services
from xinfang.campaigns.models import AssigningBody, Batch, Campaign, CampaignCase
from xinfang.campaigns.selectors import campaigns_visible_to, cases_visible_to
from xinfang.http import client_ip
from xinfang.orgs.models import OrgUnit, User

from .mechanisms import get_scoped_or_404, visible_petition
from .problems import problem_responses
from .serializers import valid_data

WRITE_ERRORS = problem_responses(400, 401, 403, 404)


class NewestFirst(CursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "name", "assigned_on", "due_on"]


class CampaignSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    batches = BatchSerializer(many=True, read_only=True)
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "assigning_body",
            "unit",
            "assigned_on",
            "deadline",
            "status",
            "criteria",
            "batches",
        ]

    def get_criteria(self, campaign) -> list[dict]:
        return [{"id": c.pk, "position": c.position, "text": c.text} for c in campaign.criteria.all()]


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    assigning_body = serializers.ChoiceField(AssigningBody.choices)
    assigned_on = serializers.DateField()
    deadline = serializers.DateField()
    criteria = serializers.ListField(child=serializers.CharField(max_length=300), help_text="化解标准，逐条")


class BatchCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    assigned_on = serializers.DateField()
    due_on = serializers.DateField()


class ImportSerializer(serializers.Serializer):
    lines = serializers.CharField(
        help_text="JSON Lines：每行 registration_number 或 external_id，以及 batch、可选 responsible_unit"
    )


class ImportResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    skipped_present = serializers.IntegerField()
    repeated_list = serializers.BooleanField()
    message = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    petition = serializers.SlugRelatedField(slug_field="registration_number", read_only=True)
    batch = serializers.SlugRelatedField(slug_field="name", read_only=True)
    responsible_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owning_leader = serializers.StringRelatedField()

    class Meta:
        model = CampaignCase
        fields = [
            "id", "campaign", "batch", "petition", "screening", "screening_reason", "responsible_unit",
            "owning_leader", "due_on", "resolved_on", "resolution_note", "criteria_met",
        ]  # fmt: skip


class CaseCreateSerializer(serializers.Serializer):
    petition = serializers.CharField(help_text="登记编号")
    batch = serializers.CharField(help_text="批次名称")
    responsible_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=OrgUnit.objects.all(), required=False
    )
    due_on = serializers.DateField(required=False)


class ScreenSerializer(serializers.Serializer):
    included = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    responsible_unit = serializers.SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.all())
    owning_leader = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class CaseResolveSerializer(serializers.Serializer):
    resolved_on = serializers.DateField()
    criteria_met = serializers.ListField(
        child=serializers.IntegerField(), help_text="达到的化解标准 id，须全部"
    )
    note = serializers.CharField()


FIGURES = inline_serializer(
    "CampaignFigures",
    {
        "cases": serializers.IntegerField(),
        "units": inline_serializer(
            "CampaignUnits",
            {"township": serializers.IntegerField(), "department": serializers.IntegerField()},
        ),
        "resolved": serializers.IntegerField(),
        "resolution_rate": serializers.FloatField(allow_null=True),
        "on_time": inline_serializer(
            "CampaignOnTime",
            {
                "numerator": serializers.IntegerField(),
                "denominator": serializers.IntegerField(),
                "percent": serializers.FloatField(allow_null=True),
            },
        ),
        "remaining": serializers.IntegerField(),
        "screened_out": serializers.IntegerField(),
    },
)
FIGURES_RESPONSE = inline_serializer(
    "CampaignFiguresResponse",
    {
        "as_of": serializers.DateField(),
        "total": FIGURES,
        "sentence": serializers.CharField(),
        "batches": serializers.DictField(child=FIGURES),
        "ranking": serializers.ListField(
            child=inline_serializer(
                "CampaignUnitRank",
                {"rank": serializers.IntegerField(), "unit": serializers.CharField(), "cases": serializers.IntegerField(),
                 "resolved": serializers.IntegerField(), "resolution_rate": serializers.FloatField(allow_null=True)},
            )
        ),
    },
)  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="专项活动列表", responses={200: CampaignSerializer(many=True), **problem_responses(401)}
    ),
    retrieve=extend_schema(
        summary="专项活动详情", responses={200: CampaignSerializer, **problem_responses(401, 404)}
    ),
    create=extend_schema(
        summary="创建专项活动",
        request=CampaignCreateSerializer,
        responses={201: CampaignSerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["专项活动"])
class CampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    pagination_class = NewestFirst
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return (
            campaigns_visible_to(self.request.user)
            .select_related("unit")
            .prefetch_related("batches", "criteria")
        )

    def get_object(self):
        return get_scoped_or_404(self.get_queryset(), self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = valid_data(CampaignCreateSerializer, request)
        campaign = services.create_campaign(request.user, ip_address=client_ip(request), **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="添加批次", request=BatchCreateSerializer, responses={201: BatchSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def batches(self, request, pk=None):
        batch = services.add_batch(
            self.get_object(),
            request.user,
            ip_address=client_ip(request),
            **valid_data(BatchCreateSerializer, request),
        )
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="导入交办案件清单",
        description="同一清单再次导入时跳过，不重复纳入；任一行有误则整份清单不导入。",
        request=ImportSerializer,
        responses={200: ImportResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="import")
    def import_list(self, request, pk=None):
        data = valid_data(ImportSerializer, request)
        result = importer.import_list(
            self.get_object(), request.user, data["lines"], ip_address=client_ip(request)
        )
        return Response(
            {"added": result.added, "skipped_present": result.skipped_present,
             "repeated_list": result.repeated_list, "message": result.message}
        )  # fmt: skip

    @extend_schema(
        summary="纳入案件", request=CaseCreateSerializer, responses={201: CaseSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="cases")
    def add_case(self, request, pk=None):
        campaign = self.get_object()
        data = valid_data(CaseCreateSerializer, request)
        batch = campaign.batches.filter(name=data.pop("batch")).first()
        if batch is None:
            raise ValidationError({"batch": "批次不存在。"})
        petition = visible_petition(request.user, data.pop("petition"))
        case = services.add_case(
            campaign, request.user, petition=petition, batch=batch, ip_address=client_ip(request), **data
        )
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="专项活动统计（含分批次、单位排名和通报语句）",
        responses={200: FIGURES_RESPONSE, **problem_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        campaign = self.get_object()
        today = clock.today()
        cases = cases_visible_to(request.user).filter(campaign=campaign)
        total = figures.figures(cases, today)
        return Response(
            {
                "as_of": today,
                "total": total.as_dict(),
                "sentence": figures.campaign_sentence(campaign, total),
                "batches": {name: f.as_dict() for name, f in figures.by_batch(campaign, cases, today)},
                "ranking": [
                    {"rank": r.rank, "unit": r.unit_name, "cases": r.cases, "resolved": r.resolved,
                     "resolution_rate": None if r.rate is None else float(r.rate)}
                    for r in figures.unit_ranking(cases, today)
                ],
            }
        )  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="专项活动案件列表", responses={200: CaseSerializer(many=True), **problem_responses(401)}
    ),
    retrieve=extend_schema(
        summary="专项活动案件详情", responses={200: CaseSerializer, **problem_responses(401, 404)}
    ),
)
@extend_schema(tags=["专项活动"])
class CampaignCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = NewestFirst
    serializer_class = CaseSerializer
    filterset_fields = ["campaign", "screening"]

    def get_queryset(self):
        return cases_visible_to(self.request.user).select_related(
            "petition", "batch", "responsible_unit", "owning_leader"
        )

    def get_object(self):
        return get_scoped_or_404(self.get_queryset(), self.kwargs["pk"])

    def _done(self, case):
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(summary="甄别", request=ScreenSerializer, responses={200: CaseSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        case = self.get_object()
        services.screen(
            case, request.user, ip_address=client_ip(request), **valid_data(ScreenSerializer, request)
        )
        return self._done(case)

    @extend_schema(
        summary="明确责任单位和包案领导",
        request=AssignSerializer,
        responses={200: CaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        case = self.get_object()
        services.assign(
            case, request.user, ip_address=client_ip(request), **valid_data(AssignSerializer, request)
        )
        return self._done(case)

    @extend_schema(
        summary="报送化解", request=CaseResolveSerializer, responses={200: CaseSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        case = self.get_object()
        services.resolve(
            case, request.user, ip_address=client_ip(request), **valid_data(CaseResolveSerializer, request)
        )
        return self._done(case)
