"""Every date field of every form renders its value as the browser's date picker takes it: YYYY-MM-DD.

A zh-hans form renders a date as 2026/12/09 by default, which <input type=date> drops without a word, so a
default deadline or "today" would reach the user as an empty field."""

from __future__ import annotations

import datetime as dt

from django import forms

from xinfang import inputs

from .formwalk import form_classes

DAY = dt.date(2026, 12, 9)


def test_the_walk_finds_the_forms_of_every_app():
    apps = {cls.__module__.split(".")[1] for cls in form_classes()}
    assert {"workbench", "workflow", "supervision", "leaders", "meetings", "campaigns"} <= apps
    assert {"disputes", "assistance", "portal"} <= apps


def test_every_declared_date_field_renders_iso():
    checked = 0
    for cls in form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField) and not field.widget.is_hidden:
                html = field.widget.render(name, DAY)
                assert 'type="date"' in html and 'value="2026-12-09"' in html, f"{cls.__qualname__}.{name}"
                checked += 1
    assert checked >= 25


def test_the_shared_date_widget_keeps_its_attributes():
    html = inputs.DateInput(attrs={"class": "form-control"}).render("due", DAY)
    assert html == '<input type="date" name="due" value="2026-12-09" class="form-control">'
