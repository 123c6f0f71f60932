"""Generated demo petitions: reproducible, realistic, and what `register` would have written."""

import datetime as dt
import random
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from tests.conftest import module_rows, stop_clock
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.demo import shape
from xinfang.demo.county import load_demo_county
from xinfang.demo.data import county as data
from xinfang.demo.data import petitions as texts
from xinfang.demo.generator import demo_query_code, generate
from xinfang.demo.slots import SLOT_MAKERS
from xinfang.orgs.models import Level, User
from xinfang.petitions import services
from xinfang.petitions.identity import validate_id_number
from xinfang.petitions.models import (
    COLLECTIVE_MIN_PERSONS,
    MAX_REPRESENTATIVES,
    ONLINE_CHANNELS,
    Channel,
    PartyRole,
    Petition,
    PetitionClass,
    Petitioner,
    PetitionParty,
    RegistrationSequence,
    Source,
    Status,
    digest_id_number,
)
from xinfang.workflow.intake_deadlines import registration_deadlines

from .. import factories as f
from .conftest import TODAY

CASES = 600
SEED = 20260301


@module_rows
def generated_rows():
    """The demo county and its 600 petitions, built once for the module's tests that look at them."""
    stop_clock(TODAY)
    load_demo_county()
    yield generate(CASES, SEED)
    clock.reset()


@pytest.fixture
def generated(generated_rows, db, today):
    return generated_rows


def snapshot():
    return list(
        Petition.objects.order_by("registration_number").values_list(
            "registration_number",
            "received_at",
            "channel",
            "summary",
            "parties__petitioner__name",
            "parties__petitioner__id_number",
            "parties__role",
        )
    )


def generate_and_roll_back(cases: int, seed: int):
    with transaction.atomic():
        generate(cases, seed)
        rows = snapshot()
        transaction.set_rollback(True)
    return rows


def test_same_seed_gives_the_same_petitions(demo_county):
    first = generate_and_roll_back(200, 7)
    second = generate_and_roll_back(200, 7)
    other = generate_and_roll_back(200, 8)

    assert Petition.objects.count() == 0
    assert first == second
    assert len({row[0] for row in first}) == 200
    assert other != first


def test_counts_and_summary(generated):
    assert generated.petitions == Petition.objects.count() == CASES
    assert generated.petitioners == Petitioner.objects.count()
    assert generated.repeats == Petition.objects.filter(is_repeat=True).count()
    assert f"生成信访事项{CASES}件" in generated.summary


def test_every_id_number_is_valid_and_from_an_adult(generated):
    today = clock.today()
    people = Petitioner.objects.exclude(id_number=None)

    assert people.count() > CASES * 0.9
    for person in people:
        assert validate_id_number(person.id_number, today) == person.id_number
        born = dt.date(
            int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14])
        )
        assert (today - born).days >= 18 * 365
        assert person.id_number[:2] == "41"


def test_petitioners_live_in_the_county(generated):
    for person in Petitioner.objects.select_related("region"):
        assert person.region.code.startswith(data.COUNTY_CODE) and person.region.level == Level.VILLAGE
        assert person.address.startswith("河南省南阳市伏牛县")
        assert not person.phone or re.fullmatch(r"1[3-9]\d{9}", person.phone)


def test_collective_visits_have_at_most_five_representatives(generated):
    collective = Petition.objects.filter(is_collective=True).prefetch_related("parties")

    assert collective.exists()
    for petition in collective:
        roles = Counter(party.role for party in petition.parties.all())
        assert petition.channel == Channel.VISIT
        assert petition.person_count >= COLLECTIVE_MIN_PERSONS
        assert (
            roles[PartyRole.REPRESENTATIVE] >= 1
            and roles[PartyRole.REPRESENTATIVE] + 1 <= MAX_REPRESENTATIVES
        )
        assert roles[PartyRole.PRINCIPAL] == 1


def test_only_visits_of_five_or_more_are_collective(generated):
    assert not Petition.objects.filter(is_collective=True).exclude(channel=Channel.VISIT).exists()
    assert not Petition.objects.filter(is_collective=True, person_count__lt=COLLECTIVE_MIN_PERSONS).exists()
    assert not Petition.objects.filter(
        is_collective=False, channel=Channel.VISIT, person_count__gte=COLLECTIVE_MIN_PERSONS
    ).exists()


def test_person_count_matches_the_signers_of_joint_letters(generated):
    for petition in Petition.objects.filter(is_collective=False).prefetch_related("parties"):
        assert petition.person_count == len(petition.parties.all())


def test_repeats_link_to_an_earlier_petition_of_the_same_petitioner(generated):
    repeats = Petition.objects.filter(is_repeat=True).select_related("repeat_of")

    assert repeats.count() >= CASES * 0.05
    for petition in repeats:
        earlier = petition.repeat_of
        assert earlier is not None and earlier.received_at < petition.received_at
        assert petition.principal == earlier.principal
        assert (petition.category_id, petition.issue_region_id) == (
            earlier.category_id,
            earlier.issue_region_id,
        )
    assert not Petition.objects.filter(is_repeat=False, repeat_of__isnull=False).exists()


