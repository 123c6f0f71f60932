"""Workflow actions and deadlines of a petition through the API.

* ``GET  /api/v1/petitions/{id}/actions/``          the actions the caller may take now
* ``POST /api/v1/petitions/{id}/actions/{action}/`` take one: the action's data as JSON (units by code)
* ``GET  /api/v1/petitions/{id}/deadlines/``        every period with its colour (四色)

As in the workbench, the petition is fetched through ``get_visible_or_404`` and ``workflow.services.perform``
decides. A refusal is a problem-details answer with the Chinese reason in ``detail`` and its kind in ``code``:
403 for the wrong role or unit, 409 for a stale ``expected_version``, 400 otherwise. Nothing changes then.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.documents.models import Document
from xinfang.http import client_ip
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Petition, Status
from xinfang.petitions.selectors import get_visible_or_404
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.selectors import available_actions, deadlines_of, petition_colour
from xinfang.workflow.services import perform
from xinfang.workflow.transitions import TABLE

from .problems import TITLES, ProblemSerializer, problem, problem_responses
from .serializers import EventSerializer, StrictFieldsMixin, _code_field

STATUS_FOR_CODE = {"role": 403, "unit": 403, "stale": 409}
COLOURS = ["red", "yellow", "blue", "green"]

# --- Requests -----------------------------------------------------------------------------------------------


class ActionRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    """Every data key of the transition table; an action accepts only its own (docs/workflow.md)."""

    expected_version = serializers.IntegerField(
        required=False, help_text="读取时的版本号（version）；已被他人更新时返回409，不作任何变更"
    )
    note = serializers.CharField(required=False, max_length=2000, help_text="备注，记入办理记录（任何操作）")
    to_unit = _code_field(
        OrgUnit.objects.filter(is_active=True), "单位", required=False, help_text="接收单位代码（转送、交办）"
    )
    report_due = serializers.DateField(required=False, help_text="报结日期（交办；与 report_days 二选一）")
    report_days = serializers.IntegerField(required=False, help_text="报结天数（交办）")
    track = serializers.CharField(
        required=False, help_text="办理程序（受理、直接受理）：ordinary 普通程序 / simplified 简易办理"
    )
    ground = serializers.CharField(
        required=False,
        help_text="简易办理情形：clear_and_simple / consultation / urgent_livelihood / already_settled",
    )
    legal_route = serializers.CharField(
        required=False,
        help_text="法定途径（导入法定途径）：litigation / arbitration / party_appeal / administrative",
    )
    body = serializers.CharField(required=False, help_text="受理机关名称（导入法定途径）")
    text = serializers.CharField(required=False, help_text="内容、说明或意见正文")
    outcome = serializers.CharField(
        required=False, help_text="现场处理结果：explained 解释说明 / resolved 当场解决 / directed 引导"
    )
    reason = serializers.CharField(
        required=False,
        help_text="理由。不予受理时为 same_matter_pending 或 matter_terminated；异议、延期、转为普通程序、"
        "不满意评价时为文字",
    )
    days = serializers.IntegerField(required=False, help_text="延长天数（延期，1至30）")
    approved_by = serializers.CharField(required=False, help_text="批准人用户名（延期；须为责任单位负责人）")
    opinion = serializers.CharField(
        required=False, help_text="处理意见（答复）：support / explain / not_support / mediation_agreement"
    )
    form = serializers.CharField(
        required=False, help_text="答复形式（简易办理）：written / phone / sms / online"
    )
    method = serializers.CharField(required=False, help_text="送达方式：in_person / post / online / sms")
    received_on = serializers.DateField(
        required=False, help_text="信访人收到日期（送达、复查意见、复核意见）"
    )
    target = serializers.CharField(required=False, help_text="评价对象：bureau 信访部门 / unit 责任单位")
    rating = serializers.CharField(
        required=False, help_text="评价：satisfied / basically_satisfied / dissatisfied"
    )
    via = serializers.CharField(required=False, help_text="信访人提出的渠道（评价、请求复查复核）")
    decision = serializers.CharField(required=False, help_text="复查、复核结论：uphold / change / revoke")
    hearing_days = serializers.IntegerField(required=False, help_text="听证天数（记录听证、复核意见）")
    lead_unit = _code_field(
        OrgUnit.objects.filter(is_active=True),
        "主办单位",
        required=False,
        help_text="主办单位代码（确定主办协办单位；须为承办该事项的单位）",
    )
    supporting_units = serializers.ListField(
        child=_code_field(OrgUnit.objects.filter(is_active=True), "协办单位"),
        required=False,
        allow_empty=True,
        max_length=50,
        help_text="协办单位代码列表（确定主办协办单位；不得包含主办单位和被检举控告单位）",
    )
    settlement = serializers.CharField(
        required=False,
        help_text="案结事了方式（记录案结事了）：terminated_by_law 依法终结 / hearing 听证 / agreement 协议化解 / "
        "assistance 救助息访 / procedural 程序性办结",
    )

    survivor = serializers.CharField(
        required=False,
        max_length=60,
        help_text="保留事项的登记编号或外部编号（合并重复登记；须为调用者可查看的事项）",
    )

    def validate_approved_by(self, value: str):
        # Looked up in the responsible unit only: the approver is its head (the service checks the role), and
        # other units' staff are nobody's business.
        petition = self.context["petition"]
        approver = (
            get_user_model()
            .objects.filter(username=value, unit_id=petition.responsible_unit_id, is_active=True)
            .select_related("unit")
            .first()
        )
        if approver is None:
            raise serializers.ValidationError("批准人不存在或不是责任单位人员。")
        return approver


# --- Responses ----------------------------------------------------------------------------------------------


class PetitionStateSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", help_text="状态中文名")
    responsible_unit = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="责任单位代码"
    )
    colour = serializers.SerializerMethodField(
        help_text="下一期限的颜色：red 超期 / yellow 临期 / blue 在办 / green 无"
    )

    class Meta:
        model = Petition
        fields = [
            "id",
            "registration_number",
            "status",
            "status_label",
            "track",
            "version",
            "responsible_unit",
            "next_due_on",
            "next_due_stage",
            "colour",
        ]

    def get_colour(self, petition: Petition) -> str:
        return petition_colour(petition)


class DocumentRefSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField(help_text="PDF 下载地址")
    docx_url = serializers.SerializerMethodField(help_text="Word 下载地址")

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "number", "issued_at", "pdf_url", "docx_url"]

    def _url(self, name: str, document: Document) -> str:
        return self.context["request"].build_absolute_uri(reverse(name, args=[document.pk]))

    def get_pdf_url(self, document: Document) -> str:
        return self._url("documents:download_pdf", document)

    def get_docx_url(self, document: Document) -> str:
        return self._url("documents:download_docx", document)


class ActionResultSerializer(serializers.Serializer):
    petition = PetitionStateSerializer(help_text="操作后的信访事项状态")
    event = EventSerializer(help_text="本次操作的留痕记录")
    documents = DocumentRefSerializer(many=True, help_text="本次操作出具的文书")


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="操作代码，用于 POST .../actions/{action}/")
    label = serializers.CharField(help_text="操作中文名")
    to_state = serializers.CharField(allow_null=True, help_text="操作后的状态代码；null 表示状态不变")
    required = serializers.ListField(child=serializers.CharField(), help_text="必填数据")
    optional = serializers.ListField(child=serializers.CharField(), help_text="可选数据")
    rules = serializers.CharField(help_text="该操作的规则说明")


class AvailableActionsSerializer(serializers.Serializer):
    petition = serializers.IntegerField(help_text="信访事项 id")
    status = serializers.ChoiceField(Status.choices, help_text="当前状态")
    version = serializers.IntegerField(help_text="当前版本号，提交操作时作为 expected_version")
    actions = ActionSerializer(many=True, help_text="当前用户此刻可以执行的操作")


class DeadlineSerializer(serializers.Serializer):
    stage = serializers.CharField(source="deadline.stage", help_text="环节代码")
    stage_label = serializers.CharField(source="deadline.get_stage_display", help_text="环节中文名")
    unit = serializers.CharField(
        source="deadline.unit.code", allow_null=True, default=None, help_text="责任单位代码"
    )
    unit_name = serializers.CharField(
        source="deadline.unit.name", allow_null=True, default=None, help_text="责任单位"
    )
    is_window = serializers.BooleanField(
        source="deadline.is_window", help_text="是否为信访人的期限（如评价期）"
    )
    rating_target = serializers.CharField(source="deadline.rating_target", help_text="评价期的评价对象")
    starts_on = serializers.DateField(source="deadline.starts_on", help_text="起算日（当日不计入）")
    due_on = serializers.DateField(source="deadline.due_on", help_text="期满日")
    provisional = serializers.BooleanField(
        source="deadline.provisional", help_text="所依据年度节假日安排未公布，暂定"
    )
    extension_days = serializers.IntegerField(source="deadline.extension_days", help_text="延长天数")
    paused_days = serializers.IntegerField(source="deadline.paused_days", help_text="不计入天数（听证）")
    status = serializers.CharField(
        source="deadline.status", help_text="open 进行中 / met 按期完成 / missed 逾期 / cancelled 已取消"
    )
    done_at = serializers.DateTimeField(source="deadline.done_at", allow_null=True, help_text="完成时间")
    on_time = serializers.BooleanField(source="deadline.on_time", allow_null=True, help_text="是否按期")
    colour = serializers.ChoiceField(
        [(c, c) for c in COLOURS], help_text="red 超期 / yellow 临期 / blue 在办 / green 已完成"
    )


class DeadlinesSerializer(serializers.Serializer):
    petition = serializers.IntegerField(help_text="信访事项 id")
    colour = serializers.ChoiceField([(c, c) for c in COLOURS], help_text="下一期限的颜色")
    next_due_on = serializers.DateField(allow_null=True, help_text="最近的办理期限")
    next_due_stage = serializers.CharField(help_text="最近期限的环节代码")
    deadlines = DeadlineSerializer(many=True, help_text="全部期限，按开始时间排列")


class RefusalProblemSerializer(ProblemSerializer):
    code = serializers.CharField(
        required=False,
        help_text="拒绝类别：state / role / unit / time / window / data / approval / confidential / rules / stale / action",
    )


def refusal_problem(refusal: TransitionRefused) -> Response:
    status = STATUS_FOR_CODE.get(refusal.code, 400)
    errors = {refusal.field: [refusal.reason]} if refusal.field else None
    response = problem(status, refusal.reason, errors)
    response.data["code"] = refusal.code
    return response


def refusal_responses(*codes: int) -> dict:
    return {
        (code, "application/problem+json"): OpenApiResponse(
            RefusalProblemSerializer, description=TITLES[code]
        )
        for code in codes
    }


PETITION_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="信访事项 id")
ACTION = OpenApiParameter(
    "action",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=sorted(TABLE),
    description="操作代码（见可执行操作列表）",
)

# --- Views --------------------------------------------------------------------------------------------------


@extend_schema(tags=["流转办理"])
class AvailableActionsView(APIView):
    @extend_schema(
        summary="可执行的操作",
        description="当前用户此刻可以对该信访事项执行的操作（按状态、角色、单位判断；数据规则在提交时检查）。",
        parameters=[PETITION_ID],
        responses={200: AvailableActionsSerializer, **problem_responses(401, 403, 404)},
    )
    def get(self, request, **kwargs):
        petition = get_visible_or_404(request.user, kwargs["id"])
        rows = available_actions(petition, request.user)
        body = {
            "petition": petition.pk,
            "status": petition.status,
            "version": petition.version,
            "actions": [
                {
                    "action": row.action,
                    "label": row.label,
                    "to_state": row.to_state,
                    "required": list(row.required),
                    "optional": list(row.optional),
                    "rules": row.rules,
                }
                for row in rows
            ],
        }
        return Response(AvailableActionsSerializer(body).data)


@extend_schema(tags=["流转办理"])
class PerformActionView(APIView):
    @extend_schema(
        summary="执行操作",
        description=(
            "请求体为该操作的数据（JSON，单位用代码，日期为 YYYY-MM-DD），可带 expected_version。"
            "成功返回200，含操作后的状态、留痕记录和出具的文书。被拒绝时返回 problem+json，detail 为中文理由，"
            "code 为拒绝类别：角色或单位不符403，版本已变化409，其他400；被拒绝时不作任何变更。"
        ),
        parameters=[PETITION_ID, ACTION],
        request=ActionRequestSerializer,
        responses={
            200: ActionResultSerializer,
            **refusal_responses(400, 403, 409),
            **problem_responses(401, 404),
        },
        examples=[
            OpenApiExample("转送", value={"to_unit": "330102001", "expected_version": 1}, request_only=True),
            OpenApiExample(
                "答复", value={"opinion": "support", "text": "经核查，予以支持。"}, request_only=True
            ),
            OpenApiExample("送达", value={"method": "post", "received_on": "2026-04-03"}, request_only=True),
            OpenApiExample(
                "确定主办协办单位",
                value={"lead_unit": "330102001", "supporting_units": ["330102-ZJJ"], "text": "联席会议议定"},
                request_only=True,
            ),
            OpenApiExample("记录案结事了", value={"settlement": "agreement"}, request_only=True),
            OpenApiExample(
                "延期",
                value={"days": 30, "reason": "需现场勘验", "approved_by": "qingbo_leader"},
                request_only=True,
            ),
        ],
    )
    def post(self, request, **kwargs):
        petition = get_visible_or_404(request.user, kwargs["id"])
        row = TABLE.get(kwargs["action"])
        if row is None:
            raise Http404("没有这项操作。")
        body = ActionRequestSerializer(data=request.data, context={"request": request, "petition": petition})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expected_version = data.pop("expected_version", None)
        try:
            event = perform(
                petition,
                row.action,
                request.user,
                expected_version=expected_version,
                ip_address=client_ip(request),
                **data,
            )
        except TransitionRefused as refusal:
            return refusal_problem(refusal)
        result = {  # ``perform`` refreshed ``petition``
            "petition": petition,
            "event": event,
            "documents": Document.objects.filter(event=event).order_by("id"),
        }
        return Response(ActionResultSerializer(result, context={"request": request}).data)


@extend_schema(tags=["流转办理"])
class DeadlinesView(APIView):
    @extend_schema(
        summary="办理期限",
        description="该信访事项的全部期限及其颜色（四色督办）：红色超期、黄色临期、蓝色在办、绿色已完成。",
        parameters=[PETITION_ID],
        responses={200: DeadlinesSerializer, **problem_responses(401, 403, 404)},
    )
    def get(self, request, **kwargs):
        petition = get_visible_or_404(request.user, kwargs["id"])
        today = clock.today()
        rules = deadline_rules.get_rules()
        body = {
            "petition": petition.pk,
            "colour": petition_colour(petition, today, rules),
            "next_due_on": petition.next_due_on,
            "next_due_stage": petition.next_due_stage,
            "deadlines": deadlines_of(petition, today, rules),
        }
        return Response(DeadlinesSerializer(body).data)
