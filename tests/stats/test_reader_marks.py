"""No mark that reveals a hidden earlier petition (issue 12): a petition repeating an accusation against the
reader's unit is no repeat to that reader, in the workbench list and detail, the API (field and filter) and
the statistics; and the monthly assessment a unit reads is computed over what that unit may see."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f
from tests.scenes import when
from xinfang.orgs.models import Role
from xinfang.petitions.models import Channel, PetitionClass, Source, SourceAction
from xinfang.stats import assessment
from xinfang.stats.models import AssessmentScheme
from xinfang.stats.rates import REPEAT, Rate, rate
from xinfang.stats.scope import Scope
from xinfang.stats.volumes import volume

from .conftest import ctx

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def repeat_of_hidden(scene, org, people):
    """An accusation against 住建局, then a petition registered as its repeat and sent to 住建局."""
    accusation = f.register(
        people.registrar,
        received_at=when("2026-03-02 09:00"),
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
    )
    later = scene.petition("2026-03-04 09:00", repeat_of=accusation)
    scene.transfer(later, "2026-03-05", unit=org.housing)
    assert later.is_repeat
    return accusation, later


def test_the_workbench_shows_no_repeat_mark_to_the_accused_unit(client, people, repeat_of_hidden):
    accusation, later = repeat_of_hidden
    client.force_login(people.department_handler)
    listing = client.get(reverse("petitions:list")).content.decode()
    row = listing[listing.index(later.registration_number) :].split("</tr>")[0]
    assert "重复" not in row
    detail = client.get(reverse("petitions:detail", args=[later.pk])).content.decode()
    assert "重复信访" not in detail and "初信初访" in detail
    assert accusation.registration_number not in detail
    # The bureau that sees both still sees the mark.
    client.force_login(people.registrar)
    listing = client.get(reverse("petitions:list")).content.decode()
    assert "重复" in listing[listing.index(later.registration_number) :].split("</tr>")[0]
    assert "重复信访" in client.get(reverse("petitions:detail", args=[later.pk])).content.decode()


def test_the_api_shows_no_repeat_mark_to_the_accused_unit(people, repeat_of_hidden):
    accusation, later = repeat_of_hidden
    api = APIClient()
    api.force_login(people.department_handler)
    detail = api.get(f"/api/v1/petitions/{later.pk}/").json()
    assert detail["is_repeat"] is False and detail["repeat_of"] is None
    listed = {r["id"]: r for r in api.get("/api/v1/petitions/").json()["results"]}
    assert listed[later.pk]["is_repeat"] is False
    assert later.pk not in {r["id"] for r in api.get("/api/v1/petitions/?is_repeat=true").json()["results"]}
    assert later.pk in {r["id"] for r in api.get("/api/v1/petitions/?is_repeat=false").json()["results"]}
    api.force_login(people.registrar)
    assert api.get(f"/api/v1/petitions/{later.pk}/").json()["is_repeat"] is True
    assert later.pk in {r["id"] for r in api.get("/api/v1/petitions/?is_repeat=true").json()["results"]}


def test_statistics_count_no_repeat_of_a_hidden_petition(org, repeat_of_hidden):
    march = ctx("2026-03-01", "2026-03-31")
    accused = dataclasses.replace(march, reader_unit_id=org.housing.pk)
    assert volume(Scope(unit=org.housing), march).repeat.batches == 1
    assert volume(Scope(unit=org.housing), accused).repeat.batches == 0
    assert rate(REPEAT, Scope(unit=org.housing), accused) == Rate(0, 1)
    assert rate(REPEAT, Scope(unit=org.housing), march) == Rate(1, 1)


@pytest.fixture
def scheme(db):
    return AssessmentScheme.objects.get(name="县级信访工作月度考评方案（示例）")


def test_the_accused_units_assessment_counts_nothing_hidden(scene, org, people, scheme, client):
    # 湖滨 accepts late (a lower score than 清波's on-time acceptance) ...
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-25", unit=org.hubin_unit)
    leader = f.UserFactory(username="hubin_leader", unit=org.hubin_unit, roles=[Role.UNIT_LEADER])

    def hubin_row():
        client.force_login(leader)
        scores = client.get(reverse("stats:assessment"), {"month": "2026-03"}).context["scores"]
        assert [s.unit_id for s in scores] == [org.hubin_unit.pk]
        return (scores[0].total, scores[0].rank, scores[0].details)

    assessment.assess(scheme, org.county, MARCH)
    before = hubin_row()
    # ... then an accusation against 湖滨 (a visit to the province), sent to 清波 and accepted late there,
    # drops 清波 below 湖滨.
    accusation = scene.petition(
        "2026-03-06 09:00",
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.hubin_unit,
        channel=Channel.VISIT,
        visit_level="province",
        source=Source.REFERRED_FROM_ABOVE,
        source_level="province",
        source_action=SourceAction.TRANSFER,
    )
    scene.route_and_accept(accusation, org.qingbo_unit, "2026-03-07", "2026-03-30")
    run = assessment.assess(scheme, org.county, MARCH)
    stored = {s.unit_id: s for s in run.scores.all()}
    assert stored[org.hubin_unit.pk].rank < stored[org.qingbo_unit.pk].rank  # what others read
    assert hubin_row() == before  # what 湖滨 reads: as if the accusation were not there
    reader = assessment.preview(scheme, org.county, MARCH, reader_unit_id=org.hubin_unit.pk)
    assert {s.unit_id: s.rank for s in reader}[org.qingbo_unit.pk] == 1


def test_the_admin_shows_no_repeat_mark_to_the_accused_unit(client, org, people, repeat_of_hidden):
    accusation, later = repeat_of_hidden
    for unit, listed in ((org.housing, False), (org.bureau, True)):
        admin_user = f.UserFactory(unit=unit, is_staff=True, is_superuser=True)
        client.force_login(admin_user)
        page = client.get(reverse("admin:petitions_petition_changelist"), {"repeat": "1"}).content.decode()
        assert (later.registration_number in page) is listed
        if not listed:
            change = reverse("admin:petitions_petition_change", args=[later.pk])
            assert 'alt="True"' not in client.get(change).content.decode()
            everything = client.get(reverse("admin:petitions_petition_changelist"), {"repeat": "0"})
            assert later.registration_number in everything.content.decode()


def test_a_corrected_link_to_a_hidden_petition_shows_no_repeat_flag(people, repeat_of_hidden):
    from xinfang.petitions.selectors import visible_link_changes

    accusation, later = repeat_of_hidden
    changes = {"repeat_of_id": [None, accusation.pk], "is_repeat": [False, True]}
    assert visible_link_changes(changes, people.department_handler) == {
        "repeat_of_id": [None, None],
        "is_repeat": [False, False],
    }
    assert visible_link_changes(changes, people.registrar) == changes
