"""What happens next to each generated demo petition, as a plan of workflow actions.

The generator leaves every petition `registered`. A plan says which actions a realistic history would
have taken since — route, accept, reply, deliver, rate, sometimes object, extend or appeal — each with
its time, acting unit and data, named as the exchange format's events (exchange-format.md) and the
workflow's transition table. Replaying a plan means calling `workflow.services.perform` for each action
in order; this module only plans, it changes
nothing. Plans are reproducible: each depends only on the seed, the petition and the reference time,
not on the order petitions are planned in. Actions after the reference time are left out, so old
petitions are mostly concluded and recent ones still open.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from xinfang import clock
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

from .data import county as data
from .data import replies

OPINIONS = {"support": 35, "explain": 45, "not_support": 20}
RATINGS = {"satisfied": 78, "basically_satisfied": 14, "dissatisfied": 8}
DELIVERY_METHODS = {"post": 40, "in_person": 25, "online": 20, "sms": 15}
# Actions after which a petition is closed to the same matter being declined as pending.
CLOSING_ACTIONS = {"conclude_on_spot", "direct_to_legal_route", "decline"}
REVIEW_REQUEST_DAYS = 30  # a replied matter stays "pending" while its review may still be requested


@dataclass(frozen=True)
class PlannedAction:
    action: str  # the exchange format's event name: transfer, assign, accept, reply, deliver, rate, ...
    at: dt.datetime
    by_unit: str | None  # code of the acting unit; None when the petitioner acts (rate, request_review)
    # The action's keys, as the workflow's transition table names them.
    data: dict = field(default_factory=dict)
    approver_role: str = ""  # a user of `by_unit` with this role approves it (the `approved_by` of extend)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Planner:
    def __init__(self, petition: Petition, route_unit: str | None, seed: int, now: dt.datetime):
        self.petition = petition
        self.route_unit = route_unit
        self.seed, self.now = seed, now
        self.rng = random.Random(f"{seed}:{petition.registration_number}")
        self.bureau = data.BUREAU
        self.at = petition.registered_at
        self.actions: list[PlannedAction] = []

    def later(self, low: float, high: float, *, working_hours: bool = True) -> dt.datetime:
        """Move the plan's time on by low..high days, into office hours on a working day if asked."""
        at = self.at + dt.timedelta(days=self.rng.uniform(low, high))
        if working_hours:
            day = clock.local_date(at)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            minute = self.rng.randint(9 * 60, 17 * 60)
            at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), clock.SHANGHAI)
        self.at = max(at, self.at + dt.timedelta(minutes=5))
        return self.at

    def add(self, action: str, at: dt.datetime, by_unit: str | None, approver_role: str = "", **data) -> None:
        self.actions.append(PlannedAction(action, at, by_unit, data, approver_role))

    def responsible_unit(self) -> str:
        petition = self.petition
        if petition.petition_class == PetitionClass.ACCUSATION:
            return data.DISCIPLINE  # never the accused unit (Arts. 30, 46)
        township = petition.issue_region_code[:9] if len(petition.issue_region_code) >= 9 else None
        if township and (self.route_unit is None or self.rng.random() < 0.5):
            return township  # 属地管理: township units carry their region's code
        return self.route_unit or data.BUREAU

    def plan(self) -> list[PlannedAction]:
        petition, rng = self.petition, self.rng
        direct_visit = petition.channel == Channel.VISIT and petition.source == Source.DIRECT
        if direct_visit and not petition.is_repeat and rng.random() < 0.12:
            outcome = rng.choice(list(replies.ON_SPOT_TEXTS))
            at = self.later(0.01, 0.05, working_hours=False)
            self.add(
                "conclude_on_spot", at, self.bureau, outcome=outcome, text=replies.ON_SPOT_TEXTS[outcome]
            )
            return self.actions
        if petition.category.path.startswith("涉法涉诉") and rng.random() < 0.5:
            at = self.later(1, 6)
            self.add(
                "direct_to_legal_route",
                at,
                self.bureau,
                legal_route=LegalRoute.LITIGATION.value,
                body=replies.LEGAL_ROUTE_BODY,
                text=replies.LEGAL_ROUTE_TEXT,
            )
            return self.actions
        if petition.is_repeat and rng.random() < 0.3:
            at = self.later(1, 10)
            if self.earlier_pending(clock.local_date(at)):
                reason = ClosedReason.SAME_MATTER_PENDING.value
                self.add("decline", at, self.bureau, reason=reason, text=replies.DECLINE_TEXT)
                return self.actions
        unit = self.route()
        if unit == self.bureau:
            self.add("handle_self", self.later(1, 8), self.bureau)
        else:
            unit = self.accept(unit)
        self.handle(unit)
        return self.actions

    def earlier_pending(self, day: dt.date) -> bool:
        """Whether the earlier petition is still being handled, or open to review, on `day` (Art. 19(3)):
        only then may the repeat be declined. Its own plan says how far it got."""
        earlier = self.petition.repeat_of
        done = _done(_Planner(earlier, self.route_unit, self.seed, self.now).plan(), self.now)
        if done and done[-1].action in CLOSING_ACTIONS:
            return False
        received = [a.data["received_on"] for a in done if "received_on" in a.data]
        if not received:
            return True  # not replied yet: still being handled
        return day <= dt.date.fromisoformat(received[-1]) + dt.timedelta(days=REVIEW_REQUEST_DAYS)

    def route(self) -> str:
        unit = self.responsible_unit()
        if unit == self.bureau:
            return unit
        late = self.rng.random() < 0.04  # a few routed after the 15 days (及时受理率 below 100%)
        at = self.later(16, 22) if late else self.later(0.5, 10)
        assign = self.petition.source_action == SourceAction.ASSIGN or self.rng.random() < 0.2
        if assign:
            self.add("assign", at, self.bureau, to_unit=unit, report_days=30)
        else:
            self.add("transfer", at, self.bureau, to_unit=unit)
        return unit

    def accept(self, unit: str) -> str:
        rng = self.rng
        if rng.random() < 0.03 and unit != data.DISCIPLINE:
            self.add("object", self.later(1, 5), unit, reason=replies.OBJECTION_REASON)
            fallback = self.route_unit if self.route_unit not in (None, unit) else data.BUREAU
            if fallback == self.bureau:
                self.add("handle_self", self.later(1, 4), self.bureau)
                return self.bureau
            self.add("transfer", self.later(1, 4), self.bureau, to_unit=fallback)
            unit = fallback
        late = rng.random() < 0.04
        self.add("accept", self.later(16, 25) if late else self.later(1, 12), unit)
        return unit

    def handle(self, unit: str) -> None:
        rng, accepted = self.rng, self.at
        roll = rng.random()
        if roll < 0.06:  # extended by 30 days, with the unit head's approval
            at = self.later(48, 58)
            self.add("extend", at, unit, "unit_leader", days=30, reason=replies.EXTENSION_REASON)
            self.at = accepted
            reply_at = self.later(62, 88)
        elif roll < 0.10:  # replied late, without an extension (按期办结率 below 100%)
            reply_at = self.later(62, 80)
        else:
            reply_at = self.later(7, 55)
        opinion = _weighted(rng, OPINIONS)
        self.add("reply", reply_at, unit, opinion=opinion, text=rng.choice(replies.REPLY_TEXTS[opinion]))
        method = _weighted(rng, DELIVERY_METHODS)
        deliver_at = self.later(0.2, 3)
        days_in_post = rng.randint(1, 4) if method == "post" else 0
        received_on = clock.local_date(deliver_at) + dt.timedelta(days=days_in_post)
        self.add("deliver", deliver_at, unit, method=method, received_on=received_on.isoformat())
        if self.petition.petition_class == PetitionClass.ACCUSATION or rng.random() > 0.85:
            return  # accusations are not rated; others may let the rating window pass
        self.at = max(self.at, dt.datetime.combine(received_on, dt.time(8), clock.SHANGHAI))
        rating = _weighted(rng, RATINGS)
        self.rate(self.later(0.5, 20, working_hours=False), "unit", rating)
        bureau_rating = rating if rng.random() < 0.8 else _weighted(rng, RATINGS)
        self.rate(self.later(0.0005, 0.002, working_hours=False), "bureau", bureau_rating)
        last_day = dt.datetime.combine(received_on, dt.time(20), clock.SHANGHAI) + dt.timedelta(
            days=REVIEW_REQUEST_DAYS - 2
        )
        if rating == "dissatisfied" and rng.random() < 0.35 and self.at < last_day:
            self.at += (last_day - self.at) * rng.uniform(0.1, 1)  # within the 30 days to ask for review
            self.add("request_review", self.at, None)
            # Review is by the unit one level up: the county bureau, or the city bureau for its own cases.
            reviewer = data.CITY_BUREAU if unit == self.bureau else self.bureau
            at = self.later(10, 29)
            received_on = clock.local_date(at) + dt.timedelta(days=rng.randint(0, 3))
            self.add(
                "review_opinion",
                at,
                reviewer,
                decision="uphold",
                text=replies.REVIEW_TEXT,
                received_on=received_on.isoformat(),
            )

    def rate(self, at: dt.datetime, target: str, rating: str) -> None:
        reason = {"reason": self.rng.choice(replies.DISSATISFIED_REASONS)} if rating == "dissatisfied" else {}
        self.add("rate", at, None, target=target, rating=rating, **reason)


