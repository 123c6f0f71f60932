"""Realistic demo petitions for the demo county, written in bulk.

Registering 100,000 petitions one by one through `petitions.services.register` would take an hour, so the
generator computes, for each petition, exactly the rows `register` would write — the petition with its
registration number (continuing `RegistrationSequence`), query-code hash, collective and repeat flags and
region codes, its petitioners and parties, its `register` audit event and the deadlines registration
starts (`workflow.services.registration_deadlines`) — and inserts them in batches (demo/bulk.py:
multi-row INSERTs, COPY on PostgreSQL; the audit table is insert-only, and so is this). Every generated
petition is left `registered`; `demo.plans` says what later happens to each one, for the workflow
service to replay.

The output depends only on the seed, the reference date (`clock.today()`) and the database's prior
content: one `random.Random(seed)` is drawn from in a fixed order, petitions in the order received.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.audit.models import Event
from xinfang.orgs.models import Level, OrgUnit, Region, UnitKind, User
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
    PetitionParty,
    RegistrationSequence,
    Source,
    Status,
)
from xinfang.search.index import index_bulk
from xinfang.workflow.models import Deadline
from xinfang.workflow.services import registration_deadlines

from .bulk import insert_rows
from .data import county as county_data
from .data import mix, names
from .data import petitions as texts

BATCH_SIZE = 2000
DAYS_BACK = 365
LOOKUP_CHUNK = 900


class Weighted:
    """A weighted choice that draws one `random()` per pick, so runs are reproducible and fast."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


CHANNELS = Weighted(mix.CHANNEL_WEIGHTS)
SOURCES = Weighted(mix.SOURCE_WEIGHTS)
SOURCE_LEVELS = Weighted(mix.SOURCE_LEVEL_WEIGHTS)
SOURCE_ACTIONS = Weighted(mix.SOURCE_ACTION_WEIGHTS)
ISSUE_AT = Weighted(mix.ISSUE_AT)
SURNAMES = Weighted({name: 1 / (rank + 1) ** 0.9 for rank, name in enumerate(names.SURNAMES)})
ID_REGIONS = Weighted(dict(county_data.ID_REGION_CODES))
# Office-hours channels arrive on working days between 8:30 and 17:30; the rest at any time of day.
OFFICE_CHANNELS = {Channel.VISIT, Channel.PHONE, Channel.LETTER, Channel.VIDEO, Channel.FAX}


@dataclass
class Place:
    """A village or community where petitioners live."""

    village: Region
    township: Region
    township_unit: OrgUnit | None
    is_town: bool
    full_name: str


@dataclass
class County:
    """What the generator needs from the database, loaded once."""

    region: Region
    bureau: OrgUnit
    registrar: User | None
    places: list[Place]
    place_choice: Weighted
    departments: list[OrgUnit]
    categories: dict[str, Category]
    category_choice: Weighted


def load_county() -> County:
    county = Region.objects.select_related("parent__parent").filter(code=county_data.COUNTY_CODE).first()
    if county is None:
        raise ValueError("演示县尚未载入，请先运行 xinfang demo。")
    prefix = "".join(r.name for r in (county.parent.parent, county.parent, county))
    townships = {r.pk: r for r in Region.objects.filter(parent=county, level=Level.TOWNSHIP)}
    units = {u.region_id: u for u in OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, region__in=townships)}
    places = []
    for village in Region.objects.filter(parent__in=townships, level=Level.VILLAGE).order_by("code"):
        township = townships[village.parent_id]
        places.append(
            Place(
                village=village,
                township=township,
                township_unit=units.get(township.pk),
                is_town=township.code[6] == "0",  # GB/T 10114: 0xx are 街道
                full_name=prefix + township.name + village.name,
            )
        )
    if not places:
        raise ValueError("演示县尚无村（社区）区划，请先运行 xinfang demo。")
    weights = {i: mix.PEOPLE_PER_PLACE["town" if p.is_town else "rural"] for i, p in enumerate(places)}
    categories = {c.path: c for c in Category.objects.filter(path__in=texts.CATEGORY_WEIGHTS, is_active=True)}
    registrar = User.objects.filter(username=county_data.REGISTRAR, unit__code=county_data.BUREAU).first()
    return County(
        region=county,
        bureau=OrgUnit.objects.select_related("region").get(code=county_data.BUREAU),
        registrar=registrar,
        places=places,
        place_choice=Weighted(weights),
        departments=list(
            OrgUnit.objects.filter(region=county, kind=UnitKind.DEPARTMENT, is_active=True).order_by("code")
        ),
        categories=categories,
        category_choice=Weighted({p: w for p, w in texts.CATEGORY_WEIGHTS.items() if p in categories}),
    )


