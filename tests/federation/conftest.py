"""This test database plays the city: the county bureau (330102-XFJ) stands for the county peer and a
province bureau unit (330000-XFJ) for the province peer. Events the peers would send are built here."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from tests import factories as f
from xinfang import clock
from xinfang.exchange.exporter import record_of
from xinfang.federation import services
from xinfang.orgs.models import Role, UnitKind

SECRET_OUT = "o" * 40
SECRET_IN_PROVINCE = "p" * 40
SECRET_IN_COUNTY = "c" * 40


@pytest.fixture
def fed(org, people):
    province_bureau = f.unit("330000-XFJ", "浙江省信访局", UnitKind.BUREAU, org.province)
    province = services.add_peer(
        name="province",
        base_url="http://127.0.0.1:9/",
        unit_codes=["330000-XFJ"],
        outbound_key_id="city-to-province",
        outbound_secret=SECRET_OUT,
        inbound_key_id="province-to-city",
        inbound_secret=SECRET_IN_PROVINCE,
    )
    county = services.add_peer(
        name="county",
        base_url="http://127.0.0.1:9/",
        unit_codes=["330102-XFJ"],
        outbound_key_id="city-to-county",
        outbound_secret=SECRET_OUT,
        inbound_key_id="county-to-city",
        inbound_secret=SECRET_IN_COUNTY,
    )
    city_handler = f.UserFactory(
        username="city_handler",
        unit=org.city_bureau,
        roles=[Role.HANDLER, Role.BUREAU_LEADER, Role.REGISTRAR],
    )
    return SimpleNamespace(
        province=province, county=county, province_bureau=province_bureau, city_handler=city_handler
    )


class Sender:
    """A peer's side of a stream: numbered envelopes for one of its petitions."""

    def __init__(self, ref: str, record: dict | None = None):
        self.ref, self.record, self.seq = ref, record, 0
        self.ours = ""  # the receiver's registration number, once known

    def envelope(
        self, type_: str, event: dict, *, at: dt.datetime | None = None, seq: int | None = None
    ) -> dict:
        self.seq = seq if seq is not None else self.seq + 1
        at = at or clock.now()
        body = {
            "id": str(uuid.uuid4()),
            "seq": self.seq,
            "type": type_,
            "sender_ref": self.ref,
            "sender_id": 1,
            "ref": self.ours,
            "event": {"action": type_, "at": at.isoformat(), **event},
        }
        if self.record is not None and type_ in ("assign", "transfer"):
            body["record"] = self.record
            body["attachments"] = []
        return body


@pytest.fixture
def province_record(org, people):
    """The record a province would send: a petition's exchange record, renumbered as the province's."""
    petition = f.register(people.city_registrar, received_at=clock.now() - dt.timedelta(hours=3))
    record = record_of(petition)
    record["registration_number"] = "XF-330000-2026-000001"
    record["external_id"] = "XF-330000-2026-000001"
    record["receiving_unit"] = "330000-XFJ"
    return record
