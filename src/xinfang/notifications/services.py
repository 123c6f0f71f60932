"""Telling people things: in-app rows, e-mail and SMS, only once the cause has committed.

* ``notify(recipients, *, kind, title, body, petition=None, url="", email=True, sms=False)``
* ``notify_each(messages, *, email=True, sms=False)``: many messages at once (the deadline scan); e-mail and
  SMS are grouped into one digest per person.
* ``notify_petitioner(petition, text)``: an SMS to the principal petitioner about a step of the case;
  ``text_petitioner(petition, sms)`` sends them any templated ``sms.Sms``.
* ``unread_count(user)``, ``mark_read(user, ids=None)``

In-app rows are written in the caller's transaction, so a rolled-back cause leaves none behind; e-mail and
SMS leave the building only from ``transaction.on_commit``, so nobody is told about something that did not
happen. Outside a transaction (autocommit) they go at once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction

from xinfang import clock
from xinfang.petitions.identity import MOBILE_RE, normalize_phone
from xinfang.petitions.models import PartyRole, Petition, PetitionParty
from xinfang.petitions.selectors import accusing

from .models import Notification
from .sms import Sms, notice, send_sms

logger = logging.getLogger(__name__)

DIGEST_SHOWN = 20  # lines listed in a digest e-mail; the rest are counted


@dataclass(frozen=True)
class Message:
    recipient: object  # a User
    kind: str
    title: str
    body: str = ""
    petition: Petition | None = None
    url: str = ""


def _active(users: Iterable) -> list:
    seen, out = set(), []
    for user in users:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        out.append(user)
    return out


def absolute(url: str) -> str:
    base = getattr(settings, "XF_SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url and base and url.startswith("/") else url


def notify(
    recipients: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    petition: Petition | None = None,
    url: str = "",
    email: bool = True,
    sms: bool = False,
) -> list[Notification]:
    """Notify each active user in ``recipients`` (duplicates and inactive users dropped) once."""
    messages = [Message(user, kind, title, body, petition, url) for user in _active(recipients)]
    return notify_each(messages, email=email, sms=sms)


def notify_each(messages: Iterable[Message], *, email: bool = True, sms: bool = False) -> list[Notification]:
    messages = [m for m in messages if m.recipient is not None and m.recipient.is_active]
    if not messages:
        return []
    now = clock.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=m.recipient,
                petition=m.petition,
                kind=m.kind,
                title=m.title[:200],
                body=m.body,
                url=m.url[:300],
                created_at=now,
            )
            for m in messages
        ],
        batch_size=500,
    )
    if email or sms:
        outgoing = _outgoing(messages, email=email, sms=sms)
        transaction.on_commit(lambda: _deliver(outgoing), robust=True)
    return rows


@dataclass(frozen=True)
class _Outgoing:
    email: str
    phone: str
    subject: str
    text: str
    sms_text: str


def _outgoing(messages: list[Message], *, email: bool, sms: bool) -> list[_Outgoing]:
    """One e-mail and one SMS per person, however many messages they have (a digest past the first)."""
    by_user: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        by_user[message.recipient.pk].append(message)
    out = []
    for group in by_user.values():
        user = group[0].recipient
        if len(group) == 1:
            m = group[0]
            subject = m.title
            text = "\n\n".join(part for part in (m.body, absolute(m.url)) if part)
            sms_text = m.title
        else:
            subject = f"您有{len(group)}条新消息：{group[0].title}等"
            lines = [f"· {m.title}" for m in group[:DIGEST_SHOWN]]
            if len(group) > DIGEST_SHOWN:
                lines.append(f"……另有{len(group) - DIGEST_SHOWN}条，请登录系统查看。")
            text = "\n".join(lines)
            sms_text = f"您有{len(group)}条新消息，请登录信访业务系统查看。"
        out.append(
            _Outgoing(
                email=(user.email or "") if email else "",
                phone=(user.phone or "") if sms else "",
                subject=subject,
                text=text,
                sms_text=sms_text,
            )
        )
    return out


def _deliver(outgoing: list[_Outgoing]) -> None:
    mails = [
        EmailMessage(item.subject, item.text, settings.DEFAULT_FROM_EMAIL, [item.email])
        for item in outgoing
        if item.email
    ]
    if mails:
        try:
            get_connection().send_messages(mails)
        except Exception:
            # The cause has committed; a mail server being down must not undo or hide it.
            logger.exception("sending %d notification e-mails failed", len(mails))
    for item in outgoing:
        if item.phone:
            send_sms(item.phone, notice(item.sms_text))


def notify_petitioner(petition: Petition, text: str) -> bool:
    """Text the principal petitioner a step of the case (after commit). False when there is no mobile number."""
    return text_petitioner(
        petition, Sms("petitioner_step", {"text": text, "number": petition.registration_number})
    )


def text_petitioner(petition: Petition, sms: Sms) -> bool:
    """Send ``sms`` to the principal petitioner after commit. False when there is no mobile number to text."""
    party = (
        PetitionParty.objects.filter(petition=petition, role=PartyRole.PRINCIPAL)
        .select_related("petitioner")
        .first()
    )
    phone = normalize_phone(party.petitioner.phone) if party and party.petitioner.phone else ""
    if not MOBILE_RE.match(phone):
        return False
    transaction.on_commit(lambda: send_sms(phone, sms), robust=True)
    return True


def inbox(user):
    """The user's own messages, less any about an accusation against the user's unit: a message written
    before the petition was hidden from it (or by mistake) must not be the way it learns of one."""
    qs = Notification.objects.filter(recipient=user)
    unit_id = getattr(user, "unit_id", None)
    return qs.exclude(accusing(unit_id, "petition__")) if unit_id else qs


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when ``ids`` is None)."""
    qs = inbox(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=clock.now())


__all__ = [
    "Message",
    "notify",
    "notify_each",
    "notify_petitioner",
    "text_petitioner",
    "unread_count",
    "mark_read",
]
