"""Presentation helpers for the petition workbench: badges, masked identity, form fields, history labels."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html

from xinfang.petitions import masking
from xinfang.petitions.models import Petition, PetitionParty, Status
from xinfang.workflow import labels

register = template.Library()

STATUS_STYLES = {
    Status.REGISTERED: "text-bg-secondary",
    Status.TRANSFERRED: "text-bg-info",
    Status.ASSIGNED: "text-bg-info",
    Status.ACCEPTED: "text-bg-primary",
    Status.REPLIED: "text-bg-warning",
    Status.CONCLUDED: "text-bg-success",
    Status.CLOSED: "text-bg-dark",
    Status.UNDER_REVIEW: "text-bg-warning",
    Status.REVIEWED: "text-bg-secondary",
    Status.UNDER_RE_REVIEW: "text-bg-warning",
    Status.TERMINATED: "text-bg-dark",
}


@register.simple_tag
def status_badge(status: str):
    try:
        label = Status(status).label
    except ValueError:
        label = status
    return format_html('<span class="badge {}">{}</span>', STATUS_STYLES.get(status, "text-bg-light"), label)


@register.simple_tag
def petitioner_label(petition: Petition, user) -> str:
    """The principal petitioner for a list row, by the one masking rule (petitions.masking)."""
    return masking.principal_label(user, petition, list(petition.parties.all()))  # prefetched by the view


@register.simple_tag
def party_identity(party: PetitionParty, show: bool) -> dict:
    return masking.shown(party.petitioner, show).as_dict()


@register.filter
def status_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


def _widget_kind(widget) -> str:
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


CSS = {"radio": "form-check-input", "checkbox": "form-check-input", "select": "form-select"}


@register.inclusion_tag("petitions/_field.html")
def form_field(bound, size: str = "sm", label: str | None = None, hide_label: bool = False):
    """A Bootstrap field with its label, help and errors tied together for screen readers."""
    kind = _widget_kind(bound.field.widget)
    css = CSS.get(kind, "form-control")
    if size == "sm" and kind in ("input", "file", "select"):
        css += f" {'form-select' if kind == 'select' else 'form-control'}-sm"
    described = []
    if bound.help_text:
        described.append(f"{bound.auto_id}_help")
    if bound.errors:
        described.append(f"{bound.auto_id}_error")
        css += " is-invalid"
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    if kind == "radio":
        bound.field.widget.attrs.update(attrs)
    return {
        "field": bound,
        "kind": kind,
        "widget": "" if kind == "radio" else bound.as_widget(attrs=attrs),
        "label": label or bound.label,
        "hide_label": hide_label,
    }
