"""The dashboard's panels for the leaders' work (reception, ownership, instructions), the mechanisms
(joint meetings, assistance, disputes, campaigns, 案结事了率 / 息诉息访率) and the matters sent down from above
(上级转送交办), and the rows behind each count.

The figures are those `xinfang stats --json` prints (``leaders.figures.all_figures``, ``mechanisms.as_json``)
for the same scope and period; nothing here computes a figure of its own. A count links either to the
petitions behind it (`stats:petitions?panel=KEY`, settlement rates through `metric=`) or, where it counts
records that are not petitions (ownerships, grants, meetings, disputes), to the list of those records
(`stats:records?record=KEY`), built from the same filters so the list holds as many rows as the count.

Accusation rule: a unit's figures and lists leave out whatever accuses it (the figures' own unit filters).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from xinfang.assistance import figures as assistance_figures
from xinfang.disputes.models import Dispute
from xinfang.leaders import drill as leaders_drill
from xinfang.leaders import figures as leaders_figures
from xinfang.leaders.models import Outcome
from xinfang.meetings import figures as meeting_figures
from xinfang.meetings.models import MeetingLevel
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import without_accusations_of

from . import mechanisms, referred, target_panels
from .query import StatsQuery
from .report import Figures
from .settlement import SETTLEMENT_RATES

RECEPTION_LABELS = {"received": "接待群众", **dict(Outcome.choices)}
OWNERSHIP_LABELS = {
    "opened": "领导包案",
    "resolved": "已化解",
    "resolved_on_time": "按期化解",
    "handed_on": "已移交",
    "open": "包案中",
    "overdue": "超过化解时限",
}
MEETING_LABELS = {"total": "联席会议", "county": "县联席会议", "township": "乡镇联席会议"}
SETTLEMENT_METRICS = {defn.key: defn for defn in SETTLEMENT_RATES.values()}


def panel_figures(q: StatsQuery, figures: Figures | None = None) -> dict:
    """The leaders', mechanisms', targets' and indicators' keys of `xinfang stats --json` for the page's scope
    and period, and the matters sent down from above (``referred``: read off ``figures`` when the page has
    them)."""
    period, scope = q.period, q.scope
    data = leaders_figures.all_figures(
        period.start, period.end, q.today, prefix=scope.prefix, unit=scope.unit
    )
    as_of = target_panels.evaluation_day(period.end, q.today)
    sent_down = figures.referred if figures is not None else None
    if sent_down is None:
        sent_down = referred.referred(scope, q.ctx)
    return (
        data
        | mechanisms.as_json(scope, q.ctx)
        | target_panels.as_json(scope, as_of, q.reader_unit_id)
        | {"referred": sent_down.as_dict()}
    )


def _scope_kwargs(q: StatsQuery) -> dict:
    # The reader's own unit: what accuses it is left out even of a jurisdiction's counts.
    return {"prefix": q.scope.prefix, "unit": q.scope.unit, "hidden_from": q.reader_unit_id}


def petition_link(q: StatsQuery, key: str) -> str:
    return q.url("stats:petitions", panel=key)


def record_link(q: StatsQuery, key: str) -> str:
    return q.url("stats:records", record=key)


# --- the panels ---------------------------------------------------------------------------------------------


def leader_panel(q: StatsQuery, data: dict) -> dict:
    reception, ownership, instructions = data["reception"], data["ownership"], data["instructions"]
    return {
        "reception": {
            "days": reception["days"],
            "sessions": reception["sessions"],
            "cancelled": reception["cancelled"],
            "appointments": reception["appointments"],
            "outcomes": [
                {"key": key, "label": label, **reception[key], "url": petition_link(q, f"reception.{key}")}
                for key, label in RECEPTION_LABELS.items()
            ],
            "by_leader": reception["by_leader"],
        },
        "ownership": {
            "counts": [
                {
                    "key": key,
                    "label": label,
                    "count": ownership[key],
                    "url": record_link(q, f"ownership.{key}"),
                }
                for key, label in OWNERSHIP_LABELS.items()
            ],
            "rate": ownership["resolution_rate"],
            "by_leader": ownership["by_leader"],
        },
        "instructions": instructions,
    }


def mechanism_panel(q: StatsQuery, data: dict) -> dict:
    settlement = data["settlement"]
    return {
        "settlement": [
            {
                "key": key,
                "label": defn.label,
                "rate": settlement[key],
                "numerator_label": defn.numerator_label,
                "denominator_label": defn.denominator_label,
                "numerator_url": q.url("stats:petitions", metric=defn.key, part="numerator"),
                "denominator_url": q.url("stats:petitions", metric=defn.key, part="denominator"),
            }
            for key, defn in SETTLEMENT_RATES.items()
        ],
        "settlement_sentence": settlement["sentence"],
        "meetings": data["meetings"],
        "meeting_links": {key: record_link(q, f"meetings.{key}") for key in MEETING_LABELS},
        "assistance": data["assistance"],
        "assistance_url": record_link(q, "assistance.grants"),
        "disputes": data["disputes"],
        "disputes_url": record_link(q, "disputes.found"),
        "campaigns": [
            campaign | {"url": reverse("campaigns:detail", args=[campaign["id"]])}
            for campaign in data["campaigns"]
        ],
    }


REFERRED_COUNTS = [part for part in referred.PART_LABELS if part != "due"]  # due: the rate's denominator


def referred_panel(q: StatsQuery, data: dict) -> dict:
    """上级转送交办事项办理情况: a row for the three levels together (上三级), then one per level; every count
    links to its petitions (`panel=referred.<level>.<part>`)."""
    r = data["referred"]
    levels = [("total", "上三级", r["total"])]
    levels += [(level, row["name"], row) for level, row in r["by_level"].items()]
    return {
        "columns": [referred.PART_LABELS[part] for part in REFERRED_COUNTS],
        "rows": [
            {
                "key": level,
                "label": name,
                "counts": [
                    {"part": part, "count": row[part], "url": petition_link(q, f"referred.{level}.{part}")}
                    for part in REFERRED_COUNTS
                ],
                "rate": row["on_time_rate"],
                "due_url": petition_link(q, f"referred.{level}.due"),
            }
            for level, name, row in levels
        ],
    }


# --- drill-down ---------------------------------------------------------------------------------------------


def panel_petitions(q: StatsQuery, key: str) -> tuple[QuerySet[Petition], str]:
    """The petitions behind a reception count (`reception.received`, `reception.on_spot`, ...) or a count of
    the matters sent down from above (`referred.national.overdue`, `referred.total.due`, ...)."""
    group, _, part = key.partition(".")
    if group == "referred":
        level, _, count = part.partition(".")
        qs = referred.referred_petitions(q.scope, q.ctx, level, count)
        name = "上三级" if level == "total" else referred.source_names(q.scope)[level]
        return qs, f"上级转送交办·{name}·{referred.PART_LABELS[count]}"
    if group != "reception":
        raise ValueError(key)
    links = leaders_drill.session_links(q.period.start, q.period.end, q.today, part, **_scope_kwargs(q))
    return Petition.objects.filter(pk__in=links.values("petition_id")), f"领导接访·{RECEPTION_LABELS[part]}"


@dataclass(frozen=True)
class Records:
    label: str
    header: list[str]
    rows: list[dict]  # {"url": ..., "cells": [...]}


def _ownership_rows(qs) -> list[dict]:
    qs = qs.select_related("leader").order_by("-opened_at", "-id")
    return [
        {
            "url": reverse("leaders:ownership", args=[o.pk]),
            "cells": [o.problem, o.leader.get_full_name() or o.leader.username, o.leader_post,
                      f"{o.opened_at:%Y-%m-%d}", f"{o.resolution_due:%Y-%m-%d}", o.get_status_display()],
        }
        for o in qs
    ]  # fmt: skip


def _grant_rows(qs) -> list[dict]:
    qs = qs.select_related("petition", "unit").order_by("-paid_on", "-id")
    return [
        {
            "url": reverse("assistance:detail", args=[g.pk]),
            "cells": [g.petition.registration_number, g.unit.name, g.get_fund_display(), str(g.amount),
                      g.beneficiary_count, f"{g.paid_on:%Y-%m-%d}", "是" if g.ended_petitioning else ""],
        }
        for g in qs
    ]  # fmt: skip


def _meeting_rows(qs) -> list[dict]:
    qs = qs.select_related("unit").order_by("-held_on", "-id")
    return [
        {
            "url": reverse("meetings:detail", args=[m.pk]),
            "cells": [m.title, m.unit.name, m.get_level_display(), f"{m.held_on:%Y-%m-%d}"],
        }
        for m in qs
    ]


def _dispute_rows(qs) -> list[dict]:
    qs = qs.select_related("region").order_by("-found_on", "-id")
    return [
        {
            "url": reverse("disputes:detail", args=[d.pk]),
            "cells": [
                d.title,
                d.get_kind_display(),
                d.region.name,
                f"{d.found_on:%Y-%m-%d}",
                d.get_status_display(),
            ],
        }
        for d in qs
    ]


def disputes_found(q: StatsQuery) -> QuerySet[Dispute]:
    """``disputes.found``: the filters of `disputes.figures.totals`."""
    qs = Dispute.objects.filter(
        region_code__startswith=q.scope.prefix, found_on__gte=q.period.start, found_on__lte=q.period.end
    )
    qs = qs.filter(handling_unit=q.scope.unit) if q.scope.unit is not None else qs
    return without_accusations_of(qs, (q.scope.unit, q.reader_unit_id))


def panel_records(q: StatsQuery, key: str) -> Records:
    """The records behind a count that is not of petitions; ValueError for an unknown key."""
    group, _, part = key.partition(".")
    start, end, scope = q.period.start, q.period.end, q.scope
    if group == "ownership":
        qs = leaders_drill.ownerships(start, end, q.today, part, **_scope_kwargs(q))
        header = ["一个问题", "包案领导", "职务", "包案时间", "化解时限", "状态"]
        return Records(f"领导包案·{OWNERSHIP_LABELS[part]}", header, _ownership_rows(qs))
    if key == "assistance.grants":
        if scope.unit is not None:
            qs = assistance_figures.paid(start, end, unit=scope.unit, hidden_from=q.reader_unit_id)
        else:
            qs = assistance_figures.paid(start, end, region_prefix=scope.prefix, hidden_from=q.reader_unit_id)
        header = ["信访事项", "救助单位", "资金渠道", "金额（元）", "受助人数", "发放日期", "救助息访"]
        return Records("救助帮扶（已发放）", header, _grant_rows(qs))
    if group == "meetings" and part in MEETING_LABELS:
        qs = meeting_figures.held(start, end, scope.prefix, scope.unit)
        if part != "total":
            qs = qs.filter(level={"county": MeetingLevel.COUNTY, "township": MeetingLevel.TOWNSHIP}[part])
        return Records(MEETING_LABELS[part], ["会议名称", "召开单位", "层级", "召开日期"], _meeting_rows(qs))
    if key == "disputes.found":
        header = ["纠纷名称", "类别", "所在地", "排查日期", "状态"]
        return Records("排查发现矛盾纠纷", header, _dispute_rows(disputes_found(q)))
    raise ValueError(key)
