"""Which disputes a user sees: the handling and the recording unit theirs, a bureau or leadership unit those
that arose in its region, and a unit the units it ever handed one to or received one from (its escalations)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Dispute


def disputes_visible_to(user) -> QuerySet[Dispute]:
    qs = Dispute.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    unit = user.unit
    if unit is None:
        return qs if user.is_superuser else qs.none()
    scope = Q(handling_unit=unit) | Q(recorded_unit=unit) | Q(escalations__from_unit=unit)
    if unit.sees_jurisdiction:
        scope |= Q(region_code__startswith=unit.region.prefix)
    return qs.filter(pk__in=Dispute.objects.filter(scope).values("pk"))
