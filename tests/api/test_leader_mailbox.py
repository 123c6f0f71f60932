"""Letters to the leader's mailbox (领导信箱, issue 14): they name the leader written to, who signs the reply."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.exceptions import ValidationError

from tests import factories as f
from tests.scenes import make_leaders
from xinfang.documents import services as documents
from xinfang.documents.models import DocumentKind
from xinfang.petitions import services
from xinfang.petitions.models import Channel, Petition

from .conftest import PETITIONS_URL, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(org):
    return make_leaders(org)


def test_registration_refuses_a_mailbox_letter_without_its_leader_and_writes_nothing(people, now):
    before = Petition.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.register(f.registration(channel=Channel.LEADER_MAILBOX), people.registrar)
    assert refused.value.message_dict["addressed_leader"] == ["领导信箱来信请选择收信领导。"]
    assert Petition.objects.count() == before


def test_only_a_leader_and_only_on_a_mailbox_letter(people, leaders, now):
    with pytest.raises(ValidationError) as not_a_leader:
        f.register(people.registrar, channel=Channel.LEADER_MAILBOX, addressed_leader=leaders.committee_clerk)
    assert not_a_leader.value.message_dict["addressed_leader"] == ["收信领导须为在职的党政领导或信访局领导。"]
    with pytest.raises(ValidationError) as not_mailbox:
        f.register(people.registrar, channel=Channel.LETTER, addressed_leader=leaders.mayor)
    assert not_mailbox.value.message_dict["addressed_leader"] == ["只有领导信箱来信才选择收信领导。"]


def test_the_handling_opinion_is_signed_under_the_leaders_name(people, leaders, org, now):
    petition = f.register(
        people.registrar,
        channel=Channel.LEADER_MAILBOX,
        addressed_leader=leaders.mayor,
        addressed_leader_post="上城区区长",
    )
    document = documents.issue(
        petition, DocumentKind.HANDLING_OPINION, unit=org.bureau, actor=people.registrar
    )
    with document.docx.open("rb") as handle:
        paragraphs = [p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs]
    assert "上城区区长 区长" in paragraphs
    # The leader's line stands in the signature block, above the issuing unit and the date.
    at = paragraphs.index("上城区区长 区长")
    assert paragraphs[at + 1] == org.bureau.name


def test_an_ordinary_reply_has_no_leader_line(people, org, now):
    petition = f.register(people.registrar)
    document = documents.issue(
        petition, DocumentKind.HANDLING_OPINION, unit=org.bureau, actor=people.registrar
    )
    assert document.context["addressed_leader"] == ""


def test_the_api_registers_and_shows_the_leader(client_for, people, leaders, now):
    client = client_for(people.registrar)
    refused = client.post(PETITIONS_URL, body(channel="leader_mailbox"), format="json")
    assert refused.status_code == 400
    assert "领导信箱来信请选择收信领导。" in refused.content.decode()

    made = client.post(
        PETITIONS_URL, body(channel="leader_mailbox", addressed_leader=leaders.secretary.pk), format="json"
    )
    assert made.status_code == 201, made.content
    shown = client.get(f"{PETITIONS_URL}{made.json()['id']}/").json()
    # No post given: the leader's unit names them.
    assert shown["addressed_leader"] == {
        "id": leaders.secretary.pk,
        "name": "区委书记",
        "line": "中共上城区委 区委书记",
    }
    listed = client.get(PETITIONS_URL).json()
    assert any(row["addressed_leader"] for row in listed["results"])


def test_the_registration_form_offers_the_leaders_and_the_detail_page_names_one(client, people, leaders, now):
    client.force_login(people.registrar)
    page = client.get("/petitions/register/leader_mailbox/").content.decode()
    assert "收信领导" in page and "区委书记（中共上城区委）" in page
    petition = f.register(
        people.registrar,
        channel=Channel.LEADER_MAILBOX,
        addressed_leader=leaders.mayor,
        addressed_leader_post="区长",
    )
    detail = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert "收信领导" in detail and "区长 区长" in detail
