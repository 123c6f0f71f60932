"""What the statistics pages show, built from computed figures: rate and volume cards, chart data, the links
from every figure to the petitions behind it, and the labels of drill-down figures.

Nothing here defines a figure: the numbers come from `report.Figures`, the unit table and the volume and
trend queries; this module only arranges them for the templates and the dashboard's script.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.templatetags.static import static

from xinfang.orgs.models import Level, Region
from xinfang.petitions.models import Channel

from . import jurisdictions, report
from .exports import VISIT_LEVEL_LABELS
from .query import StatsQuery
from .rates import BACKLOG_RESOLUTION, RATES, RateDef
from .scope import Scope
from .tables import RATE_COLUMNS, UnitRow
from .trend import monthly_trend
from .volumes import Count2, volume_by_issue_region

# The digits of a child region's code, by the level of the region shown (the map's areas).
CHILD_CODE_LENGTH = {Level.PROVINCE: 6, Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}

# The drill-down list's title for each volume figure (`volume=KEY`).
VOLUME_NAMES = {
    "total": "信访总量",
    "skip_level": "越级访（到京省市）",
    "online_letter_phone": "网信电访",
    "channel": "信访形式",
    "visit_level": "来访层级",
    "category": "内容分类",
    "collective": "集体访",
    "issue_region": "问题属地",
    "skip_level_visit": "京省市走访",
}


# --- links to the petitions behind a figure ---------------------------------------------------------------


def rate_link(q: StatsQuery, key: str, part: str = "denominator") -> str:
    return q.url("stats:petitions", metric=key, part=part)


def volume_link(q: StatsQuery, key: str = "total", value: str | None = None) -> str:
    return q.url("stats:petitions", volume=key, value=value)


def unit_links(q: StatsQuery, rows: list[UnitRow]) -> dict[int, dict[str, str]]:
    """{unit id: {"volume": link, rate key: link}} for the per-unit table."""
    links = {}
    for row in rows:
        own = q.with_scope(Scope(unit=row.unit))
        links[row.unit.pk] = {"volume": volume_link(own), **{k: rate_link(own, k) for k, _ in RATE_COLUMNS}}
    return links


# --- cards ---------------------------------------------------------------------------------------------------


def rate_cards(q: StatsQuery, figures: report.Figures, year_before, previous, base=None) -> list[dict]:
    cards = []
    for key in report.RATE_KEYS:
        defn = RATES[key]
        rate = figures.rates[key]
        cards.append(
            {
                "key": key,
                "label": defn.label,
                "rate": rate,
                "numerator_label": defn.numerator_label,
                "denominator_label": defn.denominator_label,
                "numerator_url": rate_link(q, key, "numerator"),
                "denominator_url": rate_link(q, key, "denominator"),
                "yoy": report.change_points(rate, year_before.rates.get(key)),
                "mom": report.change_points(rate, previous.rates.get(key)),
                "base": report.change_points(rate, base.rates.get(key)) if base is not None else None,
            }
        )
    return cards


def _card_counts(figures: report.Figures) -> list[tuple[str, Count2, tuple]]:
    """(label, count, drill-down key and value) of each volume card."""
    v = figures.volume
    return [
        ("信访总量", v.total, ("total", None)),
        ("越级访（到京省市）", v.skip_level, ("skip_level", None)),
        ("网信电访", v.figure_counts()["online_letter_phone"], ("online_letter_phone", None)),
        ("来访", v.by_channel["visit"], ("channel", "visit")),
        ("集体访", v.by_collective["collective"], ("collective", "collective")),
    ]


def volume_cards(q: StatsQuery, figures: report.Figures, year_before, previous, base=None) -> list[dict]:
    """The volume cards, each with its change in percent against 同比, 环比 and the base period (if chosen)."""
    earlier = {"yoy": year_before, "mom": previous, "base": base}
    before = {name: _card_counts(f) for name, f in earlier.items() if f is not None}
    cards = []
    for i, (label, count, link) in enumerate(_card_counts(figures)):
        card = {"label": label, "count": count, "url": volume_link(q, *link), "base": None}
        for name, counts in before.items():
            card[name] = report.change_percent(count.batches, counts[i][1].batches)
        cards.append(card)
    return cards


def visit_levels(q: StatsQuery, figures: report.Figures) -> list[dict]:
    return [
        {
            "label": label,
            "count": figures.volume.by_visit_level[key],
            "url": volume_link(q, "visit_level", key),
        }
        for key, label in VISIT_LEVEL_LABELS.items()
    ]


def backlog_open(figures: report.Figures) -> int:
    backlog = figures.rates[BACKLOG_RESOLUTION.key]
    return backlog.denominator - backlog.numerator


# --- charts --------------------------------------------------------------------------------------------------


def geo_url(region: Region | None) -> str | None:
    """The outline file of a region's children, if the project ships one (static/stats/geo/<code>.geojson)."""
    if region is None:
        return None
    path = f"stats/geo/{region.code}.geojson"
    return static(path) if finders.find(path) else None


