"""Sending text messages through a pluggable gateway (``settings.XF_SMS_BACKEND``).

A message is a template id and its parameters (:class:`Sms`), the shape operators' gateways take. Some
parameters are secrets (a query code, a one-time code): the gateway receives them, the record of what was
sent (``SmsMessage``) and the log never do; they keep the parameters with the secrets masked.

A backend is any class with ``send(phone, sms)`` that raises :class:`SmsError` when the gateway refuses.
Deployments write one for their operator's gateway. Development uses :class:`LoggingSmsBackend` (masked, so
a one-time code cannot be read back from the log) or :class:`ConsoleSmsBackend` (the full text on standard
output, for a developer signing in to the portal); tests use :class:`LocmemSmsBackend`.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from xinfang import clock
from xinfang.petitions.identity import mask_phone

from .models import SmsMessage, SmsStatus

logger = logging.getLogger(__name__)

SIGNATURE = "【信访】"
MASK = "****"

# Template id -> text. Gateways register the same templates with the operator; only the parameters travel.
TEMPLATES = {
    "notice": SIGNATURE + "{text}",
    "petitioner_step": (
        SIGNATURE + "{text}（事项编号{number}，可凭登记时告知的查询码在网上信访平台查询办理进展。）"
    ),
    "portal_filed": (
        SIGNATURE + "您的网上信访事项已登记，查询码{query_code}，请妥善保存（事项编号{number}，"
        "可凭查询码在网上信访平台查询办理进展。）"
    ),
    "portal_otp": SIGNATURE + "您的查询验证码为{code}，10分钟内有效。如非本人操作，请忽略。",
    "portal_appointment_otp": SIGNATURE + "您的约访验证码为{code}，10分钟内有效。如非本人操作，请忽略。",
}
# Parameters that are bearer secrets: whoever reads them can open a case or an account.
SECRET_PARAMS = frozenset({"query_code", "code"})

# A query code typed into free text by someone (a notice title, say) is blanked in the record too.
QUERY_CODE_RE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-?[2-9A-HJ-NP-Z]{4}-?[2-9A-HJ-NP-Z]{4}\b")


def redact(text: str) -> str:
    return QUERY_CODE_RE.sub("****-****-****", text)


@dataclass(frozen=True)
class Sms:
    template: str
    params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.template not in TEMPLATES:
            raise ValueError(f"unknown SMS template {self.template!r}")

    @property
    def text(self) -> str:
        """What the phone shows: secrets included. Only for the gateway."""
        return TEMPLATES[self.template].format(**self.params)

    @property
    def masked_params(self) -> dict[str, str]:
        return {k: MASK if k in SECRET_PARAMS else redact(str(v)) for k, v in self.params.items()}

    @property
    def masked_text(self) -> str:
        return redact(TEMPLATES[self.template].format(**self.masked_params))


def notice(text: str) -> Sms:
    return Sms("notice", {"text": text})


class SmsError(Exception):
    pass


class SmsBackend:
    def send(self, phone: str, sms: Sms) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes the message to the log, phone and secrets masked: logs are read by more people than the case."""

    def send(self, phone: str, sms: Sms) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), sms.masked_text)


class ConsoleSmsBackend(SmsBackend):
    """Development only: the full text on standard output (never a file), so a developer can use a code."""

    def send(self, phone: str, sms: Sms) -> None:
        sys.stdout.write(f"SMS to {mask_phone(phone)}: {sms.text}\n")
        sys.stdout.flush()


outbox: list[tuple[str, Sms]] = []


class LocmemSmsBackend(SmsBackend):
    """Tests: keeps what the gateway would have received in ``outbox`` (memory, never the database)."""

    def send(self, phone: str, sms: Sms) -> None:
        outbox.append((phone, sms))


def get_backend() -> SmsBackend:
    return import_string(settings.XF_SMS_BACKEND)()


def _record(phone: str, sms: Sms, *, status: str = SmsStatus.SENT, error: str = "") -> None:
    SmsMessage.objects.create(
        phone=phone,
        template=sms.template,
        params=sms.masked_params,
        text=sms.masked_text,
        backend=settings.XF_SMS_BACKEND,
        status=status,
        error=error[:300],
        created_at=clock.now(),
    )


def _scrub(error: str, sms: Sms) -> str:
    # A gateway's error may echo the message back.
    for key in SECRET_PARAMS & sms.params.keys():
        if sms.params[key]:
            error = error.replace(str(sms.params[key]), MASK)
    return redact(error)


def send_sms(phone: str, sms: Sms | str) -> bool:
    """Send now (callers run this after commit). A failure is logged, never raised: the cause is committed.
    A plain string is sent as a ``notice``."""
    if not phone:
        return False
    if isinstance(sms, str):
        sms = notice(sms.removeprefix(SIGNATURE))
    try:
        get_backend().send(phone, sms)
    except Exception as exc:
        logger.exception("SMS to %s failed", mask_phone(phone))
        _record(phone, sms, status=SmsStatus.FAILED, error=_scrub(str(exc), sms))
        return False
    _record(phone, sms)
    return True
