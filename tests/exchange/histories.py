"""Generated petitions with full, varied histories, made through the workflow as the UI makes them.

Registrars, handlers, unit heads and reviewers of the test county (tests/conftest.py, plus exchange's
``world``) register petitions and act on them with ``perform`` at chosen past times; petitioners rate and
appeal through the portal. One ``random.Random(seed)`` decides everything, so a seed gives the same
histories every run. Routes: transfer, assign, handle by the bureau, object and re-route, accept (ordinary
or simplified, and back), extend, reply, deliver, rate (portal or phone), review, hearing and re-review,
resolve, decline a repeat, direct to a legal route, conclude a visit on the spot; some stay open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from tests import factories as f
from xinfang import clock
from xinfang.petitions import services
from xinfang.petitions.models import Category, PartyRole, Petition, Status
from xinfang.workflow.actors import PetitionerActor
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import perform

FIRST_DAY = dt.date(2026, 1, 5)
LAST_DAY = dt.date(2026, 10, 31)
CATEGORIES = [
    "城乡建设/征收拆迁",
    "城乡建设/住房",
    "劳动和社会保障/拖欠工资",
    "农村农业/土地承包",
    "生态环境/环境污染",
]
OPINIONS = ["support", "explain", "not_support", "mediation_agreement"]
RATINGS = ["satisfied"] * 6 + ["basically_satisfied"] * 2 + ["dissatisfied"] * 3
METHODS = ["post", "in_person", "online", "sms"]


class Stop(Exception):
    """The history has reached the present: the rest has not happened yet."""


@dataclass
class Cast:
    registrar: object
    handlers: dict  # unit pk → a handler of that unit
    heads: dict  # unit pk → the unit head who approves extensions
    reviewers: dict  # unit pk → a reviewer of that unit
    phone_staff: object  # records ratings from phone follow-ups
    resolver: object


def cast(world) -> Cast:
    org, p, more = world.org, world.people, world.more
    return Cast(
        registrar=p.registrar,
        handlers={
            org.qingbo_unit.pk: p.township_handler,
            org.hubin_unit.pk: p.other_township_handler,
            org.housing.pk: p.department_handler,
            org.discipline.pk: p.discipline_handler,
            org.bureau.pk: p.bureau_handler,
        },
        heads={
            org.qingbo_unit.pk: p.township_leader,
            org.hubin_unit.pk: more.hubin_leader,
            org.housing.pk: p.department_leader,
            org.discipline.pk: more.discipline_leader,
            org.bureau.pk: p.bureau_leader,
        },
        reviewers={org.bureau.pk: p.reviewer, org.city_bureau.pk: more.city_reviewer},
        phone_staff=p.bureau_handler,
        resolver=p.bureau_leader,
    )


class _History:
    def __init__(self, generator: HistoryGenerator, petition: Petition):
        self.g, self.rng, self.petition = generator, generator.rng, petition
        self.t = petition.received_at
        self.assigned = False  # the current routing is an assignment: the bureau confirms its result

    def later(self, low: float, high: float, *, office: bool = True) -> dt.datetime:
        at = self.t + dt.timedelta(days=self.rng.uniform(low, high))
        if office:
            day = clock.local_date(at)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            minute = self.rng.randint(9 * 60, 17 * 60)
            at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), clock.SHANGHAI)
        self.t = max(at, self.t + dt.timedelta(minutes=1))
        return self.t

    def do(self, action: str, actor, at: dt.datetime, **data):
        if at > self.g.now:
            raise Stop
        perform(self.petition, action, actor, at=at, **data)
        self.g.counts[action] += 1

    def within(self, received_on: dt.date) -> dt.datetime | None:
        """A time for the petitioner's appeal, inside the 30 days from receipt, or None if they have passed."""
        last = dt.datetime.combine(received_on + dt.timedelta(days=29), dt.time(12), clock.SHANGHAI)
        previous = self.t
        at = min(self.later(0.5, 10, office=False), last)
        if at < previous:
            return None
        self.t = at
        return at

    def day_after(self, day: dt.date, low: int, high: int) -> dt.date:
        return min(day + dt.timedelta(days=self.rng.randint(low, high)), clock.local_date(self.g.now))

    # --- the paths ------------------------------------------------------------------------------------

    def run(self) -> None:
        petition, rng, c = self.petition, self.rng, self.g.cast
        roll = rng.random()
        if petition.channel == "visit" and not petition.is_repeat and roll < 0.08:
            at = self.t + dt.timedelta(minutes=rng.randint(20, 90))
            self.do(
                "conclude_on_spot",
                c.registrar,
                at,
                text="当场解释政策",
                outcome=rng.choice(["explained", "resolved"]),
            )
            return
        if roll < 0.13:
            self.do(
                "direct_to_legal_route",
                c.registrar,
                self.later(0.5, 6),
                legal_route=rng.choice(["litigation", "arbitration", "administrative"]),
                body="上城区人民法院",
                text="请通过法定途径解决",
            )
            return
        if petition.is_repeat and roll < 0.45 and self.decline():
            return
        unit = self.route()
        self.handle(unit)

    def decline(self) -> bool:
        earlier = self.petition.repeat_of
        reason = "matter_terminated" if earlier.status == Status.TERMINATED else "same_matter_pending"
        at = self.later(0.5, 5)
        try:
            self.do("decline", self.g.cast.registrar, at, reason=reason, text="同一事项")
        except TransitionRefused:
            return False  # the earlier matter is no longer pending: handle this one as new
        return True

    def route(self):
        org, rng, c = self.g.world.org, self.rng, self.g.cast
        if self.petition.petition_class == "accusation":
            unit = org.discipline
        else:
            unit = rng.choices(
                [org.qingbo_unit, org.hubin_unit, org.housing, org.bureau], weights=[30, 25, 30, 15]
            )[0]
        if unit == org.bureau:
            self.do("handle_self", c.registrar, self.later(0.3, 6), **self.track())
            return unit
        late = rng.random() < 0.05
        at = self.later(16, 19) if late else self.later(0.3, 8)
        if rng.random() < 0.25:
            report = (
                {"report_days": 30}
                if rng.random() < 0.5
                else {"report_due": (at + dt.timedelta(days=45)).date()}
            )
            self.do("assign", c.registrar, at, to_unit=unit, **report)
            self.assigned = True
        else:
            self.do("transfer", c.registrar, at, to_unit=unit)
        if unit != org.discipline and rng.random() < 0.06:
            self.do("object", c.handlers[unit.pk], self.later(0.5, 3), reason="不属于本单位职责")
            unit = org.housing if unit != org.housing else org.qingbo_unit
            self.do("transfer", c.registrar, self.later(0.5, 3), to_unit=unit)
            self.assigned = False
        late = rng.random() < 0.05
        self.do(
            "accept", c.handlers[unit.pk], self.later(16, 19) if late else self.later(0.5, 10), **self.track()
        )
        return unit

    def track(self) -> dict:
        petition = self.petition
        if self.rng.random() < 0.15:
            if petition.petition_class == "suggestion":
                return {"track": "simplified", "ground": "consultation"}
            if not petition.is_repeat:
                return {"track": "simplified", "ground": "clear_and_simple"}
        return {}

    def handle(self, unit) -> None:
        rng, c, petition = self.rng, self.g.cast, self.petition
        handler = c.handlers[unit.pk]
        accepted = self.t
        if rng.random() < 0.06:
            return  # still being handled
        if petition.track == "simplified" and rng.random() < 0.25:
            self.do("switch_to_ordinary", handler, self.later(1, 4), reason="情况复杂，转为普通程序")
        if petition.track == "simplified":
            reply_at = self.later(1, 9)
        elif rng.random() < 0.1:
            self.t = max(self.t, accepted + dt.timedelta(days=rng.uniform(40, 55)))
            self.do(
                "extend",
                handler,
                self.later(0, 1),
                days=rng.choice([15, 30]),
                reason="需要多部门会商",
                # an assigned matter's extension is approved by the assigning bureau (process.md §3)
                approved_by=c.heads[self.g.world.org.bureau.pk if self.assigned else unit.pk],
            )
            reply_at = self.later(5, 30)
        elif rng.random() < 0.08:
            self.t = max(self.t, accepted + dt.timedelta(days=62))
            reply_at = self.later(0, 12)  # replied late, without an extension
        else:
            reply_at = self.later(3, 50)
        form = "phone" if petition.track == "simplified" and rng.random() < 0.4 else "written"
        self.do(
            "reply", handler, reply_at, opinion=rng.choice(OPINIONS), text="经调查核实，答复如下。", form=form
        )
        if self.assigned:  # the assigning bureau confirms the result first; no draw, so the rest stays put
            self.t += dt.timedelta(minutes=30)
            self.do("confirm_conclusion", c.phone_staff, self.t)
        deliver_at = self.later(0.1, 2)
        received_on = self.day_after(clock.local_date(deliver_at), 0, 3)
        self.do("deliver", handler, deliver_at, method=rng.choice(METHODS), received_on=received_on)
        if petition.petition_class != "accusation":
            self.rate(received_on)
        if rng.random() < 0.08:
            self.do("resolve", c.resolver, self.later(1, 10), text="矛盾已化解")

    def rate(self, received_on: dt.date) -> None:
        rng, c = self.rng, self.g.cast
        self.t = max(self.t, dt.datetime.combine(received_on, dt.time(8), clock.SHANGHAI))
        dissatisfied = False
        for target in ("unit", "bureau"):
            if rng.random() < 0.15:
                continue  # the window passes unrated
            rating = rng.choice(RATINGS)
            data = {"target": target, "rating": rating}
            if rating == "dissatisfied":
                data["reason"] = "处理结果未解决实际问题"
                dissatisfied = dissatisfied or target == "unit"
            at = self.later(0.2, 12, office=False)
            if rng.random() < 0.6:
                self.do("rate", PetitionerActor(via="portal"), at, **data)
            else:
                self.do("rate", c.phone_staff, at, via="phone", **data)
        if dissatisfied and rng.random() < 0.7:
            self.review(received_on)

    def review(self, received_on: dt.date) -> None:
        rng, c, petition = self.rng, self.g.cast, self.petition
        at = self.within(received_on)
        if at is None:
            return  # the review window passed
        self.do("request_review", PetitionerActor(via="portal"), at, text="不服处理意见")
        reviewing = petition.responsible_unit.parent
        at = self.later(5, 28)
        opinion_on = self.day_after(clock.local_date(at), 0, 2)
        self.do(
            "review_opinion",
            c.reviewers[reviewing.pk],
            at,
            decision=rng.choice(["uphold", "change"]),
            text="复查意见",
            received_on=opinion_on,
        )
        if reviewing.parent is None or rng.random() < 0.4:
            return
        re_reviewer = c.reviewers[reviewing.parent.pk]
        self.t = max(self.t, dt.datetime.combine(opinion_on, dt.time(8), clock.SHANGHAI))
        at = self.within(opinion_on)
        if at is None:
            return
        self.do("request_re_review", PetitionerActor(via="portal"), at)
        hearing = {}
        if rng.random() < 0.4:
            self.do(
                "record_hearing",
                re_reviewer,
                self.later(2, 8),
                hearing_days=rng.randint(2, 6),
                text="举行听证",
            )
            if rng.random() < 0.5:
                hearing = {"hearing_days": rng.randint(1, 3)}
        at = self.later(5, 25)
        self.do(
            "re_review_opinion",
            re_reviewer,
            at,
            decision="uphold",
            text="复核意见",
            received_on=self.day_after(clock.local_date(at), 0, 2),
            **hearing,
        )