def _pick(items: list):
    return lambda rng, case: rng.choice(items)


def _between(low: int, high: int, step: int = 1):
    return lambda rng, case: str(rng.randrange(low, high + 1, step))


def _decimal(low: float, high: float):
    return lambda rng, case: f"{rng.uniform(low, high):.1f}"


def _department(rng: random.Random, case: Case) -> str:
    case.department = rng.choice(case.county.departments)
    return case.department.short_name or case.department.name


# How each template slot is filled (see data/petitions.py). Called lazily, only for slots a template uses.
SLOT_MAKERS: dict[str, Callable[[random.Random, Case], str]] = {
    "name": lambda rng, case: case.principal.name,
    "county": lambda rng, case: county_data.COUNTY_NAME,
    "township": lambda rng, case: case.place.township.name,
    "village": lambda rng, case: case.place.village.name,
    "resident": lambda rng, case: "居民" if case.place.is_town else "村民",
    "year": lambda rng, case: str(case.received_at.year - rng.randint(1, 6)),
    "month": _between(1, 12),
    "months": _between(2, 24),
    "years": _between(3, 15),
    "enlisted": _between(1978, 2008),
    "age": _between(60, 86),
    "people": _between(3, 7),
    "amount": _between(3000, 120000, 100),
    "wan": _decimal(1.5, 260),
    "workers": lambda rng, case: str(max(case.person_count, rng.randint(6, 80))),
    "households": lambda rng, case: str(max(case.person_count, rng.randint(8, 160))),
    "mu": _decimal(0.8, 12),
    "sqm": _between(60, 260),
    "trees": _between(10, 120),
    "fee": _between(300, 8000, 10),
    "cadre": lambda rng, case: SURNAMES.pick(rng) + "某",
    "person": lambda rng, case: SURNAMES.pick(rng) + "某某",
    "relative": _pick(texts.RELATIVES),
    "trade": _pick(texts.TRADES),
    "company": _pick(texts.COMPANIES),
    "factory": _pick(texts.FACTORIES),
    "state_factory": _pick(texts.STATE_FACTORIES),
    "project": _pick(texts.PROJECTS),
    "estate": _pick(texts.ESTATES),
    "developer": _pick(texts.DEVELOPERS),
    "road": _pick(texts.ROADS),
    "school": _pick(texts.SCHOOLS),
    "hospital": _pick(texts.HOSPITALS),
    "shop": _pick(texts.SHOPS),
    "department": _department,
}


class Slots(dict):
    def __init__(self, rng: random.Random, case: Case):
        super().__init__()
        self.rng, self.case = rng, case

    def __missing__(self, key: str) -> str:
        value = self[key] = SLOT_MAKERS[key](self.rng, self.case)
        return value


@dataclass
class Matter:
    """What a petition is about. A first individual claim may be raised again by its petitioner (重复信访):
    such matters are kept, with the person and the latest petition on them, for repeats to link to."""

    category: Category
    issue_region: Region
    petition_class: str
    summary: str
    content: str
    subject_unit: OrgUnit | None = None
    subject_person: str = ""
    may_repeat: bool = False
    person: Petitioner | None = None
    place: Place | None = None
    received_at: dt.datetime | None = None
    latest: Petition | None = None  # the latest petition on the matter until it is written; then latest_pk
    latest_pk: int | None = None


