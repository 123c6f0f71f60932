"""A decision on a petition item names the petition's lead and supporting units (主办 / 协办, process.md §3:
"failing that, the common superior or the joint meeting decides"). The meetings sit above the workflow, so
the decision goes straight through ``workflow.services`` (the transition ``set_co_handlers``), inside the
decision's transaction: a refusal there (the lead is not the unit handling the matter, an accused unit
among the supporting ones) refuses the decision, and nothing is written.

Only while the matter is with a unit (``set_co_handlers``' states) and when the decision names supporting
units: a decision on a concluded matter, or with a lead alone, is followed up as the meeting's own task.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import perform_for_mechanism
from xinfang.workflow.transitions import TABLE

ACTION = "set_co_handlers"


def apply_decision(item, decision, supporting: list, actor, at) -> None:
    petition = item.petition
    if petition is None or not supporting or not TABLE[ACTION].allows_state(petition.status):
        return
    meeting = item.meeting
    try:
        perform_for_mechanism(
            petition,
            ACTION,
            actor,
            name=f"{meeting.unit.name}（{meeting.get_level_display()}议定）",
            at=at,
            lead_unit=decision.lead_unit,
            supporting_units=supporting,
            text=f"{meeting.title}议定：{decision.action}"[:5000],
        )
    except TransitionRefused as refusal:
        field = refusal.field if refusal.field in ("lead_unit", "supporting_units") else "item"
        raise ValidationError({field: refusal.reason}) from None
