"""What happens next to each generated demo petition, as a plan of workflow actions.

The generator leaves every petition `registered`. A plan says which actions a realistic history would
have taken since — route, accept, reply, deliver, rate, sometimes object, extend or appeal — each with
its time, acting unit and data, named as the exchange format's events (exchange-format.md) and the
workflow's transition table; how often each course is taken and how long each step waits is `demo.shape`.
Replaying a plan (`replay`) calls `workflow.services.perform` for each action in order, with the clock at
the action's time, so the rows and audit events are the ones real use writes. Plans are reproducible: each depends only on the seed, the petition and the reference time,
not on the order petitions are planned in. Actions after the reference time are left out, so old
petitions are mostly concluded and recent ones still open.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet

from xinfang import clock
from xinfang.deadlines.models import Stage
from xinfang.deadlines.services import compute_due, get_rules
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import (
    CategoryRoute,
    Channel,
    ClosedReason,
    LegalRoute,
    Petition,
    PetitionClass,
    Source,
    SourceAction,
    Status,
)
from xinfang.workflow import actors, services

from . import shape
from .data import county as data
from .data import replies

# Actions after which a petition is closed to the same matter being declined as pending.
CLOSING_ACTIONS = {"conclude_on_spot", "direct_to_legal_route", "decline"}
TERMINATING_ACTION = "re_review_opinion"  # the re-review's opinion ends the matter (三级终结)
REVIEW_REQUEST_DAYS = shape.APPEAL_WINDOW_DAYS  # a replied matter stays "pending" while review may be asked
# Review is by the unit one level up from the one whose opinion is appealed (Arts. 35, 36).
UPPER_BUREAU = {data.BUREAU: data.CITY_BUREAU, data.CITY_BUREAU: data.PROVINCE_BUREAU}


@dataclass(frozen=True)
class PlannedAction:
    action: str  # the exchange format's event name: transfer, assign, accept, reply, deliver, rate, ...
    at: dt.datetime
    by_unit: str | None  # code of the acting unit; None when the petitioner acts (rate, request_review)
    # The action's keys, as the workflow's transition table names them.
    data: dict = field(default_factory=dict)
    approver_role: str = ""  # a user of `by_unit` with this role approves it (the `approved_by` of extend)


class _Planner:
    def __init__(self, petition: Petition, route_unit: str | None, seed: int, now: dt.datetime, rules):
        self.petition = petition
        self.route_unit = route_unit
        self.seed, self.now, self.rules = seed, now, rules
        self.today = clock.local_date(now)
        self.rng = random.Random(f"{seed}:{petition.registration_number}")
        self.bureau = data.BUREAU
        self.at = petition.registered_at
        self.actions: list[PlannedAction] = []

    # --- time ------------------------------------------------------------------------------------------
    def office_hours(self, day: dt.date) -> dt.datetime:
        minute = self.rng.randint(9 * 60, 17 * 60)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), clock.SHANGHAI)

    def move_to(self, at: dt.datetime) -> dt.datetime:
        self.at = max(at, self.at + dt.timedelta(minutes=5))
        return self.at

    def later(self, low: float, high: float, *, working_hours: bool = True) -> dt.datetime:
        """Move the plan's time on by low..high calendar days, into office hours on a working day if asked."""
        at = self.at + dt.timedelta(days=self.rng.uniform(low, high))
        if working_hours:
            at = self.office_hours(shape.add_working_days(clock.local_date(at), 0, self.is_workday))
        return self.move_to(at)

    def working(self, days: tuple[int, int], *, by: dt.date | None = None) -> dt.datetime:
        """Move on by a number of working days in `days`, in office hours; not past the day `by`."""
        day = shape.add_working_days(clock.local_date(self.at), self.rng.randint(*days), self.is_workday)
        if by is not None and day > by:
            day = max(by, clock.local_date(self.at))
        return self.move_to(self.office_hours(day))

    def past_due(self, due: dt.date, days: tuple[int, int]) -> dt.datetime:
        """A late step: `days` calendar days after the due day, on the next working day."""
        day = due + dt.timedelta(days=self.rng.randint(*days))
        return self.move_to(self.office_hours(shape.add_working_days(day, 0, self.is_workday)))

    def recorded_on(self, day: dt.date) -> dt.datetime:
        """A step recorded on `day` or the first working day after (never before the day it reports)."""
        return self.move_to(self.office_hours(shape.add_working_days(day, 0, self.is_workday)))

    def is_workday(self, day: dt.date) -> bool:
        return self.rules.calendar.is_workday(day)

    def due(self, stage: str, start: dt.datetime) -> dt.date:
        return compute_due(stage, clock.local_date(start), rules=self.rules).due

    def late(self, share: float, due: dt.date, *, bureau_route: bool = False) -> bool:
        return shape.chance(self.rng, share) and shape.may_be_late(due, self.today, bureau_route=bureau_route)

    def add(self, action: str, at: dt.datetime, by_unit: str | None, approver_role: str = "", **data) -> None:
        self.actions.append(PlannedAction(action, at, by_unit, data, approver_role))

    # --- the course ------------------------------------------------------------------------------------
    def responsible_unit(self) -> str:
        petition = self.petition
        if petition.petition_class == PetitionClass.ACCUSATION:
            return data.DISCIPLINE  # never the accused unit (Arts. 30, 46)
        if shape.chance(self.rng, shape.BUREAU_HANDLES_SHARE):
            return data.BUREAU
        township = petition.issue_region_code[:9] if len(petition.issue_region_code) >= 9 else None
        if township and (self.route_unit is None or shape.chance(self.rng, shape.TOWNSHIP_SHARE)):
            return township  # 属地管理: township units carry their region's code
        return self.route_unit or data.BUREAU

    def plan(self) -> list[PlannedAction]:
        petition, rng = self.petition, self.rng
        direct_visit = petition.channel == Channel.VISIT and petition.source == Source.DIRECT
        if direct_visit and not petition.is_repeat and shape.chance(rng, shape.ON_SPOT_SHARE):
            outcome = rng.choice(list(replies.ON_SPOT_TEXTS))
            at = self.later(*shape.ON_SPOT_DAYS, working_hours=False)
            self.add(
                "conclude_on_spot", at, self.bureau, outcome=outcome, text=replies.ON_SPOT_TEXTS[outcome]
            )
            return self.actions
        if petition.category.path.startswith("涉法涉诉") and shape.chance(rng, shape.LEGAL_ROUTE_SHARE):
            self.add(
                "direct_to_legal_route",
                self.working(shape.LEGAL_ROUTE_WORKING_DAYS),
                self.bureau,
                legal_route=LegalRoute.LITIGATION.value,
                body=replies.LEGAL_ROUTE_BODY,
                text=replies.LEGAL_ROUTE_TEXT,
            )
            return self.actions
        if petition.is_repeat and shape.chance(rng, shape.REPEAT_DECLINE_SHARE):
            at = self.working(shape.DECLINE_WORKING_DAYS)
            if self.earlier_pending(clock.local_date(at)):
                reason = ClosedReason.SAME_MATTER_PENDING.value
                self.add("decline", at, self.bureau, reason=reason, text=replies.DECLINE_TEXT)
                return self.actions
            self.at = petition.registered_at
        unit, assigned = self.route()
        if unit == self.bureau:
            self.add("handle_self", self.at, self.bureau)
        else:
            unit, assigned = self.accept(unit, assigned)
        self.handle(unit, extendable=not assigned and unit != self.bureau, assigned=assigned)
        return self.actions

    def earlier_pending(self, day: dt.date) -> bool:
        """Whether the earlier petition is still being handled, or open to review, on `day` (Art. 19(3)):
        only then may the repeat be declined. Its own plan says how far it got."""
        earlier = self.petition.repeat_of
        done = _done(_Planner(earlier, self.route_unit, self.seed, self.now, self.rules).plan(), self.now)
        if done and done[-1].action in CLOSING_ACTIONS:
            return False
        if any(a.action == TERMINATING_ACTION for a in done):
            return False  # 三级终结: nothing is pending any more (the deliveries and ratings after it aside)
        received = [a.data["received_on"] for a in done if "received_on" in a.data]
        if not received:
            return True  # not replied yet: still being handled
        return day <= dt.date.fromisoformat(received[-1]) + dt.timedelta(days=REVIEW_REQUEST_DAYS)

    def route(self) -> tuple[str, bool]:
        """The bureau's routing (分类处理), within its 15 days but for a few: (unit, whether assigned)."""
        unit = self.responsible_unit()
        due = self.due(Stage.ROUTE, self.petition.received_at)
        if self.late(shape.LATE_ROUTE_SHARE, due, bureau_route=True):
            self.past_due(due, shape.LATE_ROUTE_BY_DAYS)
        else:
            days = shape.HANDLE_SELF_WORKING_DAYS if unit == self.bureau else shape.ROUTE_WORKING_DAYS
            self.working(days, by=due)
        if unit == self.bureau:
            return unit, False
        from_above = self.petition.source_action == SourceAction.ASSIGN
        assign = from_above or shape.chance(self.rng, shape.ASSIGN_SHARE)
        if assign:
            self.add("assign", self.at, self.bureau, to_unit=unit, report_days=shape.ASSIGN_REPORT_DAYS)
        else:
            self.add("transfer", self.at, self.bureau, to_unit=unit)
        return unit, assign

    def accept(self, unit: str, assigned: bool) -> tuple[str, bool]:
        """The unit signs for the matter and accepts it within its 15 days, or objects and the bureau routes
        it again (transferring it: then it is no longer an assignment). Returns (unit, still assigned)."""
        rng = self.rng
        routed = self.at
        if unit != data.DISCIPLINE and shape.chance(rng, shape.OBJECTION_SHARE):
            self.add("object", self.working(shape.OBJECT_WORKING_DAYS), unit, reason=replies.OBJECTION_REASON)
            fallback = self.route_unit if self.route_unit not in (None, unit) else data.BUREAU
            if fallback == self.bureau:
                self.add("handle_self", self.working(shape.REROUTE_WORKING_DAYS), self.bureau)
                return self.bureau, False
            self.add("transfer", self.working(shape.REROUTE_WORKING_DAYS), self.bureau, to_unit=fallback)
            unit, routed, assigned = fallback, self.at, False
        due = self.due(Stage.ACCEPT, routed)
        if self.late(shape.LATE_ACCEPT_SHARE, due):
            at = self.past_due(due, shape.LATE_BY_DAYS)
        else:
            at = self.working(shape.ACCEPT_WORKING_DAYS, by=due)
        # Signed for a tenth of the way from routing to acceptance (no draw of its own, so every other
        # step keeps its place in the plan's random sequence): mostly within the working day, late when
        # the acceptance itself was late.
        self.actions.append(PlannedAction("sign_for", routed + (at - routed) / 10, unit))
        self.add("accept", at, unit)
        return unit, assigned

    def handle(self, unit: str, *, extendable: bool, assigned: bool = False) -> None:
        rng, accepted = self.rng, self.at
        due = self.due(Stage.HANDLE, accepted)
        if extendable and shape.chance(rng, shape.EXTENSION_SHARE):  # with the unit head's approval
            at = self.later(*shape.EXTEND_DAYS)
            self.add(
                "extend", at, unit, "unit_leader", days=shape.EXTENSION_DAYS, reason=replies.EXTENSION_REASON
            )
            reply_at = self.past_due(due, shape.EXTENDED_REPLY_DAYS)
        elif self.late(shape.LATE_REPLY_SHARE, due):
            reply_at = self.past_due(due, shape.LATE_BY_DAYS)
        else:
            by = due
            if self.petition.source_action == SourceAction.ASSIGN:  # the report owed upwards falls first
                received = clock.local_date(self.petition.received_at)
                by = min(by, received + dt.timedelta(days=shape.REFERRED_REPLY_BY))
            at = self.at + dt.timedelta(days=rng.uniform(*shape.REPLY_DAYS))
            day = min(shape.add_working_days(clock.local_date(at), 0, self.is_workday), by)
            reply_at = self.move_to(self.office_hours(max(day, clock.local_date(self.at))))
        opinion = shape.pick(rng, shape.OPINIONS)
        self.add("reply", reply_at, unit, opinion=opinion, text=rng.choice(replies.REPLY_TEXTS[opinion]))
        method = shape.pick(rng, shape.DELIVERY_METHODS)
        sent_at = self.later(*shape.DELIVER_DAYS)
        if assigned:  # the assigning bureau confirms the result before the unit delivers it (process.md §3)
            self.add("confirm_conclusion", reply_at + (sent_at - reply_at) / 2, self.bureau)
        days_in_post = rng.randint(*shape.POST_DAYS) if method == "post" else 0
        received_on = clock.local_date(sent_at) + dt.timedelta(days=days_in_post)
        # Delivery is recorded once the unit knows the day received (a return receipt comes back).
        deliver_at = self.recorded_on(received_on)
        self.add("deliver", deliver_at, unit, method=method, received_on=received_on.isoformat())
        if self.petition.petition_class == PetitionClass.ACCUSATION or not shape.chance(
            rng, shape.RATED_SHARE
        ):
            return  # accusations are not rated; others may let the rating window pass
        self.at = max(self.at, dt.datetime.combine(received_on, dt.time(8), clock.SHANGHAI))
        rating = shape.pick(rng, shape.RATINGS)
        self.rate(self.later(*shape.RATE_DAYS, working_hours=False), "unit", rating)
        same = shape.chance(rng, shape.SAME_BUREAU_RATING_SHARE)
        bureau_rating = rating if same else shape.pick(rng, shape.RATINGS)
        self.rate(self.later(0.0005, 0.002, working_hours=False), "bureau", bureau_rating)
        if rating == "dissatisfied" and shape.chance(rng, shape.REVIEW_REQUEST_SHARE):
            self.appeal(received_on, "request_review", "review_opinion", UPPER_BUREAU.get(unit, self.bureau))

    def appeal(self, received_on: dt.date, request: str, opinion: str, reviewer: str) -> None:
        """Review (or re-review) asked within the 30 days of receiving the opinion, and its opinion; a
        review opinion may in turn be taken to re-review by the unit above the reviewer."""
        rng = self.rng
        last_day = dt.datetime.combine(received_on, dt.time(20), clock.SHANGHAI) + dt.timedelta(
            days=shape.APPEAL_WINDOW_DAYS - 2
        )
        if self.at >= last_day:
            return
        self.at += (last_day - self.at) * rng.uniform(0.1, 1)
        self.add(request, self.at, None)
        at = self.later(*shape.REVIEW_DAYS)
        received_on = clock.local_date(at)  # handed over when made: the workflow dates receipt from it
        text = replies.REVIEW_TEXT if opinion == "review_opinion" else replies.RE_REVIEW_TEXT
        self.add(opinion, at, reviewer, decision="uphold", text=text, received_on=received_on.isoformat())
        upper = UPPER_BUREAU.get(reviewer)
        if opinion == "review_opinion" and upper and shape.chance(rng, shape.RE_REVIEW_SHARE):
            self.appeal(received_on, "request_re_review", "re_review_opinion", upper)

    def rate(self, at: dt.datetime, target: str, rating: str) -> None:
        reason = {"reason": self.rng.choice(replies.DISSATISFIED_REASONS)} if rating == "dissatisfied" else {}
        self.add("rate", at, None, target=target, rating=rating, **reason)


