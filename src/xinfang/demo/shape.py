"""The shape of the demo bureau's months: how often each course is taken and how long each step waits.

The numbers are chosen so that the demo's figures fall where a working county bureau's do (the seeds'):
almost every petition routed within a few working days and accepted within days, replied well inside the
60 days, about four in five replies rated and most ratings satisfied, a share appealed, a handful late.
`plans` reads everything from here; the functions are pure, so the shape can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

# --- when petitions arrive ---------------------------------------------------------------------------------
DAYS_BACK = 456  # fifteen months of petitions: a year of concluded history and the months still running

# --- the course a petition takes -----------------------------------------------------------------------------
ON_SPOT_SHARE = 0.12  # first direct visits concluded on the spot (当场办结)
LEGAL_ROUTE_SHARE = 0.5  # litigation-related matters directed to the courts (导入法定途径)
REPEAT_DECLINE_SHARE = 0.3  # repeats declined while the earlier matter is still being handled
BUREAU_HANDLES_SHARE = (
    0.06  # matters the bureau handles itself (直接办理): explanations of policy, its own work
)
TOWNSHIP_SHARE = 0.5  # matters in a township that also have a category's unit: sent to the township (属地)
ASSIGN_SHARE = 0.2  # routings made as an assignment (交办) rather than a transfer (转送)
ASSIGN_REPORT_DAYS = 60  # the report the bureau asks of an assigned matter, in days
OBJECTION_SHARE = 0.03  # transfers the receiving unit objects to (异议), then routed again
EXTENSION_SHARE = 0.05  # transferred matters whose handling is extended by 30 days (延期)
EXTENSION_DAYS = 30
RE_REVIEW_SHARE = 0.3  # review opinions the petitioner takes further (请求复核)

# Late steps (及时受理率 and 按期办结率 below 100%): a step due in the last full month is late only at the
# bureau's routing (see `may_be_late`).
LATE_ROUTE_SHARE = 0.04
LATE_ACCEPT_SHARE = 0.02
LATE_REPLY_SHARE = 0.03

OPINIONS = {"support": 35, "explain": 45, "not_support": 20}
DELIVERY_METHODS = {"post": 40, "in_person": 25, "online": 20, "sms": 15}
RATED_SHARE = 0.85  # replies the petitioner rates (参评率 ~80%); accusations are never rated
RATINGS = {"satisfied": 64, "basically_satisfied": 20, "dissatisfied": 16}  # 满意率 ~84%
SAME_BUREAU_RATING_SHARE = 0.8  # the bureau rated as the unit was
REVIEW_REQUEST_SHARE = 0.35  # of the dissatisfied, those who ask for review (请求复查) in time

# --- how long each step waits ---------------------------------------------------------------------------------
# (low, high) working days after the step before, unless named calendar days.
ON_SPOT_DAYS = (0.01, 0.05)  # calendar: within the visit
LEGAL_ROUTE_WORKING_DAYS = (1, 5)
DECLINE_WORKING_DAYS = (1, 6)
ROUTE_WORKING_DAYS = (1, 5)  # the 15 days the bureau has are never nearly used
HANDLE_SELF_WORKING_DAYS = (1, 5)
OBJECT_WORKING_DAYS = (1, 4)  # within the 5 working days allowed
REROUTE_WORKING_DAYS = (1, 3)
ACCEPT_WORKING_DAYS = (1, 5)
REPLY_DAYS = (10, 50)  # calendar days after acceptance, inside the 60
REFERRED_REPLY_BY = 55  # calendar days after receipt: a matter assigned from above reports within its 60
EXTEND_DAYS = (45, 55)  # calendar days after acceptance, before the 60 run out
EXTENDED_REPLY_DAYS = (3, 25)  # calendar days past the original 60, inside the 30 more
LATE_BY_DAYS = (1, 12)  # calendar days past the due day, for a late accept or reply
LATE_ROUTE_BY_DAYS = (1, 25)  # the bureau's late routings: some still waiting on the supervision board
DELIVER_DAYS = (0.2, 3)  # calendar
POST_DAYS = (1, 4)  # a notice by post arrives this many days later
RATE_DAYS = (0.5, 20)  # calendar days after the notice arrived, inside the 30-day window
REVIEW_DAYS = (8, 25)  # calendar days from request to opinion, inside the 30
APPEAL_WINDOW_DAYS = 30  # to ask for review or re-review after receiving the opinion


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def chance(rng: random.Random, share: float) -> bool:
    return rng.random() < share


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month before `today`'s."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def may_be_late(due: dt.date, today: dt.date, *, bureau_route: bool = False) -> bool:
    """Whether a step due on `due` may be taken late.

    The last full month is the month a bureau's dashboards, bulletins and assessment open on; each unit
    there has only a few periods due, so one late step would put a township at 75% (3/4). Only the
    county bureau's routing, with a period for every petition received, carries its few late ones there;
    every other step due that month is taken in time."""
    first, last = last_full_month(today)
    return bureau_route or not first <= due <= last


def add_working_days(day: dt.date, days: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The working day `days` working days after `day` (0: `day` itself, or the next working day)."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    while days > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            days -= 1
    return day
