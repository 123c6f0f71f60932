"""A grant that ended the matter (救助息访) records the petition's outcome 案结事了 / 救助息访 (process.md §4),
through the workflow (``record_settlement``) in the grant's own transaction; assistance sits above the
workflow, so it calls it directly.

Only when the petition has been concluded and has no outcome yet: a grant paid while the matter is still
being handled keeps its ``ended_petitioning`` and the bureau records the outcome once the matter concludes
(the refusal rule of ``record_settlement``: never on a matter not concluded).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from xinfang.petitions.models import Settlement
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import perform_for_mechanism
from xinfang.workflow.transitions import TABLE

ACTION = "record_settlement"


def record_if_ended(grant, actor, at) -> bool:
    """Whether the petition's outcome was recorded now."""
    petition = grant.petition
    petition.refresh_from_db(fields=["status", "settlement", "version", "last_transition_at"])
    if not grant.ended_petitioning or petition.settlement or not TABLE[ACTION].allows_state(petition.status):
        return False
    try:
        perform_for_mechanism(
            petition,
            ACTION,
            actor,
            name=f"{grant.unit.name}（信访救助）",
            at=at,
            settlement=Settlement.ASSISTANCE,
            text=f"发放信访救助{grant.amount}元（{grant.get_fund_display()}）后息诉息访。",
        )
    except TransitionRefused as refusal:  # e.g. a time before the petition's last step: the grant waits too
        raise ValidationError({"ended_petitioning": f"无法记录救助息访：{refusal.reason}"}) from None
    return True
