"""The bench generator's copies are whole, consistent petitions: every copied row points at rows of its own copy,
keys and registration numbers stay unique, dates move back by whole years, old copies are settled."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db.models import Max, Min

from bench import generate
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.demo.county import load_demo_county
from xinfang.demo.generator import generate as generate_petitions
from xinfang.demo.plans import replay
from xinfang.evaluation.models import Rating
from xinfang.exchange.importer import replaying_history
from xinfang.petitions.models import OPEN_STATUSES, Petition, PetitionParty
from xinfang.search.index import index_missing
from xinfang.search.models import SearchDocument
from xinfang.workflow.models import Deadline, DeadlineStatus, Extension, Reply, Routing

from ..dbroles import owner_settings

# The bench builds its database as the owner (indexes dropped and rebuilt, PostgreSQL's replica mode): not
# something the application's restricted role may do (tests/dbroles.py).
pytestmark = pytest.mark.skipif(
    owner_settings() is not None,
    reason="the bench builds as the owner; the suite runs as the application's role",
)
BASE = 40
COPIES = 11  # copy 10 is moved back 0 years: the current year twice


@pytest.fixture
def amplified(db):
    load_demo_county()
    generate_petitions(BASE, 3)
    index_missing()
    with replaying_history():
        replay(3, limit=BASE)
    # A petition's rows; the county's own set-up events (its yearly targets) belong to no petition, stay once.
    counts = {
        model: (model.objects.filter(petition__isnull=False) if model is Event else model.objects).count()
        for model in generate.COPIED
    }
    ids = Petition.objects.aggregate(first=Min("pk"), last=Max("pk"))  # keys need not start at 1 (PostgreSQL)
    # The last copy partial. Sequences untouched: setval is not rolled back with the test, and each test's
    # base would start above the previous test's copies until the keys overflow.
    generate.amplify(COPIES, COPIES * BASE - 7, fix_sequences=False)
    return SimpleNamespace(counts=counts, first=ids["first"], stride=ids["last"])


def _copy(amplified, k: int) -> dict:
    """The key range of copy k (0: the base)."""
    return {"pk__gt": k * amplified.stride, "pk__lte": (k + 1) * amplified.stride}


def test_each_full_copy_has_as_many_rows_of_every_table_as_the_base(amplified):
    assert Petition.objects.count() == BASE * (COPIES + 1) - 7
    assert Petition.objects.filter(**_copy(amplified, 0)).count() == BASE
    copy_3 = Petition.objects.filter(**_copy(amplified, 3))
    for model, count in amplified.counts.items():
        rows = copy_3 if model is Petition else model.objects.filter(petition__in=copy_3)
        assert rows.count() == count, model


def test_references_stay_within_their_copy(amplified):
    for model in (PetitionParty, Deadline, Routing, Reply, Rating, SearchDocument):
        assert not model.objects.filter(petition__isnull=True).exists()
    # The county's set-up (its targets, the portal's mailbox): no petition's, never copied.
    setup = {"set_target", "set_creation_indicator", "edit_mailbox_leader"}
    assert set(Event.objects.filter(petition__isnull=True).values_list("action", flat=True)) <= setup
    for extension in Extension.objects.select_related("deadline"):
        assert extension.deadline.petition_id == extension.petition_id
    for event in Event.objects.filter(target_type="petition").only("target_id", "petition_id"):
        assert event.target_id == str(event.petition_id)
    repeats = Petition.objects.filter(repeat_of__isnull=False).values_list("pk", "repeat_of_id")
    stride = amplified.stride
    assert repeats and all((pk - 1) // stride == (earlier - 1) // stride for pk, earlier in repeats)


def test_numbers_and_query_codes_are_unique_and_dates_move_back_whole_years(amplified):
    numbers = Petition.objects.values_list("registration_number", flat=True)
    assert len(set(numbers)) == len(numbers)
    assert Petition.objects.values("query_code_hash").distinct().count() == len(numbers)
    original = Petition.objects.get(pk=amplified.first + 5)
    for k in (1, 3, 10):
        copy = Petition.objects.get(pk=original.pk + k * amplified.stride)
        assert original.received_at - copy.received_at == dt.timedelta(days=(k % 10) * 364)
        assert copy.content == original.content
        assert copy.received_at.weekday() == original.received_at.weekday()
        assert copy.registration_number.split("-")[2] == str(clock.local_date(copy.received_at).year)


def test_dates_inside_the_events_move_with_the_copy(amplified):
    """The exporter writes an event back out from its data: a copy's received_on must move with it."""
    delivered = Event.objects.filter(
        action="deliver", **{"petition__" + k: v for k, v in _copy(amplified, 0).items()}
    )
    original = delivered.first()
    assert original is not None
    for k in (3, 10):
        copy = Event.objects.get(action="deliver", petition_id=original.petition_id + k * amplified.stride)
        shifted = dt.date.fromisoformat(original.data["received_on"]) - dt.timedelta(days=(k % 10) * 364)
        assert copy.data["received_on"] == shifted.isoformat()
        assert copy.data["method"] == original.data["method"]
        assert {key for key in copy.data} == {key for key in original.data}


def test_copies_moved_back_are_settled_and_the_current_year_keeps_its_open_cases(amplified):
    moved = Petition.objects.filter(**_copy(amplified, 1))
    assert not moved.filter(status__in=OPEN_STATUSES).exists()
    assert not Deadline.objects.filter(petition__in=moved, status=DeadlineStatus.OPEN).exists()
    base_open = Petition.objects.filter(**_copy(amplified, 0), status__in=OPEN_STATUSES).count()
    same_year = Petition.objects.filter(**_copy(amplified, 10), status__in=OPEN_STATUSES).count()
    assert base_open > 0 and same_year == base_open


def test_histories_reach_the_units_and_ratings_span_the_years(amplified):
    assert Routing.objects.values("to_unit").distinct().count() >= 3
    years = Rating.objects.aggregate(first=Min("rated_at"), last=Max("rated_at"))
    assert (years["last"] - years["first"]).days > 8 * 364
    assert (
        Rating.objects.filter(petition__in=Petition.objects.filter(**_copy(amplified, 7))).count()
        == (amplified.counts[Rating])
    )


def test_copied_events_take_fresh_places_in_the_chain_and_the_next_write_follows(amplified):
    from xinfang.audit import services as audit
    from xinfang.audit.models import ChainHead

    seqs = Event.objects.values_list("seq", flat=True)
    assert len(set(seqs)) == len(seqs)
    top = Event.objects.aggregate(top=Max("seq"))["top"]
    assert ChainHead.objects.get().seq == top
    event = audit.record(action="note", target=Petition.objects.first())
    assert event.seq == top + 1
