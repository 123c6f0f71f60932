"""The weekly bulletin of leaders' reception (seed 003: "每周通报一次县级党政领导公开接访情况"): per leader of
the bureau's own level, the sessions held, the batches and persons received and what became of them, from
``leaders.figures`` (the same facts as ``xinfang stats --json`` under ``reception``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from xinfang.leaders import figures
from xinfang.orgs.models import Level, OrgUnit

from .periods import Period

LEVEL_NAMES = {Level.COUNTY: "县级", Level.CITY: "市级", Level.PROVINCE: "省级", Level.TOWNSHIP: "乡级"}


def _outcomes(f: dict) -> str:
    parts = [
        f"{label}{f[key]['batches']}批{f[key]['persons']}人次"
        for key, label in (
            ("on_spot", "当场化解"),
            ("time_limited", "限期化解"),
            ("routed", "转交办"),
            ("pending", "待处理"),
        )
        if f[key]["batches"]
    ]
    return "，其中" + "、".join(parts) if parts else ""


def leader_line(name: str, post: str, f: dict) -> str:
    received = f["received"]
    text = (
        f"{name}（{post}）：公开接访{f['sessions']}场次（{f['days']}天次），"
        f"接待群众{received['batches']}批{received['persons']}人次{_outcomes(f)}"
    )
    if f["cancelled"]:
        text += f"；取消接访{f['cancelled']}场次"
    return text + "。"


def reception_context(unit: OrgUnit, period: Period, today: dt.date) -> dict:
    level = unit.region.level
    facts = [
        fact
        for fact in figures.session_facts(period.start, period.end, prefix=unit.region.prefix)
        if fact.leader.level == level
    ]
    total = figures.reception_figures(facts, today)
    by_leader: dict = defaultdict(list)
    for fact in facts:
        by_leader[fact.leader].append(fact)
    ordered = sorted(by_leader.items(), key=lambda item: (item[0].name, item[0].pk))
    rows = [(leader, figures.reception_figures(rows, today)) for leader, rows in ordered]
    received = total["received"]
    level_name = LEVEL_NAMES.get(level, "")
    summary = (
        f"{period.label}，共有{total['leaders']}名{level_name}党政领导公开接访{total['sessions']}场次、"
        f"{total['days']}天次，接待群众{received['batches']}批{received['persons']}人次{_outcomes(total)}。"
    )
    idle = [leader for leader, f in rows if not f["sessions"]]
    return {
        "level_name": level_name,
        "summary": summary,
        "leader_lines": [leader_line(leader.name, leader.post, f) for leader, f in rows if f["sessions"]],
        "idle_lines": [f"{leader.name}（{leader.post}）本周安排的接访未举行。" for leader in idle],
        "figures": {
            "total": total,
            "by_leader": [{"leader": leader.name, "post": leader.post, **f} for leader, f in rows],
        },
    }
