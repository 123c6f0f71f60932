"""The demo county as the generator sees it, loaded once: its villages and communities (where petitioners
live), the bureau and its registrar, the county's departments and the categories petitions are filed under."""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.orgs.models import Level, OrgUnit, Region, UnitKind, User
from xinfang.petitions.models import Category

from .data import county as county_data
from .data import mix
from .data import petitions as texts
from .draws import Weighted


@dataclass
class Place:
    """A village or community where petitioners live."""

    village: Region
    township: Region
    township_unit: OrgUnit | None
    is_town: bool
    full_name: str


@dataclass
class County:
    """What the generator needs from the database, loaded once."""

    region: Region
    bureau: OrgUnit
    registrar: User  # registers every generated petition, as a registrar of the bureau would
    mailbox_leader: User  # the leader the county's 领导信箱 letters are written to
    places: list[Place]
    place_choice: Weighted
    departments: list[OrgUnit]
    categories: dict[str, Category]
    category_choice: Weighted


def load_county() -> County:
    county = Region.objects.select_related("parent__parent").filter(code=county_data.COUNTY_CODE).first()
    if county is None:
        raise ValueError("演示县尚未载入，请先运行 xinfang demo。")
    prefix = "".join(r.name for r in (county.parent.parent, county.parent, county))
    townships = {r.pk: r for r in Region.objects.filter(parent=county, level=Level.TOWNSHIP)}
    units = {u.region_id: u for u in OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, region__in=townships)}
    places = []
    for village in Region.objects.filter(parent__in=townships, level=Level.VILLAGE).order_by("code"):
        township = townships[village.parent_id]
        places.append(
            Place(
                village=village,
                township=township,
                township_unit=units.get(township.pk),
                is_town=township.code[6] == "0",  # GB/T 10114: 0xx are 街道
                full_name=prefix + township.name + village.name,
            )
        )
    if not places:
        raise ValueError("演示县尚无村（社区）区划，请先运行 xinfang demo。")
    weights = {i: mix.PEOPLE_PER_PLACE["town" if p.is_town else "rural"] for i, p in enumerate(places)}
    categories = {c.path: c for c in Category.objects.filter(path__in=texts.CATEGORY_WEIGHTS, is_active=True)}
    registrar = User.objects.filter(username=county_data.REGISTRAR, unit__code=county_data.BUREAU).first()
    if registrar is None:
        raise ValueError("演示县尚无登记员账号，请先运行 xinfang demo。")
    mailbox_leader = User.objects.filter(
        username=county_data.MAILBOX_LEADER, unit__code=county_data.LEADERSHIP
    )
    if not mailbox_leader.exists():
        raise ValueError("演示县尚无党政领导账号，请先运行 xinfang demo。")
    return County(
        region=county,
        bureau=OrgUnit.objects.select_related("region").get(code=county_data.BUREAU),
        registrar=registrar,
        mailbox_leader=mailbox_leader.select_related("unit").get(),
        places=places,
        place_choice=Weighted(weights),
        departments=list(
            OrgUnit.objects.filter(region=county, kind=UnitKind.DEPARTMENT, is_active=True).order_by("code")
        ),
        categories=categories,
        category_choice=Weighted({p: w for p, w in texts.CATEGORY_WEIGHTS.items() if p in categories}),
    )