def test_about_half_come_through_online_channels(generated):
    online = Petition.objects.filter(channel__in=ONLINE_CHANNELS).count()

    assert 0.4 <= online / CASES <= 0.6


def test_referred_petitions_name_the_level_they_came_from(generated):
    referred = Petition.objects.filter(source=Source.REFERRED_FROM_ABOVE)

    assert referred.count() >= CASES * 0.1
    assert set(referred.values_list("source_level", flat=True)) == {
        Level.NATIONAL,
        Level.PROVINCE,
        Level.CITY,
    }
    assert not referred.filter(source_action="").exists()
    for petition in referred.filter(channel=Channel.VISIT):
        assert petition.visit_level == petition.source_level  # a skip-level visit, sent down
    assert not Petition.objects.exclude(source=Source.REFERRED_FROM_ABOVE).exclude(source_level="").exists()


def test_visit_level_only_on_visits(generated):
    assert not Petition.objects.exclude(channel=Channel.VISIT).exclude(visit_level="").exists()
    assert not Petition.objects.filter(channel=Channel.VISIT, visit_level="").exists()


def test_petition_classes_and_accusations_name_their_subject(generated):
    classes = Counter(Petition.objects.values_list("petition_class", flat=True))

    assert classes[PetitionClass.CLAIM] > classes[PetitionClass.SUGGESTION] > 0
    assert classes[PetitionClass.ACCUSATION] > 0
    for petition in Petition.objects.filter(petition_class=PetitionClass.ACCUSATION):
        assert petition.subject_unit_id is not None and petition.subject_person
        assert petition.issue_region_code.startswith(data.COUNTY_CODE)
    assert Petition.objects.filter(identity_confidential=True).exists()


def test_texts_are_filled_and_summaries_short(generated):
    for summary, content in Petition.objects.values_list("summary", "content"):
        assert 0 < len(summary) <= 200
        assert "{" not in summary + content and len(content) > 30


def test_received_over_the_last_fifteen_months_and_left_registered(generated):
    today = clock.today()
    dates = [clock.local_date(at) for at in Petition.objects.values_list("received_at", flat=True)]

    assert min(dates) >= today - dt.timedelta(days=shape.DAYS_BACK + 1)
    assert min(dates) < today - dt.timedelta(days=365)
    assert max(dates) < today
    assert set(Petition.objects.values_list("status", flat=True)) == {Status.REGISTERED}
    assert not Petition.objects.filter(registered_at__lt=F("received_at")).exists()


def test_rows_are_what_register_writes(generated):
    registrar = User.objects.get(username=data.REGISTRAR)
    petition = Petition.objects.filter(is_repeat=True).first()
    event = Event.objects.get(petition=petition, action="register")

    assert re.fullmatch(r"XF-411331-\d{4}-\d{6}", petition.registration_number)
    assert petition.registration_number.split("-")[2] == str(clock.local_date(petition.received_at).year)
    assert petition.receiving_unit.code == data.BUREAU
    assert petition.receiving_region_code == data.COUNTY_CODE
    assert petition.issue_region_code == petition.issue_region.code
    assert petition.registered_by == registrar
    assert petition.query_code_hash == services.hash_query_code(
        demo_query_code(SEED, petition.registration_number)
    )
    assert (event.action, event.target_type, event.target_id) == ("register", "petition", str(petition.pk))
    assert (event.actor, event.actor_unit, event.to_status) == (registrar, registrar.unit, Status.REGISTERED)
    assert event.at == petition.received_at
    assert event.changes["registration_number"] == [None, petition.registration_number]
    assert event.changes["repeat_of_id"] == [None, petition.repeat_of_id]
    assert Event.objects.filter(action="register").count() == CASES
    assert PetitionParty.objects.filter(role=PartyRole.PRINCIPAL).count() == CASES


def test_the_audit_trail_is_what_registration_writes(generated):
    """Registered through `register_many`: each party and each petitioner made has its own event."""
    assert Event.objects.filter(action="add_party").count() == PetitionParty.objects.count()
    assert Event.objects.filter(action="create_petitioner").count() == Petitioner.objects.count()
    assert Event.objects.filter(action="update_petitioner").count() == 0  # repeats give the same details
    registrar = User.objects.get(username=data.REGISTRAR)
    # The county's own set-up (its yearly targets and the portal's mailbox, written by the system) is not
    # registration.
    registration = Event.objects.exclude(
        action__in=["set_target", "set_creation_indicator", "edit_mailbox_leader"]
    )
    assert set(registration.values_list("actor", flat=True)) == {registrar.pk}


