"""Reception schedules and sessions (领导接访) through the API; see ``api.leaders``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from xinfang.http import client_ip
from xinfang.leaders import access, selectors
from xinfang.leaders.models import (
    LEADER_LEVELS,
    WEEKDAYS,
    HolidayRule,
    Outcome,
    ReceptionKind,
    ReceptionSchedule,
    ReceptionSession,
    Recurrence,
    SessionPetition,
)
from xinfang.leaders.services import reception
from xinfang.petitions.selectors import get_visible_or_404

from .leaders import (
    ERRORS,
    LeaderSerializer,
    NewestFirst,
    NoteSerializer,
    _leader_field,
    _petition_field,
    _unit_field,
    _units_field,
)
from .serializers import StrictFieldsMixin, valid_data

# --- reception ---------------------------------------------------------------------------------------------


class ScheduleSerializer(serializers.ModelSerializer):
    leader = LeaderSerializer(source="*", read_only=True)
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ReceptionSchedule
        # The fields the service writes, the leader's post and level inside `leader`.
        fields = [
            "id",
            "bureau",
            *(f for f in reception.SCHEDULE_FIELDS if f not in ("leader_post", "leader_level")),
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
        data = valid_data(ScheduleWriteSerializer, request)
        schedule = reception.create_schedule(request.user, ip_address=client_ip(request), **data)
        return Response(ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改接访安排（只传要改的字段）",
        request=ScheduleWriteSerializer(partial=True),
        responses={200: ScheduleSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        schedule = self.get_object()
        data = valid_data(ScheduleWriteSerializer, request, partial=True)
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
        data = valid_data(UntilSerializer, request)
        made = reception.make_sessions(
            schedule, request.user, until=data["until"], ip_address=client_ip(request)
        )
        body = SessionSerializer(made, many=True, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


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
        data = valid_data(SessionWriteSerializer, request)
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
        data = valid_data(ReasonSerializer, request)
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
        data = valid_data(NoteSerializer, request)
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
        data = valid_data(LinkSerializer, request)
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
        data = valid_data(OutcomeSerializer, request)
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
