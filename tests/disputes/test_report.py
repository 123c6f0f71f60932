"""Ledger figures and the monthly report by township and kind, read back from the xlsx."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.scenes import day, when
from xinfang.disputes import figures, report, services


def record(actor, region, kind, found_on, level="township"):
    return services.record_dispute(
        actor, kind=kind, region=region, title=f"{kind}纠纷", parties="两方", matter="争议", risk_level="low",
        found_via="grid", found_on=day(found_on), level=level,
    )  # fmt: skip


def test_the_monthly_report_counts_by_township_and_kind(org, people, frozen_clock):
    frozen_clock(when("2026-04-02 09:00"))
    a = record(people.township_handler, org.qingbo, "land", "2026-03-03")
    record(people.township_handler, org.qingbo, "land", "2026-03-20")
    record(people.township_handler, org.qingbo, "family", "2026-03-21")
    record(people.other_township_handler, org.hubin, "labour", "2026-03-31")
    record(people.other_township_handler, org.hubin, "labour", "2026-04-01")  # next month
    services.close(a, people.township_handler, outcome="resolved", note="调解成功")

    start, end = report.month_bounds(2026, 3)
    assert (start, end) == (day("2026-03-01"), day("2026-03-31"))
    counts = figures.township_kind_counts(start, end, "330102")
    assert counts[("330102001", "land")] == {
        "found": 2,
        "resolved": 1,
        "petition": 0,
        "legal_route": 0,
        "open": 1,
    }
    assert counts[("330102002", "labour")]["found"] == 1
    totals = figures.totals(start, day("2026-04-30"), "330102")
    assert (totals["found"], totals["resolved"], totals["closed"], totals["open"]) == (5, 1, 1, 4)

    book = load_workbook(io.BytesIO(report.monthly_workbook(org.county, 2026, 3)))
    rows = list(book["按乡镇和类型"].iter_rows(values_only=True))
    assert rows[0][0] == "浙江省杭州市上城区矛盾纠纷排查化解月报表（2026年3月）"
    assert rows[1] == ("乡镇(街道)", "纠纷类型", "排查发现", "化解", "转入信访程序", "导入法定途径", "化解中")
    assert rows[2:] == [
        ("清波街道", "土地山林权属", 2, 1, 0, 0, 1),
        ("清波街道", "婚姻家庭", 1, 0, 0, 0, 1),
        ("湖滨街道", "劳动争议（欠薪）", 1, 0, 0, 0, 1),
        ("合计", None, 4, 1, 0, 0, 3),
    ]
    assert len(list(book["台账明细"].iter_rows(min_row=2))) == 4
