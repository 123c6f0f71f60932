"""The detail page's history (办理记录) after every action of the transition table reads in Chinese: no codes,
no database ids, names where a name is known, times in Asia/Shanghai as the rest of the page."""

from __future__ import annotations

import datetime as dt
import html
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from xinfang import clock
from xinfang.orgs.models import User
from xinfang.supervision.services import open_supervision
from xinfang.workbench import history
from xinfang.workflow.services import perform
from xinfang.workflow.transitions import TABLE

from .cases import CASES, prepare

CODE = re.compile(r"\b[a-z_]{3,}\b", re.IGNORECASE)
BARE_NUMBER = re.compile(r"^\d+$")
TABLE_HTML = re.compile(r'<table[^>]*id="history"[^>]*>(.*?)</table>', re.S)
ROW_HTML = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL_HTML = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")

# What the row of each action must say (besides being Chinese): the names and labels of what it did.
EXPECTED = {
    "transfer": ["状态：已登记 → 已转送", "责任单位：清波街道办事处"],
    "assign": ["责任单位：上城区住房和城乡建设局", "报结时限：2026年"],
    "handle_self": ["责任单位：上城区信访局", "办理期限：2026年"],
    "direct_to_legal_route": ["应通过的机关：上城区人民法院"],
    "conclude_on_spot": ["处理结果：解释说明", "责任单位：上城区信访局"],
    "decline": ["同一事项正在办理或复查复核期内", "原信访事项：XF-"],
    "accept": ["状态：已转送 → 办理中", "办理程序：普通程序"],
    "object": ["责任单位：清波街道办事处 → 无", "理由：该事项属于区住建局职责", "退回单位：上城区信访局"],
    "extend": ["批准人：测试", "延期天数：30日"],
    "switch_to_simplified": ["办理程序：普通程序 → 简易办理"],
    "switch_to_ordinary": ["办理程序：简易办理 → 普通程序"],
    "reply": ["处理意见：予以支持", "答复内容：经核查，予以支持。"],
    "deliver": ["送达方式：邮寄送达", "答复送达日期：2026年4月1日"],
    "rate": ["评价对象：责任单位", "评价结果：满意", "被评价单位：清波街道办事处", "评价渠道：电话"],
    "request_review": [
        "复查单位：上城区信访局",
        "提出方式：来访当面",
        "理由：对处理意见不服",
        "复查期限：2026年",
    ],
    "review_opinion": ["意见：维持原处理意见", "信访人收到日期：2026年4月10日"],
    "request_re_review": ["复核单位：杭州市信访局", "提出方式：书面（来信）"],
    "record_hearing": ["听证：5日", "复核期限顺延至：2026年"],
    "re_review_opinion": ["状态：复核中 → 三级终结", "意见：维持原处理意见"],
    "resolve": ["已化解：否 → 是"],
    "set_co_handlers": ["主办单位：清波街道办事处", "协办单位：上城区住房和城乡建设局"],
    "add_support_opinion": ["建议依据住房保障政策予以解决"],
    "record_settlement": ["协议化解"],
    "sign_for": ["签收单位：清波街道办事处", "按期签收：是", "签收说明：已签收"],
    "urge": ["催办内容：请于三日内受理并报告进展", "承办单位：清波街道办事处"],
    "add_supplement": ["补充内容：信访人补充提交了房屋租赁合同复印件"],
    "confirm_conclusion": ["审核意见：办理结果符合要求，同意办结", "承办单位：清波街道办事处"],
    "merge_into": ["状态：已登记 → 已合并", "合并至：XF-"],
    "return_for_rework": [
        "状态：已答复 → 办理中",
        "理由：未说明补偿标准的政策依据",
        "退回重办次数：1次",
        "重办期限：2026年",
    ],
}


def give_chinese_names() -> None:
    """The personas' usernames are ASCII; a name shown where a name belongs must not look like a code."""
    for user in User.objects.all():
        user.full_name = "测试" + chr(0x4E00 + user.pk)
        user.save(update_fields=["full_name"])


def history_cells(page: str) -> list[list[str]]:
    table = TABLE_HTML.search(page).group(1)
    return [
        [html.unescape(TAG.sub(" ", cell)).strip() for cell in CELL_HTML.findall(row)]
        for row in ROW_HTML.findall(table)
        if "<td" in row
    ]


