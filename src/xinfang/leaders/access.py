"""Who may do what with leaders' work. Petitions themselves are always reached through ``visible_to``."""

from __future__ import annotations

from django.db.models import Q

from xinfang.orgs.models import LEADER_ROLES, OrgUnit, Role, UnitKind, User

# Bureau staff who keep the reception schedule, register at sessions, assign ownerships and submit to leaders.
BUREAU_ROLES = (Role.REGISTRAR, Role.SUPERVISOR, Role.BUREAU_LEADER, Role.HANDLER)
ANSWERING_ROLES = (Role.HANDLER, Role.UNIT_LEADER)


def bureau_of(user) -> OrgUnit | None:
    """The bureau a user works for in this app: their own unit when it is a petition bureau."""
    unit = getattr(user, "unit", None)
    if unit is None or unit.kind != UnitKind.BUREAU or not user.has_role(*BUREAU_ROLES):
        return None
    return unit


def is_bureau_staff(user) -> bool:
    return bureau_of(user) is not None


def is_leader(user) -> bool:
    return bool(getattr(user, "pk", None)) and user.is_active and user.has_role(*LEADER_ROLES)


def leader_in_jurisdiction(bureau: OrgUnit, leader) -> bool:
    """A leader of the bureau's own area or of an area above it (a city leader comes down to a county);
    never of a neighbouring county or of a place below another bureau."""
    unit = getattr(leader, "unit", None)
    if unit is None or not is_leader(leader):
        return False
    mine, theirs = bureau.region, unit.region
    return mine.contains(theirs) or theirs.contains(mine)


def unit_in_jurisdiction(bureau: OrgUnit, unit: OrgUnit) -> bool:
    return bureau.region.contains(unit.region)


def leaders_for(bureau: OrgUnit) -> list:
    """The users a bureau may schedule, assign or submit to (``leader_in_jurisdiction``). Roles are a JSON
    list, so the role test runs here rather than in SQL; the candidates are one region chain's users."""
    chain = []
    region = bureau.region
    while region is not None:
        chain.append(region.pk)
        region = region.parent
    users = (
        User.objects.filter(is_active=True, unit__isnull=False)
        .filter(Q(unit__region__code__startswith=bureau.region.prefix) | Q(unit__region__in=chain))
        .select_related("unit", "unit__region")
        .order_by("unit__code", "username")
    )
    return [user for user in users if user.has_role(*LEADER_ROLES)]
