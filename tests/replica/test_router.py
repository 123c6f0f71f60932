"""The router's rules without a server: which alias a read goes to, and how often the replica is asked.
(tests/replica/test_replica.py runs them against a real primary and replica.)"""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, transaction

from xinfang import replica
from xinfang.petitions.models import Petition
from xinfang.stats.models import Bulletin

router = replica.ReplicaRouter()


@pytest.fixture
def configured(settings, monkeypatch):
    """A replica alias as if configured (never connected: its checks are replaced)."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    settings.XF_REPLICA_MAX_LAG_SECONDS = 30
    settings.XF_REPLICA_CHECK_SECONDS = 60
    monkeypatch.setattr(replica, "_alive", lambda: True)
    checks = []

    def lag():
        checks.append(1)
        return True, state["lag"]

    state = {"lag": 0.0, "checks": checks}
    monkeypatch.setattr(replica, "measure_lag", lag)
    replica.forget()
    yield state
    replica.forget()


def test_without_a_replica_the_block_changes_nothing(settings):
    assert "replica" not in settings.DATABASES
    with replica.reads_from_replica():
        assert not replica.reading_replica()
        assert router.db_for_read(Petition) == "default"


def test_reads_in_the_block_go_to_the_replica_and_writes_never(configured):
    assert router.db_for_read(Petition) == "default"  # outside the block
    with replica.reads_from_replica():
        assert router.db_for_read(Petition) == router.db_for_read(Bulletin) == "replica"
        assert router.db_for_write(Petition) == "default"
        assert router.db_for_read(Session) == "default"  # the reader's session: where it was written
    assert router.db_for_read(Petition) == "default"
    assert router.allow_migrate("replica", "petitions") is False
    assert router.allow_migrate("default", "petitions") is True


@pytest.mark.django_db
def test_inside_a_transaction_on_the_primary_reads_stay_there(configured):
    with transaction.atomic(), replica.reads_from_replica():
        assert router.db_for_read(Petition) == "default"
    assert configured["checks"] == []  # not even asked


def test_the_replica_is_asked_at_most_once_per_check_interval(configured):
    for _ in range(3):
        with replica.reads_from_replica():
            assert replica.reading_replica()
    assert len(configured["checks"]) == 1


def test_a_lag_beyond_the_limit_or_an_unreachable_replica_falls_back_and_says_so(
    configured, monkeypatch, caplog
):
    configured["lag"] = 31.0
    with replica.reads_from_replica():
        assert router.db_for_read(Petition) == "default"
    assert "replica lags 31.0 s (limit 30 s)" in caplog.text

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(replica, "measure_lag", down)
    monkeypatch.setattr(replica, "_close_quietly", lambda: None)
    replica.forget()
    with replica.reads_from_replica():
        assert router.db_for_read(Petition) == "default"
    assert "replica unreachable: OperationalError: connection refused" in caplog.text


def test_a_stopped_replica_is_noticed_before_the_cached_check_runs_out(configured, monkeypatch):
    with replica.reads_from_replica():
        assert replica.reading_replica()
    monkeypatch.setattr(replica, "_alive", lambda: False)

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(replica, "measure_lag", down)
    monkeypatch.setattr(replica, "_close_quietly", lambda: None)
    with replica.reads_from_replica():
        assert not replica.reading_replica()


def test_a_decorated_function_decides_per_call(configured):
    @replica.reads_from_replica()
    def reads():
        return replica.reading_replica()

    assert reads() is True
    configured["lag"] = 99.0
    replica.forget()
    assert reads() is False
    assert not replica.reading_replica()
