"""Where an app above supervision lets its own deadlines into the deadline scan and the board, registered in
its ``AppConfig.ready()`` (the leaders app: the resolution deadlines of case ownerships, 包案化解时限).

* ``register_scanner(fn)``: ``fn(today) -> ScanPart``, run by ``scan.scan_deadlines`` after the statutory
  deadlines, in the same way (warn once per colour, escalate by the active ``EscalationRule`` rows)
* ``register_board_section(fn)``: ``fn(user, today) -> BoardSection | None``, shown below the board's list
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ScanPart:
    candidates: int = 0
    warnings: Counter = field(default_factory=Counter)
    handler_messages: int = 0
    leader_messages: int = 0


@dataclass
class BoardSection:
    title: str
    template: str
    rows: list
    counts: dict = field(default_factory=dict)


_scanners: list[Callable[[dt.date], ScanPart]] = []
_board_sections: list[Callable[[object, dt.date], BoardSection | None]] = []


def register_scanner(fn: Callable[[dt.date], ScanPart]) -> None:
    if fn not in _scanners:
        _scanners.append(fn)


def register_board_section(fn: Callable[[object, dt.date], BoardSection | None]) -> None:
    if fn not in _board_sections:
        _board_sections.append(fn)


def scanners() -> list[Callable[[dt.date], ScanPart]]:
    return list(_scanners)


def board_sections(user, today: dt.date) -> list[BoardSection]:
    return [section for fn in _board_sections if (section := fn(user, today)) is not None]
