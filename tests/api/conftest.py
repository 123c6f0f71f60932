"""API scenes: clients logged in as the personas, a valid registration body, routing stand-ins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from xinfang import clock
from xinfang.petitions.identity import make_id_number
from xinfang.workflow.models import Routing, RoutingAction

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=clock.SHANGHAI)
PETITIONS_URL = "/api/v1/petitions/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache, which outlives a single test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def now(frozen_clock):
    return frozen_clock(NOW)


@pytest.fixture
def client_for(db):
    """`client_for(user)`: an API client with that user's session (the real authentication path)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def route_to():
    """Send a petition to a unit, standing in for the workflow service in read-side tests."""

    def send(petition, unit, from_unit=None):
        return Routing.objects.create(
            petition=petition,
            action=RoutingAction.TRANSFER,
            from_unit=from_unit or petition.receiving_unit,
            to_unit=unit,
            sent_at=clock.now(),
        )

    return send


def id_number(sequence: int = 1, birth: dt.date = dt.date(1970, 1, 1)) -> str:
    return make_id_number("330102", birth, sequence)


def body(**overrides) -> dict:
    """A valid registration in the exchange format; overrides replace top-level keys."""
    data = {
        "channel": "letter",
        "source": "direct",
        "received_at": "2026-03-10T09:30:00+08:00",
        "petitioners": [
            {
                "name": "张三",
                "id_number": id_number(1),
                "phone": "13800000001",
                "address": "上城区清波街道1号",
                "role": "principal",
            }
        ],
        "petition_class": "claim",
        "category": "城乡建设/征收拆迁",
        "issue_region": "330102001",
        "summary": "反映房屋征收补偿标准过低",
        "content": "本人房屋位于清波街道，征收补偿标准低于周边项目，请求依法重新评估。",
    }
    data.update(overrides)
    return data
