"""The filters of 我的待办: stage, status, colour, unit (overseers only), category and the order.

A value that does not parse is shown with its error and ignored; the list is then filtered by what did parse,
as the petition list is. Labels come from their one source: stages from ``todo.STAGE_LABELS``, colours from
the badges' names, statuses from ``Status``.
"""

from __future__ import annotations

from django import forms

from xinfang import inputs
from xinfang.petitions.fields import category_choices
from xinfang.petitions.models import Category, Status

from . import todo
from .templatetags.workflow_ui import BADGES

# A task is never green (green: nothing open).
TASK_COLOURS = ("red", "yellow", "blue")


def _colour_label(colour: str) -> str:
    _css, name, meaning = BADGES[colour]
    return f"{name}（{meaning}）"


class TodoFilterForm(inputs.ChineseEmptyChoices, forms.Form):
    empty_choice = inputs.ALL_CHOICE

    stage = forms.ChoiceField(
        label="待办环节", required=False, choices=[("", "全部环节"), *todo.STAGE_CHOICES]
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *Status.choices])
    colour = forms.ChoiceField(
        label="颜色",
        required=False,
        choices=[("", "全部颜色"), *[(c, _colour_label(c)) for c in TASK_COLOURS]],
    )
    unit = forms.ModelChoiceField(label="责任单位", required=False, queryset=None, empty_label="全部单位")
    category = forms.ModelChoiceField(label="内容分类", required=False, queryset=Category.objects.all())
    sort = forms.ChoiceField(label="排序", required=False, choices=todo.SORT_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if todo.oversees(user):
            units = list(todo.overseen_units(user))
            self.fields["unit"].queryset = todo.overseen_units(user)
            self.fields["unit"].choices = [("", "全部单位"), *[(u.pk, u.name) for u in units]]
            self.unit_names = {u.pk: u.name for u in units}
        else:
            del self.fields["unit"]  # a unit's staff list their own unit's tasks
            self.unit_names = {}
        self.fields["category"].choices = [("", "全部分类"), *category_choices()[1:]]

    def values(self) -> dict:
        """The valid filters (an invalid one counts as not given)."""
        if not self.is_bound:
            data = {}
        else:
            self.is_valid()
            data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "stage": data.get("stage") or "",
            "status": data.get("status") or "",
            "colour": data.get("colour") or "",
            "unit": data.get("unit"),
            "category": data.get("category"),
            "sort": data.get("sort") or "due",
        }


def stage_links(params, counts: dict[str, int], current: str) -> list[dict]:
    """One link per stage with its count, keeping the other filters and starting at the first page."""
    links = []
    for code, label in todo.STAGE_CHOICES:
        query = params.copy()
        for key in ("after", "before"):
            query.pop(key, None)
        query["stage"] = code
        links.append(
            {
                "code": code,
                "label": label,
                "count": counts[code],
                "query": query.urlencode(),
                "active": code == current,
            }
        )
    return links
