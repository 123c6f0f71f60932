"""Realistic demo petitions for the demo county, registered as a registrar would register them.

The generator draws, for each petition, what a registrar would be told — channel, time received, how the
matter came (direct, or transferred or assigned from above), its text from a template of its category, its
petitioners (collective visits with their representatives, joint letters, repeats of an earlier matter by the
same person) — and registers it through `petitions.services.register_many`, in chunks of `CHUNK_SIZE`
petitions. So the rows are exactly the rows a real registration writes: registration numbers continuing
`RegistrationSequence`, petitioners matched on file or made (`create_petitioner`, `update_petitioner`), the
parties (`add_party`), the `register` event, and what the other apps start through `petitions.hooks` (the
workflow's deadlines, the search documents). Only two things are the demo's own: each petition is registered
some minutes or hours after it was received (`Registration.registered_at`), and its query code is
reproducible from the seed (`demo_query_code`). Every generated petition is left `registered`;
`demo.plans` says what later happens to each one, for the workflow service to replay.

The output depends only on the seed, the reference date (`clock.today()`) and the database's prior
content: one `random.Random(seed)` is drawn from in a fixed order, petitions in the order received, whatever
the chunk size.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
import random
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.orgs.models import Level, OrgUnit, Region
from xinfang.petitions import services
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import (
    COLLECTIVE_MIN_PERSONS,
    ONLINE_CHANNELS,
    Category,
    Channel,
    PartyRole,
    Petition,
    Petitioner,
    Source,
)
from xinfang.petitions.services import PartyInput, Registration

from .data import fillers, mix, names
from .data import petitions as texts
from .draws import (
    ID_REGIONS,
    ISSUE_AT,
    SOURCE_ACTIONS,
    SOURCE_LEVELS,
    SOURCES,
    SURNAMES,
    received_times,
)
from .places import County, Place, load_county
from .slots import Slots

CHUNK_SIZE = 2000  # registrations written together, in one call of register_many


@dataclass
class Matter:
    """What a petition is about. A first individual claim may be raised again by its petitioner (重复信访):
    such matters are kept, with the person and the latest case on them, for repeats to link to."""

    category: Category
    issue_region: Region
    petition_class: str
    summary: str
    content: str
    subject_unit: OrgUnit | None = None
    subject_person: str = ""
    may_repeat: bool = False
    person: PartyInput | None = None
    place: Place | None = None
    received_at: dt.datetime | None = None
    latest: Case | None = None


@dataclass
class Case:
    """One petition being generated: what the registrar is told, and what it became once registered."""

    county: County
    received_at: dt.datetime
    channel: str
    place: Place
    principal: PartyInput | None = None
    person_count: int = 1
    department: OrgUnit | None = None
    parties: list[tuple[PartyInput, str]] = field(default_factory=list)
    registration: Registration | None = None
    repeats: Case | None = None  # the latest earlier case on the same matter, when this one is a repeat
    petition_pk: int | None = None  # once registered


@dataclass
class Generated:
    petitions: int = 0
    petitioners: int = 0
    collective: int = 0
    repeats: int = 0
    referred: int = 0
    online: int = 0
    confidential: int = 0
    seconds: float = 0.0
    first_number: str = ""
    last_number: str = ""

    @property
    def summary(self) -> str:
        share = self.online / self.petitions if self.petitions else 0
        return (
            f"生成信访事项{self.petitions}件（{self.first_number} 至 {self.last_number}），新建信访人{self.petitioners}人；"
            f"其中网上信访{self.online}件（{share:.1%}），集体访{self.collective}批，重复信访{self.repeats}件，"
            f"上级转送交办{self.referred}件，要求身份保密{self.confidential}件。用时{self.seconds:.1f}秒。"
        )


def demo_query_code(seed: int, registration_number: str) -> str:
    """The query code of a generated petition: reproducible from the seed, so a demo can print one."""
    digest = hashlib.sha256(f"xinfang-demo:{seed}:{registration_number}".encode()).digest()
    alphabet = services.QUERY_CODE_ALPHABET  # 32 symbols: a byte modulo 32 is unbiased
    return "".join(alphabet[b % len(alphabet)] for b in digest[: services.QUERY_CODE_LENGTH])


class Generator:
    def __init__(self, county: County, rng: random.Random, seed: int, now: dt.datetime):
        self.county, self.rng, self.seed, self.now = county, rng, seed, now
        self.used_ids: set[str] = set()
        # ID numbers on file, with their names: a number drawn for someone else is moved on, as registration
        # refuses an ID number on file under another name.
        self.names_on_file: dict[str, str] = dict(
            Petitioner.objects.exclude(id_number=None).values_list("id_number", "name")
        )
        self.matters: list[Matter] = []
        self.matter_times: list[dt.datetime] = []
        self.matters_from = 0  # matters before this index are too old to be repeated
        self.stats = Generated()

    # --- people -----------------------------------------------------------------------------------
    def new_person(self, at: dt.datetime, place: Place, *, with_id: bool = True, with_phone: bool = True):
        rng = self.rng
        male = rng.random() < 0.55
        age = int(rng.triangular(19, 86, 50))
        birth = dt.date(at.year - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if birth.year < 1975:
            given = names.MALE_OLDER if male else names.FEMALE_OLDER
        else:
            given = names.MALE_YOUNGER if male else names.FEMALE_YOUNGER
        if with_id:
            region_code = ID_REGIONS.pick(rng)
            sequence = rng.randrange(500) * 2 + male  # GB 11643: odd sequence for men, even for women
        phone = f"{rng.choice(names.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}" if with_phone else ""
        name = SURNAMES.pick(rng) + rng.choice(given)
        id_number = ""
        if with_id:
            id_number = make_id_number(region_code, birth, sequence)
            while id_number in self.used_ids or self.names_on_file.get(id_number, name) != name:
                sequence = (sequence + 2) % 1000
                id_number = make_id_number(region_code, birth, sequence)
            self.used_ids.add(id_number)
        return PartyInput(
            name=name,
            id_number=id_number,
            phone=phone,
            address=place.full_name + self.street_address(place),
            region=place.village,
        )

    def street_address(self, place: Place) -> str:
        rng = self.rng
        formats = fillers.TOWN_ADDRESSES if place.is_town else fillers.VILLAGE_ADDRESSES
        return rng.choice(formats).format(
            road=rng.choice(fillers.ROADS),
            number=rng.randint(1, 260),
            building=rng.randint(1, 18),
            unit=rng.randint(1, 4),
            room=f"{rng.randint(1, 6)}0{rng.randint(1, 4)}",
            group=rng.randint(1, 12),
        )

    # --- one petition -----------------------------------------------------------------------------
    def case(self, received_at: dt.datetime, channel: str) -> Case:
        rng, county = self.rng, self.county
        source = SOURCES.pick(rng)
        source_level = source_action = ""
        if source == Source.REFERRED_FROM_ABOVE:
            source_level, source_action = SOURCE_LEVELS.pick(rng), SOURCE_ACTIONS.pick(rng)
        repeat = self.pick_repeat(received_at) if rng.random() < mix.REPEAT_SHARE else None
        if repeat is not None:
            case = Case(county, received_at, channel, repeat.place, principal=repeat.person)
            case.parties.append((repeat.person, PartyRole.PRINCIPAL))
            matter = self.repeat_matter(repeat)
        else:
            case = Case(county, received_at, channel, county.places[county.place_choice.pick(rng)])
            matter = self.new_matter(case)
        registered_at = min(received_at + self.registration_delay(channel), self.now)
        share = mix.CONFIDENTIAL_SHARE["accusation" if matter.petition_class == "accusation" else "other"]
        case.registration = Registration(
            channel=channel,
            received_at=received_at,
            petition_class=matter.petition_class,
            category=matter.category,
            issue_region=matter.issue_region,
            summary=matter.summary,
            content=matter.content,
            parties=[dataclasses.replace(person, role=role) for person, role in case.parties],
            person_count=case.person_count,
            # A visit sent down from above was made at that level: a skip-level visit (越级访).
            visit_level=(source_level or Level.COUNTY) if channel == Channel.VISIT else "",
            source=source,
            source_level=source_level,
            source_action=source_action,
            subject_unit=matter.subject_unit,
            subject_person=matter.subject_person,
            addressed_leader=county.mailbox_leader if channel == Channel.LEADER_MAILBOX else None,
            identity_confidential=rng.random() < share,
            registered_at=registered_at,
        )
        if repeat is not None:
            case.repeats, repeat.latest = repeat.latest, case
        elif matter.may_repeat and case.person_count == 1 and rng.random() < mix.REPEAT_PRONE_SHARE:
            matter.person, matter.place, matter.received_at = case.principal, case.place, received_at
            matter.latest = case
            self.matters.append(matter)
            self.matter_times.append(received_at)
        return case

    def new_matter(self, case: Case) -> Matter:
        """What a first petition is about, from a template of a category, with its petitioners."""
        rng = self.rng
        path = self.county.category_choice.pick(rng)
        template, group_size = self.pick_template(path, case.channel)
        self.add_parties(case, group_size)
        slots = Slots(rng, case)
        summary = template.summary.format_map(slots)[:200]
        content = template.content.format_map(slots)
        subject_person = template.subject_person.format_map(slots)
        subject_unit = {"township": case.place.township_unit, "department": case.department}.get(
            template.subject
        )
        accusation = template.petition_class == "accusation"
        return Matter(
            category=self.county.categories[path],
            issue_region=self.issue_region(case.place, accusation=accusation),
            petition_class=template.petition_class,
            summary=summary,
            content=content,
            subject_unit=subject_unit,
            subject_person=subject_person,
            may_repeat=template.petition_class == "claim",
        )

    def repeat_matter(self, earlier: Matter) -> Matter:
        """The same matter raised again: same category and place, the earlier text with a new opening."""
        when = f"{earlier.received_at.year}年{earlier.received_at.month}月"
        opening = self.rng.choice(fillers.REPEAT_OPENINGS).format(earlier=when)
        summary = earlier.summary
        summary = "再次" + summary if summary.startswith("反映") else "再次反映：" + summary
        return Matter(
            category=earlier.category,
            issue_region=earlier.issue_region,
            petition_class=earlier.petition_class,
            summary=summary[:200],
            content=opening + earlier.content,
        )

    def pick_template(self, path: str, channel: str) -> tuple[texts.Template, int]:
        """A template for the category, and how many people come or sign."""
        rng = self.rng
        templates = texts.TEMPLATES[path]
        group_templates = [t for t in templates if t.group]
        if group_templates and channel == Channel.VISIT and rng.random() < mix.COLLECTIVE_VISIT_SHARE:
            return rng.choice(group_templates), int(rng.paretovariate(1.6) * COLLECTIVE_MIN_PERSONS)
        if (
            group_templates
            and channel in (Channel.LETTER, Channel.ONLINE)
            and rng.random() < mix.JOINT_LETTER_SHARE
        ):
            return rng.choice(group_templates), rng.randint(2, 5)
        individual = [t for t in templates if not t.group] or templates
        return rng.choice(individual), 1

    def add_parties(self, case: Case, size: int) -> None:
        rng = self.rng
        with_id = not (case.channel == Channel.PHONE and rng.random() < mix.NO_ID_NUMBER_SHARE)
        with_phone = not (case.channel == Channel.LETTER and rng.random() < mix.NO_PHONE_SHARE)
        case.principal = self.new_person(case.received_at, case.place, with_id=with_id, with_phone=with_phone)
        case.parties.append((case.principal, PartyRole.PRINCIPAL))
        case.person_count = min(size, 300)
        if case.person_count >= COLLECTIVE_MIN_PERSONS and case.channel == Channel.VISIT:
            # The principal speaks first; with the other representatives they are at most five (Art. 20).
            for _ in range(rng.randint(1, 4)):
                case.parties.append((self.new_person(case.received_at, case.place), PartyRole.REPRESENTATIVE))
        elif case.person_count > 1:
            for _ in range(case.person_count - 1):
                case.parties.append((self.new_person(case.received_at, case.place), PartyRole.CO_PETITIONER))

    def issue_region(self, place: Place, *, accusation: bool) -> Region:
        where = ISSUE_AT.pick(self.rng)
        if where == "county" and not accusation:
            return self.county.region
        return place.township if where == "township" else place.village

    def registration_delay(self, channel: str) -> dt.timedelta:
        rng = self.rng
        if channel == Channel.LETTER:
            return dt.timedelta(hours=rng.randint(1, 50))
        if channel == Channel.VISIT:
            return dt.timedelta(minutes=rng.randint(10, 45))
        return dt.timedelta(minutes=rng.randint(2, 240))

    # --- repeats ----------------------------------------------------------------------------------
    def pick_repeat(self, at: dt.datetime) -> Matter | None:
        oldest, newest = (at - dt.timedelta(days=days) for days in reversed(mix.REPEAT_AFTER_DAYS))
        while self.matters_from < len(self.matters) and self.matter_times[self.matters_from] < oldest:
            self.matters_from += 1
        end = bisect.bisect_right(self.matter_times, newest, lo=self.matters_from)
        if end <= self.matters_from:
            return None
        return self.matters[self.rng.randrange(self.matters_from, end)]

    # --- registering ------------------------------------------------------------------------------
    def query_code(self, registration_number: str) -> str:
        return demo_query_code(self.seed, registration_number)

    def register(self, cases: list[Case]) -> None:
        """Register the cases together, as a registrar of the bureau; every one must pass registration."""
        for case in cases:
            if case.repeats is not None:
                # The earlier petition by its key alone: all that a link to it needs.
                case.registration.repeat_of = Petition(pk=case.repeats.petition_pk)
        outcomes = services.register_many(
            [case.registration for case in cases], self.county.registrar, query_code=self.query_code
        )
        for case, outcome in zip(cases, outcomes, strict=True):
            if isinstance(outcome, ValidationError):
                raise ValueError(
                    f"演示信访事项未能登记（{case.received_at:%Y-%m-%d %H:%M}）：{outcome.messages}"
                )
        for case, outcome in zip(cases, outcomes, strict=True):
            case.petition_pk = outcome.petition.pk
            case.registration, case.parties, case.repeats = None, [], None  # kept only as a repeat's target
            self.count(outcome.petition)

    def count(self, petition: Petition) -> None:
        stats = self.stats
        stats.first_number = stats.first_number or petition.registration_number
        stats.last_number = petition.registration_number
        stats.petitions += 1
        stats.collective += petition.is_collective
        stats.repeats += petition.is_repeat
        stats.referred += petition.source == Source.REFERRED_FROM_ABOVE
        stats.online += petition.channel in ONLINE_CHANNELS
        stats.confidential += petition.identity_confidential


def generate(cases: int, seed: int, *, chunk_size: int = CHUNK_SIZE) -> Generated:
    """Generate `cases` petitions received over the `shape.DAYS_BACK` days before `clock.today()`; one transaction."""
    started = time.perf_counter()
    county = load_county()
    now = clock.now()
    rng = random.Random(seed)
    headers = received_times(rng, cases, clock.today())
    with transaction.atomic():
        people_before = Petitioner.objects.count()
        generator = Generator(county, rng, seed, now)
        pending: list[Case] = []
        for received_at, channel in headers:
            case = generator.case(received_at, channel)
            if case.repeats is not None and case.repeats.petition_pk is None:
                # A repeat links only to a petition on file: the earlier one is registered first.
                generator.register(pending)
                pending = []
            pending.append(case)
            if len(pending) == chunk_size:
                generator.register(pending)
                pending = []
        if pending:
            generator.register(pending)
        generator.stats.petitioners = Petitioner.objects.count() - people_before
    stats = generator.stats
    stats.seconds = time.perf_counter() - started
    return stats
