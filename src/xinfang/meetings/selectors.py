"""Which meetings a user sees: the convening unit its own, a bureau or leadership unit those of units in its
region, and a unit named lead or supporting in a decision the meetings that named it. An item's petition is
shown only to those ``visible_to`` lets see it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Decision, JointMeeting


def meetings_visible_to(user) -> QuerySet[JointMeeting]:
    qs = JointMeeting.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    unit = user.unit
    if unit is None:
        return qs if user.is_superuser else qs.none()
    named = Decision.objects.filter(Q(lead_unit=unit) | Q(supporting_units=unit)).values("item__meeting_id")
    scope = Q(unit=unit) | Q(pk__in=named)
    if unit.sees_jurisdiction:
        scope |= Q(unit__region__code__startswith=unit.region.prefix)
    return qs.filter(scope)


def decisions_for(unit) -> QuerySet[Decision]:
    """The decisions a unit must carry out or support: its worklist from the meetings."""
    return Decision.objects.filter(Q(lead_unit=unit) | Q(supporting_units=unit)).distinct()
