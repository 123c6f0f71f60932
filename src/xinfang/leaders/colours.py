"""Deadline colours (四色) for a 限期化解 outcome and an ownership's resolution deadline, by the same rule and
thresholds as the statutory deadlines (``deadlines.services.colour_for``)."""

from __future__ import annotations

import datetime as dt

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.petitions.models import Status

from .models import CaseOwnership, Outcome, SessionPetition

# A time-limited matter counts as settled once the petition has its reply (or was closed).
_UNSETTLED = {Status.REGISTERED, Status.TRANSFERRED, Status.ASSIGNED, Status.ACCEPTED}


def outcome_colour(link: SessionPetition, today: dt.date | None = None) -> str:
    if link.outcome != Outcome.TIME_LIMITED or link.outcome_due is None:
        return ""
    return deadline_rules.colour_for(
        link.outcome_due,
        concluded=link.petition.status not in _UNSETTLED,
        start=link.session.date,
        today=today or clock.today(),
    )


def ownership_colour(ownership: CaseOwnership, today: dt.date | None = None) -> str:
    return deadline_rules.colour_for(
        ownership.resolution_due,
        concluded=not ownership.is_open,
        start=clock.local_date(ownership.opened_at),
        today=today or clock.today(),
    )
