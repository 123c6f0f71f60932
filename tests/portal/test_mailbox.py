"""Letters to a leader's mailbox (领导信箱) from the portal: the bureau publishes its leaders' mailboxes, a
petitioner writes to one, and the letter is registered as a 领导信箱 letter addressed to that leader, signed
"post name". Only published leaders in office are offered; anything else is refused with the form kept."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from tests import factories as f
from tests.portal.conftest import filing_data, identity
from xinfang.audit.models import Event
from xinfang.orgs.models import Role
from xinfang.petitions.models import Channel, Petition
from xinfang.portal import mailboxes
from xinfang.portal.models import MailboxLeader

pytestmark = pytest.mark.django_db


@pytest.fixture
def mayor(org):
    return f.UserFactory(username="mayor", unit=org.bureau, roles=[Role.PARTY_LEADER], full_name="周县长")


@pytest.fixture
def mailbox(mayor, people):
    return mailboxes.save_mailbox(MailboxLeader(leader=mayor, post="县长"), people.registrar)


def test_a_letter_to_the_mayor_is_a_leader_mailbox_letter_addressed_to_him(
    client, portal, now, mailbox, filed
):
    page = client.get("/portal/file/").content.decode()
    assert "写信给" in page and "县长信箱（周县长）" in page
    letter = filed(mailbox=str(mailbox.pk)).petition
    assert letter.channel == Channel.LEADER_MAILBOX
    assert letter.addressed_leader == mailbox.leader and letter.addressed_leader_post == "县长"
    assert letter.addressed_leader_line == "县长 周县长"
    receipt = client.get("/portal/file/done/").content.decode()
    assert "县长 周县长（领导信箱）" in receipt


def test_without_a_choice_or_without_mailboxes_it_is_an_online_petition(client, portal, now, filed, mailbox):
    assert filed(mailbox="").petition.channel == Channel.ONLINE
    MailboxLeader.objects.update(is_published=False)
    assert "写信给" not in client.get("/portal/file/").content.decode()
    petition = filed(**identity(2)).petition
    assert petition.channel == Channel.ONLINE and petition.addressed_leader is None


def test_an_unpublished_mailbox_is_refused_and_the_form_comes_back_filled_in(
    client, portal, now, mailbox, mayor
):
    other = mailboxes.save_mailbox(MailboxLeader(leader=f.UserFactory(
        username="secretary", unit=mayor.unit, roles=[Role.PARTY_LEADER], full_name="吴书记"), post="县委书记",
        is_published=False), None)  # fmt: skip
    data = filing_data(f.category(), mailbox=str(other.pk))
    response = client.post("/portal/file/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请在列出的领导信箱中选择" in html and data["facts"] in html
    assert not Petition.objects.exists()


def test_a_leader_who_left_office_is_no_longer_offered(client, portal, now, mailbox, mayor):
    mayor.is_active = False
    mayor.save()
    assert "县长信箱" not in client.get("/portal/file/").content.decode()
    assert mailboxes.published() == []


def test_only_leaders_can_be_published_and_each_save_is_audited(org, people, mayor):
    clerk = MailboxLeader(leader=people.registrar, post="县长")
    with pytest.raises(ValidationError) as refused:
        clerk.full_clean()
    assert refused.value.message_dict["leader"] == ["只能公开在职的党政领导或信访局领导的信箱。"]
    with pytest.raises(ValidationError) as no_post:
        MailboxLeader(leader=mayor, post="  ").full_clean()
    assert "请填写门户上显示的职务。" in no_post.value.message_dict["post"]
    row = mailboxes.save_mailbox(MailboxLeader(leader=mayor, post="县长"), people.registrar)
    row.post = "代县长"
    mailboxes.save_mailbox(row, people.registrar, ["post"])
    events = Event.objects.filter(action="edit_mailbox_leader").order_by("id")
    assert [e.changes.get("post") for e in events] == [[None, "县长"], ["县长", "代县长"]]


def test_the_admin_offers_only_leaders(people, mayor):
    model_admin = admin.site._registry[MailboxLeader]
    request = RequestFactory().get("/admin/")
    request.user = people.registrar
    field = model_admin.formfield_for_foreignkey(MailboxLeader._meta.get_field("leader"), request)
    offered = set(field.queryset)
    assert mayor in offered and people.bureau_leader in offered
    assert people.registrar not in offered and people.department_leader not in offered
