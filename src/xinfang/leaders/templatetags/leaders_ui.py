"""The small leaders panel on the petition detail page (who owns it, the session it came from, 阅批)."""

from __future__ import annotations

from django import template

from xinfang import clock

from .. import access
from ..models import SessionPetition
from ..selectors import ownerships_visible_to, sessions_visible_to, submissions_visible_to

register = template.Library()


@register.inclusion_tag("leaders/_petition_panel.html")
def leaders_panel(petition, user):
    link = SessionPetition.objects.filter(petition=petition).select_related("session", "outcome_unit").first()
    if link is not None and not sessions_visible_to(user).filter(pk=link.session_id).exists():
        link = None
    ownerships = list(
        ownerships_visible_to(user).filter(petitions=petition).select_related("leader").order_by("-opened_at")
    )
    submissions = list(
        submissions_visible_to(user)
        .filter(petition=petition)
        .select_related("leader")
        .order_by("-submitted_at")
    )
    bureau_staff = access.is_bureau_staff(user)
    return {
        "petition": petition,
        "link": link,
        "ownerships": ownerships,
        "submissions": submissions,
        "may_assign": bureau_staff and not any(o.is_open for o in ownerships),
        "may_submit": bureau_staff,
        "today": clock.today(),
    }