def plan_for(
    petition: Petition, *, route_unit: str | None, seed: int, now: dt.datetime, rules=None
) -> list[PlannedAction]:
    """The actions, up to `now`, that a realistic history of this registered petition would contain.

    `route_unit` is the code of the category's default responsible unit (CategoryRoute), if any; `rules`
    the deadline rules (calendar and periods) the steps are timed against.
    """
    return _done(_Planner(petition, route_unit, seed, now, rules or get_rules()).plan(), now)


def _done(actions: list[PlannedAction], now: dt.datetime) -> list[PlannedAction]:
    """The actions taken by `now`: a notice still in the post is recorded as delivered when it arrives."""
    today = clock.local_date(now).isoformat()
    done = []
    for action in actions:
        if action.at > now or action.data.get("received_on", "") > today:
            break
        done.append(action)
    return done


def _registered() -> QuerySet[Petition]:
    return Petition.objects.filter(receiving_unit__code=data.BUREAU, status=Status.REGISTERED)


def plans(seed: int, *, now: dt.datetime | None = None) -> Iterator[tuple[Petition, list[PlannedAction]]]:
    """Each registered petition of the demo county with its plan, oldest first, streamed in chunks."""
    now = now or clock.now()
    rules = get_rules()
    routes = dict(
        CategoryRoute.objects.filter(region__code=data.COUNTY_CODE).values_list("category_id", "unit__code")
    )
    petitions = _registered().select_related("category", "repeat_of__category").order_by("received_at", "pk")
    for petition in petitions.iterator(chunk_size=2000):
        route_unit = routes.get(petition.category_id)
        yield petition, plan_for(petition, route_unit=route_unit, seed=seed, now=now, rules=rules)


