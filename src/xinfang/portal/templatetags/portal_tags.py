"""Rendering form fields accessibly: the widget names its help text and its errors (aria-describedby)."""

from __future__ import annotations

from django import template

from xinfang import clock

register = template.Library()


@register.simple_tag
def field_widget(field, **attrs):
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
        css = field.field.widget.attrs.get("class", "")
        attrs["class"] = f"{css} is-invalid".strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def cn_date(value) -> str:
    """2026-10-14 → 2026年10月14日 (a datetime is shown as its Shanghai date)."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = clock.local_date(value)
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value) -> str:
    if not value:
        return ""
    local = value.astimezone(clock.SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
