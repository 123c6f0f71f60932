"""The transition table tells the truth: every row is exercised, and what each action did to the state and the
deadlines is what its row says."""

from __future__ import annotations

from tests.scenes import when
from xinfang.workflow import effects, transitions
from xinfang.workflow.models import Deadline, DeadlineStatus
from xinfang.workflow.services import perform


def test_every_row_has_an_effect_and_labels():
    assert set(transitions.TABLE) == set(effects.EFFECTS)
    for row in transitions.TABLE.values():
        assert row.label and row.from_states and row.rules
        assert row.unit is not None or row.petitioner
        assert set(row.required).isdisjoint(row.optional)


def test_rows_cannot_be_defined_twice():
    import pytest

    with pytest.raises(ValueError):
        transitions.add(transitions.TABLE["transfer"])


def test_markdown_table_lists_every_action(capsys):
    from django.core.management import call_command

    call_command("workflow", "table")
    out = capsys.readouterr().out
    for action in transitions.TABLE:
        assert f"| {action} |" in out


class Checked:
    """Performs actions and checks each against its row."""

    def __init__(self, scene):
        self.scene = scene
        self.seen: set[str] = set()
        self.opened: dict[str, set[str]] = {}  # action -> the stages its performances opened

    def __call__(self, petition, action, actor, day, **data):
        self.scene.move(when(day))
        before = dict(Deadline.objects.filter(petition=petition).values_list("id", "status"))
        from_status = petition.status
        event = perform(petition, action, actor, **data)
        row = transitions.TABLE[action]
        assert event.to_status == (row.to_state or from_status), action
        after = list(Deadline.objects.filter(petition=petition))
        opened = {d.stage for d in after if d.id not in before}
        stopped = {
            d.stage
            for d in after
            if before.get(d.id) == DeadlineStatus.OPEN
            and d.status in (DeadlineStatus.MET, DeadlineStatus.MISSED)
        }
        cancelled = {
            d.stage
            for d in after
            if before.get(d.id) == DeadlineStatus.OPEN and d.status == DeadlineStatus.CANCELLED
        }
        assert opened <= set(row.starts), (action, opened)
        self.opened.setdefault(action, set()).update(opened)
        assert stopped <= set(row.stops), (action, stopped)
        assert cancelled <= set(row.cancels), (action, cancelled)
        notice = event.data.get("notice", "")
        assert notice == row.notice or (notice and notice in row.notice.split("/")), (action, notice)
        self.seen.add(action)
        return event


def test_all_rows_in_full_histories(scene, org, people):
    act = Checked(scene)
    p = scene.petition("2026-03-02 09:30")
    act(p, "transfer", people.registrar, "2026-03-03", to_unit=org.housing)
    act(p, "object", people.department_handler, "2026-03-04", reason="不属于本部门职责")
    act(p, "assign", people.registrar, "2026-03-05", to_unit=org.qingbo_unit, report_days=60)
    act(p, "sign_for", people.township_handler, "2026-03-05 16:00")
    act(p, "urge", people.bureau_handler, "2026-03-05 17:00", text="请尽快受理")
    act(p, "accept", people.township_handler, "2026-03-06")
    act(p, "add_supplement", people.registrar, "2026-03-06 11:00", text="信访人补充提交了租赁合同")
    act(
        p,
        "set_co_handlers",
        people.bureau_handler,
        "2026-03-06 15:00",
        lead_unit=org.qingbo_unit,
        supporting_units=[org.housing],
    )
    act(p, "add_support_opinion", people.department_handler, "2026-03-07", text="建议按政策解决")
    act(p, "switch_to_simplified", people.township_handler, "2026-03-09", ground="consultation")
    act(p, "switch_to_ordinary", people.township_handler, "2026-03-10", reason="情况复杂")
    act(
        p,
        "extend",
        people.township_handler,
        "2026-04-20",
        days=20,
        reason="需会商",
        approved_by=people.bureau_leader,  # an assigned matter's extension: the assigning bureau approves
    )
    act(p, "reply", people.township_handler, "2026-04-28", opinion="not_support", text="不予支持")
    act(p, "return_for_rework", people.bureau_handler, "2026-04-29", reason="未说明政策依据")
    act(p, "reply", people.township_handler, "2026-04-30", opinion="not_support", text="不予支持，依据如下")
    act(p, "confirm_conclusion", people.bureau_handler, "2026-05-05", text="同意办结")
    act(p, "deliver", people.township_handler, "2026-05-06", method="post", received_on="2026-05-06")
    act(p, "rate", None, "2026-05-07", target="unit", rating="dissatisfied", reason="不服")
    act(p, "rate", None, "2026-05-07 10:05", target="bureau", rating="basically_satisfied")
    act(p, "request_review", None, "2026-05-08")
    act(
        p,
        "review_opinion",
        people.reviewer,
        "2026-05-20",
        decision="uphold",
        text="维持",
        received_on="2026-05-20",
    )
    act(p, "request_re_review", None, "2026-05-25")
    act(p, "record_hearing", scene.city_reviewer, "2026-06-01", hearing_days=3)
    act(
        p,
        "re_review_opinion",
        scene.city_reviewer,
        "2026-06-20",
        decision="uphold",
        text="维持",
        received_on="2026-06-20",
    )
    act(p, "resolve", people.bureau_handler, "2026-06-25", text="已化解")
    act(p, "record_settlement", people.bureau_handler, "2026-06-26", settlement="terminated_by_law")
    assert p.status == "terminated" and p.version == 27

    act(scene.petition("2026-07-01 09:00"), "handle_self", people.bureau_handler, "2026-07-01 10:00")
    act(
        scene.petition("2026-07-01 09:10"),
        "handle_self",
        people.bureau_handler,
        "2026-07-01 10:10",
        track="simplified",
        ground="consultation",
    )
    simplified = scene.petition("2026-07-01 09:20")
    act(simplified, "transfer", people.registrar, "2026-07-01 10:20", to_unit=org.housing)
    act(
        simplified,
        "accept",
        people.department_handler,
        "2026-07-01 10:30",
        track="simplified",
        ground="consultation",
    )
    act(
        scene.petition("2026-07-01 11:00"),
        "direct_to_legal_route",
        people.registrar,
        "2026-07-01 12:00",
        legal_route="party_appeal",
        body="中共上城区纪委",
    )
    visit = scene.petition("2026-07-02 09:00", channel="visit")
    act(visit, "conclude_on_spot", people.registrar, "2026-07-02 10:00", text="当场答复")
    repeat = scene.petition("2026-07-03 09:00", repeat_of=p)
    act(repeat, "decline", people.registrar, "2026-07-03 10:00", reason="matter_terminated")
    twice = scene.petition("2026-07-03 11:00")
    act(twice, "merge_into", people.registrar, "2026-07-03 12:00", survivor=visit.registration_number)
    assert act.seen == set(transitions.TABLE)
    # Every deadline a row declares it starts was opened by some performance of that action.
    for action, row in transitions.TABLE.items():
        assert act.opened.get(action, set()) == set(row.starts), (action, act.opened.get(action))


def test_docs_show_the_current_table():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "workflow.md"
    assert transitions.as_markdown() in docs.read_text(encoding="utf-8"), (
        "regenerate with `xinfang workflow table`"
    )
