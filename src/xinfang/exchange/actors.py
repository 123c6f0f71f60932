"""The unit an exchange file speaks for."""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.workflow.actors import UnitActor


@dataclass(frozen=True)
class ExchangeUnit(UnitActor):
    """A unit acting as such (the importer's ``by_unit``) or looking at its petitions (the exporter's
    ``--unit``), with no named user. The workflow treats it as any ``UnitActor``; ``visible_to`` gives it the
    view a user of that unit has, so registration checks a ``repeat_of`` link as it would for a registrar of
    the receiving unit, and an export of a unit leaves out accusations against it."""

    is_authenticated = True
    is_active = True
    is_superuser = False