def replay(seed: int, *, limit: int | None = None, now: dt.datetime | None = None) -> tuple[int, int]:
    """Drive the generated petitions through their planned histories with the workflow service, each
    action at its own time, so every row and audit event is one real use writes: all of them, or about
    `limit` spread over the whole period (every n-th). Returns (petitions, actions)."""
    total = _registered().count()
    if total == 0 or (limit is not None and limit <= 0):
        return 0, 0
    step = 1 if limit is None else max(1, -(-total // limit))
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    petitions = actions_done = 0
    for index, (petition, actions) in enumerate(list(plans(seed, now=now))):
        if index % step:
            continue
        for action in actions:
            perform_planned(petition, action, units)
            actions_done += 1
        petitions += 1
    return petitions, actions_done


def perform_planned(petition: Petition, action: PlannedAction, units: dict) -> None:
    """One planned action through the workflow service, as its unit (or the petitioner) would take it,
    with the clock at the action's time (history mode); `units` maps unit codes to units."""
    actor = actors.UnitActor(units[action.by_unit]) if action.by_unit else actors.PetitionerActor("import")
    payload = dict(action.data)
    if "to_unit" in payload:
        payload["to_unit"] = units[payload["to_unit"]]
    if action.approver_role:
        payload["approved_by"] = actor
    with clock.frozen(action.at):
        services.perform(petition, action.action, actor, at=action.at, **payload)
