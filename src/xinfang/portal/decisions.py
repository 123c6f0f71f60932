"""The decisions a petitioner reads on the case page: the handling opinion (处理意见) and the review and
re-review opinions, in their own words from the records (``workflow.Reply``, ``evaluation.Review``), so a phone
user reads what was decided before being asked to rate it or to appeal, without downloading the PDF.

For an accusation the accuser is shown the handling opinion only, as the timeline shows (Arts. 30, 46).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinfang.evaluation.models import Review, ReviewLevel
from xinfang.petitions.models import Petition, PetitionClass
from xinfang.workflow.models import Reply


@dataclass(frozen=True)
class Decision:
    title: str
    unit: str
    at: dt.datetime
    outcome: str
    text: str


def decisions(petition: Petition) -> list[Decision]:
    """Every opinion made on the petition, oldest first (the last is the one in force)."""
    shown = [
        Decision("处理意见", reply.unit.name, reply.replied_at, reply.get_opinion_display(), reply.text)
        for reply in Reply.objects.filter(petition=petition)
        .select_related("unit")
        .order_by("replied_at", "id")
    ]
    if petition.petition_class != PetitionClass.ACCUSATION:
        reviews = Review.objects.filter(petition=petition, decided_at__isnull=False).select_related("unit")
        for review in reviews.order_by("decided_at", "id"):
            title = "复核意见" if review.level == ReviewLevel.RE_REVIEW else "复查意见"
            shown.append(
                Decision(
                    title, review.unit.name, review.decided_at, review.get_decision_display(), review.text
                )
            )
    shown.sort(key=lambda decision: decision.at)
    return shown