def plan_for(
    petition: Petition, *, route_unit: str | None, seed: int, now: dt.datetime
) -> list[PlannedAction]:
    """The actions, up to `now`, that a realistic history of this registered petition would contain.

    `route_unit` is the code of the category's default responsible unit (CategoryRoute), if any.
    """
    return _done(_Planner(petition, route_unit, seed, now).plan(), now)


def _done(actions: list[PlannedAction], now: dt.datetime) -> list[PlannedAction]:
    """The actions taken by `now`: a notice still in the post is recorded as delivered when it arrives."""
    today = clock.local_date(now).isoformat()
    done = []
    for action in actions:
        if action.at > now or action.data.get("received_on", "") > today:
            break
        done.append(action)
    return done


def plans(seed: int, *, now: dt.datetime | None = None) -> Iterator[tuple[Petition, list[PlannedAction]]]:
    """Each registered petition of the demo county with its plan, oldest first, streamed in chunks."""
    now = now or clock.now()
    routes = dict(
        CategoryRoute.objects.filter(region__code=data.COUNTY_CODE).values_list("category_id", "unit__code")
    )
    petitions = (
        Petition.objects.filter(receiving_unit__code=data.BUREAU, status=Status.REGISTERED)
        .select_related("category", "repeat_of__category")
        .order_by("received_at", "pk")
    )
    for petition in petitions.iterator(chunk_size=2000):
        yield petition, plan_for(petition, route_unit=routes.get(petition.category_id), seed=seed, now=now)


def replay(seed: int, *, limit: int, now: dt.datetime | None = None) -> tuple[int, int]:
    """Drive about `limit` generated petitions, spread over the whole year, through their planned histories
    with the workflow service (so notices, deadlines and facts are real). Returns (petitions, actions)."""
    total = Petition.objects.filter(receiving_unit__code=data.BUREAU, status=Status.REGISTERED).count()
    if limit <= 0 or total == 0:
        return 0, 0
    step = max(1, -(-total // limit))  # every step-th petition, so recent months get histories too
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
    """One planned action through the workflow service, as its unit (or the petitioner) would take it;
    `units` maps unit codes to units."""
    actor = actors.UnitActor(units[action.by_unit]) if action.by_unit else actors.PetitionerActor("import")
    payload = dict(action.data)
    if "to_unit" in payload:
        payload["to_unit"] = units[payload["to_unit"]]
    if action.approver_role:
        payload["approved_by"] = actor
    services.perform(petition, action.action, actor, at=action.at, **payload)
