"""The resolution standard (化解标准) administrators keep as a checklist; each save is one audit event."""

from __future__ import annotations

from xinfang.audit.services import save_edited

from ..models import ResolutionStandard

FIELDS = ["text", "order", "is_active"]


def save_standard(item: ResolutionStandard, actor, changed: list[str] | None = None, *, ip_address=None):
    """Save an item as edited in the admin. Items are switched off rather than deleted: a resolved
    ownership keeps the texts it was judged against."""
    return save_edited(
        item, FIELDS, action="edit_resolution_standard", actor=actor, changed=changed, ip_address=ip_address
    )
