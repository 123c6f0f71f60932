"""Where an app above the workflow lets its own tasks into 我的待办 (the joint meetings' decisions a unit
leads or supports), registered in its ``AppConfig.ready()``:

* ``register_task_section(fn)``: ``fn(user, today) -> TaskSection | None``, shown below the to-do list
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TaskSection:
    title: str
    template: str
    rows: list
    counts: dict = field(default_factory=dict)


_sections: list[Callable[[object, dt.date], TaskSection | None]] = []


def register_task_section(fn: Callable[[object, dt.date], TaskSection | None]) -> None:
    if fn not in _sections:
        _sections.append(fn)


def task_sections(user, today: dt.date) -> list[TaskSection]:
    return [section for fn in _sections if (section := fn(user, today)) is not None]
