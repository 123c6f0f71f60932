"""xlsx exports carry exactly the figures they were built from."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from xinfang.stats import exports, report
from xinfang.stats.scope import Scope
from xinfang.stats.tables import RATE_COLUMNS, unit_table

from .conftest import ctx


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data), data_only=True)


def test_figures_workbook_matches_the_figures(scene, org):
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-25")
    figures = report.figures(Scope(region=org.county), ctx("2026-03-01", "2026-03-31"))
    book = open_book(exports.figures_workbook(figures))
    assert book.sheetnames == ["三率", "信访量", "其他"]
    rates = {row[0]: row[1:] for row in book["三率"].iter_rows(min_row=3, values_only=True)}
    assert rates["及时受理率"] == (1, 2, 50.0)
    assert rates["按期办结率"] == (0, 0, None)
    volume = {row[0]: row[1:] for row in book["信访量"].iter_rows(min_row=3, values_only=True)}
    assert volume["合计"] == (2, 2)
    assert volume["信访形式：来信"] == (2, 2)
    assert book["三率"]["A1"].value.startswith("上城区 2026年3月")


def test_unit_table_workbook_has_a_row_per_unit_with_ranks(scene, org):
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-25", unit=org.hubin_unit)
    rows = unit_table(Scope(region=org.county), ctx("2026-03-01", "2026-03-31"))
    book = open_book(exports.unit_table_workbook(rows, "上城区各单位"))
    sheet = book["各单位"]
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["单位代码", "单位", "批次", "人次"]
    lines = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(lines) == {row.unit.code for row in rows}
    label = dict(RATE_COLUMNS)["timely_acceptance"]
    col = header.index(f"{label}(%)")
    assert lines["330102001"][col] == 100.0 and lines["330102001"][col + 1] == 1
    assert lines["330102002"][col] == 0.0 and lines["330102002"][col + 1] == 2  # ranked among townships
    assert lines["330102-XFJ"][header.index("批次")] == 0  # both now answered for by the townships
