"""The county of seed 000_02ed8585ba51de4f.txt (县信访局工作汇报, 2021年9月6日), rebuilt through the workflow.

The seed reports for 2021年1月至8月: 全县责任单位及时受理率为98.93%（共受理280案，及时受理277案），按期答复率为
99.35%（共307案，按期答复305案），信访部门参评率82.32%，满意率78.28%，责任部门参评率81.54%，满意率77.44%.

The smallest counts that give those percentages (rounded half up) are 419 rated of 509 and 328 satisfied of
419 for the bureau, and 1126 rated of 1381 and 872 satisfied of 1126 for the responsible units; so at least
1381 petitions must reach a delivered reply. They are built in groups, every step through `perform`, each at
its own time, in the demo county 伏牛县 (the township of each petition taken in turn):

* ``acceptance``: 280 transferred in March 2021 (acceptance due in March): 277 accepted on time, 2 late, one
  never accepted; all but that one replied on time (handling due in May), not delivered.
* ``handling``: 28 accepted in December 2020 (handling due 1 February 2021): 25 replied on time, one extended
  by 30 days and replied within the extension, one replied late, one never replied.
* ``rated_both`` (254), ``bureau_only`` (165), ``expired`` (90): brought to the townships directly in
  October 2020 and handled by them (handle_self; handling due in 2020), replies received on 10 December,
  rating windows closing in January 2021; rated on 5 January as the group says, the rest left to expire.
* ``unit_only`` (872): brought to the townships on 17 August 2021 (their written notice due in September),
  replies received on 23 August, the township rated on 25 August; the bureau's window runs to late
  September, outside the period, unrated.

The rating groups go to the townships directly (one transition fewer than a transfer and acceptance): the
bureau's rating window is the township's bureau's, as for every petition. Building the 1,709 petitions
takes about 9,000 transitions; on an idle machine about a minute and a half.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import xinfang.demo.data as demo_data
from tests import factories as f
from tests.conftest import module_rows, silence
from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.orgs.importer import import_orgs
from xinfang.orgs.models import OrgUnit, Role, UnitKind
from xinfang.workflow import hooks
from xinfang.workflow.services import perform

TODAY = dt.date(2021, 9, 6)
PERIOD = (dt.date(2021, 1, 1), dt.date(2021, 8, 31))
COUNTY = "411331"
BUREAU = "411331-XFJ"

EXPECTED = {
    "timely_acceptance": {"numerator": 277, "denominator": 280, "percent": 98.93},
    "on_time_conclusion": {"numerator": 305, "denominator": 307, "percent": 99.35},
    "participation": {
        "bureau": {"numerator": 419, "denominator": 509, "percent": 82.32},
        "unit": {"numerator": 1126, "denominator": 1381, "percent": 81.54},
    },
    "satisfaction": {
        "bureau": {"numerator": 328, "denominator": 419, "percent": 78.28},
        "unit": {"numerator": 872, "denominator": 1126, "percent": 77.44},
    },
}
THREE_RATES_SENTENCE = (
    "全县责任单位及时受理率为98.93%（共受理280案，及时受理277案），按期答复率为99.35%（共307案，按期答复305案），"
    "信访部门参评率82.32%，满意率78.28%，责任部门参评率81.54%，满意率77.44%。"
)


def at(text: str, minute: int = 0) -> dt.datetime:
    day = dt.datetime.fromisoformat(text if len(text) > 10 else f"{text} 08:00")
    return (day + dt.timedelta(minutes=minute)).replace(tzinfo=clock.SHANGHAI)


@dataclass
class SeedCounty:
    registrar: object
    townships: list[OrgUnit]
    handlers: dict[int, object]
    leaders: dict[int, object]
    groups: dict[str, list] = field(default_factory=dict)
    _people: itertools.count = field(default_factory=lambda: itertools.count(20000))

    def register(self, received: dt.datetime, unit: OrgUnit):
        return f.register(
            self.registrar,
            received_at=received,
            issue_region=unit.region,
            parties=[f.person(next(self._people), COUNTY)],
        )

    def route(self, received: dt.datetime, transfer: str, unit: OrgUnit):
        petition = self.register(received, unit)
        perform(petition, "transfer", self.registrar, at=at(transfer), to_unit=unit)
        return petition

    def accepted(self, received: dt.datetime, transfer: str, accept: str, unit: OrgUnit):
        petition = self.route(received, transfer, unit)
        perform(petition, "accept", self.handlers[unit.pk], at=at(accept))
        return petition

    def replied(self, received, transfer, accept, reply, unit):
        petition = self.accepted(received, transfer, accept, unit)
        perform(
            petition,
            "reply",
            self.handlers[unit.pk],
            at=at(reply),
            opinion="support",
            text="经核查，予以支持。",
        )
        return petition

    def handled_directly(
        self, received: dt.datetime, handle: str, reply: str, received_on: str, unit: OrgUnit
    ):
        """Brought to the township itself, which handles it (受理直接提出的信访事项), replies and delivers."""
        handler = self.handlers[unit.pk]
        petition = f.register(
            handler,
            received_at=received,
            issue_region=unit.region,
            parties=[f.person(next(self._people), COUNTY)],
        )
        perform(petition, "handle_self", handler, at=at(handle))
        perform(petition, "reply", handler, at=at(reply), opinion="support", text="经核查，予以支持。")
        perform(petition, "deliver", handler, at=at(received_on), method="post", received_on=received_on)
        return petition

    def rate(self, petition, target: str, rating: str, when: str):
        data = {"reason": "诉求未解决"} if rating == "dissatisfied" else {}
        perform(petition, "rate", self.registrar, at=at(when), target=target, rating=rating, **data)


def _satisfied(i: int) -> str:
    return "satisfied" if i % 3 else "basically_satisfied"


def setup_county() -> SeedCounty:
    """The demo county's organisations (from the shipped JSONL) and one registrar, handler and leader per
    township."""
    orgs = Path(demo_data.__file__).with_name("demo_orgs.jsonl").read_text(encoding="utf-8").splitlines()
    result = import_orgs(orgs)
    assert not result.rejected, result.rejected
    bureau = OrgUnit.objects.get(code=BUREAU)
    townships = list(
        OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, region__code__startswith=COUNTY).order_by("code")
    )
    seed = SeedCounty(
        registrar=f.UserFactory(username="seed_registrar", unit=bureau, roles=[Role.REGISTRAR, Role.HANDLER]),
        townships=townships,
        handlers={
            u.pk: f.UserFactory(username=f"seed_h_{u.code}", unit=u, roles=[Role.HANDLER, Role.REGISTRAR])
            for u in townships
        },
        leaders={
            u.pk: f.UserFactory(username=f"seed_l_{u.code}", unit=u, roles=[Role.UNIT_LEADER])
            for u in townships
        },
    )
    return seed


def build() -> SeedCounty:
    clock.set_source(lambda: dt.datetime.combine(TODAY, dt.time(18, 0), tzinfo=clock.SHANGHAI))
    seed = setup_county()
    townships = seed.townships
    unit_of = itertools.cycle(townships)

    # Acceptance due in March 2021 (transferred 2 March: due 17 March); handling due in May.
    group = seed.groups["acceptance"] = []
    for i in range(280):
        unit, received = next(unit_of), at("2021-03-01", i)
        if i < 277:
            group.append(seed.replied(received, "2021-03-02", "2021-03-04", "2021-04-20", unit))
        elif i < 279:
            group.append(
                seed.replied(received, "2021-03-02", "2021-03-22", "2021-05-10", unit)
            )  # accepted late
        else:
            group.append(seed.route(received, "2021-03-02", unit))  # never accepted

    # Handling due 1 February 2021, acceptance in December 2020.
    group = seed.groups["handling"] = []
    for i in range(28):
        unit, received = next(unit_of), at("2020-12-01", i)
        petition = seed.accepted(received, "2020-12-02", "2020-12-03", unit)
        handler = seed.handlers[unit.pk]
        if i == 25:
            perform(
                petition,
                "extend",
                handler,
                at=at("2021-01-25"),
                days=30,
                reason="需补充调查",
                approved_by=seed.leaders[unit.pk].pk,
            )
            perform(petition, "reply", handler, at=at("2021-02-20"), opinion="explain", text="解释说明。")
        elif i == 26:
            perform(
                petition, "reply", handler, at=at("2021-02-10"), opinion="explain", text="解释说明。"
            )  # late
        elif i < 25:
            perform(petition, "reply", handler, at=at("2021-01-20"), opinion="support", text="予以支持。")
        group.append(petition)  # i == 27: never replied

    # Rating windows closing in January 2021 (replies received 10 December 2020).
    def december(n: int, name: str):
        seed.groups[name] = [
            seed.handled_directly(
                at("2020-10-10", i), "2020-10-13", "2020-12-01", "2020-12-10", next(unit_of)
            )
            for i in range(n)
        ]

    december(254, "rated_both")
    for i, petition in enumerate(seed.groups["rated_both"]):
        seed.rate(petition, "unit", "satisfied" if i < 172 else "dissatisfied", "2021-01-05")
        seed.rate(petition, "bureau", _satisfied(i) if i < 163 else "dissatisfied", "2021-01-05")
    december(165, "bureau_only")
    for i, petition in enumerate(seed.groups["bureau_only"]):
        seed.rate(petition, "bureau", _satisfied(i), "2021-01-05")
    december(90, "expired")

    # The responsible unit rated in August; the bureau's window closes after the period.
    seed.groups["unit_only"] = []
    for i in range(872):
        petition = seed.handled_directly(
            at("2021-08-17", i), "2021-08-19", "2021-08-20", "2021-08-23", next(unit_of)
        )
        seed.rate(petition, "unit", _satisfied(i) if i < 700 else "dissatisfied", "2021-08-25")
        seed.groups["unit_only"].append(petition)
    return seed


def seed_fixtures(build: Callable[[], SeedCounty], today: dt.date):
    """A seed test module's two fixtures: ``seed``, the rows ``build`` makes once for the module (no notices,
    no hand-over messages), and the clock standing on the seed's day for every test. Assign both in the
    module: ``seed, _seed_day = seed_fixtures(build, TODAY)``."""

    def seed():
        with pytest.MonkeyPatch.context() as patch:
            silence(patch)
            patch.setattr(hooks, "after_transition", [])
            deadline_rules.clear_cache()
            yield build()
            deadline_rules.clear_cache()
            clock.reset()

    @pytest.fixture(autouse=True)
    def _seed_day():
        clock.set_source(lambda: dt.datetime.combine(today, dt.time(18, 0), tzinfo=clock.SHANGHAI))

    return module_rows(seed), _seed_day
