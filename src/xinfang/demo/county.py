"""Loading the demo county: its organisations (through the same importer as any other file), the default
responsible unit of each content category, one demo account per role, and the year's targets and creation
indicator (the 五率 floors, a 进京访 ceiling, an online-share floor, “四无”乡镇). Every step is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from xinfang import clock
from xinfang.orgs.importer import ImportResult, import_orgs
from xinfang.orgs.models import OrgUnit, Region, User
from xinfang.petitions.models import Category, CategoryRoute
from xinfang.portal.mailboxes import save_mailbox
from xinfang.portal.models import MailboxLeader
from xinfang.stats import target_services
from xinfang.stats.models import Target

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


# Beside the 五率 floors: seed 003's kind of ceiling and floor, sized for the demo's 160 petitions a month.
DEMO_TARGETS = [("visits.national.persons", "ceiling", 20), ("online_share", "floor", 50)]


def ensure_mailbox() -> bool:
    """The county leader's mailbox on the portal (领导信箱), unless one is published already."""
    if MailboxLeader.objects.exists():
        return False
    leader = User.objects.get(username=data.MAILBOX_LEADER, unit__code=data.LEADERSHIP)
    save_mailbox(MailboxLeader(leader=leader, post=data.MAILBOX_POST), None)
    return True


def ensure_demo_targets() -> int:
    """The county's targets and “四无” indicator for this year, unless it has targets already."""
    county = Region.objects.get(code=data.COUNTY_CODE)
    year = clock.today().year
    if Target.objects.filter(region=county, year=year).exists():
        return 0
    made = target_services.create_example(None, "wulv", county, year)
    for figure, kind, value in DEMO_TARGETS:
        made.append(
            target_services.set_target(None, year=year, figure=figure, kind=kind, value=value, region=county)
        )
    target_services.create_example(None, "siwu", county, year)
    return len(made)


def load_demo_county() -> CountyLoaded:
    with transaction.atomic():
        orgs = import_orgs(org_lines())
        ensure_populations()
        routes, users = ensure_category_routes(), ensure_demo_users()
        ensure_demo_targets()
        ensure_mailbox()
        return CountyLoaded(orgs=orgs, routes_created=routes, users_created=users)
