"""Why the workflow service refused an action. Both are ValidationErrors with Chinese messages, so forms and
the API (problem details) show them as they are; nothing was changed when one is raised."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class TransitionRefused(ValidationError):
    """The action is not allowed: wrong state, role or unit, outside its time window, or bad data.

    ``code`` says which kind (state, role, unit, time, window, data, confidential, stale), so the API can
    map it to a status (403 for role/unit, 409 for stale, 400 otherwise); ``field`` names the data key at
    fault, when there is one.
    """

    def __init__(self, message: str, *, code: str = "refused", field: str | None = None):
        self.reason = message
        self.field = field
        if field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)
        self.code = code

    def __str__(self) -> str:
        return self.reason


class StaleVersion(TransitionRefused):
    """Someone else changed the petition after the form was shown (the posted version is old)."""

    MESSAGE = "该信访事项已被他人更新，请刷新后重试"

    def __init__(self, message: str = MESSAGE):
        super().__init__(message, code="stale")
