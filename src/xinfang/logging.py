"""Structured logs (XF_LOG_FORMAT=json): one JSON object per line, and one line per request.

journald keeps each line as one entry and log shippers parse it without patterns. Every record logged while a
request is handled carries that request's id, the one nginx put in X-Request-ID, so nginx's access log, the
app's lines and the response header can be matched up.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

from xinfang.clock import SHANGHAI

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("xinfang_request_id", default=None)

# The attributes every LogRecord has; anything else on a record came from `extra=` and is worth keeping.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# `request` is the HttpRequest object Django attaches to django.request records: not data.
_DROPPED_EXTRAS = frozenset({"request"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

request_logger = logging.getLogger("xinfang.request")


def _user_id(request) -> int | None:
    # Only a user already looked up: loading one here would cost a query on every anonymous request.
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return getattr(user, "pk", None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            # The record's own wall-clock time, not xinfang.clock: a frozen clock must not fake log times.
            "time": dt.datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current:
            entry["request_id"] = current
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key not in _DROPPED_EXTRAS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """One `xinfang.request` line per request: method, path (never the query string: it can hold a query
    code), status and duration. Health probes and static files are logged at DEBUG: they would flood it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        token = request_id.set(incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            quiet = response.status_code in (200, 304) and (
                request.path == "/healthz" or request.path.startswith(self.static_prefix)
            )
            request_logger.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id.reset(token)