class HistoryGenerator:
    def __init__(self, world, seed: int):
        self.world, self.now = world, world.now
        self.rng = random.Random(seed)
        self.cast = cast(world)
        self.counts: Counter[str] = Counter()
        self.categories = {path: Category.objects.get(path=path) for path in [*CATEGORIES, "纪检监察"]}
        org = world.org
        self.regions = [org.qingbo, org.hubin]
        self.people: list[services.PartyInput] = []
        self.petitions: list[Petition] = []

    def received_times(self, count: int) -> list[dt.datetime]:
        span = (LAST_DAY - FIRST_DAY).days
        times = []
        for _ in range(count):
            day = FIRST_DAY + dt.timedelta(days=self.rng.randrange(span))
            minute = self.rng.randint(8 * 60 + 30, 16 * 60)
            times.append(dt.datetime.combine(day, dt.time(minute // 60, minute % 60), clock.SHANGHAI))
        return sorted(times)

    def person(self) -> services.PartyInput:
        n = len(self.people) + 1
        party = f.person(20000 + n)
        if self.rng.random() < 0.1:
            party.id_number = ""  # known by name and phone only
        if self.rng.random() < 0.3:
            party.address = ""
        self.people.append(party)
        return party

    def register(self, received_at: dt.datetime) -> Petition:
        rng, org = self.rng, self.world.org
        repeat_of = self.rng.choice(self.petitions) if self.petitions and rng.random() < 0.12 else None
        channel = rng.choices(["letter", "visit", "online", "phone"], weights=[25, 35, 30, 10])[0]
        petition_class = rng.choices(["claim", "suggestion", "accusation"], weights=[75, 15, 10])[0]
        parties, person_count = [], None
        if repeat_of is not None:
            principal = repeat_of.parties.order_by("position", "pk").first().petitioner
            parties.append(services.PartyInput(principal.name, principal.id_number or "", principal.phone))
        else:
            parties.append(self.person())
        if channel == "visit" and rng.random() < 0.1:
            person_count = rng.randint(5, 12)
            for _ in range(rng.randint(1, 3)):
                party = self.person()
                party.role = PartyRole.REPRESENTATIVE
                parties.append(party)
            parties[0].role = PartyRole.REPRESENTATIVE
        elif rng.random() < 0.1:
            co = self.person()
            co.role = PartyRole.CO_PETITIONER
            parties.append(co)
        registration = services.Registration(
            channel=channel,
            received_at=received_at,
            petition_class=petition_class,
            category=self.categories[
                "纪检监察" if petition_class == "accusation" else rng.choice(CATEGORIES)
            ],
            issue_region=rng.choice(self.regions),
            summary=f"反映第{len(self.petitions) + 1}件事项",
            content="诉求内容、事实和理由。" * rng.randint(1, 4),
            parties=parties,
            person_count=person_count,
            visit_level=rng.choice(["county", "county", "city"]) if channel == "visit" else "",
            subject_unit=org.housing if petition_class == "accusation" and rng.random() < 0.5 else None,
            subject_person="某某" if petition_class == "accusation" and rng.random() < 0.3 else "",
            repeat_of=repeat_of,
            identity_confidential=rng.random() < 0.05,
            source=rng.choices(["direct", "referred_from_above"], weights=[85, 15])[0],
        )
        if registration.source == "referred_from_above":
            registration.source_level = rng.choice(["province", "city"])
            registration.source_action = "transfer"
        return services.register(registration, self.cast.registrar).petition

    def generate(self, count: int) -> list[Petition]:
        for received_at in self.received_times(count):
            petition = self.register(received_at)
            with contextlib.suppress(Stop):
                _History(self, petition).run()
            self.petitions.append(petition)
        return self.petitions


def generate(world, count: int, seed: int = 20260301) -> HistoryGenerator:
    """``count`` petitions received through 2026, each with its history up to ``world.now``."""
    generator = HistoryGenerator(world, seed)
    generator.generate(count)
    return generator
