"""A unit filter that scales to a province: a select that carries only what is chosen, and a search box that
asks a small JSON endpoint for the units matching what is typed.

A city or province bureau's filter forms would otherwise render every unit of its area as an ``<option>``
(5,160 at the province bench, twice on the petition list: 650 KB of page and most of its time). Up to
a county the plain select stays (`is_large`). Above it, `make_searchable` swaps the field's widget for a
`SearchableSelect`, which renders the empty choice, the chosen unit and the units the form lists first
(the reader's own level: a page without JavaScript can still pick those), and a search box that
xinfang/app.js shows and wires to ``data-unit-search`` (``?q=`` → ``{"results": [{"id", "label"}],
"more"}``). The field keeps its queryset, so a submitted unit is still checked against everything the
reader may pick (one lookup by primary key); the endpoint answers from the same queryset (`search_json`).
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.utils.html import format_html

from xinfang import inputs

from .models import Level, OrgUnit, Region, level_rank

RESULTS = 30  # units one answer of the endpoint lists
QUERY_MAX = 40


def _label(unit: OrgUnit) -> str:
    return unit.name


class SearchableSelect(forms.Select):
    """A select whose options are the empty choice, the chosen unit and `listed`; the rest are searched."""

    def __init__(
        self,
        *,
        url: str,
        queryset: QuerySet,
        empty_label: str,
        listed=(),
        search_label: str = "",
        label_of=None,
    ):
        super().__init__()
        self.url, self.queryset, self.empty_label = url, queryset, empty_label
        self.listed, self.search_label, self.label_of = list(listed), search_label, label_of or _label

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v not in ("", None) and inputs.is_ascii_int(str(v))]
        units = list(self.queryset.filter(pk__in=chosen)) if chosen else []
        units += [u for u in self.listed if str(u.pk) not in {str(c) for c in chosen}]
        self.choices = [("", self.empty_label), *[(u.pk, self.label_of(u)) for u in units]]
        return super().optgroups(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        # Hidden until app.js wires it: without JavaScript it would search nothing.
        return format_html(
            '<div class="xf-unit-search" data-unit-search="{}" data-for="{}">'
            '<input type="search" class="form-control form-control-sm mb-1" id="{}_search" '
            'aria-label="{}" placeholder="输入单位名称或代码查找" autocomplete="off" '
            'maxlength="{}" hidden>{}</div>',
            self.url,
            select_id,
            select_id,
            f"查找{self.search_label}" if self.search_label else "查找单位",
            QUERY_MAX,
            select,
        )


def is_large(region: Region | None) -> bool:
    """Whether a filter over the units of `region` (None: the whole country) is searched rather than listed:
    a city's or province's are (a city has hundreds, the province bench 5,160), a county's ~50 are not.
    Said by the level, so deciding costs no query."""
    return region is None or level_rank(region.level) < level_rank(Level.COUNTY)


def make_searchable(
    field: forms.ModelChoiceField, url: str, *, listed=(), label: str = "", empty: str = "", label_of=None
) -> None:
    """Render `field` (its queryset already set) as a `SearchableSelect` answered by `url`; `listed` in that
    order, each named by `label_of(unit)` (its name by default)."""
    widget = SearchableSelect(
        url=url,
        queryset=field.queryset,
        empty_label=empty or field.empty_label or "",
        listed=listed,
        search_label=label or str(field.label or ""),
        label_of=label_of,
    )
    widget.attrs.update(field.widget.attrs)
    field.widget = widget


def matching(units: QuerySet, text: str) -> QuerySet:
    """`units` whose name, short name or code contains every space-separated part of `text`."""
    for part in text.split():
        units = units.filter(
            Q(name__contains=part) | Q(short_name__contains=part) | Q(code__startswith=part.upper())
        )
    return units


def search_json(request, units: QuerySet) -> JsonResponse:
    """The endpoint's answer: the first `RESULTS` of `units` matching ``?q=`` (by code), and whether more match.
    A text that is too long or carries a NUL is a 400 with the reason."""
    text = inputs.search_text(request.GET.get("q", ""))
    if len(text) > QUERY_MAX or inputs.has_nul(text) or inputs.has_invisible(text):
        return JsonResponse({"error": f"查找内容须为不超过{QUERY_MAX}个字的单位名称或代码。"}, status=400)
    rows = list(matching(units, text).order_by("code").values("pk", "name")[: RESULTS + 1])
    results = [{"id": row["pk"], "label": row["name"]} for row in rows[:RESULTS]]
    return JsonResponse({"results": results, "more": len(rows) > RESULTS})
