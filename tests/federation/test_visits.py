"""Skip-level visits between instances, and the facts a lower instance reports: this database plays the city
(conftest). A visit to the city about a county matter is notified to the county's peer in the registration's
transaction, with no personal data; a visit the province notifies here is recorded once however often it
is delivered, counted in the jurisdiction's 越级访 and not again once the matter itself is sent down; one
for a region this instance does not know, and facts that do not parse, are quarantined with the reason."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from tests import factories as f
from tests.federation.conftest import Sender
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.federation import inbox
from xinfang.federation.models import NotifiedVisit, OutboxEvent
from xinfang.orgs.models import Level
from xinfang.petitions.models import PetitionClass
from xinfang.stats.jurisdictions import jurisdiction_table
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.stats.volumes import volume
from xinfang.workflow.services import perform

pytestmark = pytest.mark.django_db


def _visit(**overrides) -> dict:
    visit = {
        "received_at": (clock.now() - dt.timedelta(hours=2)).isoformat(),
        "visit_level": "province",
        "source": "direct",
        "source_level": "",
        "source_action": "",
        "petition_class": "claim",
        "category": "城乡建设/征收拆迁",
        "issue_region": "330102001",
        "person_count": 3,
        "is_collective": False,
        "is_repeat": False,
    }
    return visit | overrides


def _notice(sender: Sender, visit: dict) -> dict:
    envelope = sender.envelope("skip_level_visit", {})
    envelope["visit"] = visit
    return envelope


def _today_volume(code: str):
    today = clock.local_date(clock.now())
    return volume(Scope.for_region(code), Ctx.of(Period(today - dt.timedelta(days=1), today)))


def test_a_visit_to_the_city_about_a_county_matter_is_notified_to_the_county(fed, org, people):
    visit = f.register(people.city_registrar, channel="visit", visit_level=Level.CITY, person_count=2)
    f.register(people.city_registrar, channel="visit", visit_level=Level.COUNTY)  # not skip-level
    f.register(people.city_registrar)  # a letter
    f.register(
        people.city_registrar,
        channel="visit",
        visit_level=Level.CITY,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
    )  # an accusation: never notified
    (row,) = OutboxEvent.objects.filter(type="skip_level_visit")
    assert (row.peer, row.petition, row.seq) == (fed.county, visit, 1)
    envelope = json.loads(row.payload)
    assert envelope["visit"]["issue_region"] == "330102001" and envelope["visit"]["person_count"] == 2
    person = visit.parties.first().petitioner
    assert person.name not in row.payload and person.id_number not in row.payload
    assert "record" not in envelope and not OutboxEvent.objects.filter(peer=fed.province).exists()


def test_a_notified_visit_is_recorded_once_and_counted_in_the_jurisdictions_skip_level(fed, org):
    before = _today_volume("330102")
    sender = Sender("XF-330000-2026-000005")
    notice = _notice(sender, _visit())
    answers = [inbox.receive(fed.province, notice) for _ in range(3)]  # delivered three times
    assert [a["status"] for a in answers] == ["applied"] * 3
    (row,) = NotifiedVisit.objects.all()
    assert (row.visit_level, row.source, row.source_level, row.person_count) == (
        "province",
        "referred_from_above",
        "province",
        3,
    )
    assert Event.objects.filter(action="federation_skip_level_visit").count() == 1
    after = _today_volume("330102")
    assert after.skip_level_visits["province"].as_dict() == {"batches": 1, "persons": 3}
    assert after.skip_level.batches == before.skip_level.batches + 1
    assert after.total.batches == before.total.batches  # a count, no registration here
    assert _today_volume("330105").skip_level.batches == 0  # another county's figures are untouched


def test_a_notified_visit_sent_down_afterwards_counts_once_as_the_matter(fed, org, province_record):
    sender = Sender("XF-330000-2026-000001", province_record)
    assert inbox.receive(fed.province, _notice(sender, _visit()))["status"] == "applied"
    due = (clock.local_date(clock.now()) + dt.timedelta(days=40)).isoformat()
    assign = sender.envelope("assign", {"by_unit": "330000-XFJ", "to_unit": "330100-XFJ", "report_due": due})
    assert inbox.receive(fed.province, assign)["status"] == "applied"
    row = NotifiedVisit.objects.get()
    assert row.petition is not None and row.petition.external_id == "XF-330000-2026-000001"
    assert _today_volume("330102").skip_level_visits["province"].batches == 0  # the letter is no visit


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"issue_region": "999999"}, "本实例没有问题属地“999999”"),
        ({"visit_level": "county"}, "不是越级访"),
        ({"category": "不存在"}, "内容分类"),
        ({"petition_class": "accusation"}, "信访类别"),
    ],
)
def test_a_notified_visit_that_cannot_be_recorded_is_quarantined_with_its_reason(fed, change, reason):
    answer = inbox.receive(fed.province, _notice(Sender("XF-330000-2026-000009"), _visit(**change)))
    assert answer["status"] == "quarantined"
    assert reason in answer["reason"]
    assert not NotifiedVisit.objects.exists()


def test_facts_that_do_not_parse_are_quarantined_and_store_nothing(fed, org, people):
    petition = f.register(people.city_registrar)
    due = (clock.local_date(clock.now()) + dt.timedelta(days=30)).isoformat()
    perform(petition, "assign", fed.city_handler, to_unit=org.bureau, report_due=due)
    county = Sender("XF-330102-2026-000007")
    county.ours = petition.registration_number
    report = county.envelope("report", {})
    report["facts"] = {"matter": {}, "units": {}, "deadlines": []}
    answer = inbox.receive(fed.county, report)
    assert answer["status"] == "quarantined" and "登记信息不完整" in answer["reason"]
    good = county.envelope("report", {})
    good["id"] = str(uuid.uuid4())
    good["facts"] = {
        "region": "330102",
        "matter": {
            "channel": "letter",
            "visit_level": "",
            "source": "referred_from_above",
            "source_level": "city",
            "source_action": "assign",
            "person_count": 1,
            "is_collective": False,
            "status": "accepted",
            "received_at": petition.received_at.isoformat(),
        },
        "units": {"330102001": {"name": "清波街道办事处", "kind": "township"}},
        "deadlines": [
            {"unit": "330102001", "stage": "accept", "due_on": "2026-13-01", "status": "met", "counts": True}
        ],
    }
    answer = inbox.receive(fed.county, good)
    assert answer["status"] == "quarantined" and "期满日无效" in answer["reason"]


def test_the_ranking_counts_a_notified_visit_in_the_childs_skip_level_as_its_own_figures_do(fed, org):
    notice = _notice(Sender("XF-330000-2026-000011"), _visit(issue_region="330105", person_count=2))
    assert inbox.receive(fed.province, notice)["status"] == "applied"
    today = clock.local_date(clock.now())
    ctx = Ctx.of(Period(today - dt.timedelta(days=1), today))
    row = {r.region.code: r for r in jurisdiction_table(Scope.for_region("330100"), ctx).rows}["330105"]
    own = volume(Scope.for_region("330105"), ctx)
    assert row.counts["skip_level.province"].as_dict() == own.skip_level_visits["province"].as_dict()
    assert row.counts["skip_level"].as_dict() == own.skip_level.as_dict() == {"batches": 1, "persons": 2}
