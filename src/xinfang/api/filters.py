"""Query filters of the petition list and the organisation lists."""

from __future__ import annotations

import django_filters as filters
from django.core.exceptions import ValidationError
from django.db.models import Q

from xinfang import inputs
from xinfang.http import client_ip
from xinfang.orgs.models import Level, OrgUnit, Region, UnitKind
from xinfang.petitions.models import Category, Channel, Petition, PetitionClass, Status
from xinfang.petitions.selectors import visible_to
from xinfang.search.query import search_petitions


class BoundedIsoDateTimeFilter(filters.IsoDateTimeFilter):
    """ISO 8601 instants within `inputs`' sane range: year 1 or 9999 overflows when moved to UTC."""

    class field_class(filters.IsoDateTimeFilter.field_class):  # noqa: N801 (django-filter's attribute name)
        def to_python(self, value):
            instant = super().to_python(value)
            if instant is not None:
                try:
                    inputs.check_instant(instant, str(self.label or "时间"))
                except inputs.InputError as exc:
                    raise ValidationError(str(exc), code="out_of_range") from None
            return instant


class PetitionFilter(filters.FilterSet):
    # distinct=False: own columns cannot duplicate rows, and DISTINCT makes PostgreSQL sort every match (bench/).
    status = filters.MultipleChoiceFilter(choices=Status.choices, label="状态（可多选）", distinct=False)
    channel = filters.MultipleChoiceFilter(
        choices=Channel.choices, label="信访形式（可多选）", distinct=False
    )
    petition_class = filters.ChoiceFilter(choices=PetitionClass.choices, label="信访类别")
    category = filters.CharFilter(method="filter_category", label="内容分类 id 或路径（含下级分类）")
    receiving_unit = filters.CharFilter(
        field_name="receiving_unit__code", method="filter_code", label="登记单位代码"
    )
    responsible_unit = filters.CharFilter(
        field_name="responsible_unit__code", method="filter_code", label="责任单位代码"
    )
    received_after = BoundedIsoDateTimeFilter(
        field_name="received_at", lookup_expr="gte", label="收到时间不早于（含）"
    )
    received_before = BoundedIsoDateTimeFilter(
        field_name="received_at", lookup_expr="lt", label="收到时间早于（不含）"
    )
    registration_number = filters.CharFilter(method="filter_code", label="登记编号")
    external_id = filters.CharFilter(method="filter_code", label="外部编号")
    is_repeat = filters.BooleanFilter(method="filter_repeat", label="重复信访")
    is_collective = filters.BooleanFilter(label="集体访")
    q = filters.CharFilter(
        method="filter_text",
        label="关键词（全文检索：信访人姓名、事由、内容、登记编号、单位名称，均可只输前几个字；身份证号、联系电话精确查找，尾号1234 按电话后四位查找）",
    )

    class Meta:
        model = Petition
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        request = self.request
        return search_petitions(
            queryset,
            inputs.search_text(value),
            user=getattr(request, "user", None),
            ip_address=client_ip(request) if request is not None else None,
        )

    def filter_repeat(self, queryset, name, value):
        # The visible repeat (petitions.selectors.visible_repeat_of): a repeat of a petition the reader may
        # not see is no repeat to them, so the filter tells nothing of the hidden one either.
        shown = Q(is_repeat=True, repeat_of__in=visible_to(self.request.user).values("pk"))
        return queryset.filter(shown if value else ~shown)

    def filter_code(self, queryset, name, value):
        # Codes as people type them: full-width letters and digits fold to ASCII (NFKC).
        return queryset.filter(**{name: inputs.normalize_code(value)})

    def filter_category(self, queryset, name, value):
        value = value.strip().strip("/")
        if inputs.is_ascii_int(value):
            path = Category.objects.filter(pk=int(value)).values_list("path", flat=True).first()
            if path is None:
                return queryset.none()
            value = path
        return queryset.filter(Q(category__path=value) | Q(category__path__startswith=f"{value}/"))


class RegionFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=Level.choices, label="层级")
    parent = filters.CharFilter(field_name="parent__code", label="上级区划代码")

    class Meta:
        model = Region
        fields: list[str] = []


class UnitFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=UnitKind.choices, label="单位类型")
    region = filters.CharFilter(field_name="region__code", label="所属区划代码")
    within = filters.CharFilter(method="filter_within", label="区划代码：该区划及其下级区划内的单位")
    parent = filters.CharFilter(field_name="parent__code", label="上级单位代码")
    is_active = filters.BooleanFilter(label="启用")

    class Meta:
        model = OrgUnit
        fields: list[str] = []

    def filter_within(self, queryset, name, value):
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=region.prefix)
