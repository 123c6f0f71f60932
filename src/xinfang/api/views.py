"""Petition endpoints: list, detail, registration and attachments.

Thin on purpose: every read starts from `visible_to(request.user)`, every write is one service call, and
every refusal becomes a problem-details answer (problems.py).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from xinfang.audit.models import Event
from xinfang.http import client_ip
from xinfang.orgs.models import Role
from xinfang.petitions import masking, services
from xinfang.petitions.models import Attachment, Petition, PetitionParty
from xinfang.petitions.selectors import get_visible_or_404, visible_to
from xinfang.petitions.terminated import terminated_matters

from . import disclosure
from .filters import PetitionFilter
from .problems import problem, problem_responses
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    PetitionCreateSerializer,
    PetitionDetailSerializer,
    PetitionSerializer,
    RegisteredSerializer,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def body_fingerprint(data) -> str:
    """The request body's SHA-256, independent of key order: a retry of the same registration matches."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# The service names the petitioners "parties"; the API, like the exchange format, calls them "petitioners".
SERVICE_TO_API_FIELDS = {"parties": "petitioners"}


def api_field_errors(exc: DjangoValidationError) -> DjangoValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {}
    for key, errors in exc.message_dict.items():
        head, dot, rest = key.partition(".")
        renamed[SERVICE_TO_API_FIELDS.get(head, head) + dot + rest] = errors
    return DjangoValidationError(renamed)


