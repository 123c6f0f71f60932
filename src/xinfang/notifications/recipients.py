"""Who to tell: the staff of a unit by role, in one query for many units.

Roles are a JSON list on the user, which SQLite cannot search inside, so users of the units are loaded in one
query and filtered here; a unit has tens of users, not thousands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from xinfang.orgs.models import Role, User

HANDLING_ROLES = (Role.HANDLER,)
# When a unit has no handler on the system yet, its head hears instead, so a warning never goes nowhere.
FALLBACK_ROLES = (Role.UNIT_LEADER,)


def staff_by_unit(
    unit_ids: Iterable[int], roles: Iterable[str], fallback: Iterable[str] = ()
) -> dict[int, list]:
    """{unit_id: active users with any of ``roles`` (else any of ``fallback``)}, one query."""
    roles, fallback = set(roles), set(fallback)
    ids = {pk for pk in unit_ids if pk is not None}
    if not ids:
        return {}
    users = User.objects.filter(unit_id__in=ids, is_active=True).order_by("id")
    primary: dict[int, list] = defaultdict(list)
    second: dict[int, list] = defaultdict(list)
    for user in users:
        if user.has_role(*roles):
            primary[user.unit_id].append(user)
        elif user.has_role(*fallback):
            second[user.unit_id].append(user)
    return {pk: primary.get(pk) or second.get(pk, []) for pk in ids}


def handlers_by_unit(unit_ids: Iterable[int]) -> dict[int, list]:
    return staff_by_unit(unit_ids, HANDLING_ROLES, FALLBACK_ROLES)


def handlers_of(unit) -> list:
    if unit is None:
        return []
    return handlers_by_unit([unit.pk]).get(unit.pk, [])


def staff_with_role(unit, *roles: str) -> list:
    if unit is None:
        return []
    return staff_by_unit([unit.pk], roles).get(unit.pk, [])
