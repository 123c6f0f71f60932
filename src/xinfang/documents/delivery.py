"""A document's delivery (送达): how and when it reached the petitioner, and the proof (a signed receipt, a
postal return slip, a screenshot of the online notice).

* ``record_delivery(document, method, delivered_at, received_on, actor, *, proof=None, ip_address=None)``:
  staff of the issuing unit record it from the documents table; one audit event.
* ``delivered_by_transition(petition, kind, event, actor)``: the workflow's hook when a transition itself
  records a delivery (``deliver`` for the handling opinion; the review and re-review opinions, whose received
  date the opinion's action records): the latest such document of the petition is marked delivered.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.orgs.models import Role
from xinfang.petitions import attachments
from xinfang.petitions.models import DeliveryMethod
from xinfang.petitions.selectors import visible_to

from .models import Document

DELIVERY_FIELDS = ["delivery_method", "delivered_at", "received_on", "delivered_by_id", "delivery_proof_name"]
# Who gives a notice to the petitioner: the issuing unit's working staff (an auditor only reads).
DELIVERY_ROLES = (Role.REGISTRAR, Role.HANDLER, Role.UNIT_LEADER, Role.BUREAU_LEADER, Role.REVIEWER)


def _may_see(actor, petition_id) -> bool:
    """Staff act only on petitions they can see; no actor means the system itself (the importer)."""
    if actor is None or not getattr(actor, "pk", None):
        return True
    return visible_to(actor).filter(pk=petition_id).exists()


def may_record_delivery(document: Document, user) -> bool:
    """Staff of the unit that issued it, while its receipt is not yet recorded (the received date starts the
    petitioner's windows, so it is given once)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and document.received_on is None
        and user.unit_id == document.issuing_unit_id
        and user.has_role(*DELIVERY_ROLES)
    )


def _check(document: Document, method: str, delivered_at, received_on) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    now = clock.now()
    if method not in DeliveryMethod.values:
        errors["method"] = ["送达方式无效。"]
    if delivered_at is None:
        errors["delivered_at"] = ["请填写送达时间。"]
    elif delivered_at < document.issued_at.replace(second=0, microsecond=0):  # the form gives minutes
        errors["delivered_at"] = ["送达时间不能早于文书出具时间。"]
    elif delivered_at > now + dt.timedelta(minutes=5):
        errors["delivered_at"] = ["送达时间不能晚于当前时间。"]
    if received_on is not None:
        if delivered_at is not None and received_on < clock.local_date(delivered_at):
            errors["received_on"] = ["签收日期不能早于送达时间。"]
        elif received_on > clock.local_date(now):
            errors["received_on"] = ["签收日期不能晚于今天。"]
    return errors


def record_delivery(
    document: Document,
    method: str,
    delivered_at: dt.datetime,
    received_on: dt.date | None,
    actor,
    *,
    proof: attachments.CheckedFile | None = None,
    ip_address: str | None = None,
) -> Document:
    """Record how and when a document reached the petitioner. The received date starts the review window,
    so it can be given once: a posted document may be recorded as sent first and as received later."""
    errors = _check(document, method, delivered_at, received_on)
    if errors:
        raise ValidationError(errors)
    if not _may_see(actor, document.petition_id):
        raise ValidationError({"__all__": ["无权登记该文书的送达情况。"]})
    received = document.received_on is not None  # refused below, under the row lock, with its own reason
    if getattr(actor, "pk", None) and not received and not may_record_delivery(document, actor):
        raise ValidationError({"__all__": ["只有出具该文书的单位的工作人员可以登记其送达情况。"]})
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.received_on is not None:
            raise ValidationError({"__all__": ["该文书已登记签收，不能重复登记。"]})
        before = audit.snapshot(locked, DELIVERY_FIELDS)
        locked.delivery_method = method
        # A time typed to the minute may fall seconds before the issue in that minute: not before it.
        locked.delivered_at = max(delivered_at, locked.issued_at)
        locked.received_on = received_on
        locked.delivered_by = actor if getattr(actor, "pk", None) else None
        data = {"number": locked.number, "kind": locked.kind}
        if proof is not None:
            # Content-addressed like the petition's attachments: the hash in the audit row names the file.
            locked.delivery_proof = attachments.store(proof)
            locked.delivery_proof_name = proof.name
            data["proof_sha256"] = proof.sha256
        locked.save(update_fields=[*(name.removesuffix("_id") for name in DELIVERY_FIELDS), "delivery_proof"])
        audit.record(
            action="deliver_document",
            target=locked,
            petition=locked.petition,
            actor=actor,
            at=locked.delivered_at,
            ip_address=ip_address,
            changes=audit.diff(before, audit.snapshot(locked, DELIVERY_FIELDS)),
            data=data,
        )
    return locked


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def delivered_by_transition(petition, kind: str, event, actor) -> Document | None:
    """Inside the transition's transaction: the transition's own event records the delivery (method and
    received date in its data), so no second audit event is written."""
    data = getattr(event, "data", None) or {}
    document = (
        Document.objects.select_for_update()
        .filter(petition=petition, kind=kind, received_on__isnull=True)
        .order_by("-issued_at", "-id")
        .first()
    )
    if document is None:
        return None
    document.delivery_method = data.get("method") or ""
    document.delivered_at = max(event.at, document.issued_at)  # the opinion is issued at the event's time
    document.received_on = _date(data.get("received_on"))
    document.delivered_by = actor if getattr(actor, "pk", None) else None
    document.save(update_fields=["delivery_method", "delivered_at", "received_on", "delivered_by"])
    return document
