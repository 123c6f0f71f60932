"""Sending text messages through a pluggable gateway (``settings.XF_SMS_BACKEND``).

A backend is any class with ``send(phone, text)`` that raises :class:`SmsError` when the gateway refuses.
Deployments write one for their operator's gateway; development and tests use :class:`LoggingSmsBackend`.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.utils.module_loading import import_string

from xinfang import clock
from xinfang.petitions.identity import mask_phone

from .models import SmsMessage, SmsStatus

logger = logging.getLogger(__name__)


# A query code is a bearer secret (only its hash is in the petitions table); the SMS record keeps the
# message for the audit of what was sent, with the code itself blanked.
QUERY_CODE_RE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-?[2-9A-HJ-NP-Z]{4}-?[2-9A-HJ-NP-Z]{4}\b")


def redact(text: str) -> str:
    return QUERY_CODE_RE.sub("****-****-****", text)


class SmsError(Exception):
    pass


class SmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes the message to the log (phone masked: logs are read by more people than the case) and keeps
    an ``SmsMessage`` row, as a real gateway's delivery record would."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        SmsMessage.objects.create(
            phone=phone,
            text=redact(text),
            backend=f"{type(self).__module__}.{type(self).__qualname__}",
            created_at=clock.now(),
        )


def get_backend() -> SmsBackend:
    return import_string(settings.XF_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> bool:
    """Send now (callers run this after commit). A failure is logged, never raised: the cause is committed."""
    if not phone:
        return False
    try:
        get_backend().send(phone, text)
    except Exception as exc:
        logger.exception("SMS to %s failed", mask_phone(phone))
        SmsMessage.objects.create(
            phone=phone,
            text=redact(text),
            backend=settings.XF_SMS_BACKEND,
            status=SmsStatus.FAILED,
            error=str(exc)[:300],
            created_at=clock.now(),
        )
        return False
    return True
