"""Case ownership (领导包案) through the API; see ``api.leaders``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from xinfang.http import client_ip
from xinfang.leaders import selectors
from xinfang.leaders.models import (
    LEADER_LEVELS,
    CaseOwnership,
    ResolutionStandard,
)
from xinfang.leaders.services import ownership
from xinfang.leaders.services.ownership import Step
from xinfang.petitions.selectors import visible_to

from .leaders import (
    ERRORS,
    LeaderSerializer,
    NewestFirst,
    NoteSerializer,
    _leader_field,
    _petition_field,
    _units_field,
)
from .serializers import StrictFieldsMixin, valid_data

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


class OwnershipResolveSerializer(StrictFieldsMixin, serializers.Serializer):
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
        data = valid_data(OwnershipWriteSerializer, request)
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
        data = valid_data(NoteSerializer, request)
        ownership.add_progress(owned, request.user, note=data["note"], ip_address=client_ip(request))
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="化解办结（对照化解标准）",
        request=OwnershipResolveSerializer,
        responses={200: OwnershipSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        owned = self.get_object()
        data = valid_data(OwnershipResolveSerializer, request)
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
        data = valid_data(HandOnSerializer, request)
        successor = ownership.hand_on(
            owned, request.user, note=data["note"], ip_address=client_ip(request), **_ownership_args(data)
        )
        return Response(self.get_serializer(successor).data, status=status.HTTP_201_CREATED)
