"""`POST /api/v1/petitions/related/`: the related-cases panel of a matter being registered (or of a petition
on file, with `petition`), exactly what the workbench's panel shows (`assist.related`). POST, not GET: ID
numbers and phones must not end up in URLs and access logs. Every candidate is read through `visible_to`."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.assist import related
from xinfang.orgs.models import Region
from xinfang.petitions.models import Category
from xinfang.petitions.selectors import visible_to

from .problems import problem_responses

TEXT_MAX = 20_000


class RelatedQuerySerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    content = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX, default="")
    category = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="内容分类：编号，或路径如 城乡建设/征收拆迁"
    )
    issue_region = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="问题属地区划代码"
    )
    id_number = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="信访人身份证号码"
    )
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    petition = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="已登记事项的编号（id）"
    )

    def validate_category(self, value: str):
        value = value.strip()
        if not value:
            return None
        found = Category.objects.filter(pk=int(value)).first() if value.isdigit() else None
        found = found or Category.objects.filter(path=value).first()
        if found is None:
            raise serializers.ValidationError("内容分类不存在。")
        return found

    def validate_issue_region(self, value: str):
        value = value.strip()
        if not value:
            return None
        found = Region.objects.filter(code=value).first()
        if found is None:
            raise serializers.ValidationError("问题属地区划代码不存在。")
        return found

    def validate_petition(self, value):
        if value is None:
            return None
        found = visible_to(self.context["request"].user).filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError("信访事项不存在。")
        return found


@extend_schema(tags=["信访事项"])
class RelatedView(APIView):
    @extend_schema(
        summary="相关事项（同一信访人、同类同地、文本相似）",
        description=(
            "登记时或对已登记事项查找相关事项：同一信访人（身份证号码，或姓名加联系电话）的既往事项，"
            "近几周同一内容分类、同一问题属地（村级属地按所在乡镇）的事项，文本相似的事项（含已办结、已终结）。"
            "每行给出编号、摘要、日期、状态、单位、匹配依据和相似度；看不到的事项不显示也不计数。"
        ),
        request=RelatedQuerySerializer,
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="same_person、same_category_region、similar_text 三组，每组为事项列表；recent_weeks 为同类同地的周数",
            ),
            **problem_responses(400, 401, 403),
        },
    )
    def post(self, request):
        serializer = RelatedQuerySerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        petition = data["petition"]
        query = related.Query(
            summary=data["summary"] or (petition.summary if petition else ""),
            content=data["content"] or (petition.content if petition else ""),
            category=data["category"] or (petition.category if petition else None),
            issue_region=data["issue_region"] or (petition.issue_region if petition else None),
            id_number=data["id_number"],
            name=data["name"],
            phone=data["phone"],
            petition=petition,
        )
        return Response(related.panel_json(related.panel(query, request.user)))
