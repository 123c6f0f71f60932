"""Who can act on a petition besides a logged-in user.

``perform`` takes a ``User`` (staff), a :class:`PetitionerActor` (the petitioner through the portal, who
has proved the query code there) or a :class:`UnitActor` (a unit acting without a named user: the importer
replaying an exchange file's ``by_unit`` events). All three answer ``unit``, ``has_role`` and ``pk``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# How a petitioner's own action reached us; "import" is the importer replaying it from an exchange file.
PETITIONER_VIAS = ("portal", "phone", "reception", "import")


@dataclass(frozen=True)
class PetitionerActor:
    """The petitioner. ``via`` is how the action reached us (portal by default)."""

    via: str = "portal"
    petitioner_id: int | None = None

    pk = None
    unit = None
    unit_id = None
    is_petitioner = True

    def has_role(self, *roles: str) -> bool:
        return False

    def __str__(self) -> str:
        return "信访人"


@dataclass(frozen=True)
class UnitActor:
    """A unit acting as such (the importer). It holds every staff role inside its own unit; the unit rules
    of the transition table still apply. ``person``: the user whose work in a mechanism above the workflow
    made the unit act (``perform_for_mechanism``); the audit event names them and their unit."""

    unit: Any
    name: str = ""
    person: Any = None

    pk = None
    is_petitioner = False

    @property
    def unit_id(self):
        return self.unit.pk

    def has_role(self, *roles: str) -> bool:
        return True

    def __str__(self) -> str:
        return self.name or str(self.unit)


def is_petitioner(actor) -> bool:
    return bool(getattr(actor, "is_petitioner", False))


def audited(actor):
    """Who the audit event names as actor: the person behind a unit acting for a mechanism, else the actor."""
    person = getattr(actor, "person", None) if isinstance(actor, UnitActor) else None
    return person if getattr(person, "pk", None) else actor


def describe(actor) -> dict[str, Any]:
    """What the audit event records about an actor that is not a user row."""
    if is_petitioner(actor):
        return {"via": actor.via, "petitioner": actor.petitioner_id}
    if isinstance(actor, UnitActor):
        return {"by_unit": actor.unit.code}
    return {}
