"""Form pieces that the staff workbench and the public portal both use to take a petition in."""

from __future__ import annotations

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
    """The category tree as one optgroup per top-level category, the top itself selectable first in its group;
    the one grouping the workbench's pickers and the portal show. Groups follow their tops' order, so a
    subcategory an administrator adds with the default sort order joins its group instead of opening a
    second one of the same name; below the second level an option names its path within the group
    (住房 / 公租房)."""
    rows = Category.objects.filter(is_active=True).order_by("sort_order", "path")
    groups: dict[str, list] = {}
    for category in sorted(rows, key=lambda c: c.parent_id is not None):  # tops first: they order the groups
        groups.setdefault(category.top, []).append((category.pk, _label_in_group(category)))
    return [("", "请选择内容分类"), *groups.items()]


def _label_in_group(category: Category) -> str:
    return " / ".join(category.path.split("/")[1:]) or category.name


class CountedCharField(forms.CharField):
    """A text field with a limit the page counts aloud instead of the browser cutting the text.

    No ``maxlength`` reaches the browser (it would cut pasted text without a word); ``data-xf-limit`` lets
    ``xinfang/limits.js`` show 已输入 n/limit and warn before and past the limit, and the server refuses an
    over-limit text with the count, so the form comes back filled in. Line breaks count as one character,
    as the page counts them (browsers send a textarea's breaks as CR LF). ``counter=False`` is for codes
    (ID numbers, phones), whose format check explains a wrong length better than a counter.
    """

    def __init__(self, *, max_length: int, label: str, counter: bool = True, **kwargs):
        self.counter = counter  # False for codes (ID numbers, phones): no counter, still never cut
        messages = {"max_length": f"{label}不超过{max_length}字（现有%(show_value)d字），请删减后再提交。"}
        messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(max_length=max_length, label=label, error_messages=messages, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        if self.counter and not widget.is_hidden:
            attrs["data-xf-limit"] = str(self.max_length)
        return attrs
