"""Appointments asked and held in the reception figures, on hand-built data: a declined one counts as asked,
not held; one moved counts as asked where it was asked and held where it went; one at a cancelled session
or a session still to come is not held."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from xinfang.leaders import figures as fig
from xinfang.leaders.services import appointments, reception

from ..conftest import stop_clock
from .conftest import at
from .test_appointments import session

D = dt.date
CHEN = fig.Leader(1, "陈副书记", "区委副书记", "county")
pytestmark = pytest.mark.django_db


def test_pure_asked_and_held():
    facts = [
        fig.SessionFact(CHEN, D(2025, 9, 8), False, appointments_asked=3, appointments_expected=1),
        fig.SessionFact(
            CHEN, D(2025, 9, 15), True, appointments_asked=1, appointments_expected=1
        ),  # cancelled
        fig.SessionFact(CHEN, D(2025, 10, 8), False, appointments_expected=1),  # still to come
    ]
    assert fig.reception_figures(facts, as_of=D(2025, 9, 30))["appointments"] == {"asked": 4, "held": 1}


def test_asked_and_held_from_the_database(people, leaders, org):
    stop_clock(at(D(2025, 9, 1)))
    session(people, leaders.county, D(2025, 9, 8))
    day15 = session(people, leaders.county, D(2025, 9, 15))
    oct8 = session(people, leaders.county2, D(2025, 10, 8), leader_post="副区长")

    def ask(phone, day):
        return appointments.request_appointment(
            org.bureau, leader=leaders.county, date=day, phone=phone, matter="噪声扰民"
        )[0]

    confirmed = ask("13900000001", D(2025, 9, 8))
    appointments.confirm(confirmed, people.registrar)
    declined = ask("13900000002", D(2025, 9, 8))
    appointments.decline(declined, people.registrar, reason="已依法处理")
    moved = ask("13900000003", D(2025, 9, 8))
    appointments.move(moved, people.registrar, session=oct8, reason="改约十月")
    at_cancelled = ask("13900000004", D(2025, 9, 15))
    appointments.confirm(at_cancelled, people.registrar)
    reception.cancel_session(day15, people.registrar, reason="领导临时公务")
    ask("13900000005", D(2025, 9, 8))  # still pending on the day: asked, not held

    got = fig.all_figures(D(2025, 9, 1), D(2025, 10, 31), D(2025, 9, 30), prefix="330102")["reception"]
    assert got["appointments"] == {"asked": 5, "held": 1}
    by_leader = {row["leader"]: row["appointments"] for row in got["by_leader"]}
    assert by_leader == {"陈副书记": {"asked": 5, "held": 1}, "周副区长": {"asked": 0, "held": 0}}
    later = fig.all_figures(D(2025, 9, 1), D(2025, 10, 31), D(2025, 10, 31), prefix="330102")["reception"]
    assert later["appointments"] == {"asked": 5, "held": 2}  # the moved one, held on 10-08
    # A unit's scope counts no appointments: they are the bureau's, never shown to units.
    unit = fig.all_figures(D(2025, 9, 1), D(2025, 10, 31), D(2025, 10, 31), unit=org.qingbo_unit)
    assert unit["reception"]["appointments"] == {"asked": 0, "held": 0}

    out = io.StringIO()
    call_command(
        "stats",
        "--region",
        "330102",
        "--from",
        "2025-09-01",
        "--to",
        "2025-10-31",
        "--as-of",
        "2025-10-31",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["reception"]["appointments"] == {"asked": 5, "held": 2}
