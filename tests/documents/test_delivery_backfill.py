"""The migration that marks delivered the documents whose delivery an action recorded before the documents app
was told of it (documents 0004)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from tests.scenes import Scene
from xinfang.documents.models import DocumentKind
from xinfang.workflow import hooks

backfill = importlib.import_module(
    "xinfang.documents.migrations.0004_backfill_transition_deliveries"
).backfill


@pytest.fixture
def scene(org, people, frozen_clock, monkeypatch):
    monkeypatch.setattr(hooks, "delivery_recorders", [])  # as before: the actions did not mark documents
    return Scene(org, people, frozen_clock)


def test_the_reply_and_the_review_opinions_are_marked_delivered(scene):
    petition = scene.drive("terminated")
    documents = petition.documents
    assert not documents.filter(received_on__isnull=False).exists()
    backfill(apps, None)
    opinion = documents.get(kind=DocumentKind.HANDLING_OPINION)
    assert (opinion.delivery_method, opinion.received_on) == ("post", dt.date(2026, 4, 3))
    assert documents.get(kind=DocumentKind.REVIEW_OPINION).received_on == dt.date(2026, 4, 22)
    assert documents.get(kind=DocumentKind.RE_REVIEW_OPINION).received_on == dt.date(2026, 5, 22)
    notices = documents.exclude(
        kind__in=[DocumentKind.HANDLING_OPINION, DocumentKind.REVIEW_OPINION, DocumentKind.RE_REVIEW_OPINION]
    )
    assert notices.exists() and not notices.filter(delivered_at__isnull=False).exists()  # never delivered


def test_a_reply_not_yet_delivered_stays_undelivered(scene):
    petition = scene.drive("replied")
    backfill(apps, None)
    assert petition.documents.get(kind=DocumentKind.HANDLING_OPINION).delivered_at is None
