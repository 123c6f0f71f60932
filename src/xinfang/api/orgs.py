"""Organisation reference data, read-only: regions, units and the content-category tree."""

from __future__ import annotations

from drf_spectacular.helpers import lazy_serializer
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from xinfang.orgs.models import OrgUnit, Region, UnitKind
from xinfang.petitions.models import Category

from .filters import RegionFilter, UnitFilter
from .problems import problem_responses


class CodePagination(CursorPagination):
    ordering = "code"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="上级区划代码")

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class UnitSerializer(serializers.ModelSerializer):
    unit_kind = serializers.ChoiceField(UnitKind.choices, source="kind", read_only=True, help_text="单位类型")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="所属区划代码")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="上级单位代码")

    class Meta:
        model = OrgUnit
        # `unit_kind` as in the exchange format, where `kind` names the kind of line.
        fields = ["code", "name", "short_name", "unit_kind", "region", "parent", "is_active"]


class CategoryNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    path = serializers.CharField(help_text="完整路径，登记和筛选时使用")
    is_active = serializers.BooleanField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(lazy_serializer("xinfang.api.orgs.CategoryNodeSerializer")(many=True))
    def get_children(self, node: dict) -> list[dict]:
        return CategoryNodeSerializer(node["children"], many=True).data


def category_tree(categories) -> list[dict]:
    """Nest a flat, ordered list of categories, in one pass over one query."""
    nodes = {
        c.pk: {"id": c.pk, "name": c.name, "path": c.path, "is_active": c.is_active, "children": []}
        for c in categories
    }
    roots = []
    for c in categories:
        siblings = nodes[c.parent_id]["children"] if c.parent_id in nodes else roots
        siblings.append(nodes[c.pk])
    return roots


@extend_schema_view(
    list=extend_schema(
        summary="行政区划列表", responses={200: RegionSerializer(many=True), **problem_responses(401, 403)}
    ),
    retrieve=extend_schema(
        summary="行政区划详情", responses={200: RegionSerializer, **problem_responses(401, 403, 404)}
    ),
)
@extend_schema(tags=["组织机构"])
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    pagination_class = CodePagination
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(
        summary="单位列表", responses={200: UnitSerializer(many=True), **problem_responses(401, 403)}
    ),
    retrieve=extend_schema(
        summary="单位详情", responses={200: UnitSerializer, **problem_responses(401, 403, 404)}
    ),
)
@extend_schema(tags=["组织机构"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = OrgUnit.objects.select_related("region", "parent")
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    pagination_class = CodePagination
    lookup_field = "code"


@extend_schema(tags=["组织机构"])
class CategoryViewSet(viewsets.GenericViewSet):
    queryset = Category.objects.order_by("sort_order", "path")
    serializer_class = CategoryNodeSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="内容分类树",
        description="全部内容分类（含已停用），按层级嵌套。",
        responses={200: CategoryNodeSerializer(many=True), **problem_responses(401, 403)},
    )
    def list(self, request):
        return Response(CategoryNodeSerializer(category_tree(list(self.get_queryset())), many=True).data)