def test_registration_deadlines_are_started_as_register_does(generated):
    assigned = Petition.objects.filter(source=Source.REFERRED_FROM_ABOVE, source_action="assign").first()
    for petition in [Petition.objects.first(), assigned]:
        expected = registration_deadlines(petition)
        rows = petition.deadlines.order_by("id")

        assert [(d.stage, d.unit_id, d.starts_on, d.due_on, d.opened_at) for d in rows] == [
            (d.stage, d.unit_id, d.starts_on, d.due_on, d.opened_at) for d in expected
        ]
        assert (petition.next_due_on, petition.next_due_stage) == (expected[0].due_on, expected[0].stage)
    assert len(registration_deadlines(assigned)) == 2
    assert not Petition.objects.filter(deadlines__isnull=True).exists()


def test_registration_numbers_continue_without_gaps_and_later_registrations_follow(generated):
    year = clock.today().year
    numbers = sorted(
        int(n.rsplit("-", 1)[1])
        for n in Petition.objects.filter(registration_number__contains=f"-{year}-").values_list(
            "registration_number", flat=True
        )
    )
    assert numbers == list(range(1, len(numbers) + 1))
    assert RegistrationSequence.objects.get(region_code=data.COUNTY_CODE, year=year).last == len(numbers)

    registrar = User.objects.get(username=data.REGISTRAR)
    issue_region = Petitioner.objects.first().region
    petition = f.register(
        registrar, issue_region=issue_region, received_at=clock.now() - dt.timedelta(hours=1)
    )

    assert petition.registration_number == f"XF-{data.COUNTY_CODE}-{year}-{len(numbers) + 1:06d}"


def test_a_second_run_continues_the_numbers_and_reuses_known_people(generated):
    people = Petitioner.objects.count()

    second = generate(CASES, SEED)

    assert Petition.objects.count() == 2 * CASES
    # The same seed draws the same people again, found as registration finds them: by ID number, callers
    # without one by name and phone.
    assert second.petitioners == 0
    assert Petitioner.objects.count() == people + second.petitioners


def test_an_id_number_on_file_under_another_name_is_not_given_to_a_generated_person(demo_county):
    drawn = generate_and_roll_back(30, 5)
    _, _, _, _, name, id_number, _ = next(row for row in drawn if row[5])
    Petitioner.objects.create(name="另有其人", id_number=id_number, created_at=clock.now())

    generate(30, 5)  # registration would refuse the number under the drawn name: the generator moves it on

    assert Petitioner.objects.get(id_number_digest=digest_id_number(id_number)).name == "另有其人"
    assert Petitioner.objects.filter(name=name).exclude(id_number_digest=digest_id_number(id_number)).exists()
    assert Petition.objects.count() == 30


def test_every_template_fills_from_the_slot_makers():
    slots = dict.fromkeys(SLOT_MAKERS, "X")
    for path, templates in texts.TEMPLATES.items():
        assert path in texts.CATEGORY_WEIGHTS
        for template in templates:
            assert template.petition_class in PetitionClass.values
            assert len(template.summary.format_map(slots)) <= 200
            template.content.format_map(slots)
            template.subject_person.format_map(slots)
            assert bool(template.subject) == (template.petition_class == PetitionClass.ACCUSATION)


def test_demo_query_code_is_a_valid_code():
    code = demo_query_code(1, "XF-411331-2026-000001")

    assert len(code) == services.QUERY_CODE_LENGTH
    assert set(code) <= set(services.QUERY_CODE_ALPHABET)
    assert code == demo_query_code(1, "XF-411331-2026-000001") != demo_query_code(2, "XF-411331-2026-000001")


class TestCommand:
    def test_demo_command_loads_the_county_and_generates(self, db, today, capsys):
        call_command("demo", cases=40, seed=3)

        out = capsys.readouterr().out
        assert Petition.objects.count() == 40
        assert "生成信访事项40件" in out and "用时" in out and "查询码" in out
        # By default every petition goes through the course its age allows.
        assert "按办理流程办理40件" in out
        assert Petition.objects.exclude(status=Status.REGISTERED).count() > 30

    def test_demo_command_without_histories_leaves_every_petition_registered(self, db, today, capsys):
        call_command("demo", cases=20, seed=3, histories=0)

        assert "按办理流程" not in capsys.readouterr().out
        assert set(Petition.objects.values_list("status", flat=True)) == {Status.REGISTERED}

    def test_if_empty_does_nothing_when_petitions_exist(self, db, today, capsys):
        call_command("demo", cases=10, seed=3)

        call_command("demo", cases=10, seed=3, if_empty=True)

        assert Petition.objects.count() == 10
        assert "跳过" in capsys.readouterr().out

    def test_same_seed_different_chunk_size_gives_the_same_data(self, demo_county):
        with transaction.atomic():
            generate(120, 11, chunk_size=7)
            small_chunks = snapshot()
            transaction.set_rollback(True)

        generate(120, 11)

        assert snapshot() == small_chunks


def test_weighted_choice_follows_its_weights():
    from xinfang.demo.draws import Weighted

    rng = random.Random(1)
    picks = Counter(Weighted({"a": 3, "b": 1}).pick(rng) for _ in range(4000))

    assert 0.7 < picks["a"] / 4000 < 0.8
