"""Exporting petitions in the exchange format: events rebuilt from the audit trail, scopes, the command."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f
from xinfang import clock
from xinfang.exchange import exporter
from xinfang.exchange.exporter import export_petitions, select
from xinfang.exchange.importer import import_petitions
from xinfang.petitions.models import Petition
from xinfang.workflow.actors import PetitionerActor
from xinfang.workflow.services import perform
from xinfang.workflow.transitions import TABLE

from .conftest import jsonl
from .test_import import documented_example, line, person


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def exported(**scope) -> list[dict]:
    return [json.loads(text) for text in export_petitions(select(**scope))]


def test_every_workflow_action_has_its_place_in_the_format():
    assert set(TABLE) <= set(exporter.FIELDS)
    for action, row in TABLE.items():
        keys = set(exporter.FIELDS[action])
        # report_days: an assignment is written with the date it gave (report_due).
        assert set(row.required) | set(row.optional) <= keys | {"report_days"}, action


def test_the_documented_example_comes_back_as_it_went_in(world):
    import_petitions(jsonl(documented_example()))
    (record,) = exported()
    petition = Petition.objects.get()
    expected = documented_example() | {"registration_number": petition.registration_number, "summary": "……"}
    assert record == expected


def test_a_history_made_in_the_workbench_is_written_as_the_units_and_the_petitioner_made_it(world):
    org, p, more = world.org, world.people, world.more
    petition = f.register(p.registrar, received_at=at("2026-03-02 09:30"), identity_confidential=True)
    steps = [
        ("transfer", p.registrar, "2026-03-03 10:00", {"to_unit": org.qingbo_unit, "note": "请尽快办理"}),
        ("accept", p.township_handler, "2026-03-05 10:00", {}),
        ("extend", p.township_handler, "2026-04-28 10:00", {"days": 30, "reason": "需会商", "approved_by": p.township_leader}),
        ("reply", p.township_handler, "2026-05-20 10:00", {"opinion": "not_support", "text": "不予支持"}),
        ("deliver", p.township_handler, "2026-05-21 10:00", {"method": "post", "received_on": "2026-05-23"}),
        ("rate", PetitionerActor(via="portal"), "2026-05-24 20:00", {"target": "unit", "rating": "dissatisfied", "reason": "不公"}),
        ("rate", p.bureau_handler, "2026-05-25 10:00", {"target": "bureau", "rating": "satisfied", "via": "phone"}),
        ("request_review", PetitionerActor(via="portal"), "2026-05-26 10:00", {"text": "请求复查"}),
        ("review_opinion", p.reviewer, "2026-06-10 10:00", {"decision": "uphold", "text": "维持", "received_on": "2026-06-11"}),
        ("request_re_review", None, "2026-06-15 10:00", {}),
        ("record_hearing", more.city_reviewer, "2026-06-20 10:00", {"hearing_days": 3}),
        ("re_review_opinion", more.city_reviewer, "2026-07-10 10:00", {"decision": "uphold", "text": "维持", "received_on": "2026-07-10", "hearing_days": 2}),
        ("resolve", p.bureau_leader, "2026-07-20 10:00", {"text": "已化解"}),
    ]  # fmt: skip
    for action, actor, when, data in steps:
        perform(petition, action, actor, at=at(when), **data)

    (record,) = exported()
    assert record["external_id"] == record["registration_number"] == petition.registration_number
    assert record["identity_confidential"] is True and record["repeat_of"] is None
    assert record["events"] == [
        {"action": "transfer", "at": "2026-03-03T10:00:00+08:00", "by_unit": "330102-XFJ", "to_unit": "330102001", "note": "请尽快办理"},
        {"action": "accept", "at": "2026-03-05T10:00:00+08:00", "by_unit": "330102001"},
        {"action": "extend", "at": "2026-04-28T10:00:00+08:00", "by_unit": "330102001", "days": 30, "reason": "需会商", "approved_by": "qingbo_leader"},
        {"action": "reply", "at": "2026-05-20T10:00:00+08:00", "by_unit": "330102001", "opinion": "not_support", "text": "不予支持"},
        {"action": "deliver", "at": "2026-05-21T10:00:00+08:00", "by_unit": "330102001", "method": "post", "received_on": "2026-05-23"},
        {"action": "rate", "at": "2026-05-24T20:00:00+08:00", "target": "unit", "rating": "dissatisfied", "reason": "不公", "via": "portal"},
        {"action": "rate", "at": "2026-05-25T10:00:00+08:00", "by_unit": "330102-XFJ", "target": "bureau", "rating": "satisfied", "via": "phone"},
        {"action": "request_review", "at": "2026-05-26T10:00:00+08:00", "text": "请求复查", "via": "portal"},
        {"action": "review_opinion", "at": "2026-06-10T10:00:00+08:00", "by_unit": "330102-XFJ", "decision": "uphold", "text": "维持", "received_on": "2026-06-11"},
        {"action": "request_re_review", "at": "2026-06-15T10:00:00+08:00", "via": "portal"},
        {"action": "record_hearing", "at": "2026-06-20T10:00:00+08:00", "by_unit": "330100-XFJ", "hearing_days": 3},
        {"action": "re_review_opinion", "at": "2026-07-10T10:00:00+08:00", "by_unit": "330100-XFJ", "decision": "uphold", "text": "维持", "received_on": "2026-07-10", "hearing_days": 2},
        {"action": "resolve", "at": "2026-07-20T10:00:00+08:00", "by_unit": "330102-XFJ", "text": "已化解"},
    ]  # fmt: skip


def test_supervision_is_replayed_through_the_supervision_service_and_written_back(world):
    from xinfang.supervision.models import Supervision

    events = documented_example()["events"][:2] + [
        {
            "action": "supervise",
            "at": "2026-03-20T10:00:00+08:00",
            "by_unit": "330102-XFJ",
            "unit": "330102-ZJJ",
            "reason_kind": "shirked_or_delayed",
            "text": "请加快办理",
            "response_due": "2026-03-27",
            "is_listed": True,
        },
        {
            "action": "supervision_answer",
            "at": "2026-03-25T10:00:00+08:00",
            "by_unit": "330102-ZJJ",
            "text": "正在办理",
        },
    ]
    answer_without_supervision = line(
        external_id="S-2", petitioners=[person(2)], events=events[:2] + events[3:]
    )
    result = import_petitions(jsonl(line(events=events), answer_without_supervision))

    assert [(r.line, r.reason) for r in result.rejected] == [
        (2, "第3个事件（supervision_answer，2026-03-25 10:00）：该单位没有待回复的督办。")
    ]
    supervision = Supervision.objects.get()
    assert (supervision.unit, supervision.bureau, supervision.opened_by) == (
        world.org.housing,
        world.org.bureau,
        world.people.bureau_handler,  # the bureau's supervisor signs it
    )
    assert (supervision.status, supervision.answered_on_time, supervision.is_listed) == (
        "answered",
        True,
        True,
    )
    (record,) = exported()
    assert record["events"] == events


def test_a_unit_exports_what_it_sees_and_never_an_accusation_against_it(world):
    accusation = line(
        external_id="A-2",
        petitioners=[person(2)],
        petition_class="accusation",
        category="纪检监察",
        subject_unit="330102-ZJJ",
        events=[
            {
                "action": "transfer",
                "at": "2026-03-03T10:00:00+08:00",
                "by_unit": "330102-XFJ",
                "to_unit": "330102-JW",
            }
        ],
    )
    elsewhere = line(
        external_id="A-3", petitioners=[person(3)], received_at="2026-06-01T09:00:00+08:00", events=[]
    )
    assert (
        import_petitions(
            jsonl(line(external_id="A-1", petitioners=[person(1)]), accusation, elsewhere)
        ).imported
        == 3
    )

    def ids(**scope):
        return [r["external_id"] for r in exported(**scope)]

    assert ids() == ["A-1", "A-2", "A-3"]
    assert ids(unit="330102-ZJJ") == ["A-1"]  # sent the first; accused in the second
    assert ids(unit="330102-JW") == ["A-2"]
    assert ids(unit="330102001") == []
    assert ids(unit="330102-XFJ") == ["A-1", "A-2", "A-3"]
    assert ids(region="330102") == ids(region="330100") == ["A-1", "A-2", "A-3"]
    assert ids(region="330105") == []
    assert ids(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 2)) == ["A-1", "A-2"]
    assert ids(start=dt.date(2026, 3, 3)) == ["A-3"]
    assert ids(end=dt.date(2026, 3, 1)) == []
    with pytest.raises(LookupError, match="单位“nope”不存在"):
        select(unit="nope")


def test_the_command_writes_a_file_that_imports_again(world, tmp_path, capsys):
    import_petitions(jsonl(documented_example(), line(external_id="A-2", petitioners=[person(2)])))
    path = tmp_path / "out.jsonl"
    call_command(
        "export-petitions",
        "--region",
        "330102",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "-o",
        str(path),
    )
    assert "已导出2件信访事项到" in capsys.readouterr().err
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(text)["external_id"] for text in lines] == ["ZJ330102-2026-000123", "A-2"]
    call_command("export-petitions", "--unit", "330102-ZJJ")
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert import_petitions(lines).skipped[1].external_id == "A-2"  # already here
    with pytest.raises(CommandError, match="日期格式"):
        call_command("export-petitions", "--from", "2026-13-01")
    with pytest.raises(CommandError, match="行政区划“999999”不存在"):
        call_command("export-petitions", "--region", "999999")
