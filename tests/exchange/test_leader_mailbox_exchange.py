"""A 领导信箱 letter's leader travels in the exchange file by username: imported, exported, and refused with a
reason when missing or unknown."""

from __future__ import annotations

import json

from tests.scenes import make_leaders
from xinfang.exchange.exporter import export_petitions
from xinfang.exchange.importer import import_petitions
from xinfang.petitions.models import Petition

from .conftest import jsonl
from .test_import import line, person


def letter(**changes) -> dict:
    plain = {"channel": "leader_mailbox", "events": [], "visit_level": None, "person_count": None}
    return line(**plain, petitioners=[person(len(changes))], **changes)


def test_a_mailbox_letter_names_its_leader_both_ways(world):
    leaders = make_leaders(world.org)
    result = import_petitions(
        jsonl(
            letter(external_id="MB-1", addressed_leader="mayor", addressed_leader_post="上城区区长"),
            letter(external_id="MB-2"),
            letter(external_id="MB-3", addressed_leader="nobody"),
        )
    )  # fmt: skip
    assert result.imported == 1, result.rejected
    reasons = {r.line: r.reason for r in result.rejected}
    assert "领导信箱来信请选择收信领导。" in reasons[2]
    assert reasons[3] == "收信领导“nobody”不存在（addressed_leader）。"
    petition = Petition.objects.get(external_id="MB-1")
    assert (petition.addressed_leader, petition.addressed_leader_line) == (leaders.mayor, "上城区区长 区长")
    (exported,) = [json.loads(text) for text in export_petitions(Petition.objects.filter(pk=petition.pk))]
    assert (exported["addressed_leader"], exported["addressed_leader_post"]) == ("mayor", "上城区区长")
