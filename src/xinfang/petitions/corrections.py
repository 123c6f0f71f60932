"""Changing a registered petition's record: correcting its details, adding an attachment, logging who was shown
a protected identity. Each is one audited change; the petition's state changes only in the workflow."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.orgs.models import Region, Role

from . import attachments as attachment_checks
from .intake import AttachmentInput
from .models import COLLECTIVE_MIN_PERSONS, Attachment, Channel, Petition, PetitionClass
from .registration import EDITABLE_FIELDS, attachment_event, attachment_row


def _attach(petition: Petition, checked, actor, at: dt.datetime, ip_address: str | None) -> Attachment:
    row = attachment_row(petition, checked, actor, at)
    row.save()
    audit.record_many([attachment_event(row, checked, actor, at, ip_address)])
    return row


def add_attachment(petition: Petition, upload: AttachmentInput, actor, *, ip_address: str | None = None):
    checked = attachment_checks.check_upload(upload.name, upload.content)
    with transaction.atomic():
        return _attach(petition, checked, actor, clock.now(), ip_address)


def correct_details(petition: Petition, changes: dict, actor, *, reason: str, ip_address: str | None = None):
    """Correct registration details (not the state), with a reason, as one audited change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": [f"不能修改这些字段：{'、'.join(sorted(unknown))}。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请填写修改理由。"]})
    if not actor.has_role(Role.REGISTRAR, Role.ADMIN):
        raise ValidationError({"__all__": ["只有登记员可以更正登记信息。"]})
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        before = audit.snapshot(locked, list(changes))
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.is_repeat = locked.repeat_of_id is not None
        if "issue_region_id" in changes:
            locked.issue_region_code = Region.objects.get(pk=locked.issue_region_id).code
        locked.is_collective = (
            locked.channel == Channel.VISIT and locked.person_count >= COLLECTIVE_MIN_PERSONS
        )
        diff = audit.diff(before, audit.snapshot(locked, list(changes)))
        if not diff:
            return locked
        locked.full_clean(exclude=["registration_number", "query_code_hash", "external_id"])
        locked.save()
        audit.record(
            action="correct_details",
            target=locked,
            petition=locked,
            actor=actor,
            ip_address=ip_address,
            changes=diff,
            reason=reason.strip(),
        )
    return locked


def record_identity_disclosure(petition: Petition, user, *, via: str, ip_address: str | None = None) -> None:
    """Log each showing of a protected identity (process.md §11): an accuser's, or one the petitioner asked
    to keep confidential. Ordinary petitions are not logged on every view; their masking is by role."""
    if petition.identity_confidential or petition.petition_class == PetitionClass.ACCUSATION:
        audit.record(
            action="disclose_identity",
            target=petition,
            petition=petition,
            actor=user,
            ip_address=ip_address,
            data={"via": via},
        )
