"""Where higher apps join a bureau's setup (`orgs.setup`), which orgs cannot import itself:

* recorders write the audit trail of each change (registered by `AuditConfig.ready`);
* after-setup steps add what a bureau needs beyond units, such as the category routes (registered by
  `PetitionsConfig.ready`). A step returns the Chinese lines it wants reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# recorder(action, target, actor, changes, data)
_recorders: list[Callable[..., Any]] = []
# step(bureau_region, units_by_key, template, actor) -> list[str]
_after_setup: list[Callable[..., list[str]]] = []


def register_recorder(fn: Callable[..., Any]) -> None:
    if fn not in _recorders:
        _recorders.append(fn)


def register_after_setup(fn: Callable[..., list[str]]) -> None:
    if fn not in _after_setup:
        _after_setup.append(fn)


def record(action: str, target, actor=None, changes: dict | None = None, data: dict | None = None) -> None:
    for fn in _recorders:
        fn(action=action, target=target, actor=actor, changes=changes or {}, data=data or {})


def after_setup(region, units: dict, template: dict, actor=None) -> list[str]:
    lines: list[str] = []
    for fn in _after_setup:
        lines.extend(fn(region=region, units=units, template=template, actor=actor))
    return lines
