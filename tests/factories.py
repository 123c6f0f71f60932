"""Factories for tests: a small real-shaped organisation and petitions registered through the service."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from xinfang import clock
from xinfang.orgs.models import Level, OrgUnit, Region, Role, UnitKind, User
from xinfang.petitions import services
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Category, Channel, PartyRole, PetitionClass

_people = itertools.count(1)


def region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    obj, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return obj


def unit(code: str, name: str, kind: str, region_obj: Region, parent: OrgUnit | None = None) -> OrgUnit:
    obj, _ = OrgUnit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "region": region_obj, "parent": parent}
    )
    return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.django.Password("xinfang-test-pw")
    roles = factory.LazyFunction(lambda: [Role.HANDLER])


def person(sequence: int | None = None, region_code: str = "330102") -> services.PartyInput:
    n = sequence if sequence is not None else next(_people)
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n * 97 % 15000)
    return services.PartyInput(
        name=f"群众{n}",
        id_number=make_id_number(region_code, birth, n),
        phone=f"138{n:08d}"[-11:],
        address=f"上城区清波街道{n}号",
    )


def category(path: str = "城乡建设/征收拆迁") -> Category:
    return Category.objects.get(path=path)


def registration(**overrides) -> services.Registration:
    issue_region = overrides.pop("issue_region", None) or Region.objects.get(code="330102001")
    data = {
        "channel": Channel.LETTER,
        "received_at": clock.now() - dt.timedelta(hours=1),
        "petition_class": PetitionClass.CLAIM,
        "category": category(),
        "issue_region": issue_region,
        "summary": "反映房屋征收补偿标准过低",
        "content": "本人房屋位于清波街道，征收补偿标准低于周边项目，请求依法重新评估。",
        "parties": [person()],
    }
    data.update(overrides)
    if data["channel"] == "visit" and "visit_level" not in overrides:
        data["visit_level"] = Level.COUNTY
    return services.Registration(**data)


def register(actor, **overrides):
    """Register a petition through the real service; returns the petition."""
    return services.register(registration(**overrides), actor).petition


def representative(sequence: int | None = None) -> services.PartyInput:
    party = person(sequence)
    party.role = PartyRole.REPRESENTATIVE
    return party


__all__ = ["UnitKind", "Level", "UserFactory", "region", "unit", "person", "registration", "register"]
