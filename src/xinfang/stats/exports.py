"""Every statistics table as an xlsx workbook (openpyxl), with the same figures as the screen.

The workbooks are built from the same objects the pages render (`Figures`, the unit table, a drill-down
queryset, an assessment), never from a second computation.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xinfang import clock
from xinfang.petitions import masking
from xinfang.petitions.models import Channel

from . import panel_sheets
from .rates import BACKLOG_RESOLUTION, RATES, Rate
from .report import RATE_KEYS, Figures
from .slices import Slice
from .tables import RATE_COLUMNS, UNRANKED_LABEL, UnitRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RATE_LABELS = {key: defn.label for key, defn in RATES.items()}
VISIT_LEVEL_LABELS = {"national": "进京", "province": "赴省", "city": "到市", "local": "本级"}
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
PERCENT_FORMAT = "0.00"


def _percent(rate: Rate):
    return None if rate.percent is None else float(rate.percent)


def _sheet(wb: Workbook, title: str, caption: str, header: list[str], rows: Iterable[list], note: str = ""):
    """A sheet: the caption, the note (the slice, when there is one) in a row of its own, the header."""
    ws = wb.create_sheet(title)
    ws.append([caption])
    ws["A1"].font = Font(bold=True, size=13)
    if note:
        ws.append([note])
    header_row = ws.max_row + 1
    ws.append(header)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(row)
    for index, name in enumerate(header, start=1):
        width = max(10, min(40, 2 * len(str(name)) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
        if "%" in str(name):
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = PERCENT_FORMAT
    ws.freeze_panes = f"A{header_row + 1}"
    return ws


def slice_note(chosen: Slice, applies: bool = True) -> str:
    """The header row naming a slice ('' without one); `applies=False` for a table it cannot narrow."""
    if chosen.is_empty:
        return ""
    return f"筛选条件：{chosen.describe()}" + ("" if applies else "（本表不按筛选条件统计）")


def _save(wb: Workbook) -> bytes:
    del wb[wb.sheetnames[0]]  # the empty default sheet
    wb.properties.creator = "xinfang"
    wb.properties.created = clock.now().replace(tzinfo=None)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def caption(figures: Figures) -> str:
    return f"{figures.scope.name} {figures.ctx.period.label}（截至{figures.ctx.today:%Y-%m-%d}）"


def rate_rows(figures: Figures) -> list[list]:
    return [
        [
            RATE_LABELS[key],
            figures.rates[key].numerator,
            figures.rates[key].denominator,
            _percent(figures.rates[key]),
        ]
        for key in RATE_KEYS
    ]


def figures_workbook(figures: Figures, panel_data: dict | None = None) -> bytes:
    """The dashboard's figures; with ``panel_data`` (`panels.panel_figures`) also the leaders' and mechanisms'."""
    wb = Workbook()
    title, chosen = caption(figures), figures.ctx.slice
    note = slice_note(chosen)
    _sheet(wb, "三率", title, ["指标", "分子", "分母", "百分比(%)"], rate_rows(figures), note)
    v = figures.volume
    volume_rows = [["合计", v.total.batches, v.total.persons]]
    volume_rows += [[f"信访形式：{Channel(k).label}", c.batches, c.persons] for k, c in v.by_channel.items()]
    volume_rows += [
        [f"来访层级：{VISIT_LEVEL_LABELS[k]}", c.batches, c.persons] for k, c in v.by_visit_level.items()
    ]
    volume_rows += [[f"内容分类：{k}", c.batches, c.persons] for k, c in v.by_category.items()]
    volume_rows += [
        ["个访", v.by_collective["individual"].batches, v.by_collective["individual"].persons],
        ["集体访", v.by_collective["collective"].batches, v.by_collective["collective"].persons],
    ]
    _sheet(wb, "信访量", title, ["项目", "批次", "人次"], volume_rows, note)
    others = [["信访老户（人）", figures.long_term_petitioners]]
    backlog = figures.rates[BACKLOG_RESOLUTION.key]
    others.append(["积案（未化解，案）", backlog.denominator - backlog.numerator])
    _sheet(wb, "其他", title, ["项目", "数量"], others, note)
    for name, header, rows in panel_sheets.sheets(panel_data) if panel_data is not None else []:
        _sheet(wb, name, title, header, rows, slice_note(chosen, name in panel_sheets.SLICED_SHEETS))
    return _save(wb)


def unit_table_rows(rows: list[UnitRow]) -> list[list]:
    out = []
    for row in rows:
        line = [row.unit.code, row.unit.name, row.volume.batches, row.volume.persons]
        for key, _ in RATE_COLUMNS:
            rate = row.rates[key]
            line += [rate.numerator, rate.denominator, _percent(rate), row.ranks.get(key)]
        out.append([*line, row.group_label if row.rankable else UNRANKED_LABEL])
    return out


def unit_table_header() -> list[str]:
    header = ["单位代码", "单位", "批次", "人次"]
    for _, label in RATE_COLUMNS:
        header += [f"{label}分子", f"{label}分母", f"{label}(%)", f"{label}排名"]
    return [*header, "排名分组"]


def unit_table_workbook(rows: list[UnitRow], title: str, note: str = "") -> bytes:
    wb = Workbook()
    _sheet(wb, "各单位", title, unit_table_header(), unit_table_rows(rows), note)
    return _save(wb)


PETITION_HEADER = [
    "登记编号",
    "信访人",
    "收到时间",
    "信访形式",
    "人次",
    "内容分类",
    "问题属地",
    "责任单位",
    "状态",
    "事项摘要",
]


def petition_rows(petitions, reader) -> list[list]:
    """One row per petition; the petitioner as a list shows them to `reader` (petitions.masking: protected
    identities always masked in an export)."""
    return [
        [
            p.registration_number,
            masking.principal_label(reader, p, list(p.parties.all())),
            clock.local_date(p.received_at).isoformat(),
            p.get_channel_display(),
            p.person_count,
            p.category.path,
            p.issue_region.name,
            p.responsible_unit.name if p.responsible_unit_id else "",
            p.get_status_display(),
            p.summary,
        ]
        for p in petitions
    ]


def petitions_workbook(petitions, title: str, reader, note: str = "") -> bytes:
    wb = Workbook()
    _sheet(wb, "信访事项", title, PETITION_HEADER, petition_rows(petitions, reader), note)
    return _save(wb)


def generic_workbook(sheet: str, title: str, header: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    _sheet(wb, sheet, title, header, rows)
    return _save(wb)


def assessment_rows(indicators, scores) -> tuple[list[str], list[list]]:
    header = ["排名组", "名次", "单位", "总分", *[i.name for i in indicators], "连续靠前", "连续末位"]
    lines = [
        [
            s.group,
            s.rank,
            s.unit.name,
            float(s.total),
            *[float(d["points"]) for d in s.details],
            "是" if s.top_streak else "",
            "是" if s.bottom_streak else "",
        ]
        for s in scores
    ]
    return header, lines


def assessment_workbook(indicators, scores, title: str) -> bytes:
    header, lines = assessment_rows(indicators, scores)
    return generic_workbook("考评", title, header, lines)
