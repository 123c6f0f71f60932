"""The windows and periods the petition's own columns and records imply, read without changing anything:
the last day to object to a routing, to rate, to request a review or re-review; whether a petition takes part
in rating; and whether an earlier petition on the same matter is still pending (Art. 19(3)).

The effects (``effects``) enforce them; forms, selectors and the portal show them from the same functions.
"""

from __future__ import annotations

import datetime as dt

from xinfang import clock
from xinfang.audit.models import Event
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import Review, ReviewLevel
from xinfang.petitions.models import OPEN_STATUSES, Petition, PetitionClass, Status

from .models import Routing
from .units import current_routing


def eligible_for_rating(petition: Petition) -> bool:
    """Whether the petitioner rates this matter: not an accusation, and not directed to a legal route."""
    return petition.petition_class != PetitionClass.ACCUSATION and not petition.legal_route


def object_window(petition: Petition, routing: Routing | None = None) -> dt.date:
    """The last day a unit may object to a transfer or assignment (5 working days from receipt)."""
    routing = routing or current_routing(petition)
    return deadline_rules.compute_due(Stage.OBJECT, clock.local_date(routing.sent_at)).due


def rating_window(petition: Petition, target: str) -> dt.date | None:
    """The last day the petitioner may rate ``target``; None when the petition is not eligible."""
    if not petition.reply_received_on or not eligible_for_rating(petition):
        return None
    row = petition.deadlines.filter(stage=Stage.RATING, rating_target=target).first()
    if row is not None:
        return row.due_on
    return deadline_rules.compute_due(Stage.RATING, petition.reply_received_on).due


def review_request_window(petition: Petition) -> dt.date | None:
    if not petition.reply_received_on:
        return None
    return deadline_rules.compute_due(Stage.REQUEST_REVIEW, petition.reply_received_on).due


def re_review_request_window(petition: Petition) -> dt.date | None:
    review = Review.objects.filter(petition=petition, level=ReviewLevel.REVIEW).first()
    if review is None or not review.received_on:
        return None
    return deadline_rules.compute_due(Stage.REQUEST_RE_REVIEW, review.received_on).due


def status_at(petition: Petition, at: dt.datetime) -> str:
    """The petition's state at a past instant, from its audit trail (the importer replays history later)."""
    last = (
        Event.objects.filter(petition=petition, at__lte=at)
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values_list("to_status", flat=True)
        .first()
    )
    return last or petition.status


def still_pending(earlier: Petition, day: dt.date, at: dt.datetime | None = None) -> bool:
    """Whether an earlier petition on the same matter is within its handling or review period (Art. 19(3)),
    judged at the moment of the decision (`at`), not today."""
    status = status_at(earlier, at) if at is not None else earlier.status
    if status in OPEN_STATUSES:
        return True
    try:
        if status == Status.CONCLUDED and earlier.reply_received_on:
            return day <= deadline_rules.compute_due(Stage.REQUEST_REVIEW, earlier.reply_received_on).due
        if status == Status.REVIEWED:
            review = Review.objects.filter(petition=earlier, level=ReviewLevel.REVIEW).first()
            if review is not None and review.received_on:
                return day <= deadline_rules.compute_due(Stage.REQUEST_RE_REVIEW, review.received_on).due
    except (LookupError, ValueError):
        return True
    return False
