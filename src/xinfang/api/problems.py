"""Errors as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

TITLES = {
    400: "请求有误",
    401: "未登录",
    403: "无权操作",
    404: "资源不存在",
    405: "不支持的请求方法",
    409: "数据已变化",
    415: "不支持的内容类型",
    422: "无法处理的请求",
    429: "请求过于频繁",
    503: "系统繁忙",
}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = key if not prefix else f"{prefix}.{key}"
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "__all__": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            for k, v in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                out.setdefault(k, []).extend(v)
        return out
    return {prefix or "__all__": [str(detail)]}


def problem(
    status_code: int, detail: str, errors: dict | None = None, type_: str = "about:blank"
) -> Response:
    body = {"type": type_, "title": TITLES.get(status_code, "错误"), "status": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type="application/problem+json")


def problem_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return problem(400, "提交的数据未通过校验。", errors)
    if isinstance(exc, Http404):
        return problem(404, "资源不存在或无权查看。")
    if isinstance(exc, DjangoPermissionDenied):
        return problem(403, str(exc) or "无权执行该操作。")
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return problem(status.HTTP_400_BAD_REQUEST, "提交的数据未通过校验。", _flatten(exc.detail))
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    result = problem(response.status_code, str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result


class ProblemSerializer(serializers.Serializer):
    """The error body, for the schema (RFC 9457)."""

    type = serializers.CharField(default="about:blank")
    title = serializers.CharField(help_text="错误类别，如“请求有误”")
    status = serializers.IntegerField(help_text="HTTP 状态码")
    detail = serializers.CharField(help_text="说明")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="校验错误：{字段: [中文说明]}，嵌套字段写作 petitioners.0.id_number",
    )


def problem_responses(*codes: int) -> dict:
    """`extend_schema(responses=...)` entries for the given error codes, as application/problem+json."""
    return {
        (code, "application/problem+json"): OpenApiResponse(
            ProblemSerializer, description=TITLES.get(code, "")
        )
        for code in codes
    }