class PetitionPagination(CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


REGISTRATION_EXAMPLE = {
    "channel": "visit",
    "source": "direct",
    "received_at": "2026-03-02T09:30:00+08:00",
    "receiving_unit": "330102-XFJ",
    "visit_level": "county",
    "person_count": 1,
    "petitioners": [
        {"name": "张三", "id_number": "330102197001011235", "phone": "13800000000", "role": "principal"}
    ],
    "petition_class": "claim",
    "category": "城乡建设/征收拆迁",
    "issue_region": "330102001",
    "summary": "反映房屋征收补偿标准过低",
    "content": "……",
}


@extend_schema_view(
    list=extend_schema(
        summary="信访事项列表",
        description="本人可见范围内的信访事项，按收到时间倒序，游标分页。身份证号、电话按角色打码。",
        responses={200: PetitionSerializer(many=True), **problem_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="信访事项详情",
        description=(
            "含信访人、附件信息和操作记录。不存在与无权查看同样返回404。检举控告类或要求保密的信访人身份"
            "默认打码；有权查看者加 identity=show 显示（需近期验证过密码，否则403），每次显示记入审计日志。"
        ),
        parameters=[
            OpenApiParameter(
                disclosure.REVEAL_PARAM,
                str,
                enum=[disclosure.REVEAL_VALUE],
                required=False,
                description="show：显示受保护的信访人身份（需重新验证身份）",
            )
        ],
        responses={200: PetitionDetailSerializer, **problem_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="登记信访事项",
        description=(
            "由登记员以本单位名义登记。字段与交换格式一致；单位、区划用代码，内容分类用路径。"
            "成功返回201，含登记编号和只显示一次的查询码；校验失败返回400 problem+json，不写入任何数据。"
        ),
        request=PetitionCreateSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=(
                    "可选的幂等键（1至128个ASCII字符，建议UUID）。网络中断后用同一个键重试，返回第一次登记的结果"
                    "（同一事项、同一登记编号、查询码，响应头 Idempotent-Replayed: true），不重复登记；"
                    "同一个键提交不同内容返回422。键保存24小时。"
                ),
            )
        ],
        responses={201: RegisteredSerializer, **problem_responses(400, 401, 403, 422)},
        examples=[OpenApiExample("来访登记", value=REGISTRATION_EXAMPLE, request_only=True)],
    ),
)
@extend_schema(tags=["信访事项"])
class PetitionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    pagination_class = PetitionPagination
    filterset_class = PetitionFilter
    serializer_class = PetitionSerializer

    def get_queryset(self):
        parties = PetitionParty.objects.select_related("petitioner").order_by("position", "id")
        qs = visible_to(self.request.user).select_related(
            "receiving_unit",
            "responsible_unit",
            "category",
            "issue_region",
            "subject_unit",
            "repeat_of",
            "addressed_leader__unit",
        )
        qs = qs.prefetch_related(Prefetch("parties", queryset=parties))
        if self.action != "list":
            events = Event.objects.select_related("actor", "actor_unit").order_by("at", "id")
            attachments = Attachment.objects.select_related("uploaded_by").order_by("uploaded_at", "id")
            qs = qs.prefetch_related(
                Prefetch("events", queryset=events), Prefetch("attachments", queryset=attachments)
            )
        return qs

    def get_object(self):
        # The selectors' helper, so "missing" and "not yours" are the same 404.
        return get_visible_or_404(self.request.user, self.kwargs["pk"], self.get_queryset())

    def retrieve(self, request, *args, **kwargs):
        petition = self.get_object()
        reveal = disclosure.asks_reveal(request) and masking.may_reveal(request.user, petition)
        if reveal and not disclosure.fresh(request):
            return problem(
                403,
                "显示受保护的身份信息需要近期验证过密码：请重新验证身份（会话）或重新登录获取令牌后再试。",
            )
        if reveal:
            services.record_identity_disclosure(
                petition, request.user, via="api", ip_address=client_ip(request)
            )
        context = {**self.get_serializer_context(), "revealed": reveal}
        return Response(PetitionDetailSerializer(petition, context=context).data)

    def get_serializer_class(self):
        return {
            "retrieve": PetitionDetailSerializer,
            "create": PetitionCreateSerializer,
            "attachments": AttachmentUploadSerializer,
        }.get(self.action, PetitionSerializer)

    def create(self, request, *args, **kwargs):
        user = request.user
        if user.unit_id is None or not user.has_role(Role.REGISTRAR):
            raise PermissionDenied("只有登记员可以登记信访事项。")
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is not None and not services.is_valid_key(key):
            return problem(400, "Idempotency-Key 应为1至128个可打印的ASCII字符。")
        serializer = PetitionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            registration = serializer.to_registration()
            terminated = terminated_matters(registration, user)  # read before: the answer warns of them
            if key is None:
                registered, replayed = (
                    services.register(registration, user, ip_address=client_ip(request)),
                    False,
                )
            else:
                outcome = services.register_once(
                    registration,
                    user,
                    scope=f"api:{user.pk}",
                    key=key,
                    fingerprint=body_fingerprint(request.data),
                    ip_address=client_ip(request),
                )
                registered, replayed = outcome.registered, outcome.replayed
        except DjangoValidationError as exc:
            raise api_field_errors(exc) from exc
        except services.KeyReused as exc:
            return problem(422, str(exc))
        petition = self._just_registered(registered.petition, registration)
        context = {
            **self.get_serializer_context(),
            "query_code": services.format_query_code(registered.query_code),
        }
        body = RegisteredSerializer(petition, context=context).data
        if terminated:
            body["warnings"] = [terminated_warning(terminated)]
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{petition.pk}/")
        headers = {"Location": location}
        if replayed:
            headers[REPLAYED_HEADER] = "true"
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)

    def _just_registered(self, petition, registration):
        """The petition `register` just wrote, ready for `RegisteredSerializer`, for the price of three light
        queries: the same visibility check as every read (the same 404), then its parties and its audit
        trail. Its own fields, and the units, region and category they name, are the objects `register`
        wrote and committed: the row and its six joins are not read back."""
        user = self.request.user
        get_visible_or_404(user, petition.pk, Petition.objects.only("pk"))
        attachments = (
            Attachment.objects.select_related("uploaded_by").order_by("uploaded_at", "id")
            if registration.attachments
            else Attachment.objects.none()  # none sent: no query
        )
        prefetch_related_objects(
            [petition],
            Prefetch(
                "parties",
                queryset=PetitionParty.objects.select_related("petitioner").order_by("position", "id"),
            ),
            Prefetch("events", queryset=Event.objects.order_by("at", "id")),
            Prefetch("attachments", queryset=attachments),
        )
        # Co-handling is set only by the workflow, never at registration: nothing to read (serializer).
        petition.just_registered = True
        # Every event so far is the registrar's own: their user and unit objects instead of two joins (an
        # event by anyone else would still load its actor on access).
        for event in petition.events.all():
            if event.actor_id == user.pk:
                event.actor = user
            if event.actor_unit_id is not None and event.actor_unit_id == user.unit_id:
                event.actor_unit = user.unit
        return petition

    @extend_schema(
        summary="上传附件",
        description=(
            "multipart/form-data，字段名 file。仅可见该事项的登记员、承办人可上传。"
            "按内容判断类型：超过大小上限、类型不受支持或内容与扩展名不符均返回400。"
        ),
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **problem_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        petition = get_visible_or_404(request.user, pk)
        if not request.user.has_role(Role.REGISTRAR, Role.HANDLER):
            raise PermissionDenied("只有登记员或承办人可以上传附件。")
        upload = AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        # Read at most one byte past the limit: enough for the service to refuse an oversized file by its
        # own rule, without holding a huge upload in memory.
        content = file.read(settings.XF_ATTACHMENT_MAX_BYTES + 1)
        try:
            row = services.add_attachment(
                petition,
                services.AttachmentInput(name=file.name, content=content),
                request.user,
                ip_address=client_ip(request),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from exc
        return Response(AttachmentSerializer(row).data, status=status.HTTP_201_CREATED)


def terminated_warning(matters) -> dict:
    """The 201 answer's warning that the person has a matter ended by three-level termination on the same
    category or issue region: the petition is registered (the client decides), and the way to the notice of no
    re-acceptance is the ``decline`` action with ``reason=matter_terminated`` once it is linked as a repeat
    (``repeat_of``) of one of them."""
    return {
        "code": "matter_terminated",
        "detail": "该信访人的同类事项已三级终结：同一事实和理由的，可关联原事项后以 matter_terminated 不予受理"
        "（出具不再受理告知书）。",
        "petitions": [
            {
                "number": p.registration_number,
                "id": p.pk,
                "terminated_at": p.terminated_at,
                "summary": p.summary,
            }
            for p in matters
        ],
    }
