"""The workflow region of the petition detail page, and the colour badge shared by the lists."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.petitions.models import Channel, Track

from .. import hooks, todo
from ..co_handling import co_handling_of
from ..review_bodies import duty_unit_name
from ..selectors import available_actions, deadlines_of, petition_colour

register = template.Library()

BADGES = {
    "red": ("text-bg-danger", "红色", "超期"),
    "yellow": ("text-bg-warning", "黄色", "临期"),
    "blue": ("text-bg-primary", "蓝色", "在办"),
    "green": ("text-bg-success", "绿色", "办结"),
}


@register.simple_tag
def colour_badge(colour: str | None, long: bool = False):
    """四色 badge: the colour's name, with its meaning (超期/临期/在办/办结) as text, not colour alone."""
    if colour not in BADGES:
        return ""
    css, name, meaning = BADGES[colour]
    return format_html(
        '<span class="badge {} xf-colour-{}">{}{}</span>', css, colour, name, f"（{meaning}）" if long else ""
    )


@register.filter
def stage_label(code: str) -> str:
    """A stage's name; also the to-do list's delivery pseudo-stage (``todo.STAGE_LABELS``)."""
    try:
        return Stage(code).label
    except ValueError:
        return todo.task_stage_label(code)


@register.filter
def deadline_unit(deadline) -> str:
    """The unit a period is owed by; a review period by the review body (process.md §4)."""
    return duty_unit_name(deadline.stage, deadline.unit)


@register.simple_tag
def days_left(due: dt.date | None, today: dt.date | None = None) -> str:
    if due is None:
        return ""
    days = (due - (today or clock.today())).days
    if days < 0:
        return f"超期{-days}天"
    return "今日到期" if days == 0 else f"剩{days}天"


# Buttons not worth offering: the petition's own columns already show the service would refuse them.
# (Only presentation: the service's rules stay the authority, and a crafted request is still refused there.)
MOOT = {
    "conclude_on_spot": lambda p: (
        p.channel != Channel.VISIT or clock.local_date(p.received_at) != clock.today()
    ),
    "decline": lambda p: p.repeat_of_id is None,
    "switch_to_simplified": lambda p: p.track == Track.SIMPLIFIED or p.extension_days > 0,
    "switch_to_ordinary": lambda p: p.track != Track.SIMPLIFIED,
    "extend": lambda p: p.track == Track.SIMPLIFIED or p.extension_days > 0,
    "resolve": lambda p: p.is_resolved,
    "record_settlement": lambda p: bool(p.settlement),
    # An open sign-for period is always a matter's earliest (one working day, before the 15-day acceptance).
    "sign_for": lambda p: p.next_due_stage != Stage.SIGN_FOR,
}


def offered_actions(petition, user) -> list:
    rows = available_actions(petition, user) if user.is_authenticated else []
    return [row for row in rows if not MOOT.get(row.action, lambda p: False)(petition)]


@register.inclusion_tag("workflow/_panel.html", takes_context=True)
def workflow_panel(context, petition):
    """The actions this user may take now, the petition's deadlines with their colours, and its documents."""
    user = context["user"]
    today = clock.today()
    rules = deadline_rules.get_rules()
    return {
        "petition": petition,
        "actions": offered_actions(petition, user),
        "deadlines": deadlines_of(petition, today, rules),
        "colour": petition_colour(petition, today, rules),
        "today": today,
        "documents": hooks.documents_of(petition),
        "user": user,  # the documents table offers delivery forms by user
    }


@register.simple_tag
def co_handling(petition):
    """The petition's lead and supporting units (``co_handling.CoHandling``), or None (the outcomes panel)."""
    return co_handling_of(petition)
