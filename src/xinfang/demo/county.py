"""Loading the demo county: its organisations (through the same importer as any other file), the default
responsible unit of each content category, and one demo account per role. Every step is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from xinfang.orgs.importer import ImportResult, import_orgs
from xinfang.orgs.models import OrgUnit, Region
from xinfang.petitions.models import Category, CategoryRoute

from .accounts import ensure_demo_users
from .data import county as data

ORGS_FILE = "demo_orgs.jsonl"


@dataclass(frozen=True)
class CountyLoaded:
    orgs: ImportResult
    routes_created: int
    users_created: int


def org_lines() -> list[str]:
    return resources.files("xinfang.demo.data").joinpath(ORGS_FILE).read_text(encoding="utf-8").splitlines()


def route_unit_code(path: str) -> str | None:
    """The unit code a category routes to by default: its own entry, else its top category's."""
    return data.CATEGORY_ROUTES.get(path) or data.CATEGORY_ROUTES.get(path.split("/")[0])


def ensure_category_routes() -> int:
    county = Region.objects.get(code=data.COUNTY_CODE)
    units = OrgUnit.objects.in_bulk(set(data.CATEGORY_ROUTES.values()), field_name="code")
    existing = set(CategoryRoute.objects.filter(region=county).values_list("category_id", flat=True))
    routes = [
        CategoryRoute(category=category, region=county, unit=units[code])
        for category in Category.objects.all()
        if category.pk not in existing and (code := route_unit_code(category.path))
    ]
    CategoryRoute.objects.bulk_create(routes)
    return len(routes)


def ensure_populations() -> None:
    """Populations for the demo's regions, leaving any an administrator has typed in."""
    for code, population in data.POPULATIONS.items():
        Region.objects.filter(code=code, population__isnull=True).update(population=population)


def load_demo_county() -> CountyLoaded:
    with transaction.atomic():
        orgs = import_orgs(org_lines())
        ensure_populations()
        return CountyLoaded(
            orgs=orgs, routes_created=ensure_category_routes(), users_created=ensure_demo_users()
        )
