"""How each `{slot}` of a petition template (data/petitions.py) is filled for one generated case."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from .data import county as county_data
from .data import fillers
from .draws import SURNAMES

if TYPE_CHECKING:
    from .generator import Case


def _pick(items: list):
    return lambda rng, case: rng.choice(items)


def _between(low: int, high: int, step: int = 1):
    return lambda rng, case: str(rng.randrange(low, high + 1, step))


def _decimal(low: float, high: float):
    return lambda rng, case: f"{rng.uniform(low, high):.1f}"


def _department(rng: random.Random, case: Case) -> str:
    case.department = rng.choice(case.county.departments)
    return case.department.short_name or case.department.name


# How each template slot is filled (see data/petitions.py). Called lazily, only for slots a template uses.
SLOT_MAKERS: dict[str, Callable[[random.Random, Case], str]] = {
    "name": lambda rng, case: case.principal.name,
    "county": lambda rng, case: county_data.COUNTY_NAME,
    "township": lambda rng, case: case.place.township.name,
    "village": lambda rng, case: case.place.village.name,
    "resident": lambda rng, case: "居民" if case.place.is_town else "村民",
    "year": lambda rng, case: str(case.received_at.year - rng.randint(1, 6)),
    "month": _between(1, 12),
    "months": _between(2, 24),
    "years": _between(3, 15),
    "enlisted": _between(1978, 2008),
    "age": _between(60, 86),
    "people": _between(3, 7),
    "amount": _between(3000, 120000, 100),
    "wan": _decimal(1.5, 260),
    "workers": lambda rng, case: str(max(case.person_count, rng.randint(6, 80))),
    "households": lambda rng, case: str(max(case.person_count, rng.randint(8, 160))),
    "mu": _decimal(0.8, 12),
    "sqm": _between(60, 260),
    "trees": _between(10, 120),
    "fee": _between(300, 8000, 10),
    "cadre": lambda rng, case: SURNAMES.pick(rng) + "某",
    "person": lambda rng, case: SURNAMES.pick(rng) + "某某",
    "relative": _pick(fillers.RELATIVES),
    "trade": _pick(fillers.TRADES),
    "company": _pick(fillers.COMPANIES),
    "factory": _pick(fillers.FACTORIES),
    "state_factory": _pick(fillers.STATE_FACTORIES),
    "project": _pick(fillers.PROJECTS),
    "estate": _pick(fillers.ESTATES),
    "developer": _pick(fillers.DEVELOPERS),
    "road": _pick(fillers.ROADS),
    "school": _pick(fillers.SCHOOLS),
    "hospital": _pick(fillers.HOSPITALS),
    "shop": _pick(fillers.SHOPS),
    "department": _department,
}


class Slots(dict):
    def __init__(self, rng: random.Random, case: Case):
        super().__init__()
        self.rng, self.case = rng, case

    def __missing__(self, key: str) -> str:
        value = self[key] = SLOT_MAKERS[key](self.rng, self.case)
        return value
