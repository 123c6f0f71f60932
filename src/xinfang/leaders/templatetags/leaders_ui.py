"""The small leaders panel on the petition detail page (who owns it, the session it came from, 阅批)."""

from __future__ import annotations

from django import template
from django.db.models import Exists, OuterRef

from xinfang import clock
from xinfang.petitions.models import Petition

from .. import access
from ..colours import outcome_colour, ownership_colour
from ..models import CaseOwnership, SessionPetition, Submission
from ..selectors import ownerships_visible_to, sessions_visible_to, submissions_visible_to

register = template.Library()


def _present(petition) -> dict:
    """Which of the three a petition has at all, in one query: most have none, and the detail page is read
    far more often than any of them is written."""
    return (
        Petition.objects.filter(pk=petition.pk)
        .annotate(
            has_link=Exists(SessionPetition.objects.filter(petition=OuterRef("pk"))),
            has_ownership=Exists(CaseOwnership.petitions.through.objects.filter(petition=OuterRef("pk"))),
            has_submission=Exists(Submission.objects.filter(petition=OuterRef("pk"))),
        )
        .values("has_link", "has_ownership", "has_submission")
        .first()
        or {}
    )


@register.inclusion_tag("leaders/_petition_panel.html")
def leaders_panel(petition, user):
    present = _present(petition)
    bureau_staff = access.is_bureau_staff(user)
    base = {
        "petition": petition,
        "link": None,
        "ownerships": [],
        "submissions": [],
        "may_assign": bureau_staff,
        "may_submit": bureau_staff,
        "today": clock.today(),
    }
    if not any(present.values()):
        return base
    link = None
    if present["has_link"]:
        link = (
            SessionPetition.objects.filter(petition=petition)
            .select_related("session", "outcome_unit", "petition")
            .first()
        )
        if link is not None and not sessions_visible_to(user).filter(pk=link.session_id).exists():
            link = None
    ownerships = []
    if present["has_ownership"]:
        ownerships = list(
            ownerships_visible_to(user)
            .filter(petitions=petition)
            .select_related("leader")
            .order_by("-opened_at")
        )
    submissions = []
    if present["has_submission"]:
        submissions = list(
            submissions_visible_to(user)
            .filter(petition=petition)
            .select_related("leader")
            .order_by("-submitted_at")
        )
    if link is not None:
        link.colour = outcome_colour(link)
    for row in ownerships:
        row.colour = ownership_colour(row)
    return base | {
        "link": link,
        "ownerships": ownerships,
        "submissions": submissions,
        "may_assign": bureau_staff and not any(o.is_open for o in ownerships),
    }
