"""The monthly ledger report (矛盾纠纷排查化解月报表) as xlsx: one sheet by township and kind, one listing the
disputes found in the month."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from xinfang.orgs.models import Level, Region

from .figures import found, township_kind_counts
from .models import DisputeKind

SUMMARY_COLUMNS = [("found", "排查发现"), ("resolved", "化解"), ("petition", "转入信访程序"),
                   ("legal_route", "导入法定途径"), ("open", "化解中")]  # fmt: skip


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def monthly_workbook(region: Region, year: int, month: int) -> bytes:
    start, end = month_bounds(year, month)
    counts = township_kind_counts(start, end, region.prefix)
    townships = {
        r.code: r.name for r in Region.objects.filter(code__startswith=region.prefix, level=Level.TOWNSHIP)
    }
    for code, _kind in counts:
        townships.setdefault(code, code or "本级")
    wb = Workbook()
    sheet = wb.active
    sheet.title = "按乡镇和类型"
    sheet.append([f"{region.full_name}矛盾纠纷排查化解月报表（{year}年{month}月）"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["乡镇(街道)", "纠纷类型", *(label for _, label in SUMMARY_COLUMNS)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    totals = dict.fromkeys((key for key, _ in SUMMARY_COLUMNS), 0)
    for code in sorted(townships):
        for kind in DisputeKind:
            cell = counts.get((code, kind.value))
            if cell is None:
                continue
            sheet.append([townships[code], kind.label, *(cell[key] for key, _ in SUMMARY_COLUMNS)])
            for key, _ in SUMMARY_COLUMNS:
                totals[key] += cell[key]
    sheet.append(["合计", "", *(totals[key] for key, _ in SUMMARY_COLUMNS)])
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 16

    ledger = wb.create_sheet("台账明细")
    ledger.append(
        [
            "发现日期",
            "纠纷名称",
            "类型",
            "发生地",
            "风险等级",
            "发现途径",
            "化解层级",
            "责任单位",
            "状态",
            "办结方式",
        ]
    )
    rows = (
        found(start, end, region.prefix).select_related("region", "handling_unit").order_by("found_on", "id")
    )
    for d in rows:
        ledger.append([
            d.found_on, d.title, d.get_kind_display(), d.region.name, d.get_risk_level_display(),
            d.get_found_via_display(), d.get_level_display(), d.handling_unit.name, d.get_status_display(),
            d.get_outcome_display() if d.outcome else "",
        ])  # fmt: skip
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