@dataclass
class Case:
    """One petition being generated: the unsaved rows and what links them."""

    county: County
    received_at: dt.datetime
    channel: str
    place: Place
    principal: Petitioner | None = None
    person_count: int = 1
    department: OrgUnit | None = None
    petition: Petition | None = None
    parties: list[tuple[Petitioner, str]] = field(default_factory=list)
    repeat_target: Matter | None = None
    repeat_of: Petition | None = None  # the earlier petition, when it is written in the same batch
    deadlines: list[Deadline] = field(default_factory=list)
    new_matter: Matter | None = None


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


def received_times(rng: random.Random, count: int, today: dt.date) -> list[tuple[dt.datetime, str]]:
    """When each petition came in and by which channel, oldest first, spread over the last year."""
    headers = []
    for index in range(count):
        channel = CHANNELS.pick(rng)
        day = today - dt.timedelta(days=rng.randint(1, DAYS_BACK))
        if channel in OFFICE_CHANNELS:
            if (
                day.weekday() >= 5
            ):  # reception centres are closed at weekends: the Friday before or Monday after
                friday = day - dt.timedelta(days=day.weekday() - 4)
                day = (
                    friday
                    if (today - friday).days <= DAYS_BACK
                    else day + dt.timedelta(days=7 - day.weekday())
                )
            minute = rng.randint(8 * 60 + 30, 17 * 60 + 30)
        else:
            minute = rng.randint(6 * 60, 24 * 60 - 1)
        at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)), clock.SHANGHAI)
        headers.append((at, index, channel))
    headers.sort()
    return [(at, channel) for at, _, channel in headers]


