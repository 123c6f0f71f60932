"""Which grants a user sees: the granting unit its own, a bureau or leadership unit those of units in its
region, and any unit the grants on petitions it may see (``petitions.selectors.visible_to``, which already
keeps an accusation from the unit it accuses)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_to

from .models import Grant


def grants_visible_to(user) -> QuerySet[Grant]:
    qs = Grant.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    unit = user.unit
    if unit is None:
        return qs if user.is_superuser else qs.none()
    scope = Q(unit=unit) | Q(petition__in=visible_to(user).values("pk"))
    if unit.sees_jurisdiction:
        scope |= Q(unit__region__code__startswith=unit.region.prefix)
    # As visible_to does after every scope: a grant on an accusation never reaches the accused unit.
    return qs.filter(scope).exclude(
        petition__petition_class=PetitionClass.ACCUSATION, petition__subject_unit=unit
    )
