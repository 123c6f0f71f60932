"""Leaders' figures on hand-built data with known numerators and denominators."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.leaders import figures as fig
from xinfang.leaders.models import HolidayRule, Outcome, ReceptionKind, Recurrence, ResolutionStandard
from xinfang.leaders.services import instructions, ownership, reception
from xinfang.leaders.services.ownership import Step
from xinfang.orgs.models import Level
from xinfang.petitions.models import Channel
from xinfang.workflow.services import perform

from .. import factories as f
from ..conftest import stop_clock
from .conftest import at

D = dt.date
CHEN = fig.Leader(1, "陈副书记", "区委副书记", "county")
SUN = fig.Leader(2, "孙副市长", "副市长", "city")


# --- pure ----------------------------------------------------------------------------------------------------


def test_reception_days_count_a_leader_once_a_day_and_leave_out_cancelled_and_future_sessions():
    facts = [
        fig.SessionFact(CHEN, D(2025, 10, 9), False, {Outcome.ON_SPOT: (2, 5), Outcome.TIME_LIMITED: (1, 1)}),
        fig.SessionFact(CHEN, D(2025, 10, 9), False, {Outcome.ROUTED: (1, 2)}),  # afternoon session, same day
        fig.SessionFact(CHEN, D(2025, 10, 15), True),  # cancelled
        fig.SessionFact(SUN, D(2025, 10, 20), False),  # held, nobody came
        fig.SessionFact(SUN, D(2025, 11, 8), False),  # after as_of: still planned
    ]
    got = fig.reception_figures(facts, as_of=D(2025, 10, 31))
    assert got == {
        "days": 2,
        "leaders": 2,
        "townships": 0,
        "sessions": 3,
        "sessions_without_visitors": 1,
        "cancelled": 1,
        "planned": 1,
        "received": {"batches": 4, "persons": 8},
        "on_spot": {"batches": 2, "persons": 5},
        "time_limited": {"batches": 1, "persons": 1},
        "routed": {"batches": 1, "persons": 2},
        "pending": {"batches": 0, "persons": 0},
        "appointments": {"asked": 0, "held": 0},
    }


def test_a_handed_on_case_counts_once_in_the_resolution_rate():
    facts = [
        fig.OwnershipFact(SUN, D(2025, 10, 1), D(2025, 12, 31), "handed_on", D(2025, 10, 9)),
        fig.OwnershipFact(CHEN, D(2025, 10, 9), D(2025, 11, 30), "resolved", D(2025, 11, 20), True),
        fig.OwnershipFact(CHEN, D(2025, 10, 9), D(2025, 10, 31), "open"),  # overdue on 11-30
        fig.OwnershipFact(CHEN, D(2025, 10, 9), D(2025, 12, 31), "open"),
    ]
    got = fig.ownership_figures(facts, as_of=D(2025, 11, 30))
    assert got == {
        "opened": 4,
        "handed_on": 1,
        "resolved": 1,
        "resolved_on_time": 1,
        "open": 2,
        "overdue": 1,
        "resolution_rate": {"numerator": 1, "denominator": 3, "percent": 33.33},
    }
    # The city leader's own line: nothing left to resolve, so no rate.
    assert fig.ownership_figures(facts[:1], D(2025, 11, 30))["resolution_rate"]["denominator"] == 0


def test_instructions_answered_on_time_among_those_fallen_due():
    facts = [
        fig.InstructionFact(
            CHEN, D(2025, 10, 9), D(2025, 10, 20), [(D(2025, 10, 18), True), (D(2025, 10, 25), False)]
        ),
        fig.InstructionFact(CHEN, D(2025, 10, 10), D(2025, 11, 30), [(None, None)]),  # not yet due
        fig.InstructionFact(SUN, D(2025, 10, 12), D(2025, 10, 25), [(None, None)]),  # due, unanswered
        fig.InstructionFact(SUN, D(2025, 10, 12), None, [(D(2025, 10, 13), None)]),  # no date
    ]
    got = fig.instruction_figures(facts, as_of=D(2025, 10, 31))
    assert got == {
        "written": 4,
        "dated": 3,
        "to_units": 5,
        "answered": 3,
        "answered_on_time": {"numerator": 1, "denominator": 3, "percent": 33.33},
    }


# --- queries on a built county ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_county_month(people, leaders, org, silence_notices):
    """October 2025: the monthly 下沉接访 on the 8th moves to the 9th (National Day); two visits, one settled
    on the spot (3 persons), one with a time limit; an ad hoc session cancelled; a case owned by the city
    leader handed to the county leader and resolved; one dated instruction answered on time."""
    ResolutionStandard.objects.all().delete()
    standard = ResolutionStandard.objects.create(text="合理诉求已解决")
    stop_clock(at(D(2025, 9, 25)))
    schedule = reception.create_schedule(
        people.registrar,
        kind=ReceptionKind.DESCEND,
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        place="清波街道",
        recurrence=Recurrence.MONTHLY,
        day_of_month=8,
        holiday_rule=HolidayRule.NEXT,
        start_time=dt.time(9),
        end_time=dt.time(12),
        starts_on=D(2025, 10, 1),
    )
    (session,) = reception.make_sessions(schedule, people.registrar, until=D(2025, 10, 31))
    assert session.date == D(2025, 10, 9)
    cancelled = reception.create_session(
        people.registrar,
        kind=ReceptionKind.APPOINTMENT,
        leader=leaders.county2,
        leader_post="区长",
        leader_level=Level.COUNTY,
        place="区信访局",
        date=D(2025, 10, 15),
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    reception.cancel_session(cancelled, people.registrar, reason="改期")

    stop_clock(at(D(2025, 10, 9), 11))
    group = f.register(
        people.registrar, channel=Channel.VISIT, received_at=at(D(2025, 10, 9), 9), person_count=3
    )
    single = f.register(people.registrar, channel=Channel.VISIT, received_at=at(D(2025, 10, 9), 10))
    for petition in (group, single):
        reception.link_petition(session, petition, people.registrar)
    reception.set_outcome(session, group, people.registrar, outcome=Outcome.ON_SPOT)
    reception.set_outcome(
        session,
        single,
        people.registrar,
        outcome=Outcome.TIME_LIMITED,
        unit=org.qingbo_unit,
        due=D(2025, 10, 30),
    )

    city = ownership.open_ownership(
        people.bureau_leader,
        petitions=[single],
        problem="征收补偿",
        leader=leaders.city,
        leader_post="副市长",
        leader_level=Level.CITY,
        resolution_due=D(2025, 12, 31),
        steps=[Step("会商", D(2025, 10, 20))],
    )
    county = ownership.hand_on(
        city,
        people.bureau_leader,
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        resolution_due=D(2025, 11, 30),
        steps=[Step("入户", D(2025, 10, 20))],
        note="属地化解",
    )
    perform(single, "transfer", people.registrar, to_unit=org.qingbo_unit)
    submission = instructions.submit(people.bureau_handler, petition=single, leader=leaders.county)
    instruction = instructions.instruct(
        submission, leaders.county, text="限期化解", units=[org.qingbo_unit], response_due=D(2025, 10, 20)
    )
    stop_clock(at(D(2025, 10, 18)))
    instructions.answer(instruction.targets.get(), people.township_handler, text="已化解")
    ownership.resolve(county, leaders.county, standards=[standard], note="已化解")

    got = fig.all_figures(D(2025, 10, 1), D(2025, 10, 31), D(2025, 10, 31), prefix=org.county.prefix)
    r = got["reception"]
    assert (r["days"], r["sessions"], r["cancelled"]) == (1, 1, 1)
    assert r["received"] == {"batches": 2, "persons": 4}
    assert r["on_spot"] == {"batches": 1, "persons": 3}
    assert r["time_limited"] == {"batches": 1, "persons": 1}
    by_leader = {row["leader"]: row for row in r["by_leader"]}
    assert (by_leader["陈副书记"]["days"], by_leader["陈副书记"]["cancelled"]) == (1, 0)
    assert (by_leader["周副区长"]["days"], by_leader["周副区长"]["cancelled"]) == (0, 1)
    o = got["ownership"]
    assert (o["opened"], o["handed_on"], o["resolved"], o["overdue"]) == (2, 1, 1, 0)
    assert o["resolution_rate"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    assert o["by_level"]["city"]["handed_on"] == 1 and o["by_level"]["county"]["resolved"] == 1
    i = got["instructions"]
    assert (i["submitted"], i["written"], i["to_units"], i["answered"]) == (1, 1, 1, 1)
    assert i["answered_on_time"] == {"numerator": 1, "denominator": 1, "percent": 100.0}

    # The neighbouring county's figures hold none of it; the township sees the session it attended not.
    other = fig.all_figures(D(2025, 10, 1), D(2025, 10, 31), D(2025, 10, 31), prefix=org.other_county.prefix)
    assert other["reception"]["sessions"] == 0 and other["ownership"]["opened"] == 0
    township = fig.all_figures(D(2025, 10, 1), D(2025, 10, 31), D(2025, 10, 31), unit=org.qingbo_unit)
    assert township["instructions"]["to_units"] == 1 and township["reception"]["sessions"] == 0


@pytest.mark.django_db
def test_stats_json_prints_the_three_keys(people, leaders, org):
    import io
    import json

    from django.core.management import call_command

    stop_clock(at(D(2025, 10, 9), 8))
    session = reception.create_session(
        people.registrar,
        kind=ReceptionKind.SITTING,
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        place="区信访局",
        date=D(2025, 10, 9),
        start_time=dt.time(9),
        end_time=dt.time(12),
        attending_units=[org.qingbo_unit],
    )
    stop_clock(at(D(2025, 10, 9), 11))
    petition = f.register(people.registrar, channel=Channel.VISIT, received_at=at(D(2025, 10, 9), 9))
    reception.link_petition(session, petition, people.registrar)
    reception.set_outcome(session, petition, people.registrar, outcome=Outcome.ON_SPOT)
    out = io.StringIO()
    call_command(
        "stats",
        "--region",
        "330102",
        "--from",
        "2025-10-01",
        "--to",
        "2025-10-31",
        "--as-of",
        "2025-10-31",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert {"reception", "ownership", "instructions", "volume"} <= set(data)
    assert data["reception"]["on_spot"] == {"batches": 1, "persons": 1}
    assert data["reception"]["by_level"]["county"]["days"] == 1
    assert data["reception"]["by_kind"]["sitting"]["townships"] == 1
    text = io.StringIO()
    call_command("stats", "--region", "330102", "--from", "2025-10-01", "--to", "2025-10-31", stdout=text)
    assert "1名县级领导深入1个乡镇街道共接访群众1起1人，现场协调化解1起，限定期限化解0起。" in text.getvalue()
    assert data["ownership"]["resolution_rate"] == {"numerator": 0, "denominator": 0, "percent": None}
    assert data["instructions"]["written"] == 0


# --- work-report sentences ----------------------------------------------------------------------------------


def _leaders(n: int, level: str = "county") -> list:
    return [fig.Leader(100 + i, f"领导{i}", "副县长", level) for i in range(n)]


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def test_the_three_seed_sentences_from_data_built_to_their_numbers():
    from xinfang.leaders.sentences import reception_sentences

    day = D(2021, 8, 9)
    facts = []
    # Seed 003: 35 county leaders at 14 townships, 297 matters of 1387 persons, 215 on the spot, 82 with a time
    # limit: one session per leader, matters spread over them.
    leaders = _leaders(35)
    on_spot, limited = _spread(215, 35), _spread(82, 35)
    spot_persons, limited_persons = _spread(1000, 35), _spread(387, 35)
    for i, leader in enumerate(leaders):
        facts.append(
            fig.SessionFact(
                leader,
                day,
                False,
                {
                    Outcome.ON_SPOT: (on_spot[i], spot_persons[i]),
                    Outcome.TIME_LIMITED: (limited[i], limited_persons[i]),
                },
                ReceptionKind.DESCEND,
                frozenset({i % 14}),
            )
        )
    # Seed 000's village receptions: 769 batches of 1315 persons, 646 batches of 1107 on the spot; village
    # cadres are township-level.
    cadre = fig.Leader(900, "村干部", "村支书", "township")
    facts.append(
        fig.SessionFact(
            cadre,
            day,
            False,
            {Outcome.ON_SPOT: (646, 1107), Outcome.ROUTED: (123, 208)},
            ReceptionKind.VILLAGE,
        )
    )
    reception = fig._with_breakdowns(facts, fig.reception_figures, D(2021, 8, 31), by_kind=True)
    sentences = reception_sentences(reception)
    assert sentences[0] == "领导干部下沉接访35天次，共下沉接访1387人次，解决信访案件297件。"
    assert sentences[1] == "村级接访共接待群众来访769批1315人，现场协调解决646批1107人。"
    assert (
        sentences[2]
        == "35名县级领导深入14个乡镇街道共接访群众297起1387人，现场协调化解215起，限定期限化解82起。"
    )


def test_seed_000_descend_sentence_191_persons_86_cases():
    from xinfang.leaders.sentences import descend_sentence

    row = fig.reception_figures(
        [
            fig.SessionFact(
                CHEN,
                D(2021, 3, 8),
                False,
                {Outcome.ON_SPOT: (50, 120), Outcome.TIME_LIMITED: (36, 45), Outcome.ROUTED: (20, 26)},
                ReceptionKind.DESCEND,
            ),
            fig.SessionFact(CHEN, D(2021, 4, 8), True, {}, ReceptionKind.DESCEND),  # cancelled: not counted
        ],
        D(2021, 8, 31),
    )
    assert descend_sentence(row) == "领导干部下沉接访1天次，共下沉接访191人次，解决信访案件86件。"
