"""Which campaigns and cases a user sees. A case's petition must be visible (``visible_to``); a bureau or
leadership unit sees every case in its region's campaigns, another unit the cases it is responsible for."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from xinfang.petitions.selectors import visible_to

from .models import Campaign, CampaignCase, Screening


def responsible_for(unit):
    """Petition scope for ``petitions.selectors.register_unit_scope``: the unit's campaign cases."""
    return Exists(
        CampaignCase.objects.filter(petition=OuterRef("pk"), responsible_unit=unit).exclude(
            screening=Screening.OUT
        )
    )


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def cases_visible_to(user) -> QuerySet[CampaignCase]:
    qs = CampaignCase.objects.all()
    if not _active(user):
        return qs.none()
    unit = user.unit
    if unit is None:
        return qs if user.is_superuser else qs.none()
    qs = qs.filter(petition__in=visible_to(user).values("pk"))
    if unit.sees_jurisdiction:
        return qs.filter(campaign__unit__region__code__startswith=unit.region.prefix)
    return qs.filter(responsible_unit=unit)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    if not _active(user):
        return qs.none()
    unit = user.unit
    if unit is None:
        return qs if user.is_superuser else qs.none()
    scope = Q(pk__in=cases_visible_to(user).values("campaign_id"))
    if unit.sees_jurisdiction:
        scope |= Q(unit__region__code__startswith=unit.region.prefix)
    return qs.filter(scope)
