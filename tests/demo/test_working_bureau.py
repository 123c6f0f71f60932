"""The demo is a working bureau: every generated petition went through the course its age allows, through
the workflow service, and the figures a bureau opens on fall where a working bureau's do (issue 11, item 3).

One smaller demo (400 petitions over the same fifteen months) is built once for the module; the tests assert
the shape (ranges, orders), not exact numbers, and read every rate through the stats code."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import module_rows, stop_clock
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.demo import shape
from xinfang.demo.county import load_demo_county
from xinfang.demo.data import county as data
from xinfang.demo.generator import generate
from xinfang.demo.plans import replay
from xinfang.exchange.importer import replaying_history
from xinfang.orgs.models import OrgUnit, User
from xinfang.petitions.models import OPEN_STATUSES, Petition, Status
from xinfang.petitions.selectors import visible_to
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.rates import ON_TIME_CONCLUSION, TIMELY_ACCEPTANCE, rate, rates_by_unit
from xinfang.stats.scope import Scope
from xinfang.supervision.selectors import board_deadlines
from xinfang.workflow.petition_deadlines import expire_windows
from xinfang.workflow.todo import my_tasks

from .conftest import TODAY

SEED = 20260301
CASES = 400
THREE_RATES = (TIMELY_ACCEPTANCE, ON_TIME_CONCLUSION)


@module_rows
def bureau_rows():
    """The demo county with 400 petitions, every one replayed as `xinfang demo` replays them."""
    stop_clock(TODAY)
    load_demo_county()
    generate(CASES, SEED)
    with replaying_history(), transaction.atomic():
        petitions, actions = replay(SEED)
        expire_windows()
    yield {"petitions": petitions, "actions": actions}
    clock.reset()


@pytest.fixture
def bureau(bureau_rows, db, today, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return bureau_rows


def last_month() -> Ctx:
    first, last = shape.last_full_month(clock.today())
    return Ctx.of(Period.between(first, last))


def test_every_petition_is_replayed_and_every_step_is_an_audited_workflow_action(bureau):
    assert bureau["petitions"] == CASES
    assert bureau["actions"] > 4 * CASES
    workflow_events = Event.objects.exclude(action__in=["register", "create_petitioner", "update_petitioner"])
    assert (
        workflow_events.filter(petition__isnull=False).exclude(action="add_party").count()
        >= bureau["actions"]
    )
    # Each audit event is dated at its own step, inside the fifteen months and never after today.
    first = clock.now() - dt.timedelta(days=shape.DAYS_BACK + 1)
    assert not workflow_events.filter(at__lt=first).exists()
    assert not workflow_events.filter(at__gt=clock.now()).exists()


def test_old_petitions_are_settled_and_only_the_last_weeks_wait_for_routing(bureau):
    # The longest course (routed and accepted late, handling extended) is over within five months.
    five_months_ago = clock.now() - dt.timedelta(days=150)
    old = Petition.objects.filter(received_at__lt=five_months_ago)
    assert old.count() > CASES * 0.6
    appealed = [Status.UNDER_REVIEW, Status.UNDER_RE_REVIEW]
    assert not old.filter(status__in=OPEN_STATUSES).exclude(status__in=appealed).exists()

    waiting = Petition.objects.filter(status=Status.REGISTERED)
    month_ago = clock.now() - dt.timedelta(days=31)
    assert waiting.count() < CASES * 0.05
    assert not waiting.filter(received_at__lt=month_ago).exists()


def test_the_course_has_every_kind_of_step(bureau):
    actions = set(Event.objects.values_list("action", flat=True).distinct())
    expected = {
        "transfer",
        "assign",
        "accept",
        "reply",
        "deliver",
        "rate",
        "request_review",
        "review_opinion",
    }
    assert expected <= actions
    assert {"object", "extend", "conclude_on_spot", "direct_to_legal_route"} <= actions


def test_the_supervision_board_shows_at_most_five_percent_of_open_petitions_red(bureau):
    supervisor = User.objects.get(username="supervisor")
    open_ = visible_to(supervisor).filter(status__in=OPEN_STATUSES).count()
    red = board_deadlines(supervisor).filter(colour="red").values("petition").distinct().count()

    assert open_ > 10
    assert red <= 0.05 * open_
    # Nothing is left overdue for months, as the old demo's never-routed petitions were.
    long_ago = clock.today() - dt.timedelta(days=30)
    assert not board_deadlines(supervisor).filter(colour="red", due_on__lt=long_ago).exists()


def test_last_months_rates_of_the_bureau_the_county_and_every_unit_are_between_90_and_100(bureau):
    ctx = last_month()
    names = dict(OrgUnit.objects.values_list("pk", "name"))
    for defn in THREE_RATES:
        county = rate(defn, Scope.for_region(data.COUNTY_CODE), ctx)
        assert county.denominator > 10 and 90 <= county.percent <= 100, (defn.key, county)
        # The bureau routes every petition; it handles only a few itself, some months none.
        own = rate(defn, Scope.for_unit(data.BUREAU), ctx)
        assert own.denominator > 10 or defn is ON_TIME_CONCLUSION, (defn.key, own)
        assert own.denominator == 0 or 90 <= own.percent <= 100, (defn.key, own)
        by_unit = rates_by_unit(defn, ctx)
        assert len([r for r in by_unit.values() if r.denominator]) >= 3, defn.key
        for unit_id, figure in by_unit.items():
            if figure.denominator:
                assert 90 <= figure.percent <= 100, (defn.key, names[unit_id], figure)


def test_stats_json_for_last_month_has_participation_and_satisfaction(bureau):
    first, last = shape.last_full_month(clock.today())
    out = StringIO()
    call_command(
        "stats", "--region", data.COUNTY_CODE, "--from", str(first), "--to", str(last), "--json", stdout=out
    )
    figures = json.loads(out.getvalue())

    for target in ("bureau", "unit"):
        assert figures["participation"][target]["numerator"] > 0
        assert figures["satisfaction"][target]["numerator"] > 0


def test_the_years_rates_fall_where_a_working_bureaus_do(bureau):
    """Over the last twelve full months the sample is large enough for the shape's shares to show."""
    today = clock.today()
    first = (today.replace(day=1) - dt.timedelta(days=365)).replace(day=1)
    _, last = shape.last_full_month(today)
    out = StringIO()
    call_command(
        "stats", "--region", data.COUNTY_CODE, "--from", str(first), "--to", str(last), "--json", stdout=out
    )
    figures = json.loads(out.getvalue())

    assert 95 <= figures["timely_acceptance"]["percent"] <= 100
    assert 95 <= figures["on_time_conclusion"]["percent"] <= 100
    assert figures["timely_acceptance"]["percent"] < 100 or figures["on_time_conclusion"]["percent"] < 100
    for target in ("bureau", "unit"):
        assert 70 <= figures["participation"][target]["percent"] <= 90
        assert 75 <= figures["satisfaction"][target]["percent"] <= 92


def test_the_bureaus_to_do_list_is_short_enough_to_work(bureau):
    registrar = User.objects.get(username=data.REGISTRAR)
    tasks = my_tasks(registrar)

    assert 0 < tasks.count() < 0.1 * CASES
    assert (
        tasks.filter(status=Status.REGISTERED).count()
        == Petition.objects.filter(status=Status.REGISTERED).count()
    )
