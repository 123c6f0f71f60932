"""The case-handling paragraph of seed 003_1d5151e49bbb53ef.txt (舞钢市信访局 2020年工作总结), rebuilt through the
workflow in the demo county 伏牛县 (seed_county.setup_county: its townships, one handler each):

    今年以来，现场协调群众来访案件共710起，立案交办144件，已办结114件，正在办理30件，来访事项及时受理率100%，按期办结率
    100%；…我市共受理群众来信来电短信及网上信访611件，到期应结439件，按期办结率100%。上三级交办信访事项143件，到期应办
    结127件，按期办结127件，按期办结率100%。

The period is 1 January to 30 November 2020, judged on 4 December. The real numbers, in four groups, each
registered with one ``register_many`` per group and every later step through ``perform`` at its own time:

* ``on_spot`` (710 visits to the bureau, January to November): concluded on the spot the same day;
* ``handed`` (144 visits to the bureau): 114 received March to July, transferred to a township the next day,
  accepted the day after, replied on time, delivered and rated (the bureau 满意, the township 基本满意); 30 received in early November, transferred and
  accepted, their handling period running into January 2021 (正在办理);
* ``letters`` (468 letters, calls, text messages and online matters brought to the townships): 312 received
  February to July, handled by the township (handle_self) and replied on time; 156 received in November and
  accepted, not yet due;
* ``referred`` (143 online matters assigned from above, 交办: 21 national, 52 province, 70 city, registered at
  the bureau): 127 received March to July, assigned on to a township (30 days to report), accepted, replied
  on time and delivered; 16 received in early November, assigned and accepted, not yet due. They are online
  matters, so they are also among the 611 letters, calls and online matters (468 + 143) and their 127 among
  the 439 due (312 + 127).

1,465 petitions and about 2,780 transitions.
"""

from __future__ import annotations

import datetime as dt
import itertools

from tests import factories as f
from xinfang import clock
from xinfang.petitions import services
from xinfang.petitions.models import Channel, Source, SourceAction
from xinfang.workflow.services import perform

from .seed_county import COUNTY, SeedCounty, setup_county

TODAY = dt.date(2020, 12, 4)
PERIOD = (dt.date(2020, 1, 1), dt.date(2020, 11, 30))
SUPPORT = {"opinion": "support", "text": "经核查，予以支持。"}
LETTER_CHANNELS = [Channel.LETTER, Channel.PHONE, Channel.ONLINE, Channel.SMS]

# The seed's sentences, the county's 我县 for the city's 我市.
VISITS_SENTENCE = (
    "现场协调群众来访案件共710起，立案交办144件，已办结114件，正在办理30件，来访事项及时受理率100%，按期办结率100%；"
    "纳入满意度评价来访事项中，信访部门、责任单位参评率均为100%；信访部门满意率为100%，责任单位满意率100%。"
)
LETTERS_SENTENCE = "我县共受理群众来信来电短信及网上信访611件，到期应结439件，按期办结率100%。"
REFERRED_SENTENCE = "上三级交办信访事项143件，到期应办结127件，按期办结127件，按期办结率100%。"


def moment(day: dt.date, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=clock.SHANGHAI) + dt.timedelta(minutes=minute % 480)


def later(day: dt.date, days: int) -> dt.datetime:
    return moment(day + dt.timedelta(days=days), 30)


class Builder:
    def __init__(self, seed: SeedCounty):
        self.seed = seed
        self.units = itertools.cycle(seed.townships)
        self.people = itertools.count(30000)

    def register(self, actors: list, rows: list[dict]) -> list:
        """One ``register_many`` for a group: each row's overrides, a new petitioner each."""
        registrations = [f.registration(parties=[f.person(next(self.people), COUNTY)], **row) for row in rows]
        outcomes = services.register_many(registrations, actors)
        refused = [o for o in outcomes if not isinstance(o, services.Registered)]
        assert not refused, refused[:3]
        return [o.petition for o in outcomes]

    def handler(self, unit):
        return self.seed.handlers[unit.pk]


def _visits(b: Builder, days: list[dt.date], units: list) -> list:
    rows = [
        {"channel": Channel.VISIT, "received_at": moment(d, i), "issue_region": u.region}
        for i, (d, u) in enumerate(zip(days, units, strict=True))
    ]
    return b.register([b.seed.registrar] * len(rows), rows)


