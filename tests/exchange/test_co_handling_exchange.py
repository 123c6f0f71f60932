"""Co-handling and settlement survive an export and an import: the supporting units travel as codes joined by
commas (the format's values are scalars), and the importer replays both actions through the workflow."""

from __future__ import annotations

import json

from tests.scenes import Scene, when
from xinfang.exchange.exporter import export_petitions
from xinfang.exchange.importer import import_petitions
from xinfang.petitions.models import Petition
from xinfang.workflow.co_handling import co_handling_of

from .state import empty_petition_tables


def test_co_handlers_and_settlement_round_trip(world):
    org, people = world.org, world.people
    scene = Scene(org, people, today=world.now.date())
    petition = scene.petition("2026-03-02 09:30")
    scene.transfer(petition, "2026-03-03")
    scene.accept(petition, "2026-03-05")
    scene.do(petition, "set_co_handlers", people.bureau_handler, "2026-03-06", lead_unit=org.qingbo_unit,
             supporting_units=[org.housing, org.hubin_unit], text="协商确定")  # fmt: skip
    scene.do(petition, "add_support_opinion", people.department_handler, "2026-03-07", text="住建局意见")
    scene.reply(petition, "2026-04-01")
    scene.deliver(petition, "2026-04-03")
    scene.do(petition, "record_settlement", people.bureau_handler, "2026-04-20", settlement="agreement")

    (line,) = list(export_petitions())
    events = {e["action"]: e for e in json.loads(line)["events"]}
    assert events["set_co_handlers"]["supporting_units"] == "330102-ZJJ,330102002"
    assert events["set_co_handlers"]["lead_unit"] == "330102001"
    assert events["record_settlement"]["settlement"] == "agreement"

    empty_petition_tables()
    result = import_petitions([line])
    assert result.imported == 1, result
    again = Petition.objects.get()
    found = co_handling_of(again)
    assert found.lead == org.qingbo_unit and found.supporting == [org.housing, org.hubin_unit]
    assert (again.settlement, again.settled_at) == ("agreement", when("2026-04-20"))
    assert again.events.get(action="add_support_opinion").reason == "住建局意见"
