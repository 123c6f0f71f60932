"""XF_LOG_FORMAT=json: one JSON object per line, requests logged with their id, path, status and duration."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from xinfang.logging import JsonFormatter, RequestLogMiddleware, request_id

from .conftest import run


def _record(message="收到信访事项 %s", args=("XF-330102-2026-000001",), **extra) -> logging.LogRecord:
    record = logging.LogRecord("xinfang.petitions", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_record_becomes_one_json_line():
    line = JsonFormatter().format(_record(unit="330102-XFJ", count=3))

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "xinfang.petitions"
    assert entry["message"] == "收到信访事项 XF-330102-2026-000001"
    assert entry["unit"] == "330102-XFJ"
    assert entry["count"] == 3
    assert entry["time"].endswith("+08:00")
    assert "request_id" not in entry
    assert "args" not in entry and "msg" not in entry


def test_exception_is_kept_in_the_same_line():
    try:
        raise ValueError("坏数据")
    except ValueError:
        record = _record(exc_info=sys.exc_info())

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert "ValueError: 坏数据" in json.loads(line)["exception"]


def test_values_json_cannot_hold_are_written_as_text():
    entry = json.loads(JsonFormatter().format(_record(request=object(), when={1, 2})))

    assert "request" not in entry  # Django's HttpRequest on django.request records: not data
    assert entry["when"] == "{1, 2}"


def test_record_inside_a_request_carries_its_id():
    token = request_id.set("abc123")
    try:
        assert json.loads(JsonFormatter().format(_record()))["request_id"] == "abc123"
    finally:
        request_id.reset(token)


def _through_middleware(request, status=200):
    seen = {}

    def view(req):
        seen["request_id"] = request_id.get()
        return HttpResponse(status=status)

    response = RequestLogMiddleware(view)(request)
    return response, seen["request_id"]


def test_request_is_logged_with_path_status_and_duration(caplog):
    request = RequestFactory().get("/petitions/?q=B8KC-ADAM-RY8F", headers={"X-Request-ID": "nginx-req-42"})
    with caplog.at_level(logging.INFO, logger="xinfang.request"):
        response, inside = _through_middleware(request, status=404)

    assert inside == "nginx-req-42"
    assert response["X-Request-ID"] == "nginx-req-42"
    assert request_id.get() is None  # nothing leaks into the next request on this thread
    (record,) = caplog.records
    assert (record.method, record.path, record.status) == ("GET", "/petitions/", 404)
    assert record.duration_ms >= 0
    assert "B8KC" not in record.getMessage()  # the query string can hold a query code


def test_untrusted_request_id_is_replaced():
    request = RequestFactory().get("/", headers={"X-Request-ID": "x" * 65})
    response, inside = _through_middleware(request)

    assert inside != "x" * 65
    assert len(inside) == 32
    assert response["X-Request-ID"] == inside


def test_health_probes_are_logged_at_debug(caplog):
    with caplog.at_level(logging.INFO, logger="xinfang.request"):
        _through_middleware(RequestFactory().get("/healthz"))
    assert caplog.records == []


@pytest.mark.parametrize("fmt", ["json", "plain"])
def test_settings_switch_the_console_format(fmt):
    # A fresh process, so the LOGGING dictionary itself is what is under test.
    code = (
        "import django, logging; django.setup(); "
        "from django.conf import settings; "
        "print('xinfang.logging.RequestLogMiddleware' in settings.MIDDLEWARE); "
        "logging.getLogger('xinfang.test').warning('信访 %s', 1, extra={'unit': 'X'})"
    )
    result = run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "xinfang.settings", "XF_LOG_FORMAT": fmt, "XF_LOG_REQUESTS": None},
    )

    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    if fmt == "json":
        assert result.stdout.strip() == "True"
        entry = json.loads(lines[-1])
        assert (entry["level"], entry["logger"], entry["message"], entry["unit"]) == (
            "WARNING",
            "xinfang.test",
            "信访 1",
            "X",
        )
    else:
        assert result.stdout.strip() == "False"
        assert lines[-1].endswith("WARNING xinfang.test 信访 1")
