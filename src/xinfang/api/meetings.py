"""Joint meetings (信访工作联席会议): list, detail, hold (with its items), decide, complete, send up, settle.
Scoped by ``meetings.selectors.meetings_visible_to``; an item's petition is named only to those who may see it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from xinfang.deadlines import services as deadline_rules
from xinfang.disputes.selectors import disputes_visible_to
from xinfang.http import client_ip
from xinfang.meetings import services, tracking
from xinfang.meetings.models import (
    AgendaItem,
    Decision,
    EscalationTarget,
    JointMeeting,
    MeetingKind,
    MeetingLevel,
)
from xinfang.meetings.selectors import meetings_visible_to
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.selectors import visible_to

from .mechanisms import get_scoped_or_404, visible_petition
from .problems import problem_responses
from .serializers import valid_data

WRITE_ERRORS = problem_responses(400, 401, 403, 404)


class MeetingPagination(CursorPagination):
    ordering = ("-held_on", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DecisionSerializer(serializers.ModelSerializer):
    lead_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    supporting_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    colour = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "lead_unit",
            "supporting_units",
            "action",
            "deadline",
            "done_on",
            "done_note",
            "colour",
        ]

    @extend_schema_field(
        serializers.ChoiceField(choices=["red", "yellow", "blue", "green"], help_text="期限颜色")
    )
    def get_colour(self, decision) -> str:
        # The deadline rules read once per response, not per decision.
        rules = self.context.setdefault("deadline_rules", deadline_rules.get_rules())
        return tracking.decision_colour(decision, rules=rules)


class MeetingItemSerializer(serializers.ModelSerializer):
    petition = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "summary", "petition", "dispute", "status", "escalated_from", "escalated_to",
                  "escalation_reason", "escalation_outcome", "settled_note", "decisions"]  # fmt: skip

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="登记编号；无权查看时为空"))
    def get_petition(self, item) -> str | None:
        visible = self.context.get("visible_petitions", set())
        return item.petition.registration_number if item.petition_id in visible else None


class MeetingSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = serializers.SerializerMethodField()

    @extend_schema_field(MeetingItemSerializer(many=True))
    def get_items(self, meeting) -> list[dict]:
        """Items about a petition the user may not see (an accusation against the user's unit) are left out."""
        visible = self.context.get("visible_petitions", set())
        shown = [i for i in meeting.items.all() if i.petition_id is None or i.petition_id in visible]
        return MeetingItemSerializer(shown, many=True, context=self.context).data

    class Meta:
        model = JointMeeting
        fields = ["id", "level", "kind", "unit", "held_on", "title", "attendees", "minutes", "items"]


class MeetingItemInputSerializer(serializers.Serializer):
    summary = serializers.CharField()
    petition = serializers.CharField(required=False, help_text="登记编号")
    dispute = serializers.IntegerField(required=False)
    escalated_from = serializers.IntegerField(required=False, help_text="乡镇联席会议提请的议题 id")


class MeetingCreateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(MeetingLevel.choices)
    kind = serializers.ChoiceField(MeetingKind.choices)
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    attendees = serializers.CharField()
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    items = MeetingItemInputSerializer(many=True)


class MeetingDecideSerializer(serializers.Serializer):
    lead_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=OrgUnit.objects.all(), required=False, allow_null=True, default=None
    )
    supporting_units = serializers.SlugRelatedField(
        slug_field="code", queryset=OrgUnit.objects.all(), many=True, required=False, default=list
    )
    action = serializers.CharField()
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class MeetingEscalateSerializer(serializers.Serializer):
    target = serializers.ChoiceField(EscalationTarget.choices)
    reason = serializers.CharField()


class MeetingSettleSerializer(serializers.Serializer):
    note = serializers.CharField()


class MeetingCompleteSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    note = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        summary="联席会议列表", responses={200: MeetingSerializer(many=True), **problem_responses(401)}
    ),
    retrieve=extend_schema(
        summary="联席会议详情", responses={200: MeetingSerializer, **problem_responses(401, 404)}
    ),
    create=extend_schema(
        summary="记录联席会议及议题",
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["联席会议"])
class MeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    pagination_class = MeetingPagination
    serializer_class = MeetingSerializer
    filterset_fields = ["level", "kind"]

    def get_queryset(self):
        return (
            meetings_visible_to(self.request.user)
            .select_related("unit")
            .prefetch_related(
                "items__petition", "items__decisions__lead_unit", "items__decisions__supporting_units"
            )
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # One query for the petitions the user may see among all the items shown.
        context["visible_petitions"] = set(
            visible_to(self.request.user).filter(meeting_items__isnull=False).values_list("pk", flat=True)
        )
        return context

    def get_object(self):
        return get_scoped_or_404(self.get_queryset(), self.kwargs["pk"])

    def _show(self, meeting, code=status.HTTP_200_OK):
        return Response(
            MeetingSerializer(
                self.get_queryset().get(pk=meeting.pk), context=self.get_serializer_context()
            ).data,
            status=code,
        )

    def create(self, request, *args, **kwargs):
        data = valid_data(MeetingCreateSerializer, request)
        items = []
        for index, raw in enumerate(data.pop("items"), 1):
            petition = (
                visible_petition(request.user, raw["petition"], f"items.{index}.petition")
                if raw.get("petition")
                else None
            )
            dispute = None
            if raw.get("dispute"):
                dispute = disputes_visible_to(request.user).filter(pk=raw["dispute"]).first()
                if dispute is None:
                    raise ValidationError({f"items.{index}.dispute": "矛盾纠纷不存在或无权查看。"})
            source = None
            if raw.get("escalated_from"):
                source = AgendaItem.objects.filter(
                    pk=raw["escalated_from"], meeting__in=meetings_visible_to(request.user)
                ).first()
                if source is None:
                    raise ValidationError({f"items.{index}.escalated_from": "议题不存在或无权查看。"})
            items.append(
                services.ItemInput(raw["summary"], petition=petition, dispute=dispute, escalated_from=source)
            )
        meeting = services.hold_meeting(request.user, items=items, ip_address=client_ip(request), **data)
        return self._show(meeting, status.HTTP_201_CREATED)

    def _item(self, meeting, item_id) -> AgendaItem:
        item = meeting.items.filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": "议题不存在。"})
        return item

    @extend_schema(
        summary="议定事项",
        request=MeetingDecideSerializer,
        responses={200: MeetingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/decide")
    def decide(self, request, pk=None, item_id=None):
        meeting = self.get_object()
        services.decide(
            self._item(meeting, item_id),
            request.user,
            ip_address=client_ip(request),
            **valid_data(MeetingDecideSerializer, request),
        )
        return self._show(meeting)

    @extend_schema(
        summary="提请上级研究",
        request=MeetingEscalateSerializer,
        responses={200: MeetingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/escalate")
    def escalate(self, request, pk=None, item_id=None):
        meeting = self.get_object()
        services.escalate_item(
            self._item(meeting, item_id),
            request.user,
            ip_address=client_ip(request),
            **valid_data(MeetingEscalateSerializer, request),
        )
        return self._show(meeting)

    @extend_schema(
        summary="议题化解",
        request=MeetingSettleSerializer,
        responses={200: MeetingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/settle")
    def settle(self, request, pk=None, item_id=None):
        meeting = self.get_object()
        services.settle_item(
            self._item(meeting, item_id),
            request.user,
            ip_address=client_ip(request),
            **valid_data(MeetingSettleSerializer, request),
        )
        return self._show(meeting)

    @extend_schema(
        summary="报告议定事项落实",
        request=MeetingCompleteSerializer,
        responses={200: MeetingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"decisions/(?P<decision_id>\d+)/complete")
    def complete(self, request, pk=None, decision_id=None):
        meeting = self.get_object()
        decision = Decision.objects.filter(pk=decision_id, item__meeting=meeting).first()
        if decision is None:
            raise ValidationError({"decision": "议定事项不存在。"})
        services.complete_decision(
            decision,
            request.user,
            ip_address=client_ip(request),
            **valid_data(MeetingCompleteSerializer, request),
        )
        return self._show(meeting)
