"""`/api/v1/stats/`: the figures of one scope, period and slice, exactly the object `xinfang stats --json`
prints (`stats.answer.stats_json`), read-only.

The query string is the dashboard's (`stats.query.parse_query`): `unit` or `region`, `from`/`to` or
`period`/`date`, and the slice's parameters; plus `as_of` (the day overdue is judged on) and `full`. A scope
outside the reader's jurisdiction is refused (403), as on the dashboard; what accuses the reader's unit is
left out of every count; a bad value is a 400 that names the parameter.
"""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import BadRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.replica import reads_from_replica
from xinfang.stats.answer import stats_json
from xinfang.stats.query import parse_date, parse_query
from xinfang.stats.slices import CHOICE_FILTERS, FLAG_FILTERS, LABELS

from .problems import problem, problem_responses

TRUE_VALUES = ("1", "true", "yes")


def _query(name: str, description: str, type_=OpenApiTypes.STR, **extra) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **extra)


def _slice_parameters() -> list[OpenApiParameter]:
    out = [
        _query(name, f"{label}（可重复或以逗号分隔）：{'、'.join(f'{k} {v}' for k, v in choices.items())}")
        for name, (label, choices) in CHOICE_FILTERS.items()
    ]
    out += [
        _query(name, f"{label}：1 为{choices[True]}，0 为{choices[False]}", enum=["1", "0"])
        for name, (label, choices) in FLAG_FILTERS.items()
    ]
    out.append(_query("category", f"{LABELS['category']}（含下级）：编号，或路径如 城乡建设/征收拆迁"))
    out.append(_query("issue_region", f"{LABELS['issue_region']}：行政区划代码（含下级）"))
    return out


PARAMETERS = [
    _query("unit", "单位代码（与 region 二选一；都不给时为本人所在单位或辖区）"),
    _query("region", "行政区划代码（辖区统计）"),
    _query("from", "开始日期 YYYY-MM-DD（含）", OpenApiTypes.DATE),
    _query("to", "结束日期 YYYY-MM-DD（含）", OpenApiTypes.DATE),
    _query("period", "不给 from/to 时的周期：day、week、month、quarter、year（默认 month）"),
    _query("date", "周期所在的日期 YYYY-MM-DD（默认今天）", OpenApiTypes.DATE),
    _query("as_of", "按哪一天判断是否逾期（默认今天）", OpenApiTypes.DATE),
    _query("full", "1：另含范围、同比、环比、积案数和信访老户数（同 --full）", enum=["1", "0"]),
    *_slice_parameters(),
]


@extend_schema(tags=["统计"])
class StatsView(APIView):
    @extend_schema(
        summary="统计数字（同 xinfang stats --json）",
        description="一个单位或辖区在一段时间内、按筛选条件的全部统计数字，口径见 docs/statistics.md。",
        parameters=PARAMETERS,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="与 xinfang stats --json 相同的对象"),
            **problem_responses(400, 401, 403, 404),
        },
    )
    def get(self, request):
        try:
            q = parse_query(request._request)
            today = parse_date(request.query_params.get("as_of"), q.today)
        except BadRequest as exc:
            return problem(400, str(exc))
        q = replace(q, today=today)
        full = request.query_params.get("full", "").lower() in TRUE_VALUES
        with reads_from_replica():  # the caller is authenticated by now, on the primary
            return Response(stats_json(q.scope, q.ctx, full=full))
