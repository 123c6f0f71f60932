"""Each metric of process.md §8 on hand-built petitions with known numerators and denominators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xinfang.deadlines.models import Stage
from xinfang.petitions.models import Channel, Source, SourceAction
from xinfang.stats import rates, volumes
from xinfang.stats.models import StatisticsPolicy
from xinfang.stats.rates import Rate
from xinfang.stats.scope import Scope
from xinfang.workflow.models import Deadline, DeadlineStatus
from xinfang.workflow.petition_deadlines import expire_windows

from .conftest import ctx

MARCH = ("2026-03-01", "2026-03-31")


def county(org):
    return Scope(region=org.county)


# --- Rate ----------------------------------------------------------------------------------------------------


def test_rate_rounds_half_up_to_two_decimals_and_is_null_without_denominator():
    assert Rate(277, 280).percent == Decimal("98.93")
    assert Rate(305, 307).percent == Decimal("99.35")
    assert Rate(1, 8).percent == Decimal("12.50")
    assert Rate(1, 200).percent == Decimal("0.50")
    assert Rate(2, 3).percent == Decimal("66.67")
    assert Rate(1, 3).percent == Decimal("33.33")
    # 0.125 is exact: half up gives 0.13 where banker's rounding would give 0.12.
    assert Rate(1, 800).percent == Decimal("0.13")
    assert Rate(0, 0).percent is None
    assert Rate(0, 0).as_dict() == {"numerator": 0, "denominator": 0, "percent": None}
    assert Rate(277, 280).as_dict() == {"numerator": 277, "denominator": 280, "percent": 98.93}


# --- timely acceptance -----------------------------------------------------------------------------------------


@pytest.fixture
def acceptances(scene, org, people):
    """March 2026, transfers to 清波街道 on 3 March (acceptance due 18 March):
    on time, late, still pending though overdue, objected to (then re-routed to 湖滨 and accepted);
    plus one accepted in March whose deadline falls in April, and one transferred in June, not yet due."""
    on_time = scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    late = scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-25")
    pending = scene.petition("2026-03-02 09:50")
    scene.transfer(pending, "2026-03-03")
    objected = scene.petition("2026-03-02 10:00")
    scene.transfer(objected, "2026-03-03")
    scene.do(objected, "object", people.township_handler, "2026-03-04", reason="不属于本单位职权范围")
    scene.transfer(objected, "2026-03-06", org.hubin_unit)
    scene.do(objected, "accept", people.other_township_handler, "2026-03-09")
    april = scene.accepted("2026-03-25 09:00", "2026-03-26", "2026-03-27")
    june = scene.petition("2026-06-09 09:00")
    scene.transfer(june, "2026-06-10")
    return {
        "on_time": on_time,
        "late": late,
        "pending": pending,
        "objected": objected,
        "april": april,
        "june": june,
    }


def test_timely_acceptance_counts_late_and_pending_overdue_against(acceptances, org):
    deadline = Deadline.objects.get(petition=acceptances["pending"], stage=Stage.ACCEPT)
    assert deadline.due_on == dt.date(2026, 3, 18) and deadline.status == DeadlineStatus.OPEN
    assert (
        Deadline.objects.get(petition=acceptances["late"], stage=Stage.ACCEPT).status == DeadlineStatus.MISSED
    )
    assert Deadline.objects.get(petition=acceptances["april"], stage=Stage.ACCEPT).due_on.month == 4

    march = ctx(*MARCH)
    # 清波: on time, late, pending overdue (the objected one is cancelled); 湖滨: the re-routed one.
    assert rates.rate(rates.TIMELY_ACCEPTANCE, county(org), march) == Rate(2, 4)
    assert rates.rate(rates.TIMELY_ACCEPTANCE, Scope(unit=org.qingbo_unit), march) == Rate(1, 3)
    assert rates.rate(rates.TIMELY_ACCEPTANCE, Scope(unit=org.hubin_unit), march) == Rate(1, 1)
    # The bureau's own acceptance is its routing: four routed on time in March; the re-routing after the
    # objection does not count again.
    assert rates.rate(rates.TIMELY_ACCEPTANCE, Scope(unit=org.bureau), march) == Rate(4, 4)
    # April: the one accepted in March but due in April counts there.
    assert rates.rate(rates.TIMELY_ACCEPTANCE, county(org), ctx("2026-04-01", "2026-04-30")) == Rate(1, 1)
    # June: transferred on 10 June, due 25 June, and today is 15 June: not yet due, not counted.
    assert rates.rate(rates.TIMELY_ACCEPTANCE, county(org), ctx("2026-06-01", "2026-06-30")) == Rate(0, 0)
    # ... but once its deadline has passed unaccepted it counts against.
    later = ctx("2026-06-01", "2026-06-30", today=dt.date(2026, 7, 1))
    assert rates.rate(rates.TIMELY_ACCEPTANCE, county(org), later) == Rate(0, 1)


def test_acceptance_drill_down_lists_exactly_the_counted_petitions(acceptances, org):
    march = ctx(*MARCH)
    behind = rates.petitions_behind(rates.TIMELY_ACCEPTANCE, county(org), march, "denominator")
    assert set(behind) == {acceptances[k] for k in ("on_time", "late", "pending", "objected")}
    on_time = rates.petitions_behind(rates.TIMELY_ACCEPTANCE, county(org), march, "numerator")
    assert set(on_time) == {acceptances["on_time"], acceptances["objected"]}


def test_rates_by_unit_is_one_query_and_agrees_with_each_unit(acceptances, org, django_assert_num_queries):
    march = ctx(*MARCH)
    with django_assert_num_queries(1):
        table = rates.rates_by_unit(rates.TIMELY_ACCEPTANCE, march)
    assert table[org.qingbo_unit.pk] == Rate(1, 3)
    assert table[org.hubin_unit.pk] == Rate(1, 1)
    assert table[org.bureau.pk] == Rate(4, 4)
    for unit_id, value in table.items():
        from xinfang.orgs.models import OrgUnit

        assert (
            rates.rate(rates.TIMELY_ACCEPTANCE, Scope(unit=OrgUnit.objects.get(pk=unit_id)), march) == value
        )


# --- on-time conclusion (with an extension) --------------------------------------------------------------------


@pytest.fixture
def handlings(scene, org, people):
    """Accepted 2 March 2026 (handling due 1 May, moved to the next working day by the May Day holiday)."""
    h = people.township_handler
    on_time = scene.replied("2026-03-01 09:00", "2026-03-01 15:00", "2026-03-02", "2026-04-20")
    extended = scene.accepted("2026-03-01 09:10", "2026-03-01 15:00", "2026-03-02")
    scene.do(
        extended,
        "extend",
        h,
        "2026-04-25",
        days=30,
        reason="需要现场勘查",
        approved_by=people.township_leader.pk,
    )
    scene.do(extended, "reply", h, "2026-05-20", opinion="explain", text="解释说明")
    late = scene.replied("2026-03-01 09:20", "2026-03-01 15:00", "2026-03-02", "2026-05-20")
    overdue = scene.accepted("2026-03-01 09:30", "2026-03-01 15:00", "2026-03-02")
    not_due = scene.accepted("2026-05-04 09:30", "2026-05-04 15:00", "2026-05-06")
    return {"on_time": on_time, "extended": extended, "late": late, "overdue": overdue, "not_due": not_due}


def test_on_time_conclusion_counts_extensions_and_overdue(handlings, org):
    due = Deadline.objects.get(petition=handlings["on_time"], stage=Stage.HANDLE).due_on
    assert dt.date(2026, 5, 1) <= due <= dt.date(2026, 5, 6)
    extended = Deadline.objects.get(petition=handlings["extended"], stage=Stage.HANDLE)
    assert (
        extended.extension_days == 30 and extended.due_on.month == 6 and extended.status == DeadlineStatus.MET
    )

    may = ctx("2026-05-01", "2026-05-31")
    # Due in May: on time, late, and overdue unreplied; the extended one is now due in June.
    assert rates.rate(rates.ON_TIME_CONCLUSION, county(org), may) == Rate(1, 3)
    assert rates.rate(rates.ON_TIME_CONCLUSION, county(org), ctx("2026-06-01", "2026-06-30")) == Rate(1, 1)
    # The one accepted on 6 May is due 5 July: outside both.
    assert rates.rate(rates.ON_TIME_CONCLUSION, county(org), ctx("2026-07-01", "2026-07-31")) == Rate(0, 0)
    assert rates.rate(rates.FIRST_PETITION_ON_TIME, county(org), may) == Rate(1, 3)
    assert set(rates.petitions_behind(rates.ON_TIME_CONCLUSION, county(org), may, "denominator")) == {
        handlings["on_time"],
        handlings["late"],
        handlings["overdue"],
    }


def test_first_petition_rate_leaves_repeats_out(scene, org):
    first = scene.replied("2026-03-01 09:00", "2026-03-01 15:00", "2026-03-02", "2026-04-20")
    repeat = scene.replied(
        "2026-03-01 09:10", "2026-03-01 15:00", "2026-03-02", "2026-05-20", repeat_of=first
    )
    assert repeat.is_repeat
    may = ctx("2026-05-01", "2026-05-31")
    assert rates.rate(rates.ON_TIME_CONCLUSION, county(org), may) == Rate(1, 2)
    assert rates.rate(rates.FIRST_PETITION_ON_TIME, county(org), may) == Rate(1, 1)


# --- participation and satisfaction -----------------------------------------------------------------------------


@pytest.fixture
def ratings(scene, org):
    """Replies received 1 April 2026 (rating windows close 1 May, moved past the May Day holiday)."""
    p = [scene.delivered(f"2026-03-0{i} 09:00", "2026-03-20", "2026-04-01") for i in range(1, 6)]
    scene.rate(p[0], "unit", "satisfied", "2026-04-10")
    scene.rate(p[0], "bureau", "satisfied", "2026-04-10")
    scene.rate(p[1], "unit", "basically_satisfied", "2026-04-12")
    scene.rate(p[2], "unit", "dissatisfied", "2026-04-15")
    scene.rate(p[2], "bureau", "basically_satisfied", "2026-04-15")
    # p[3] and p[4]: never rated. p[4]'s windows are closed by the daily scan, p[3]'s are still open rows.
    # One more, received in June: its windows are open and not yet due (today is 15 June).
    late = scene.delivered("2026-05-10 09:00", "2026-06-01", "2026-06-05")
    return p + [late]


def test_participation_is_rated_over_rated_plus_expired(ratings, org):
    window = Deadline.objects.get(petition=ratings[4], stage=Stage.RATING, rating_target="unit")
    assert window.due_on.month == 5 and window.unit == org.qingbo_unit
    assert (
        Deadline.objects.get(petition=ratings[4], stage=Stage.RATING, rating_target="bureau").unit
        == org.bureau
    )
    april_may = ctx("2026-04-01", "2026-05-31")
    before_scan = {key: rates.rate(rates.RATES[key], county(org), april_may) for key in rates.RATES}
    assert expire_windows(dt.date(2026, 6, 15)) == 5  # bureau: p[1], p[3], p[4]; unit: p[3], p[4]
    for key in ("participation.unit", "participation.bureau"):
        assert rates.rate(rates.RATES[key], county(org), april_may) == before_scan[key]

    assert before_scan["participation.unit"] == Rate(3, 5)
    assert before_scan["participation.bureau"] == Rate(2, 5)
    assert before_scan["satisfaction.unit"] == Rate(2, 3)
    assert before_scan["satisfaction.bureau"] == Rate(2, 2)
    # In April alone the windows had not closed: only the ratings given then count.
    assert rates.rate(rates.PARTICIPATION_UNIT, county(org), ctx("2026-04-01", "2026-04-30")) == Rate(3, 3)
    # June: the June windows are open and not yet due.
    assert rates.rate(rates.PARTICIPATION_UNIT, county(org), ctx("2026-06-01", "2026-06-30")) == Rate(0, 0)
    # By unit: the bureau's figures are the bureau's, the township's the township's.
    assert rates.rate(rates.PARTICIPATION_BUREAU, Scope(unit=org.bureau), april_may) == Rate(2, 5)
    assert rates.rate(rates.PARTICIPATION_BUREAU, Scope(unit=org.qingbo_unit), april_may) == Rate(0, 0)
    assert rates.rate(rates.SATISFACTION_UNIT, Scope(unit=org.qingbo_unit), april_may) == Rate(2, 3)
    behind = rates.petitions_behind(rates.PARTICIPATION_UNIT, county(org), april_may, "denominator")
    assert set(behind) == set(ratings[:5])


# --- volumes, repeat and online share, period boundaries ---------------------------------------------------------


@pytest.fixture
def intake(scene, org, people):
    from tests import factories as f

    rows = [
        scene.petition("2026-02-28 23:59"),  # February
        scene.petition("2026-03-01 00:00"),  # March, first instant
        scene.petition("2026-03-31 23:59", channel=Channel.ONLINE),
        scene.petition("2026-04-01 00:00"),  # April
        scene.petition(
            "2026-03-10 09:00",
            channel=Channel.VISIT,
            visit_level="county",
            person_count=6,
            parties=[f.representative(), f.representative()],
        ),
        scene.petition(
            "2026-03-11 09:00",
            channel=Channel.VISIT,
            visit_level="province",
            person_count=2,
            source=Source.REFERRED_FROM_ABOVE,
            source_level="province",
            source_action=SourceAction.TRANSFER,
        ),
        scene.petition(
            "2026-03-12 09:00",
            channel=Channel.ONLINE,
            source=Source.REFERRED_FROM_ABOVE,
            source_level="national",
            source_action=SourceAction.TRANSFER,
            category=f.category("劳动和社会保障"),
        ),
    ]
    repeat = scene.petition("2026-03-15 09:00", repeat_of=rows[1], parties=[f.person(1)])
    return rows + [repeat]


def test_volume_counts_batches_and_persons_with_every_split(intake, org, django_assert_max_num_queries):
    march = ctx(*MARCH)
    with django_assert_max_num_queries(3):
        v = volumes.volume(county(org), march)
    assert (v.total.batches, v.total.persons) == (6, 1 + 1 + 6 + 2 + 1 + 1)
    assert v.by_channel["letter"].batches == 2 and v.by_channel["online"].batches == 2
    assert v.by_channel["visit"].as_dict() == {"batches": 2, "persons": 8}
    assert v.by_visit_level["local"].as_dict() == {"batches": 1, "persons": 6}
    assert v.by_visit_level["province"].as_dict() == {"batches": 1, "persons": 2}
    assert v.by_visit_level["national"].batches == 0
    assert v.by_collective["collective"].as_dict() == {"batches": 1, "persons": 6}
    assert v.by_category["劳动和社会保障"].batches == 1
    assert v.by_category["城乡建设"].batches == 5
    assert v.skip_level.as_dict() == {"batches": 2, "persons": 3}
    assert v.skip_level_online_letter_phone.batches == 1
    assert v.skip_level_visits["province"].batches == 1
    assert v.repeat.batches == 1
    # Every split adds up to the total.
    for split in (v.by_channel, v.by_visit_level, v.by_category, v.by_collective):
        if split is not v.by_visit_level:
            assert sum(c.batches for c in split.values()) == v.total.batches
    # February and April each have their one petition at the boundary instant.
    assert volumes.volume(county(org), ctx("2026-02-01", "2026-02-28")).total.batches == 1
    assert volumes.volume(county(org), ctx("2026-04-01", "2026-04-30")).total.batches == 1


def test_repeat_rate_and_online_share(intake, org):
    march = ctx(*MARCH)
    assert rates.rate(rates.REPEAT, county(org), march) == Rate(1, 6)
    assert rates.rate(rates.ONLINE_SHARE, county(org), march) == Rate(2, 6)
    assert rates.petitions_behind(rates.REPEAT, county(org), march, "numerator").get() == intake[-1]
    assert volumes.volume_petitions(county(org), march, "visit_level", "local").count() == 1
    assert volumes.volume_petitions(county(org), march, "skip_level").count() == 2
    assert volumes.volume_petitions(county(org), march, "category", "城乡建设").count() == 5


def test_jurisdiction_and_unit_scopes(intake, scene, org):
    march = ctx(*MARCH)
    other = Scope(region=org.other_county)
    assert volumes.volume(other, march).total.batches == 0
    # A petition transferred to 清波 is counted for 清波 and no longer for the bureau that received it.
    scene.transfer(intake[1], "2026-03-02")
    assert volumes.volume(Scope(unit=org.qingbo_unit), march).total.batches == 1
    assert volumes.volume(Scope(unit=org.bureau), march).total.batches == 5
    by_unit = volumes.volumes_by_unit(march)
    assert by_unit[org.qingbo_unit.pk].batches == 1 and by_unit[org.bureau.pk].batches == 5


# --- backlog and long-term petitioners ---------------------------------------------------------------------------


def test_backlog_count_and_resolution_rate(scene, org, people):
    old_open = scene.accepted("2025-03-01 09:00", "2025-03-02", "2025-03-03")
    old_resolved = scene.accepted("2025-03-02 09:00", "2025-03-03", "2025-03-04")
    scene.do(old_resolved, "resolve", people.township_handler, "2026-05-10", text="达成和解")
    settled_in_time = scene.delivered("2025-03-03 09:00", "2025-04-01", "2025-04-03")
    recent = scene.accepted("2026-01-05 09:00", "2026-01-06", "2026-01-07")
    assert settled_in_time.concluded_at is not None and recent

    may = ctx("2026-05-01", "2026-05-31")
    assert rates.rate(rates.BACKLOG_RESOLUTION, county(org), may) == Rate(1, 2)
    assert set(rates.petitions_behind(rates.BACKLOG_RESOLUTION, county(org), may)) == {old_open, old_resolved}
    assert volumes.backlog_open_count(county(org), may) == 1
    # In April the resolution had not happened yet.
    assert rates.rate(rates.BACKLOG_RESOLUTION, county(org), ctx("2026-04-01", "2026-04-30")) == Rate(0, 2)
    # The threshold is a setting: at two years nothing is a backlog case yet.
    StatisticsPolicy.objects.create(backlog_days=730)
    assert rates.rate(rates.BACKLOG_RESOLUTION, county(org), ctx("2026-05-01", "2026-05-31")) == Rate(0, 0)


def test_long_term_petitioners_is_a_count_of_people_with_three_skip_level_visits(scene, org):
    from tests import factories as f

    def visit(day, level, who):
        return scene.petition(
            f"{day} 09:00",
            channel=Channel.VISIT,
            visit_level=level,
            source=Source.REFERRED_FROM_ABOVE,
            source_level=level,
            source_action=SourceAction.TRANSFER,
            parties=[f.person(who)],
        )

    for day in ("2025-01-10", "2025-09-10", "2026-03-10"):
        visit(day, "province", 501)  # three in two years
    for day in ("2024-01-10", "2025-09-10", "2026-03-10"):
        visit(day, "national", 502)  # the first is more than two years before
    for day in ("2025-09-10", "2026-03-10", "2026-03-20"):
        visit(day, "city", 503)  # city visits do not count by default
    march = ctx(*MARCH)
    assert volumes.long_term_petitioner_count(county(org), march) == 1
    StatisticsPolicy.objects.create(long_term_includes_city=True, long_term_window_days=900)
    assert volumes.long_term_petitioner_count(county(org), ctx(*MARCH)) == 3