def test_the_expectations_cover_the_table():
    assert set(EXPECTED) == set(TABLE)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_the_history_of_every_action_reads_in_chinese(client, scene, case, rendered_notices):
    petition, actor, data = prepare(scene, case)
    give_chinese_names()
    actor.refresh_from_db()
    event = perform(petition, case.action, actor, **data)
    client.force_login(actor)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    rows = history_cells(page)
    assert len(rows) == petition.events.count()
    for row in rows:
        text = " | ".join(row)
        assert not CODE.search(text), text
        assert "None" not in text and "（空）" not in text, text
        tokens = re.split(r"[：→、，|\s]+", text)
        assert not any(BARE_NUMBER.match(token) for token in tokens), text
    label = TABLE[case.action].label
    (row,) = [row for row in rows if row[1] == label]
    local = event.at.astimezone(clock.SHANGHAI)
    assert row[0] == f"{local:%Y-%m-%d %H:%M}"
    assert row[0] != f"{event.at.astimezone(dt.UTC):%Y-%m-%d %H:%M}"  # 8 hours apart
    assert row[2] == str(actor) and row[3] == actor.unit.name
    for expected in EXPECTED[case.action]:
        assert expected in row[4], (expected, row[4])
    assert "版本" not in page.split('id="history"')[1]
    registered = rows[0]
    scene.people.registrar.refresh_from_db()
    registered_at = petition.registered_at.astimezone(clock.SHANGHAI)
    assert registered == [
        f"{registered_at:%Y-%m-%d %H:%M}",
        "登记",
        str(scene.people.registrar),
        "上城区信访局",
        "状态：已登记",
    ]


def test_a_petitioners_own_action_is_shown_as_the_petitioners(scene):
    petition = scene.drive("under_review")  # the review was requested through the portal
    events = list(petition.events.order_by("at", "id"))
    rows = history.history_rows(events, history.names_for(events))
    (requested,) = [row for row in rows if row.action == "请求复查"]
    assert requested.actor == "信访人"
    assert "提出方式：网上（查询码）" in requested.lines


def test_values_read_as_names_dates_and_labels():
    names = history.Names(units={6: "清波街道办事处"})
    lines = history.change_lines(
        {
            "responsible_unit_id": [None, 6],
            "routed_at": [None, "2026-03-03T02:00:00+00:00"],
            "reply_opinion": ["", "support"],
            "handling_due_on": ["2026-05-06", "2026-06-05"],
            "version": [1, 2],
            "status": ["registered", "transferred"],
            "next_due_stage": ["route", "accept"],
        },
        names,
    )
    assert lines == [
        "责任单位：清波街道办事处",
        "分类处理时间：2026-03-03 10:00",
        "处理意见：予以支持",
        "办理期限：2026年5月6日 → 2026年6月5日",
    ]


def test_a_unit_nobody_can_name_is_left_out_rather_than_shown_as_an_id():
    assert history.change_lines({"responsible_unit_id": [None, 99]}, history.Names()) == []


def test_a_supervision_on_the_petition_reads_with_names_and_labels(client, scene, people, rendered_notices):
    petition = scene.drive("accepted")
    give_chinese_names()
    people.bureau_handler.refresh_from_db()
    open_supervision(
        people.bureau_handler,
        reason_kind="shirked_or_delayed",
        text="请加快办理",
        response_due=dt.date(2026, 4, 10),
        petition=petition,
    )
    client.force_login(people.registrar)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    (row,) = [row for row in history_cells(page) if row[1] == "督办"]
    text = " | ".join(row)
    assert not CODE.search(text) and not any(BARE_NUMBER.match(t) for t in re.split(r"[：→、，|\s]+", text))
    for expected in (
        "理由：请加快办理",
        "被督办单位：清波街道办事处",
        "督办事由：推诿扯皮、敷衍拖延",
        "回复期限：2026年4月10日",
    ):
        assert expected in row[4], (expected, row[4])


def test_other_apps_data_names_units_and_leaders_and_drops_row_ids():
    names = history.Names(units={3: "上城区住房和城乡建设局", 4: "清波街道办事处"}, users={9: "区长"})
    event = SimpleNamespace(
        action="decide_meeting_item",
        reason="",
        changes={},
        data={"item": 12, "lead_unit": 3, "supporting_units": [4, 99], "leader": 9, "date": "2026-03-04"},
    )
    assert history.data_lines(event, names) == [
        "牵头单位：上城区住房和城乡建设局",
        "配合单位：清波街道办事处",
        "领导：区长",
        "日期：2026年3月4日",
    ]


def test_a_rows_own_status_reads_by_its_models_labels():
    owned = SimpleNamespace(target_type="caseownership", from_status="", to_status="resolved")
    assert history.status_line(owned) == "状态：已化解"
    unknown = SimpleNamespace(target_type="nosuchrow", from_status="a", to_status="b")
    assert history.status_line(unknown) == ""
