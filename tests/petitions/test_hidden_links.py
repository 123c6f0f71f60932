"""A link to a petition the reader may not see (重复信访 of an accusation against the reader's unit) is
invisible: the workbench detail, the API list and detail, and documents issued in that unit's name show no
number, as if there were none. Readers who may see it still get the link."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f
from xinfang.documents.context import build_context
from xinfang.documents.models import DocumentKind
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_repeat_of
from xinfang.workflow.models import Routing, RoutingAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org, people):
    """An accusation against 住建局, sent to the discipline organ, and a claim by the same person linked to it
    as a repeat and sent to 住建局."""
    person = f.person(7)
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        category=f.category("纪检监察"),
        summary="举报住建局某科长",
        parties=[person],
    )
    repeat = f.register(people.registrar, repeat_of=accusation, parties=[f.person(7)])
    for petition, unit in ((accusation, org.discipline), (repeat, org.housing)):
        Routing.objects.create(
            petition=petition,
            action=RoutingAction.TRANSFER,
            from_unit=org.bureau,
            to_unit=unit,
            sent_at=petition.received_at,
        )
    return accusation, repeat


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_helper(pair, people, org):
    accusation, repeat = pair
    assert visible_repeat_of(repeat, people.department_handler) is None
    assert visible_repeat_of(repeat, org.housing) is None
    assert visible_repeat_of(repeat, people.registrar) == accusation
    assert visible_repeat_of(accusation, people.registrar) is None  # no link at all


def test_the_workbench_detail_shows_no_link(client, pair, people):
    accusation, repeat = pair
    client.force_login(people.department_handler)
    response = client.get(reverse("petitions:detail", args=[repeat.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert accusation.registration_number not in html
    assert reverse("petitions:detail", args=[accusation.pk]) not in html
    client.force_login(people.registrar)
    assert (
        accusation.registration_number
        in client.get(reverse("petitions:detail", args=[repeat.pk])).content.decode()
    )


def test_the_api_shows_no_link(pair, people):
    accusation, repeat = pair
    client = api(people.department_handler)
    detail = client.get(f"/api/v1/petitions/{repeat.pk}/")
    assert detail.status_code == 200 and detail.json()["repeat_of"] is None
    listed = client.get("/api/v1/petitions/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["repeat_of"] for row in rows if row["id"] == repeat.pk] == [None]
    assert accusation.registration_number not in client.get("/api/v1/petitions/").content.decode()
    assert api(people.registrar).get(f"/api/v1/petitions/{repeat.pk}/").json()["repeat_of"] == (
        accusation.registration_number
    )


def test_a_document_in_the_accused_units_name_shows_no_link(pair, org):
    accusation, repeat = pair
    from xinfang import clock

    theirs = build_context(repeat, DocumentKind.NO_REACCEPTANCE_NOTICE, unit=org.housing, at=clock.now())
    assert theirs["earlier_registration_number"] == "" and theirs["earlier_received_date"] == ""
    bureau = build_context(repeat, DocumentKind.NO_REACCEPTANCE_NOTICE, unit=org.bureau, at=clock.now())
    assert bureau["earlier_registration_number"] == accusation.registration_number


def test_a_message_about_it_is_not_in_the_accused_units_inbox(client, pair, people):
    from xinfang import clock
    from xinfang.notifications import services as notifications
    from xinfang.notifications.models import Notification

    accusation, repeat = pair
    user = people.department_handler
    for petition in (accusation, repeat):
        Notification.objects.create(
            recipient=user, petition=petition, title=f"关于{petition.summary}", created_at=clock.now()
        )
    Notification.objects.create(recipient=user, title="系统维护通知", created_at=clock.now())
    assert notifications.unread_count(user) == 2
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert accusation.summary not in html and accusation.registration_number not in html
    assert repeat.summary in html and "系统维护通知" in html
    assert notifications.mark_read(user) == 2
    hidden = Notification.objects.get(petition=accusation)
    assert client.post(reverse("notifications:read", args=[hidden.pk])).status_code == 404


def test_a_corrected_link_in_the_history_names_no_hidden_id(client, pair, people, org):
    from xinfang.petitions.corrections import correct_details

    accusation, _ = pair
    later = f.register(people.registrar, parties=[f.person(7)], summary="再次反映")
    Routing.objects.create(
        petition=later,
        action=RoutingAction.TRANSFER,
        from_unit=org.bureau,
        to_unit=org.housing,
        sent_at=later.received_at,
    )
    correct_details(later, {"repeat_of_id": accusation.pk}, people.registrar, reason="补充关联原事项")

    events = api(people.department_handler).get(f"/api/v1/petitions/{later.pk}/").json()["events"]
    (corrected,) = [e for e in events if e["action"] == "correct_details"]
    assert corrected["changes"]["repeat_of_id"] == [None, None]
    events = api(people.registrar).get(f"/api/v1/petitions/{later.pk}/").json()["events"]
    (corrected,) = [e for e in events if e["action"] == "correct_details"]
    assert corrected["changes"]["repeat_of_id"] == [None, accusation.pk]

    def history_of(user) -> str:
        client.force_login(user)
        html = client.get(reverse("petitions:detail", args=[later.pk])).content.decode()
        return html[html.index('id="history"') : html.index("</table>", html.index('id="history"'))]

    hidden = history_of(people.department_handler)
    assert "补充关联原事项" in hidden  # the correction is shown, the link it made is not
    # a bare id would sit alone in a cell or after a label's colon; times like 17:41 end in digits too
    assert accusation.registration_number not in hidden
    assert not re.search(rf"[>：]\s*{accusation.pk}\s*<", hidden)
    shown = history_of(people.registrar)
    assert f"重复件关联：{accusation.registration_number}" in shown
