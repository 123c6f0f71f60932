"""Which meetings a user sees: the convening unit its own, a bureau or leadership unit those of units in its
region, and a unit named lead or supporting in a decision the meetings that named it. An item's petition is
shown only to those ``visible_to`` lets see it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.petitions.models import PetitionClass

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


def decisions_visible_to(user) -> QuerySet[Decision]:
    """The decisions of the meetings the user sees, less those on an accusation against the user's own unit
    (the accused unit never learns of it, not even as a count)."""
    qs = Decision.objects.filter(item__meeting__in=meetings_visible_to(user).values("pk"))
    unit_id = getattr(user, "unit_id", None)
    if unit_id is not None:
        qs = qs.exclude(
            item__petition__petition_class=PetitionClass.ACCUSATION, item__petition__subject_unit_id=unit_id
        )
    return qs
