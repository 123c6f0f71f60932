"""The one order of the unit lists people pick from (transfer, assign, supervise): the suggested unit first,
then by kind in `UnitKind`'s order (the bureau, departments, townships ...), then by name in pinyin order, as
a Chinese reader looks a name up. Codes order nothing a reader sees, and the kinds' stored values sort
alphabetically in English (bureau, court, department ...)."""

from __future__ import annotations

from collections.abc import Iterable

from pypinyin import lazy_pinyin

from .models import OrgUnit, UnitKind

KIND_RANK = {kind.value: rank for rank, kind in enumerate(UnitKind)}


def name_key(name: str) -> tuple:
    return (lazy_pinyin(name), name)


def in_order(units: Iterable[OrgUnit], *, first: OrgUnit | None = None) -> list[OrgUnit]:
    """`units` with `first` (if among them) at the top, the rest by kind, then name."""
    first_pk = first.pk if first is not None else None
    return sorted(
        units,
        key=lambda u: (u.pk != first_pk, KIND_RANK.get(u.kind, len(KIND_RANK)), name_key(u.name)),
    )
