"""Appointments (约访) through the API; see ``api.leaders``. The bureau's staff list and answer the requests
of their area (confirm, move, decline with the reason the petitioner reads on the portal) and take down a
request made by telephone. The phone is never returned, only its masked form."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from xinfang.http import client_ip
from xinfang.leaders import access, selectors
from xinfang.leaders.models import Appointment, ReceptionSession
from xinfang.leaders.services import appointments
from xinfang.petitions.identity import mask_phone
from xinfang.petitions.selectors import get_visible_or_404

from .leaders import ERRORS, NewestFirst, _leader_field, _petition_field
from .serializers import StrictFieldsMixin, valid_data


class AppointmentSerializer(serializers.ModelSerializer):
    leader = serializers.IntegerField(source="session.leader_id", read_only=True)
    leader_name = serializers.CharField(source="session.leader.__str__", read_only=True)
    date = serializers.DateField(source="session.date", read_only=True)
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    masked_phone = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "bureau",
            "session",
            "requested_session",
            "leader",
            "leader_name",
            "date",
            "petition",
            "matter",
            "masked_phone",
            "channel",
            "status",
            "reason",
            "requested_at",
            "decided_at",
        ]

    def get_masked_phone(self, appointment) -> str:
        return mask_phone(appointment.phone)


class AppointmentWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    leader = _leader_field()
    date = serializers.DateField(help_text="公示的接访日")
    phone = serializers.CharField(max_length=20, help_text="信访人的联系电话（不会在接口中返回）")
    matter = serializers.CharField(max_length=500, required=False, allow_blank=True)
    petition = _petition_field(required=False, allow_null=True, help_text="已登记的信访事项 id")


class MoveSerializer(StrictFieldsMixin, serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(
        queryset=ReceptionSession.objects.all(),
        error_messages={"does_not_exist": "接访场次“{pk_value}”不存在。"},
        help_text="改约的接访场次 id",
    )
    reason = serializers.CharField(max_length=200, allow_blank=True)


class DeclineSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True)


@extend_schema(tags=["领导接访"])
@extend_schema_view(
    list=extend_schema(
        summary="可见的约访（信访部门辖区内的；领导本人接访的）",
        responses={200: AppointmentSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="一项约访", responses={200: AppointmentSerializer, **ERRORS}),
)
class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AppointmentSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return selectors.appointments_visible_to(self.request.user).select_related(
            "session__leader", "bureau"
        )

    @extend_schema(
        summary="代为登记约访（如电话约访）",
        request=AppointmentWriteSerializer,
        responses={201: AppointmentSerializer, **ERRORS},
    )
    def create(self, request):
        data = valid_data(AppointmentWriteSerializer, request)
        petition = data.get("petition")
        if petition is not None:
            petition = get_visible_or_404(request.user, petition.pk)
        appointment, _code = appointments.request_appointment(
            access.bureau_of(request.user),
            leader=data["leader"],
            date=data["date"],
            phone=data["phone"],
            matter=data.get("matter", ""),
            petition=petition,
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(self.get_serializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="确认约访", request=None, responses={200: AppointmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        appointment = appointments.confirm(self.get_object(), request.user, ip_address=client_ip(request))
        return Response(self.get_serializer(appointment).data)

    @extend_schema(
        summary="约访改期（原因信访人可见）",
        request=MoveSerializer,
        responses={200: AppointmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        appointment = self.get_object()
        data = valid_data(MoveSerializer, request)
        appointment = appointments.move(
            appointment,
            request.user,
            session=data["session"],
            reason=data["reason"],
            ip_address=client_ip(request),
        )
        return Response(self.get_serializer(appointment).data)

    @extend_schema(
        summary="约访不予安排（原因信访人可见）",
        request=DeclineSerializer,
        responses={200: AppointmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        appointment = self.get_object()
        data = valid_data(DeclineSerializer, request)
        appointment = appointments.decline(
            appointment, request.user, reason=data["reason"], ip_address=client_ip(request)
        )
        return Response(self.get_serializer(appointment).data)
