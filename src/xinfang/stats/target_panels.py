"""The targets and creation indicators on the dashboard, in the CLI's JSON and in the xlsx workbook.

`as_json` gives the keys `targets` and `indicators` of `xinfang stats --json`; the dashboard's cards, its
chart and the workbook's sheets are built from those very dicts, so they always agree. Every actual links to
the petitions behind it (`stats:petitions?figure=KEY`, the same filter as the count, `targets.figure_petitions`),
over the year to the as-of day; a township or village that fails a condition links to the petitions counted
against it (`area=CODE`).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from xinfang.orgs.models import Region

from . import indicators, targets
from .query import StatsQuery
from .scope import Scope


def evaluation_day(period_end: dt.date, today: dt.date) -> dt.date:
    """Targets are read up to the end of the period asked for, or today if that is sooner."""
    return min(period_end, today)


def as_json(scope: Scope, as_of: dt.date, reader_unit_id: int | None = None) -> dict:
    year = as_of.year
    return {
        "targets": [
            e.as_dict() | {"as_of": as_of.isoformat()}
            for e in targets.evaluations(scope, as_of, year, reader_unit_id)
        ],
        "indicators": [r.as_dict() for r in indicators.results(scope, as_of, year, reader_unit_id)],
    }


def _drill_url(scope: dict, year: int, end: dt.date, **extra) -> str:
    params = {**scope, "from": dt.date(year, 1, 1).isoformat(), "to": end.isoformat(), **extra}
    return f"{reverse('stats:petitions')}?{urlencode(params)}"


def _month_end(year: int, month: int, as_of: dt.date) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return min(following - dt.timedelta(days=1), as_of)


def _actual(value) -> float | int | None:
    return value.get("percent") if isinstance(value, dict) else value


def target_cards(data: dict) -> list[dict]:
    cards = []
    for t in data["targets"]:
        figure = targets.FIGURES[t["figure"]]
        as_of = dt.date.fromisoformat(t["as_of"])
        part = {"part": "numerator"} if figure.is_rate else {}
        cards.append(
            {
                "id": t["id"],
                "sentence": t["sentence"],
                "status": t["status"] or targets.NO_DATA,
                "status_label": targets.STATUS_LABELS[t["status"] or targets.NO_DATA],
                "url": _drill_url(t["scope"], t["year"], as_of, figure=t["figure"], **part),
            }
        )
    return cards


def target_chart(data: dict) -> list[dict]:
    """One series pair per target: the month's target and the year-to-date actual, each bar linking to the
    petitions counted up to that month."""
    charts = []
    for t in data["targets"]:
        figure = targets.FIGURES[t["figure"]]
        as_of = dt.date.fromisoformat(t["as_of"])
        part = {"part": "numerator"} if figure.is_rate else {}
        charts.append(
            {
                "id": t["id"],
                "label": f"{t['year']}年{figure.label}（{'≤' if t['kind'] == 'ceiling' else '≥'}"
                f"{targets.number_text(t['value'])}{figure.unit}）",
                "unit": figure.unit,
                "is_rate": figure.is_rate,
                "months": [f"{m['month']}月" for m in t["months"]],
                "target": [m["target"] for m in t["months"]],
                "actual": [_actual(m["to_date"]) for m in t["months"]],
                "status": [m["status"] for m in t["months"]],
                "urls": [
                    _drill_url(
                        t["scope"],
                        t["year"],
                        _month_end(t["year"], m["month"], as_of),
                        figure=t["figure"],
                        **part,
                    )
                    for m in t["months"]
                ],
            }
        )
    return charts


def indicator_cards(data: dict, q: StatsQuery) -> list[dict]:
    cards = []
    for i in data["indicators"]:
        end = evaluation_day(dt.date(i["year"], 12, 31), q.today)
        failing = []
        for s in i["failing"]:
            scope = {"unit": s["code"]} if i["level"] == "unit" else {"region": i["region"]}
            area = {} if i["level"] == "unit" else {"area": s["code"]}
            links = [
                {"text": text, "url": _drill_url(scope, i["year"], end, figure=key, **area)}
                for key, text in s["conditions"]
            ]
            failing.append({"name": s["name"], "links": links})
        cards.append(i | {"failing_links": failing})
    return cards


def figure_drill(q: StatsQuery, key: str, part: str, area: str | None):
    """The petitions behind `figure=KEY` (and `area=CODE`: inside that issue region); KeyError if unknown."""
    figure = targets.FIGURES[key]
    if part not in ("numerator", "denominator"):
        raise KeyError(part)
    if area:
        # A township or village inside the page's jurisdiction, counted by issue region (stats.indicators).
        if figure.is_rate or q.scope.region is None or not area.startswith(q.scope.prefix):
            raise KeyError(area)
        name = Region.objects.filter(code=area).values_list("name", flat=True).first() or area
        return targets.area_petitions(figure, q.ctx, area), f"{name}·{figure.label}"
    qs = targets.figure_petitions(figure, q.scope, q.ctx, part)
    label = figure.label
    if figure.is_rate:
        label += f"：{figure.rate.numerator_label if part == 'numerator' else figure.rate.denominator_label}"
    return qs, label


# --- xlsx ---------------------------------------------------------------------------------------------------


def sheets(data: dict) -> list[tuple[str, list[str], list[list]]]:
    result = []
    if data.get("targets"):
        header = ["指标", "范围", "年度目标", "月份", "当月目标", "当月实际", "累计实际", "状态"]
        rows = []
        for t in data["targets"]:
            figure = targets.FIGURES[t["figure"]]
            name = next(iter(t["scope"].values()))
            goal = f"{'≤' if t['kind'] == 'ceiling' else '≥'}{targets.number_text(t['value'])}{figure.unit}"
            rows += [
                [figure.label, name, goal, m["month"], m["target"], _actual(m["actual"]), _actual(m["to_date"]),
                 targets.STATUS_LABELS[m["status"]]]
                for m in t["months"]
            ]  # fmt: skip
        result.append(("年度目标", header, rows))
    if data.get("indicators"):
        header = ["创建指标", "年度", "评定总数", "达标数", "达标比例(%)", "未达标"]
        rows = [
            [i["name"], i["year"], i["total"], i["met"], i["share"]["percent"],
             "；".join(f"{s['name']}（{'、'.join(t for _, t in s['conditions'])}）" for s in i["failing"])]
            for i in data["indicators"]
        ]  # fmt: skip
        result.append(("创建指标", header, rows))
    return result
