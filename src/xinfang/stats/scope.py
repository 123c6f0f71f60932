"""What a figure is about: one unit, or a jurisdiction (a region and every unit inside it).

Jurisdiction filters compare region codes as a range ``prefix <= code < prefix + ":"`` (":" sorts right after
"9"), which both SQLite and PostgreSQL answer from an index, unlike ``LIKE 'prefix%'`` on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.functions import Substr
from django.db.models.lookups import Exact

from xinfang import inputs
from xinfang.orgs.models import OrgUnit, Region

LISTED_UNITS_MAX = 1_000  # more units than this (a province) are selected by a subquery, not a list of ids


def code_within(field: str, prefix: str, *, indexed: bool = True) -> Q:
    """Rows whose region code in `field` lies inside the region with this prefix ('' is the whole country).

    `indexed=False` writes the same test as a comparison of the code's first digits, which no index answers:
    for a query that reads most of the table anyway (the backlog: every petition older than a year), a plain
    scan beats SQLite's two-index OR plan over a jurisdiction that holds nearly every row."""
    if not prefix:
        return Q()
    if not indexed:
        return Q(Exact(Substr(field, 1, len(prefix)), prefix))
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + ":"})


@dataclass(frozen=True)
class Scope:
    unit: OrgUnit | None = None
    region: Region | None = None

    def __post_init__(self):
        if (self.unit is None) == (self.region is None):
            raise ValueError("统计范围须为一个单位或一个行政区划。")

    @classmethod
    def for_unit(cls, code: str) -> Scope:
        if inputs.has_nul(code):
            raise LookupError("单位代码无效。")
        unit = OrgUnit.objects.select_related("region").filter(code=code).first()
        if unit is None:
            raise LookupError(f"单位“{code}”不存在。")
        return cls(unit=unit)

    @classmethod
    def for_region(cls, code: str) -> Scope:
        if inputs.has_nul(code):
            raise LookupError("行政区划代码无效。")
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise LookupError(f"行政区划“{code}”不存在。")
        return cls(region=region)

    @classmethod
    def of_user(cls, user) -> Scope:
        """The widest scope a user may see: a bureau's (or leadership's) whole region, else the own unit."""
        unit = getattr(user, "unit", None)
        if unit is None:
            if getattr(user, "is_superuser", False):
                top = Region.objects.filter(parent__isnull=True).order_by("code").first()
                if top is not None:
                    return cls(region=top)
            raise PermissionDenied("没有所属单位，不能查看统计。")
        return cls(region=unit.region) if unit.sees_jurisdiction else cls(unit=unit)

    # --- identity --------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return "unit" if self.unit is not None else "region"

    @property
    def code(self) -> str:
        return self.unit.code if self.unit is not None else self.region.code

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else self.region.name

    @property
    def prefix(self) -> str:
        return self.region.prefix if self.region is not None else ""

    def as_dict(self) -> dict:
        return {self.kind: self.code, "name": self.name}

    @property
    def query(self) -> dict[str, str]:
        """URL query parameters naming this scope."""
        return {self.kind: self.code}

    # --- filters -----------------------------------------------------------------------------------------

    @cached_property
    def unit_ids(self) -> list[int]:
        if self.unit is not None:
            return [self.unit.pk]
        return list(self._units_within().values_list("pk", flat=True))

    def units(self):
        return OrgUnit.objects.filter(pk__in=self.unit_ids).select_related("region").order_by("code")

    def unit_q(self, field: str = "unit") -> Q:
        """Rows (deadlines, ratings) that belong to a unit in scope."""
        if self.unit is not None:
            return Q(**{f"{field}_id": self.unit.pk})
        if not self.prefix:
            return Q()
        if len(self.unit_ids) > LISTED_UNITS_MAX:
            # A province's thousands of ids, bound one by one, cost more to send and plan than the lookup
            # they ask for: the database reads them itself.
            return Q(**{f"{field}_id__in": self._units_within().values("pk")})
        return Q(**{f"{field}_id__in": self.unit_ids})

    def _units_within(self):
        return OrgUnit.objects.filter(code_within("region__code", self.prefix))

    def petition_q(self, prefix: str = "", *, indexed: bool = True) -> Q:
        """Petitions in scope. For a unit: those it is answerable for (its responsible unit, or received by
        it and not yet given one). For a jurisdiction: received or handled by a unit inside it, the same rule
        as `visible_to` for bureau staff, so a drill-down list shows exactly what was counted."""
        if self.unit is not None:
            return Q(**{f"{prefix}responsible_unit": self.unit}) | Q(
                **{f"{prefix}receiving_unit": self.unit, f"{prefix}responsible_unit__isnull": True}
            )
        return code_within(f"{prefix}receiving_region_code", self.prefix, indexed=indexed) | code_within(
            f"{prefix}responsible_region_code", self.prefix, indexed=indexed
        )

    # --- access ------------------------------------------------------------------------------------------

    def contains(self, other: Scope) -> bool:
        if self.unit is not None:
            return other.unit is not None and other.unit.pk == self.unit.pk
        other_code = other.unit.region.code if other.unit is not None else other.region.code
        return other_code.startswith(self.prefix)

    def check_visible_to(self, user) -> None:
        """Refuse a scope outside the user's jurisdiction (a township sees only its own unit)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            raise PermissionDenied("请先登录。")
        if user.unit is None and user.is_superuser:
            return
        if not Scope.of_user(user).contains(self):
            raise PermissionDenied("无权查看该范围的统计数据。")
