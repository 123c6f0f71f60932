"""The leaders' mailboxes (领导信箱) the portal offers: which are published, and their one writer (the admin
saves through `save_mailbox`, one audit event each)."""

from __future__ import annotations

from xinfang.audit.services import save_edited
from xinfang.orgs.models import LEADER_ROLES

from .models import MailboxLeader

FIELDS = ["leader_id", "post", "order", "is_published"]


def published() -> list[MailboxLeader]:
    """The mailboxes offered on the filing form, in their order; a leader no longer in office is left out
    even while the row is still switched on."""
    rows = MailboxLeader.objects.filter(is_published=True, leader__is_active=True).select_related("leader")
    return [row for row in rows if row.leader.has_role(*LEADER_ROLES)]


def save_mailbox(mailbox: MailboxLeader, actor, changed: list[str] | None = None, *, ip_address=None):
    """Save a mailbox as edited in the admin (the model's `clean` has run)."""
    return save_edited(
        mailbox, FIELDS, action="edit_mailbox_leader", actor=actor, changed=changed, ip_address=ip_address
    )
