"""Bulletin recipients are leaders only, and never a user whose unit an accusation names: the admin offers only
leaders, the model refuses anyone else whatever is posted, and every send checks again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from tests import factories as f
from tests.conftest import stop_clock
from tests.scenes import make_leaders
from xinfang.petitions.models import PetitionClass
from xinfang.stats import bulletins, delivery
from xinfang.stats.models import BulletinKind, BulletinRecipient
from xinfang.stats.periods import Period

pytestmark = pytest.mark.django_db
WORKING_DAY = dt.datetime(2026, 3, 11, 16, 30)


@pytest.fixture
def bosses(org):
    return make_leaders(org)


def refusal(bureau, user) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        BulletinRecipient(bureau=bureau, user=user).full_clean()
    return refused.value.message_dict["user"]


def test_only_leaders_of_the_area_are_accepted(org, people, bosses):
    BulletinRecipient(bureau=org.bureau, user=bosses.secretary).full_clean()  # a county party leader
    BulletinRecipient(bureau=org.bureau, user=people.bureau_leader).full_clean()  # the bureau's own leader
    assert refusal(org.bureau, bosses.committee_clerk) == ["通报只呈送党政领导或信访局领导。"]
    assert refusal(org.bureau, people.department_leader) == ["通报只呈送党政领导或信访局领导。"]
    BulletinRecipient(bureau=org.bureau, user=bosses.pl_secretary).full_clean()  # 政法委书记 (seed 003)
    assert refusal(org.bureau, bosses.other_secretary) == ["该领导不在本信访部门的辖区内。"]


def test_a_leader_whose_unit_is_accused_never_receives_figures(org, people, bosses, silence_notices):
    BulletinRecipient.objects.create(bureau=org.bureau, user=bosses.secretary)
    BulletinRecipient.objects.create(bureau=org.bureau, user=bosses.mayor)
    stop_clock(WORKING_DAY)
    f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=bosses.committee,
        summary="反映区委有关人员违规问题",
    )
    assert refusal(org.bureau, bosses.secretary) == ["该领导所在单位是检举控告的对象，不能接收统计通报。"]
    # Chosen before the accusation came: the send leaves them out, the bureau's own leader still gets it.
    BulletinRecipient.objects.create(bureau=org.bureau, user=people.bureau_leader)
    bulletin = bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(dt.date(2026, 3, 10)))
    assert [d.recipient for d in delivery.deliver(bulletin)] == [people.bureau_leader]


def test_the_admin_offers_only_leaders(org, people, bosses):
    model_admin = admin.site._registry[BulletinRecipient]
    request = RequestFactory().get("/admin/")
    request.user = people.bureau_leader
    field = model_admin.formfield_for_foreignkey(BulletinRecipient._meta.get_field("user"), request)
    offered = set(field.queryset)
    assert {bosses.secretary, bosses.mayor, people.bureau_leader} <= offered
    assert not offered & {bosses.committee_clerk, people.registrar, people.department_leader}
