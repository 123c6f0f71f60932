"""Form pieces that the staff workbench and the public portal both use to take a petition in."""

from __future__ import annotations

from itertools import groupby

from django import forms

from .models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def category_choices() -> list:
    """The category tree as one optgroup per top-level category; the top itself is selectable."""
    rows = Category.objects.filter(is_active=True).order_by("sort_order", "path")
    groups = []
    for top, items in groupby(rows, key=lambda c: c.top):
        groups.append((top, [(c.pk, c.name) for c in items]))
    return [("", "请选择内容分类"), *groups]
