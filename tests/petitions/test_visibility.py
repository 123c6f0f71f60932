"""`visible_to`: who sees which petition (process.md §1, §11), refusals first."""

import pytest
from django.http import Http404

from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import get_visible_or_404, visible_to
from xinfang.workflow.models import Routing, RoutingAction

from .. import factories as f


def send(petition, unit, by):
    """Record that the bureau sent the petition to `unit` (the workflow will do this; here only the row)."""
    Routing.objects.create(
        petition=petition,
        action=RoutingAction.TRANSFER,
        from_unit=by,
        to_unit=unit,
        sent_at=petition.received_at,
    )


@pytest.fixture
def scene(org, people):
    to_qingbo = f.register(people.registrar, summary="清波街道的事项")
    send(to_qingbo, org.qingbo_unit, org.bureau)
    unsent = f.register(people.registrar, summary="尚未转送的事项")
    other_county = f.register(
        people.other_county_registrar, summary="拱墅区的事项", issue_region=org.other_county
    )
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        subject_person="某科长",
        summary="检举住建局某科长",
    )
    return {"to_qingbo": to_qingbo, "unsent": unsent, "other_county": other_county, "accusation": accusation}


def visible(user):
    return set(visible_to(user).values_list("summary", flat=True))


def test_county_bureau_sees_its_jurisdiction_only(people, scene):
    assert visible(people.registrar) == {"清波街道的事项", "尚未转送的事项", "检举住建局某科长"}
    assert visible(people.bureau_leader) == visible(people.registrar)


def test_city_bureau_sees_all_counties_below(people, scene):
    assert visible(people.city_registrar) == {
        "清波街道的事项",
        "尚未转送的事项",
        "拱墅区的事项",
        "检举住建局某科长",
    }


def test_other_county_sees_only_its_own(people, scene):
    assert visible(people.other_county_registrar) == {"拱墅区的事项"}


def test_township_sees_only_what_was_sent_to_it(people, scene):
    assert visible(people.township_handler) == {"清波街道的事项"}
    assert visible(people.township_leader) == {"清波街道的事项"}
    assert visible(people.other_township_handler) == set()


def test_township_cannot_fetch_another_townships_petition(people, scene):
    with pytest.raises(Http404):
        get_visible_or_404(people.other_township_handler, scene["to_qingbo"].pk)
    with pytest.raises(Http404):
        get_visible_or_404(people.township_handler, scene["unsent"].pk)
    assert get_visible_or_404(people.township_handler, scene["to_qingbo"].pk) == scene["to_qingbo"]


def test_missing_and_forbidden_give_the_same_404(people, scene):
    with pytest.raises(Http404) as missing:
        get_visible_or_404(people.township_handler, 999999)
    with pytest.raises(Http404) as forbidden:
        get_visible_or_404(people.township_handler, scene["unsent"].pk)
    assert str(missing.value) == str(forbidden.value)
    with pytest.raises(Http404):
        get_visible_or_404(people.township_handler, "not-a-number")


def test_accusation_never_reaches_the_accused_unit(org, people, scene):
    accusation = scene["accusation"]
    # Even if it were (wrongly) sent there, the accused unit still cannot see it.
    send(accusation, org.housing, org.bureau)
    assert "检举住建局某科长" not in visible(people.department_handler)
    assert "检举住建局某科长" not in visible(people.department_leader)
    with pytest.raises(Http404):
        get_visible_or_404(people.department_handler, accusation.pk)
    send(accusation, org.discipline, org.bureau)
    assert "检举住建局某科长" in visible(people.discipline_handler)


def test_users_without_unit_or_inactive_see_nothing(people, scene):
    people.township_handler.is_active = False
    assert visible(people.township_handler) == set()
    nobody = f.UserFactory(username="floating", unit=None, roles=[])
    assert visible(nobody) == set()


def test_superuser_without_unit_sees_all(people, scene):
    admin = f.UserFactory(username="root", unit=None, roles=[], is_superuser=True, is_staff=True)
    assert len(visible(admin)) == 4
