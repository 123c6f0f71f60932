"""The xlsx sheets of the leaders' and mechanisms' figures: pure functions from the keys of
`xinfang stats --json` (``stats.panels.panel_figures``) to (sheet name, header, rows), so the workbook holds
the very numbers the dashboard shows and the CLI prints."""

from __future__ import annotations

from xinfang.disputes.models import LEVEL_PATH
from xinfang.leaders.models import Outcome
from xinfang.meetings.models import EscalationTarget
from xinfang.petitions.models import Settlement

from . import target_panels

Sheet = tuple[str, list[str], list[list]]
PAIR_HEADER = ["项目", "数量（批次）", "人次"]
OWNERSHIP_KEYS = [
    ("opened", "包案"),
    ("handed_on", "移交"),
    ("resolved", "化解"),
    ("resolved_on_time", "按期化解"),
    ("open", "包案中"),
    ("overdue", "逾期"),
]


def _ratio(value: dict) -> list:
    return [value["numerator"], value["denominator"], value["percent"]]


def reception_sheets(r: dict) -> list[Sheet]:
    rows = [
        ["接访天次", r["days"], None],
        ["接访领导（人）", r["leaders"], None],
        ["下沉乡镇（个）", r["townships"], None],
        ["接访场次", r["sessions"], None],
        ["无来访场次", r["sessions_without_visitors"], None],
        ["取消场次", r["cancelled"], None],
        ["计划场次", r["planned"], None],
        ["约访申请", r["appointments"]["asked"], None],
        ["约访接待", r["appointments"]["held"], None],
        ["接待群众", r["received"]["batches"], r["received"]["persons"]],
    ]
    rows += [[label, r[key]["batches"], r[key]["persons"]] for key, label in Outcome.choices]
    header = ["领导", "职务", "层级", "天次", "场次", "接待批次", "接待人次", "现场化解批次", "限期化解批次"]
    leaders = [
        [row["leader"], row["post"], row["level"], row["days"], row["sessions"], row["received"]["batches"],
         row["received"]["persons"], row["on_spot"]["batches"], row["time_limited"]["batches"]]
        for row in r["by_leader"]
    ]  # fmt: skip
    return [("领导接访", PAIR_HEADER, rows), ("领导接访（分领导）", header, leaders)]


def ownership_sheet(o: dict) -> Sheet:
    header = [
        "领导",
        "职务",
        "层级",
        *[label for _, label in OWNERSHIP_KEYS],
        "化解率分子",
        "化解率分母",
        "化解率(%)",
    ]

    def line(name, post, level, row):
        return [name, post, level, *[row[key] for key, _ in OWNERSHIP_KEYS], *_ratio(row["resolution_rate"])]

    rows = [line("合计", "", "", o)]
    rows += [line(row["leader"], row["post"], row["level"], row) for row in o["by_leader"]]
    return ("领导包案", header, rows)


def instruction_sheet(i: dict) -> Sheet:
    header = [
        "领导",
        "提交阅批",
        "批示",
        "限期批示",
        "交办单位（个次）",
        "已回复",
        "按期回复分子",
        "按期回复分母",
        "按期回复率(%)",
    ]

    def line(name, submitted, row):
        return [name, submitted, row["written"], row["dated"], row["to_units"], row["answered"],
                *_ratio(row["answered_on_time"])]  # fmt: skip

    rows = [line("合计", i["submitted"], i)] + [line(row["leader"], None, row) for row in i["by_leader"]]
    return ("领导阅批", header, rows)


def meetings_sheet(m: dict) -> Sheet:
    rows = [
        ["联席会议（次）", m["meetings"]["total"]],
        ["县联席会议（次）", m["meetings"]["county"]],
        ["乡镇联席会议（次）", m["meetings"]["township"]],
        ["议题（个）", m["items"]],
        ["已解决议题（个）", m["items_settled"]],
        *[[f"提交{label}（个）", m["escalations"][key]] for key, label in EscalationTarget.choices],
        ["到期议定事项（项）", m["decisions_on_time"]["denominator"]],
        ["按期完成议定事项（项）", m["decisions_on_time"]["numerator"]],
        ["议定事项按期完成率(%)", m["decisions_on_time"]["percent"]],
    ]
    return ("联席会议", ["项目", "数值"], rows)