def chart_data(q: StatsQuery, figures: report.Figures, rows: list[UnitRow]) -> dict:
    v = figures.volume
    data = {
        "trend": monthly_trend(q.scope, q.ctx),
        "channels": [
            {"name": Channel(k).label, "value": c.batches, "url": volume_link(q, "channel", k)}
            for k, c in v.by_channel.items()
            if c.batches
        ],
        "categories": [
            {"name": k, "value": c.batches, "url": volume_link(q, "category", k)}
            for k, c in sorted(v.by_category.items(), key=lambda item: -item[1].batches)
            if c.batches
        ],
        "rate_columns": [{"key": k, "label": label} for k, label in RATE_COLUMNS],
        "units": [
            {
                "name": row.name,
                "code": row.unit.code,
                "group": row.group_label,
                "rates": {
                    k: {
                        "percent": None if row.rates[k].percent is None else float(row.rates[k].percent),
                        "numerator": row.rates[k].numerator,
                        "denominator": row.rates[k].denominator,
                        "rank": row.ranks.get(k),
                        "ranked": row.ranked_in_group.get(k, 0),
                        "url": rate_link(q.with_scope(Scope(unit=row.unit)), k),
                    }
                    for k, _ in RATE_COLUMNS
                },
            }
            for row in rows
        ],
        "map": None,
    }
    region = q.scope.region
    url = geo_url(region)
    if url and region.level in CHILD_CODE_LENGTH:
        by_area = volume_by_issue_region(q.scope, q.ctx, CHILD_CODE_LENGTH[region.level])
        children = Region.objects.filter(parent=region).order_by("code")
        data["map"] = {
            "name": region.code,
            "url": url,
            "regions": [
                {
                    "name": child.name,
                    "code": child.code,
                    "value": by_area.get(child.code, Count2()).batches,
                    "url": volume_link(q, "issue_region", child.code),
                }
                for child in children
            ],
        }
    return data


# --- drill-down titles ---------------------------------------------------------------------------------------


def rate_part_label(defn: RateDef, part: str) -> str:
    """ "及时受理率：及时受理" for a rate's numerator, "及时受理率：应受理" for its denominator."""
    return f"{defn.label}：{defn.numerator_label if part == 'numerator' else defn.denominator_label}"


def volume_label(key: str, value: str | None) -> str:
    """The title of a volume figure's list: its name, and the value picked (a channel, a region, ...)."""
    return VOLUME_NAMES.get(key, key) + (f"：{_value_label(key, value)}" if value else "")


def _value_label(key: str, value: str) -> str:
    if key == "channel" and value in Channel.values:
        return Channel(value).label
    if key == "visit_level":
        return VISIT_LEVEL_LABELS.get(value, value)
    if key == "issue_region":
        return Region.objects.filter(code=value).values_list("name", flat=True).first() or value
    if key == "collective":
        return "集体访" if value == "collective" else "个访"
    return value


# --- lower jurisdictions -------------------------------------------------------------------------------------

# The columns of the 下级辖区 table on the page (the xlsx carries every figure).
JURISDICTION_RATE_COLUMNS = [
    "timely_acceptance",
    "on_time_conclusion",
    "participation.unit",
    "satisfaction.unit",
]


def shown_value(row: jurisdictions.RegionRow, key: str) -> str:
    """A figure as the table shows it: 66.67%, 4批, 0.08, 79.00; — when there is nothing."""
    value = row.value(key)
    if value is None:
        return "—"
    kind = jurisdictions.FIGURES[key].kind
    return f"{value}%" if kind == "rate" else f"{value}批" if kind == "count" else str(value)


def jurisdiction_rows(q: StatsQuery, table: jurisdictions.Table) -> list[dict]:
    """The rows in the chosen order, each linking to the child's own dashboard for the same period."""
    key = table.rank_by
    return [
        {
            "row": row,
            "url": q.with_scope(Scope(region=row.region)).url("stats:dashboard"),
            "rank": row.ranks[key],
            "ranked": row.ranked[key],
            "value": shown_value(row, key),
            "rates": [row.rates[k] for k in JURISDICTION_RATE_COLUMNS],
        }
        for row in table.sorted_rows()
    ]
