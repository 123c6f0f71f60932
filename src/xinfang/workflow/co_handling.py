"""Reading co-handling (主办 / 协办, process.md §3): who leads a matter several units handle, and who supports.

The lead unit is the unit handling the matter (the unit it was sent to, or the responsible unit after
acceptance): it replies, and the statistics count the matter for it alone, since they read the handling
unit's deadlines and the responsible unit. Supporting units are the current ``CoHandler`` rows of role
``supporting``: they see the matter (``supported_by``, a unit scope of ``petitions.selectors.visible_to``)
and find it in their to-do list, and may only add their opinions (``add_support_opinion``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Petition

from .models import CoHandler, CoHandlerRole


def supporting(**filters):
    return CoHandler.objects.filter(role=CoHandlerRole.SUPPORTING, is_current=True, **filters)


def supported_by(unit) -> Exists:
    """The petitions ``unit`` currently supports: what a supporting unit sees besides its own."""
    return Exists(supporting(petition=OuterRef("pk"), unit=unit))


def supports(petition: Petition, unit: OrgUnit | None) -> bool:
    return unit is not None and supporting(petition=petition, unit=unit).exists()


@dataclass(frozen=True)
class CoHandling:
    lead: OrgUnit | None
    supporting: list[OrgUnit]


def co_handling_of(petition: Petition) -> CoHandling | None:
    """The current lead and supporting units, or None when the matter is not co-handled."""
    rows = list(
        CoHandler.objects.filter(petition=petition, is_current=True)
        .select_related("unit")
        .order_by("role", "id")
    )
    if not rows:
        return None
    lead = next((row.unit for row in rows if row.role == CoHandlerRole.LEAD), None)
    return CoHandling(lead, [row.unit for row in rows if row.role == CoHandlerRole.SUPPORTING])