def on_spot(b: Builder) -> list:
    days = [dt.date(2020, 1, 2) + dt.timedelta(days=i * 7 % 330) for i in range(710)]
    petitions = _visits(b, days, [next(b.units) for _ in days])
    for petition in petitions:
        at = petition.received_at + dt.timedelta(minutes=30)
        perform(petition, "conclude_on_spot", b.seed.registrar, at=at, text="当场解释政策，群众表示理解。")
    return petitions


def handed(b: Builder) -> list:
    days = [dt.date(2020, 3, 2) + dt.timedelta(days=i * 3 % 150) for i in range(114)]
    days += [dt.date(2020, 11, 2) + dt.timedelta(days=i % 4) for i in range(30)]
    units = [next(b.units) for _ in days]
    petitions = _visits(b, days, units)
    for i, (petition, day, unit) in enumerate(zip(petitions, days, units, strict=True)):
        handler = b.handler(unit)
        perform(petition, "transfer", b.seed.registrar, at=later(day, 1), to_unit=unit)
        perform(petition, "accept", handler, at=later(day, 2))
        if i < 114:
            perform(petition, "reply", handler, at=later(day, 30), **SUPPORT)
            received_on = (day + dt.timedelta(days=33)).isoformat()
            perform(petition, "deliver", handler, at=later(day, 33), method="post", received_on=received_on)
            for target, rating in (("bureau", "satisfied"), ("unit", "basically_satisfied")):
                b.seed.rate(petition, target, rating, (day + dt.timedelta(days=35)).isoformat())
    return petitions


def letters(b: Builder) -> list:
    days = [dt.date(2020, 2, 3) + dt.timedelta(days=i * 5 % 170) for i in range(312)]
    days += [dt.date(2020, 11, 2) + dt.timedelta(days=i % 10) for i in range(156)]
    units = [next(b.units) for _ in days]
    rows = [
        {"channel": LETTER_CHANNELS[i % 4], "received_at": moment(d, i), "issue_region": u.region}
        for i, (d, u) in enumerate(zip(days, units, strict=True))
    ]
    petitions = b.register([b.handler(u) for u in units], rows)
    for i, (petition, day, unit) in enumerate(zip(petitions, days, units, strict=True)):
        perform(petition, "handle_self", b.handler(unit), at=later(day, 1))
        if i < 312:
            perform(petition, "reply", b.handler(unit), at=later(day, 20), **SUPPORT)
    return petitions


# 21 national, 52 province, 70 city: of them 18, 45 and 64 due, 3, 7 and 6 received in November.
REFERRED_LEVELS = ["national"] * 18 + ["province"] * 45 + ["city"] * 64
REFERRED_LEVELS += ["national"] * 3 + ["province"] * 7 + ["city"] * 6


def referred(b: Builder) -> list:
    days = [dt.date(2020, 3, 2) + dt.timedelta(days=i * 2 % 140) for i in range(127)]
    days += [dt.date(2020, 11, 2) + dt.timedelta(days=i % 4) for i in range(16)]
    units = [next(b.units) for _ in days]
    rows = [
        {
            "channel": Channel.ONLINE,
            "received_at": moment(d, i),
            "issue_region": u.region,
            "source": Source.REFERRED_FROM_ABOVE,
            "source_level": level,
            "source_action": SourceAction.ASSIGN,
        }
        for i, (d, u, level) in enumerate(zip(days, units, REFERRED_LEVELS, strict=True))
    ]
    petitions = b.register([b.seed.registrar] * len(rows), rows)
    for i, (petition, day, unit) in enumerate(zip(petitions, days, units, strict=True)):
        handler = b.handler(unit)
        perform(petition, "assign", b.seed.registrar, at=later(day, 1), to_unit=unit, report_days=30)
        perform(petition, "accept", handler, at=later(day, 2))
        if i < 127:
            perform(petition, "reply", handler, at=later(day, 25), **SUPPORT)
            # An assigned result is delivered once the assigning bureau confirms it (process.md §3).
            perform(petition, "confirm_conclusion", b.seed.registrar, at=later(day, 26))
            received_on = (day + dt.timedelta(days=28)).isoformat()
            perform(petition, "deliver", handler, at=later(day, 28), method="post", received_on=received_on)
    return petitions


def build() -> SeedCounty:
    clock.set_source(lambda: dt.datetime.combine(TODAY, dt.time(18, 0), tzinfo=clock.SHANGHAI))
    seed = setup_county()
    b = Builder(seed)
    for name, group in (
        ("on_spot", on_spot),
        ("handed", handed),
        ("letters", letters),
        ("referred", referred),
    ):
        seed.groups[name] = group(b)
    return seed
