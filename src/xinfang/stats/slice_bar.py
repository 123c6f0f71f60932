"""The dashboard's filter bar for a slice: one select per filter (Chinese labels from the model choices),
the active slice as chips, each with a link that drops it, and a reset link that keeps scope and period.

A select offers one value; a combination given in the URL (`channel=letter,phone`, from the CLI's or the
API's habits) is kept as an option of its own, so submitting the form never loses it.
"""

from __future__ import annotations

from dataclasses import replace

from xinfang.orgs.models import Level, Region
from xinfang.petitions.models import Category

from .query import StatsQuery
from .scope import code_within
from .slices import CHOICE_FILTERS, FLAG_FILTERS, LABELS, Slice

FLAG_OPTIONS = {
    "collective": [("1", "集体访"), ("0", "个体访")],
    "repeat": [("0", "初信初访"), ("1", "重复信访")],
}


def _options(choices: list[tuple[str, str]], current: str) -> list[dict]:
    options = [{"value": "", "label": "全部", "selected": not current}]
    if current and current not in {value for value, _ in choices}:
        labels = dict(choices)
        text = "、".join(labels.get(v, v) for v in current.split(","))
        choices = [*choices, (current, text)]
    return options + [{"value": v, "label": text, "selected": v == current} for v, text in choices]


def category_choices() -> list[tuple[str, str]]:
    rows = Category.objects.filter(is_active=True).order_by("sort_order", "path").values_list("pk", "path")
    return [(str(pk), path) for pk, path in rows]


def region_choices(q: StatsQuery) -> list[tuple[str, str]]:
    """Issue regions inside the scope's region, down to the townships (a village is too fine for a filter)."""
    prefix = q.scope.prefix if q.scope.region is not None else q.scope.unit.region.prefix
    rows = (
        Region.objects.filter(code_within("code", prefix))
        .exclude(level__in=[Level.NATIONAL, Level.VILLAGE])
        .order_by("code")
        .values_list("prefix", "name")
    )
    return list(rows)


def filters(q: StatsQuery) -> list[dict]:
    """The selects of the bar, in the order of docs/statistics.md's "Slices"."""
    current = q.slice.params()
    fields = [
        {"name": name, "label": label, "options": _options(list(choices.items()), current.get(name, ""))}
        for name, (label, choices) in CHOICE_FILTERS.items()
    ]
    fields.append(
        {
            "name": "category",
            "label": LABELS["category"],
            "options": _options(category_choices(), current.get("category", "")),
        }
    )
    fields += [
        {"name": name, "label": label, "options": _options(FLAG_OPTIONS[name], current.get(name, ""))}
        for name, (label, _) in FLAG_FILTERS.items()
    ]
    fields.append(
        {
            "name": "issue_region",
            "label": LABELS["issue_region"],
            "options": _options(region_choices(q), current.get("issue_region", "")),
        }
    )
    return fields


def chips(q: StatsQuery) -> list[dict]:
    """The active filters, each with the dashboard's link without it."""
    params = q.slice.params()
    out = []
    for name, label, text in q.slice.labelled():
        rest = Slice.from_params({k: v for k, v in params.items() if k != name})
        out.append(
            {"label": label, "text": text, "remove_url": replace(q, slice=rest).url("stats:dashboard")}
        )
    return out


def bar(q: StatsQuery) -> dict:
    return {
        "fields": filters(q),
        "chips": chips(q),
        "reset_url": replace(q, slice=Slice()).url("stats:dashboard"),
        "active": not q.slice.is_empty,
    }
