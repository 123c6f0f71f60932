"""The resolution standard (化解标准) administrators keep as a checklist; each save is one audit event."""

from __future__ import annotations

from django.db import transaction

from xinfang.audit.services import record, snapshot

from ..models import ResolutionStandard

FIELDS = ["text", "order", "is_active"]


def save_standard(item: ResolutionStandard, actor, changed: list[str] | None = None, *, ip_address=None):
    """Save an item as edited in the admin. Items are switched off rather than deleted: a resolved
    ownership keeps the texts it was judged against."""
    with transaction.atomic():
        created = item.pk is None
        before = {} if created else snapshot(ResolutionStandard.objects.get(pk=item.pk), FIELDS)
        item.save()
        after = snapshot(item, FIELDS)
        record(
            action="edit_resolution_standard",
            target=item,
            actor=actor,
            ip_address=ip_address,
            changes={k: [before.get(k), after[k]] for k in FIELDS if before.get(k) != after[k]},
            data={"created": created, "changed": list(changed or [])},
        )
    return item
