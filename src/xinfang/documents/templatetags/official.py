"""Filters for document templates (built into the document engine; elsewhere `{% load official %}`)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from xinfang.documents.rendering import chinese_date, chinese_number

register = template.Library()


@register.filter
def cn_date(value) -> str:
    """{{ some_date|cn_date }} → 2026年10月14日"""
    return chinese_date(value)


@register.filter
def cn_number(value) -> str:
    """{{ 30|cn_number }} → 三十; text that is not a whole number is returned unchanged."""
    try:
        return chinese_number(int(value))
    except (TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def clause(value) -> str:
    """Text without its closing punctuation, to continue a sentence: "情况复杂。" → "情况复杂"."""
    return str(value or "").strip().rstrip("。；;，,.！!")


@register.filter(needs_autoescape=True)
def paragraphs(value, autoescape=True) -> str:
    """Each line of a person's text as its own indented paragraph: {{ opinion_text|paragraphs }}."""
    escape = conditional_escape if autoescape else (lambda text: text)
    lines = [line.strip() for line in str(value or "").splitlines()]
    # Each line is escaped above.
    return mark_safe("".join(f"<p>{escape(line)}</p>" for line in lines if line))  # nosec B308 B703
