"""Where a petition stands for its petitioner: who is handling it, what is due by when, and which of their own
rights (rating, review, re-review) they may still use and until when.

The windows, the states each right may be used in and who takes part in rating are asked of the workflow
(``workflow.windows`` and the transition table) so the page and ``perform`` agree; ``perform`` still decides
when the petitioner acts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xinfang import clock
from xinfang.deadlines.services import is_on_time
from xinfang.evaluation.models import Rating, RatingTarget, Review, ReviewLevel
from xinfang.petitions.models import ClosedReason, LegalRoute, Petition, Status
from xinfang.workflow import windows
from xinfang.workflow.models import Deadline, DeadlineStatus
from xinfang.workflow.review_bodies import duty_unit_name, review_body
from xinfang.workflow.transitions import TABLE

from .timeline import DUTY_TEXT, status_text


@dataclass
class Duty:
    unit: str
    text: str
    due_on: dt.date
    provisional: bool
    overdue: bool


@dataclass
class Window:
    last_day: dt.date | None
    open: bool


@dataclass
class RatingTargetInfo:
    target: str
    label: str
    unit: str
    last_day: dt.date | None
    rating: Rating | None


@dataclass
class Progress:
    status: str
    handling_unit: str
    duty: Duty | None
    ratings: list[RatingTargetInfo] = field(default_factory=list)
    review: Window | None = None
    re_review: Window | None = None
    reviewing_unit: str = ""
    re_reviewing_unit: str = ""
    terminated: bool = False
    legal_route: str = ""

    @property
    def open_ratings(self) -> list[RatingTargetInfo]:
        today_open = [r for r in self.ratings if r.rating is None and r.last_day and _open(r.last_day)]
        return today_open

    @property
    def rating_last_day(self) -> dt.date | None:
        days = [r.last_day for r in self.open_ratings if r.last_day]
        return min(days) if days else None


def _open(last_day: dt.date | None) -> bool:
    return last_day is not None and is_on_time(clock.now(), last_day)


def current_duty(petition: Petition) -> Duty | None:
    rows = (
        Deadline.objects.filter(
            petition=petition, status=DeadlineStatus.OPEN, is_window=False, stage__in=list(DUTY_TEXT)
        )
        .select_related("unit")
        .order_by("due_on", "id")
    )
    row = rows.first()
    if row is None:
        return None
    return Duty(
        unit=duty_unit_name(row.stage, row.unit),
        text=DUTY_TEXT[row.stage],
        due_on=row.due_on,
        provisional=row.provisional,
        overdue=not is_on_time(clock.now(), row.due_on),
    )


def _handling_unit(petition: Petition) -> str:
    """Who has the case now: during a review or re-review, the body that reviews."""
    level = {Status.UNDER_REVIEW: ReviewLevel.REVIEW, Status.UNDER_RE_REVIEW: ReviewLevel.RE_REVIEW}.get(
        petition.status
    )
    body = review_body(petition, level) if level else None
    if body is not None:
        return body.name
    handling = petition.responsible_unit or petition.receiving_unit
    return handling.name


def _ratings(petition: Petition) -> list[RatingTargetInfo]:
    if not TABLE["rate"].allows_state(petition.status) or not windows.eligible_for_rating(petition):
        return []
    if not petition.reply_received_on:
        return []
    given = {r.target: r for r in Rating.objects.filter(petition=petition)}
    bureau = petition.receiving_unit.bureau() or petition.receiving_unit
    units = {RatingTarget.BUREAU: bureau, RatingTarget.UNIT: petition.responsible_unit}
    return [
        RatingTargetInfo(
            target=target,
            label=RatingTarget(target).label,
            unit=units[target].name if units[target] else "",
            last_day=windows.rating_window(petition, target),
            rating=given.get(target),
        )
        for target in (RatingTarget.BUREAU, RatingTarget.UNIT)
    ]


def progress(petition: Petition) -> Progress:
    info = Progress(
        status=status_text(petition),
        handling_unit=_handling_unit(petition) if petition.is_open else "",
        duty=current_duty(petition) if petition.is_open else None,
        ratings=_ratings(petition),
        terminated=petition.status == Status.TERMINATED
        or petition.closed_reason == ClosedReason.MATTER_TERMINATED,
        legal_route=LegalRoute(petition.legal_route).label if petition.legal_route else "",
    )
    if TABLE["request_review"].allows_state(petition.status) and petition.reply_received_on:
        last_day = windows.review_request_window(petition)
        info.review = Window(last_day, _open(last_day))
        body = review_body(petition, ReviewLevel.REVIEW)
        info.reviewing_unit = body.name if body else ""
    if (
        TABLE["request_re_review"].allows_state(petition.status)
        and Review.objects.filter(petition=petition, level=ReviewLevel.REVIEW).exists()
    ):
        last_day = windows.re_review_request_window(petition)
        info.re_review = Window(last_day, _open(last_day))
        body = review_body(petition, ReviewLevel.RE_REVIEW)
        info.re_reviewing_unit = body.name if body else ""
    return info
