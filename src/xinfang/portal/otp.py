"""One-time SMS codes for the petitioner account. Only a keyed hash of the code is kept (in the cache; the
SMS record masks the code, see ``notifications.sms``), it expires
after ``config.OTP_SECONDS`` and is used once. A code is texted only to a phone that has petitions here, so
the portal cannot be used to send messages to anyone; the page says the same either way."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache

from xinfang import clock
from xinfang.notifications.sms import Sms, send_sms

from . import config, selectors

SESSION_KEY = "xf_portal_otp_phone"
ACCOUNT, APPOINTMENT = "account", "appointment"
TEMPLATES = {ACCOUNT: "portal_otp", APPOINTMENT: "portal_appointment_otp"}


def _key(phone: str, purpose: str) -> str:
    # Keyed: a plain hash of an 11-digit number is reversed by trying them all. A code proves one purpose.
    return (
        f"xf-portal:otp:{purpose}:"
        + hmac.new(settings.SECRET_KEY.encode(), phone.encode(), hashlib.sha256).hexdigest()[:40]
    )


def _digest(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def send(phone: str, purpose: str = ACCOUNT) -> bool:
    """The account's code goes only to a phone with petitions here. An appointment about a new matter has
    none yet, so its code goes to the phone typed: the callers' per-phone and per-address limits (``otp_*``)
    keep the portal from texting anyone more than a few times."""
    if purpose == ACCOUNT and not selectors.petitions_of_phone(phone).exists():
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    until = clock.now().timestamp() + config.OTP_SECONDS
    cache.set(_key(phone, purpose), {"digest": _digest(phone, code), "until": until}, config.OTP_SECONDS + 60)
    return send_sms(phone, Sms(TEMPLATES[purpose], {"code": code}))


def verify(phone: str, code: str, purpose: str = ACCOUNT) -> bool:
    entry = cache.get(_key(phone, purpose))
    if not entry or entry["until"] < clock.now().timestamp():
        return False
    if not hmac.compare_digest(entry["digest"], _digest(phone, code.strip())):
        return False
    cache.delete(_key(phone, purpose))
    return True