class Generator:
    def __init__(
        self, county: County, rng: random.Random, seed: int, now: dt.datetime, sequences: dict[int, int]
    ):
        self.county, self.rng, self.seed, self.now = county, rng, seed, now
        self.sequences = sequences  # year -> last registration sequence handed out
        self.used_ids: set[str] = set()
        self.matters: list[Matter] = []
        self.matter_times: list[dt.datetime] = []
        self.matters_from = 0  # matters before this index are too old to be repeated
        self.deadline_rows: dict[tuple, list[Deadline]] = {}
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
        id_number = None
        if with_id:
            region_code = ID_REGIONS.pick(rng)
            sequence = rng.randrange(500) * 2 + male  # GB 11643: odd sequence for men, even for women
            id_number = make_id_number(region_code, birth, sequence)
            while id_number in self.used_ids:
                sequence = (sequence + 2) % 1000
                id_number = make_id_number(region_code, birth, sequence)
            self.used_ids.add(id_number)
        phone = f"{rng.choice(names.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}" if with_phone else ""
        return Petitioner(
            name=SURNAMES.pick(rng) + rng.choice(given),
            id_number=id_number,
            phone=phone,
            address=place.full_name + self.street_address(place),
            region=place.village,
        )

    def street_address(self, place: Place) -> str:
        rng = self.rng
        formats = texts.TOWN_ADDRESSES if place.is_town else texts.VILLAGE_ADDRESSES
        return rng.choice(formats).format(
            road=rng.choice(texts.ROADS),
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
        case.petition = Petition(
            channel=channel,
            source=source,
            source_level=source_level,
            source_action=source_action,
            received_at=received_at,
            registered_at=registered_at,
            registered_by=county.registrar,
            receiving_unit=county.bureau,
            receiving_region_code=county.bureau.region.code,
            # A visit sent down from above was made at that level: a skip-level visit (越级访).
            visit_level=(source_level or Level.COUNTY) if channel == Channel.VISIT else "",
            person_count=case.person_count,
            is_collective=channel == Channel.VISIT and case.person_count >= COLLECTIVE_MIN_PERSONS,
            petition_class=matter.petition_class,
            category=matter.category,
            issue_region=matter.issue_region,
            issue_region_code=matter.issue_region.code,
            subject_unit=matter.subject_unit,
            subject_person=matter.subject_person,
            summary=matter.summary,
            content=matter.content,
            is_repeat=repeat is not None,
            identity_confidential=rng.random() < share,
        )
        self.number(case.petition)
        self.start_deadlines(case)
        for person, _ in case.parties:
            if person.pk is None and person.created_at is None:
                person.created_at = registered_at
        if repeat is not None:
            case.repeat_target = repeat
            if repeat.latest is None:
                case.petition.repeat_of_id = repeat.latest_pk
            else:
                case.repeat_of = repeat.latest
            repeat.latest, repeat.latest_pk = case.petition, None
        elif matter.may_repeat and case.person_count == 1 and rng.random() < mix.REPEAT_PRONE_SHARE:
            matter.person, matter.place, matter.received_at = case.principal, case.place, received_at
            matter.latest = case.petition
            case.new_matter = matter
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
        opening = self.rng.choice(texts.REPEAT_OPENINGS).format(earlier=when)
        summary = earlier.summary
        summary = "再次" + summary if summary.startswith("反映") else "再次反映：" + summary
        return Matter(
            category=earlier.category,
            issue_region=earlier.issue_region,
            petition_class=earlier.petition_class,
            summary=summary[:200],
            content=opening + earlier.content,
        )

    def number(self, petition: Petition) -> None:
        """The registration number and query code `register` would give, continuing the sequence."""
        year = clock.local_date(petition.received_at).year
        self.sequences[year] += 1
        region_code = petition.receiving_region_code
        petition.registration_number = f"XF-{region_code}-{year}-{self.sequences[year]:06d}"
        code = demo_query_code(self.seed, petition.registration_number)
        petition.query_code_hash = services.hash_query_code(code)

    def start_deadlines(self, case: Case) -> None:
        """The periods `register` starts (the workflow's own rows), and the petition's next due date.

        Their due dates depend only on the day received and how the matter came (the receiving unit is
        always the bureau here), and computing one costs a query for the rules version; so the rows are
        computed once per day and kind, and copied for each petition.
        """
        petition = case.petition
        key = (clock.local_date(petition.received_at), petition.source, petition.source_action)
        if key not in self.deadline_rows:
            self.deadline_rows[key] = registration_deadlines(petition)
        fields = [f.attname for f in Deadline._meta.concrete_fields if not f.primary_key]
        case.deadlines = [
            Deadline(**{name: getattr(row, name) for name in fields} | {"opened_at": petition.received_at})
            for row in self.deadline_rows[key]
        ]
        duties = [row for row in case.deadlines if not row.is_window]
        if duties:
            first = min(duties, key=lambda row: row.due_on)
            petition.next_due_on, petition.next_due_stage = first.due_on, first.stage

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

    # --- writing ----------------------------------------------------------------------------------
    def flush(self, cases: list[Case]) -> None:
        people = list({id(p): p for case in cases for p, _ in case.parties if p.pk is None}.values())
        self.reuse_known(people)
        new_people = [p for p in people if p.pk is None]
        Petitioner.objects.bulk_create(new_people)
        self.stats.petitioners += len(new_people)

        petitions = [case.petition for case in cases]
        insert_rows(Petition, petitions)
        self.read_keys(petitions)
        late = []  # repeats of a petition written in this same batch: its key is known only now
        for case in cases:
            if case.repeat_of is not None:
                case.petition.repeat_of_id = case.repeat_of.pk
                late.append(case.petition)
        Petition.objects.bulk_update(late, ["repeat_of"])

        insert_rows(
            PetitionParty,
            [
                PetitionParty(petition=case.petition, petitioner=person, role=role, position=position)
                for case in cases
                for position, (person, role) in enumerate(case.parties)
            ],
        )
        for case in cases:
            for row in case.deadlines:
                row.petition_id = case.petition.pk  # set when the rows were built, before the key was known
        insert_rows(Deadline, [row for case in cases for row in case.deadlines])
        registrar = self.county.registrar
        insert_rows(
            Event,
            [
                Event(
                    petition=case.petition,
                    target_type="petition",
                    target_id=str(case.petition.pk),
                    action="register",
                    actor=registrar,
                    actor_unit=registrar.unit if registrar else None,
                    at=case.petition.received_at,
                    recorded_at=case.petition.registered_at,
                    to_status=Status.REGISTERED,
                    changes=audit.diff({}, audit.snapshot(case.petition, services.SNAPSHOT_FIELDS)),
                )
                for case in cases
            ],
        )
        for matter in {
            id(m): m for case in cases for m in (case.new_matter, case.repeat_target) if m
        }.values():
            if matter.latest is not None and matter.latest.pk is not None:
                matter.latest, matter.latest_pk = None, matter.latest.pk
        index_bulk(petitions)  # their search documents: bulk inserts send no post_save
        self.count(cases)

    @staticmethod
    def read_keys(petitions: list[Petition]) -> None:
        numbers = [p.registration_number for p in petitions]
        keys = {}
        for start in range(0, len(numbers), LOOKUP_CHUNK):
            chunk = numbers[start : start + LOOKUP_CHUNK]
            keys.update(
                Petition.objects.filter(registration_number__in=chunk).values_list(
                    "registration_number", "pk"
                )
            )
        for petition in petitions:
            petition.pk = keys[petition.registration_number]
            petition._state.adding = False

    def reuse_known(self, people: list[Petitioner]) -> None:
        """People already in the database (an earlier run) are the same people, as `register` would find."""
        wanted = [p.id_number for p in people if p.id_number]
        known = {}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            known.update(Petitioner.objects.filter(id_number__in=chunk).values_list("id_number", "pk"))
        for person in people:
            if person.id_number in known:
                person.pk = known[person.id_number]
                person._state.adding = False

    def count(self, cases: list[Case]) -> None:
        stats = self.stats
        stats.first_number = stats.first_number or cases[0].petition.registration_number
        stats.last_number = cases[-1].petition.registration_number
        for case in cases:
            petition = case.petition
            stats.petitions += 1
            stats.collective += petition.is_collective
            stats.repeats += petition.is_repeat
            stats.referred += petition.source == Source.REFERRED_FROM_ABOVE
            stats.online += petition.channel in ONLINE_CHANNELS
            stats.confidential += petition.identity_confidential


def _lock_sequences(region_code: str, years: set[int]) -> dict[int, int]:
    for year in years:
        RegistrationSequence.objects.get_or_create(region_code=region_code, year=year)
    rows = RegistrationSequence.objects.select_for_update().filter(region_code=region_code, year__in=years)
    return {row.year: row.last for row in rows}


def generate(cases: int, seed: int, *, batch_size: int = BATCH_SIZE) -> Generated:
    """Generate `cases` petitions received over the year before `clock.today()`; one transaction."""
    started = time.perf_counter()
    county = load_county()
    now = clock.now()
    rng = random.Random(seed)
    headers = received_times(rng, cases, clock.today())
    region_code = county.bureau.region.code
    with transaction.atomic():
        sequences = _lock_sequences(region_code, {clock.local_date(at).year for at, _ in headers})
        generator = Generator(county, rng, seed, now, sequences)
        batch: list[Case] = []
        for received_at, channel in headers:
            batch.append(generator.case(received_at, channel))
            if len(batch) == batch_size:
                generator.flush(batch)
                batch = []
        if batch:
            generator.flush(batch)
        for year, last in sequences.items():
            RegistrationSequence.objects.filter(region_code=region_code, year=year).update(last=last)
    stats = generator.stats
    stats.seconds = time.perf_counter() - started
    return stats
