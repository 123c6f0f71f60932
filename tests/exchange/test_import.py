"""Importing petitions (exchange-format.md): the documented example, refusals by line, skips, repeat links."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from xinfang.audit.models import Event
from xinfang.evaluation.models import Rating
from xinfang.exchange.importer import import_petitions
from xinfang.petitions.models import Petition, Petitioner, Status
from xinfang.workflow.models import Deadline, DeadlineStatus, Reply, Routing

from .conftest import jsonl

# The format as the project documents it: the tests hold the importer to its own docs.
FORMAT_DOC = Path(__file__).resolve().parents[2] / "docs" / "exchange-format.md"


def documented_example() -> dict:
    """The petition object shown in exchange-format.md (the ```json block of the petitions section)."""
    text = FORMAT_DOC.read_text(encoding="utf-8")
    section = text[text.index("## Petitions") :]
    block = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    return json.loads(block)


def line(**changes) -> dict:
    """The documented example with changes (a key set to None is removed)."""
    record = copy.deepcopy(documented_example())
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def person(n: int) -> dict:
    from tests.factories import person as make

    party = make(9000 + n)
    return {"name": party.name, "id_number": party.id_number, "phone": party.phone, "role": "principal"}


# --- the documented example -------------------------------------------------------------------------------


def test_the_documented_example_imports_with_its_history(world):
    result = import_petitions(jsonl(documented_example()))

    assert (result.imported, result.events, result.skipped, result.rejected) == (1, 7, [], [])
    petition = Petition.objects.get(external_id="ZJ330102-2026-000123")
    org = world.org
    assert petition.registration_number == "XF-330102-2026-000001"  # the receiving unit's own sequence
    assert (petition.channel, petition.visit_level, petition.person_count, petition.is_collective) == (
        "visit",
        "county",
        6,
        True,
    )
    assert petition.receiving_unit == org.bureau and petition.responsible_unit == org.housing
    assert petition.category.path == "城乡建设/征收拆迁" and petition.issue_region == org.qingbo
    assert petition.summary == "……"  # the format has no summary: the content's first words stand in
    assert [p.petitioner.id_number for p in petition.parties.all()] == ["330102197001011235"]

    # The history, replayed at its own times by the units named, and by the petitioner.
    assert petition.status == Status.CONCLUDED
    events = list(petition.events.exclude(action__in=["create_petitioner", "add_party"]).order_by("at", "pk"))
    assert [(e.action, e.at.isoformat(), e.to_status) for e in events] == [
        ("register", "2026-03-02T01:30:00+00:00", "registered"),
        ("transfer", "2026-03-03T02:00:00+00:00", "transferred"),
        ("sign_for", "2026-03-03T08:00:00+00:00", "transferred"),
        ("accept", "2026-03-10T07:00:00+00:00", "accepted"),
        ("reply", "2026-04-20T03:00:00+00:00", "replied"),
        ("deliver", "2026-04-21T01:00:00+00:00", "concluded"),
        ("rate", "2026-04-25T12:00:00+00:00", "concluded"),
        ("rate", "2026-04-25T12:01:00+00:00", "concluded"),
    ]
    assert events[1].data["by_unit"] == "330102-XFJ" and events[3].data["by_unit"] == "330102-ZJJ"
    assert events[6].data["via"] == "import" and events[6].actor is None
    routing = Routing.objects.get(petition=petition)
    assert (routing.from_unit, routing.to_unit, routing.accepted_at) == (
        org.bureau,
        org.housing,
        events[3].at,
    )
    reply = Reply.objects.get(petition=petition)
    assert (reply.opinion, reply.delivery_method, reply.received_on) == (
        "support",
        "post",
        dt.date(2026, 4, 23),
    )
    ratings = {r.target: (r.rating, r.unit, r.via) for r in Rating.objects.filter(petition=petition)}
    assert ratings == {
        "unit": ("satisfied", org.housing, "import"),
        "bureau": ("basically_satisfied", org.bureau, "import"),
    }

    # Deadlines by the policy in force: route 15 days from 03-02, accept 15 days from 03-03, handling 60 days
    # from 03-10 (05-09, a make-up working Saturday in 2026), rating windows 30 days from receipt on 04-23.
    deadlines = {
        (d.stage, d.rating_target): (d.due_on, d.status, d.on_time)
        for d in Deadline.objects.filter(petition=petition)
    }
    assert deadlines == {
        ("route", ""): (dt.date(2026, 3, 17), DeadlineStatus.MET, True),
        ("sign_for", ""): (dt.date(2026, 3, 4), DeadlineStatus.MET, True),
        ("accept", ""): (dt.date(2026, 3, 18), DeadlineStatus.MET, True),
        ("handle", ""): (dt.date(2026, 5, 9), DeadlineStatus.MET, True),
        ("rating", "bureau"): (dt.date(2026, 5, 25), DeadlineStatus.MET, True),
        ("rating", "unit"): (dt.date(2026, 5, 25), DeadlineStatus.MET, True),
    }
    assert (petition.accepted_on_time, petition.replied_on_time) == (True, True)


# --- refusals, line by line -------------------------------------------------------------------------------


def _events(*items) -> list[dict]:
    return [dict(item) for item in items]


TRANSFER = {
    "action": "transfer",
    "at": "2026-03-03T10:00:00+08:00",
    "by_unit": "330102-XFJ",
    "to_unit": "330102-ZJJ",
}
ACCEPT = {"action": "accept", "at": "2026-03-10T15:00:00+08:00", "by_unit": "330102-ZJJ"}


def test_bad_lines_are_refused_with_their_numbers_and_the_rest_imported(world):
    rating_too_early = line(
        external_id="B-3",
        petitioners=[person(3)],
        events=_events(
            TRANSFER,
            ACCEPT,
            {"action": "rate", "at": "2026-03-11T09:00:00+08:00", "target": "unit", "rating": "satisfied"},
        ),
    )
    accepted_before_receipt = line(
        external_id="B-2",
        petitioners=[person(2)],
        events=_events(dict(ACCEPT, at="2026-03-01T15:00:00+08:00")),
    )
    lines = jsonl(
        line(external_id="A-1", petitioners=[person(1)]),
        accepted_before_receipt,
        rating_too_early,
        line(external_id="B-4", petitioners=[person(4)], receiving_unit="330199-XFJ"),
        line(external_id="A-1", petitioners=[person(5)]),  # already imported (line 1): skipped
        '{"external_id": "B-6", "channel": "visit",',
        line(external_id="B-7", petitioners=[dict(person(7), id_number="330102197001011234")]),
        line(external_id="B-8", petitioners=[person(8)], category="城乡建设/违章建筑"),
        line(
            external_id="B-9", petitioners=[person(9)], events=_events(dict(TRANSFER, to_unit="330102-NONE"))
        ),
        line(external_id="A-10", petitioners=[person(10)], events=_events(TRANSFER)),
    )

    result = import_petitions(lines)

    assert (result.imported, [s.line for s in result.skipped]) == (2, [5])
    reasons = {r.line: r.reason for r in result.rejected}
    assert sorted(reasons) == [2, 3, 4, 6, 7, 8, 9]
    assert "早于收到时间" in reasons[2] and "accept" in reasons[2]
    assert reasons[3].startswith("第3个事件（rate，2026-03-11 09:00）被拒绝")
    assert "不能满意度评价" in reasons[3]
    assert reasons[4] == "未知的单位“330199-XFJ”（receiving_unit）。"
    assert reasons[6].startswith("不是有效的JSON")
    assert reasons[7] == "登记被拒绝：petitioners第1项的id_number：身份证号码校验位错误，请核对。"
    assert reasons[8] == "未知的内容分类“城乡建设/违章建筑”（category）。"
    assert reasons[9] == "未知的单位“330102-NONE”（第1个事件的to_unit）。"
    assert str(result.rejected[0]).startswith("第2行：")

    # Nothing of a refused line was written, though line 3 registered and replayed two events first.
    assert set(Petition.objects.values_list("external_id", flat=True)) == {"A-1", "A-10"}
    assert Petitioner.objects.count() == 2
    assert set(Event.objects.values_list("petition__external_id", flat=True)) == {"A-1", "A-10"}
    assert set(Routing.objects.values_list("petition__external_id", flat=True)) == {"A-1", "A-10"}
    assert not Deadline.objects.exclude(petition__external_id__in=["A-1", "A-10"]).exists()
    assert Petition.objects.get(external_id="A-10").registration_number == "XF-330102-2026-000002"


def test_a_second_import_of_the_same_file_skips_every_line(world):
    lines = jsonl(line(external_id="A-1", petitioners=[person(1)]), documented_example())
    assert import_petitions(lines).imported == 2
    again = import_petitions(lines)
    assert (again.imported, [str(s) for s in again.skipped], again.rejected) == (
        0,
        ["第1行：外部编号“A-1”已经导入，跳过。", "第2行：外部编号“ZJ330102-2026-000123”已经导入，跳过。"],
        [],
    )
    assert Petition.objects.count() == 2


def test_structural_problems_are_named(world):
    unordered = _events(ACCEPT, TRANSFER)
    lines = jsonl(
        "[1, 2]",
        line(external_id="C-2", petitioners=[person(2)], received_at="2026-03-02 09:30"),
        line(external_id="C-3", petitioners=[person(3)], events=unordered),
        line(
            external_id="C-4",
            petitioners=[person(4)],
            events=[{"action": "approve", "at": "2026-03-03T10:00:00+08:00"}],
        ),
        line(external_id="C-5", petitioners=[person(5)], petitioner=[person(5)]),
        line(external_id="C-6", petitioners=[person(6)], events=_events(dict(TRANSFER, by_unit=None))),
        line(external_id="C-7", petitioners=[person(7)], events=_events(dict(TRANSFER, note={"x": 1}))),
        line(external_id="C-8", petitioners=[]),
        line(external_id="C-9", petitioners=[person(9)], events=_events(dict(TRANSFER, days=3))),
    )
    reasons = {r.line: r.reason for r in import_petitions(lines).rejected}
    assert reasons == {
        1: "每行应为一个JSON对象。",
        2: "“received_at”须带时区（+08:00），如2026-03-02T09:30:00+08:00。",
        3: "第2个事件（transfer，2026-03-03 10:00）早于前一个事件：事件应按时间先后排列。",
        4: "第1个事件：未知的操作“approve”。",
        5: "有未知的字段：petitioner。",
        6: "第1个事件（transfer，2026-03-03 10:00）缺少办理单位（by_unit）。",
        7: "第1个事件的“note”应为文字、数字或布尔值。",
        8: "“petitioners”应为列出至少一名信访人的数组。",
        9: "第1个事件（transfer，2026-03-03 10:00）被拒绝：“转送”不接受这些参数：days。",
    }
    assert not Petition.objects.exists()


def test_a_unit_may_only_act_where_the_rules_let_it(world):
    # The township did not receive the matter: it cannot accept it, whatever the file says.
    wrong_unit = line(events=_events(TRANSFER, dict(ACCEPT, by_unit="330102001")))
    (rejection,) = import_petitions(jsonl(wrong_unit)).rejected
    assert rejection.reason == (
        "第2个事件（accept，2026-03-10 15:00）被拒绝：只有持有该事项的单位（登记单位、异议退回后的信访部门，"
        "或转送交办的接收单位）可以受理。"
    )
    assert not Petition.objects.exists()


def test_an_accusation_is_never_sent_to_the_unit_it_accuses(world):
    accusation = line(
        petition_class="accusation",
        category="纪检监察",
        subject_unit="330102-ZJJ",
        events=_events(TRANSFER),
    )
    (rejection,) = import_petitions(jsonl(accusation)).rejected
    assert "检举控告事项不得交由被检举控告的单位" in rejection.reason and "（to_unit）" in rejection.reason


# --- repeat petitions -------------------------------------------------------------------------------------


def test_repeat_of_names_an_earlier_line_or_a_known_registration_number(world):
    from tests import factories as f

    known = f.register(world.people.registrar, received_at=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC))
    lines = jsonl(
        line(external_id="R-1", petitioners=[person(1)]),
        line(external_id="R-2", petitioners=[person(1)], repeat_of="R-1", events=[]),
        line(external_id="R-3", petitioners=[person(3)], repeat_of=known.registration_number, events=[]),
        line(external_id="R-4", petitioners=[person(4)], repeat_of="R-404", events=[]),
    )
    result = import_petitions(lines)

    assert result.imported == 3
    assert [(r.line, r.reason) for r in result.rejected] == [
        (4, "关联的原信访事项“R-404”不存在（repeat_of）：原事项应在本行之前导入。")
    ]
    second = Petition.objects.get(external_id="R-2")
    assert second.is_repeat and second.repeat_of == Petition.objects.get(external_id="R-1")
    assert Petition.objects.get(external_id="R-3").repeat_of == known
    # The same person (by ID number) across the two petitions.
    assert second.principal == Petition.objects.get(external_id="R-1").principal


def test_a_repeat_declined_while_the_first_is_still_being_handled(world):
    first = line(external_id="D-1", petitioners=[person(1)], events=_events(TRANSFER, ACCEPT))
    repeat = line(
        external_id="D-2",
        petitioners=[person(1)],
        received_at="2026-03-12T09:00:00+08:00",
        repeat_of="D-1",
        events=[
            {
                "action": "decline",
                "at": "2026-03-12T11:00:00+08:00",
                "by_unit": "330102-XFJ",
                "reason": "same_matter_pending",
                "text": "原事项正在办理中",
            }
        ],
    )
    result = import_petitions(jsonl(first, repeat))
    assert (result.imported, result.rejected) == (2, [])
    declined = Petition.objects.get(external_id="D-2")
    assert (declined.status, declined.closed_reason) == (Status.CLOSED, "same_matter_pending")


# --- the command ------------------------------------------------------------------------------------------


def test_the_command_reports_each_line_and_fails_when_a_line_was_refused(world, tmp_path, capsys):
    path = tmp_path / "petitions.jsonl"
    path.write_text(
        "\n".join(jsonl(documented_example(), "# a comment", "", "{not json}", documented_example())) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("import-petitions", str(path))
    assert refused.value.returncode == 1
    out, err = capsys.readouterr()
    assert "第4行：不是有效的JSON" in err
    assert "第5行：外部编号“ZJ330102-2026-000123”已经导入，跳过。" in out
    assert "导入1件（事件7个），跳过1件，拒绝1件" in out
    assert Petition.objects.count() == 1


def test_a_dry_run_checks_every_line_and_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "petitions.jsonl"
    lines = jsonl(
        line(external_id="R-1", petitioners=[person(1)]),
        line(external_id="R-2", petitioners=[person(1)], repeat_of="R-1", events=[]),
    )
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("import-petitions", str(path), "--dry-run")
    out, _ = capsys.readouterr()
    assert "试运行（未写入）：导入2件（事件7个），跳过0件，拒绝0件" in out
    assert not Petition.objects.exists() and not Event.objects.exists() and not Petitioner.objects.exists()


def test_an_unreadable_file_is_a_command_error(world, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import-petitions", str(tmp_path / "missing.jsonl"))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes("信访".encode("gb18030"))
    with pytest.raises(CommandError, match="不是UTF-8编码"):
        call_command("import-petitions", str(latin))


# --- ledgers: lines without events, registered in batches -------------------------------------------------


def ledger_line(n: int, **changes) -> dict:
    """A line of a ledger (台账): a registration without events."""
    return line(**({"external_id": f"L-{n}", "petitioners": [person(n)], "events": None} | changes))


def test_a_ledger_is_registered_in_batches_and_bad_lines_are_refused_by_number(world):
    impostor = dict(person(2), name="冒名者")
    wrong_digit = dict(person(5), id_number=person(5)["id_number"][:-1] + "X")
    same_person_twice = [
        {"name": "钱七", "phone": "13600000007"},
        {"name": "钱七", "phone": "13600000007", "role": "co_petitioner"},
    ]
    lines = jsonl(
        ledger_line(1),
        ledger_line(2),
        ledger_line(3, petitioners=[impostor]),  # refused: line 2 put that ID number under another name
        ledger_line(4, category="城乡建设/违章建筑"),  # refused while reading
        ledger_line(5, petitioners=[wrong_digit]),  # refused by registration
        ledger_line(1),  # skipped: line 1 of this file
        ledger_line(7, repeat_of="L-2", events=[]),
        ledger_line(8, petitioners=same_person_twice),  # refused by the database: the batch is redone by line
        ledger_line(9, petitioners=[person(1)]),  # the same petitioner as line 1
        ledger_line(10),
    )

    result = import_petitions(lines, chunk_size=4)

    assert (result.imported, [s.line for s in result.skipped]) == (5, [6])
    reasons = {r.line: r.reason for r in result.rejected}
    assert sorted(reasons) == [3, 4, 5, 8]
    assert (
        reasons[3]
        == "登记被拒绝：petitioners第1项的id_number：该身份证号码已登记在另一姓名下，请核对姓名和身份证号码。"
    )
    assert reasons[4] == "未知的内容分类“城乡建设/违章建筑”（category）。"
    assert reasons[5].startswith("登记被拒绝：petitioners第1项的id_number：")
    assert reasons[8].startswith("数据库拒绝写入：")
    # Numbers follow the file's order, without gaps for refused lines; nothing of a refused line is written.
    numbers = dict(Petition.objects.values_list("external_id", "registration_number"))
    assert [numbers[f"L-{n}"][-2:] for n in (1, 2, 7, 9, 10)] == ["01", "02", "03", "04", "05"]
    assert Petitioner.objects.count() == 4  # lines 1 (= 9), 2, 7, 10
    assert set(Event.objects.values_list("petition__external_id", flat=True)) == set(numbers)
    assert Deadline.objects.count() == 5
    repeat = Petition.objects.get(external_id="L-7")
    assert repeat.is_repeat and repeat.repeat_of.external_id == "L-2"
    assert (
        Petition.objects.get(external_id="L-9").principal == Petition.objects.get(external_id="L-1").principal
    )


def test_ledger_and_history_lines_keep_the_files_order(world):
    lines = jsonl(
        ledger_line(1),
        line(external_id="H-2", petitioners=[person(2)], events=_events(TRANSFER)),
        ledger_line(3),
        ledger_line(4, repeat_of="H-2"),
    )
    result = import_petitions(lines)
    assert (result.imported, result.events, result.rejected) == (4, 1, [])
    ordered = Petition.objects.order_by("registration_number").values_list("external_id", flat=True)
    assert list(ordered) == ["L-1", "H-2", "L-3", "L-4"]
    assert Petition.objects.get(external_id="H-2").status == Status.TRANSFERRED


def test_a_ledger_costs_the_same_queries_for_20_or_60_lines(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(first: int, count: int) -> int:
        lines = jsonl(*(ledger_line(n) for n in range(first, first + count)))
        with CaptureQueriesContext(connection) as queries:
            assert import_petitions(lines).imported == count
        return len(queries.captured_queries)

    run(100, 2)  # the sequence row exists from here on
    assert run(200, 20) == run(300, 60)


def test_a_ledger_imported_with_a_worker_is_indexed_after_and_its_trail_verifies(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """The importer's chunks leave the documents and signatures to the worker (petitions.deferral): one task
    per chunk; once it ran, every petition has them and the audit chain verifies."""
    from huey.contrib.djhuey import HUEY

    from xinfang.assist.models import TextSignature
    from xinfang.audit import verification
    from xinfang.petitions.models import DeferredWork
    from xinfang.search.models import SearchDocument

    monkeypatch.setattr(HUEY, "immediate", False)
    lines = jsonl(*(ledger_line(n) for n in range(1, 26)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = import_petitions(lines, chunk_size=10)
    assert result.imported == 25 and result.rejected == []
    assert DeferredWork.objects.count() == 25 and not SearchDocument.objects.exists()
    assert len(callbacks) == 3  # one task per chunk
    monkeypatch.setattr(HUEY, "immediate", True)
    for callback in callbacks:
        callback()
    assert not DeferredWork.objects.exists()
    assert SearchDocument.objects.count() == TextSignature.objects.count() == 25
    assert verification.verify().ok