def assistance_sheet(a: dict) -> Sheet:
    rows = [
        ["救助件次", a["grants"]],
        ["救助人次", a["persons"]],
        ["救助金额（元）", float(a["amount"])],
        ["救助息访件次", a["ended_petitioning"]],
    ]
    return ("救助帮扶", ["项目", "数值"], rows)


def disputes_sheet(d: dict) -> Sheet:
    rows = [
        ["排查发现（起）", d["found"]],
        ["尚在化解（起）", d["open"]],
        ["办结（起）", d["closed"]],
        ["化解（起）", d["resolved"]],
        ["导入信访程序（起）", d["entered_petition_procedure"]],
        ["引导法定途径（起）", d["directed_to_legal_route"]],
        ["调解（次）", d["mediations"]],
        ["达成调解协议（次）", d["mediation_agreements"]],
        *[[f"提级至{level.label}（次）", d["escalations"][level.value]] for level in LEVEL_PATH[1:]],
    ]
    return ("矛盾纠纷", ["项目", "数值"], rows)


def campaigns_sheet(campaigns: list[dict]) -> Sheet:
    header = [
        "专项活动",
        "批次",
        "案件",
        "乡镇办",
        "县直单位",
        "已化解",
        "化解率(%)",
        "到期",
        "按期办结",
        "按期办结率(%)",
        "剩余",
        "甄别排除",
    ]

    def line(name, batch, c):
        return [name, batch, c["cases"], c["units"]["township"], c["units"]["department"], c["resolved"],
                c["resolution_rate"], c["on_time"]["denominator"], c["on_time"]["numerator"],
                c["on_time"]["percent"], c["remaining"], c["screened_out"]]  # fmt: skip

    rows = []
    for campaign in campaigns:
        rows.append(line(campaign["name"], "合计", campaign))
        rows += [line(campaign["name"], name, batch) for name, batch in campaign["batches"].items()]
    return ("专项活动", header, rows)


# The one panel sheet a slice narrows: 案结事了率 and 息诉息访率 are petition rates (docs/statistics.md, "Slices").
SLICED_SHEETS = {"案结事了"}


def settlement_sheet(s: dict) -> Sheet:
    rows = [
        ["案结事了率", *_ratio(s["settled"])],
        ["息诉息访率", *_ratio(s["petitioning_ended"])],
        *[[f"案结事了方式：{Settlement(k).label}", n, None, None] for k, n in s["by_kind"].items()],
    ]
    return ("案结事了", ["指标", "分子", "分母", "百分比(%)"], rows)


def referred_sheet(r: dict) -> Sheet:
    """上级转送交办: the three levels together (上三级), then each level, with the parts the panel shows."""
    parts = ["received", "concluded", "remaining", "in_time", "overdue", "awaiting_acceptance", "closed"]
    header = ["来自", "转送交办", "办结", "剩余", "已受理并在办理期限内", "超过办理期限", "尚未受理", "已告知终止",
              "到期应结", "按期办结", "按期办结率(%)"]  # fmt: skip

    def line(name: str, row: dict) -> list:
        rate = row["on_time_rate"]
        return [name, *[row[part] for part in parts], rate["denominator"], rate["numerator"], rate["percent"]]

    rows = [line("上三级", r["total"])] + [line(row["name"], row) for row in r["by_level"].values()]
    return ("上级转送交办", header, rows)


def sheets(data: dict) -> list[Sheet]:
    return [
        *reception_sheets(data["reception"]),
        ownership_sheet(data["ownership"]),
        instruction_sheet(data["instructions"]),
        settlement_sheet(data["settlement"]),
        meetings_sheet(data["meetings"]),
        assistance_sheet(data["assistance"]),
        disputes_sheet(data["disputes"]),
        campaigns_sheet(data["campaigns"]),
        referred_sheet(data["referred"]),
        *target_panels.sheets(data),
    ]
