"""The history row of 救助息访 written by the assistance hook names the person who recorded the grant's ending
and their unit, not only the bureau whose authority the workflow acted under."""

from __future__ import annotations

from tests.scenes import day, when
from xinfang.assistance import services
from xinfang.assistance.models import Fund
from xinfang.workbench import history


def test_the_settlement_row_names_who_paid_the_grant_and_their_unit(people, scene):
    concluded = scene.drive("concluded")
    scene.move(when("2026-04-10 09:00"))
    grant = services.apply(
        people.township_handler, concluded, fund=Fund.PETITION_FUND, amount="8000.00", applicant_name="群众甲",
        beneficiary_count=1, reason="家庭生活困难。",
    )  # fmt: skip
    services.approve(grant, people.township_leader, rule="第五条")
    services.pay(grant, people.township_handler, paid_on=day("2026-04-10"), ended_petitioning=True)

    events = list(concluded.events.select_related("actor", "actor_unit").order_by("at", "id"))
    event = next(e for e in events if e.action == "record_settlement")
    # The bureau's authority stays on record (the exchange file's by_unit); the actor is the person.
    assert event.data["by_unit"] == scene.org.bureau.code
    assert (event.actor, event.actor_unit) == (people.township_handler, scene.org.qingbo_unit)
    (row,) = [
        r for r in history.history_rows(events, history.names_for(events)) if r.action == "记录案结事了"
    ]
    assert (row.actor, row.unit) == ("赵承办", scene.org.qingbo_unit.name)
