"""China's administrative divisions as shipped in `data/divisions-2023.jsonl.gz` (NBS 2023, province to
township; built by scripts/build-divisions, described in docs/regions.md). Read-only and read at run time
from the package only: nothing is ever downloaded."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

DATA_FILE = "divisions-2023.jsonl.gz"
META_FILE = "divisions-2023.meta.json"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent: str | None
    zone: bool = False  # a development zone or similar: given a county code by NBS, not a statutory division
    grouping: bool = False  # a city-layer heading (市辖区, 省直辖县级行政区划): no government of its own
    townships_direct: bool = False  # a city without counties (东莞, 中山, 儋州): the county-level government
    from_database: bool = False  # not in the shipped data: read back from regions an administrator imported


def _data_path():
    return resources.files("xinfang.orgs").joinpath("data", DATA_FILE)


@cache
def table() -> dict[str, Division]:
    with _data_path().open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        rows = (json.loads(line) for line in handle if line.strip())
        return {row["code"]: Division(**row) for row in rows}


@cache
def metadata() -> dict:
    return json.loads(resources.files("xinfang.orgs").joinpath("data", META_FILE).read_text(encoding="utf-8"))


def get(code: str) -> Division | None:
    return table().get(code)


def chain(code: str) -> list[Division]:
    """The division and everything above it, the nation first."""
    rows, division = [], get(code)
    while division is not None:
        rows.append(division)
        division = get(division.parent) if division.parent else None
    return list(reversed(rows))


@cache
def _children() -> dict[str, list[Division]]:
    children: dict[str, list[Division]] = {}
    for division in table().values():
        if division.parent:
            children.setdefault(division.parent, []).append(division)
    return children


def children(code: str) -> list[Division]:
    return _children().get(code, [])
