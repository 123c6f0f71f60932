"""The effects of each action: its rules and records beyond what its row in the transition table states.

An effect is called by ``services.perform`` inside the transaction, with the petition row locked and the row's
state, role and unit rules already checked. It validates the data (raising ``TransitionRefused`` with a
Chinese reason: the transaction rolls back, so nothing changes), then writes its records and deadlines and sets
fields on ``ctx.petition``; ``perform`` saves the petition and writes the event. ``EFFECTS`` maps every action
of the table to its effect; the modules follow the stages of a petition.
"""

from __future__ import annotations

from collections.abc import Callable

from . import acceptance, co_handling, handling, merge, rating, resolution, review, routing, upper_review
from .common import Context

EFFECTS: dict[str, Callable[[Context], None]] = {
    "transfer": routing.transfer,
    "assign": routing.assign,
    "handle_self": routing.handle_self,
    "direct_to_legal_route": routing.direct_to_legal_route,
    "conclude_on_spot": routing.conclude_on_spot,
    "decline": routing.decline,
    "accept": acceptance.accept,
    "object": acceptance.object_,
    "extend": handling.extend,
    "switch_to_simplified": handling.switch_to_simplified,
    "switch_to_ordinary": handling.switch_to_ordinary,
    "reply": handling.reply,
    "deliver": handling.deliver,
    "rate": rating.rate,
    "request_review": review.request_review,
    "review_opinion": review.review_opinion,
    "request_re_review": review.request_re_review,
    "record_hearing": review.record_hearing,
    "re_review_opinion": review.re_review_opinion,
    "resolve": resolution.resolve,
    "set_co_handlers": co_handling.set_co_handlers,
    "add_support_opinion": co_handling.add_support_opinion,
    "record_settlement": co_handling.record_settlement,
    "sign_for": upper_review.sign_for,
    "urge": upper_review.urge,
    "add_supplement": upper_review.add_supplement,
    "confirm_conclusion": upper_review.confirm_conclusion,
    "return_for_rework": upper_review.return_for_rework,
    "merge_into": merge.merge_into,
}

__all__ = ["EFFECTS", "Context"]
