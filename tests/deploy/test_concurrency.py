"""SQLite under load, served as `make run` serves it: gunicorn with the deployment's configuration and DEBUG
off, on a fresh site in a temporary folder. 50 registrars' requests released together, each registration
followed by a workflow action: no errors, nothing lost (bench/concurrency.py measures the same)."""

from collections import Counter

import pytest

from bench import concurrency

pytestmark = pytest.mark.slow

USERS = 50


@pytest.fixture
def site(tmp_path):
    env = concurrency.site_env(tmp_path)
    return env, concurrency.prepare(env)


def test_fifty_concurrent_registrations_and_actions_lose_nothing(site, tmp_path):
    env, token = site

    with concurrency.serve("gunicorn", env, tmp_path / "server.log") as port:
        load = concurrency.fire(port, token, USERS)
    after = concurrency.counts(env)

    assert load.errors == []
    assert load.statuses == {"201": USERS, "200": USERS}
    petitions = after["petitions"]
    assert len(petitions) == USERS
    assert len({p["registration_number"] for p in petitions}) == USERS
    assert {p["id"] for p in petitions} == {p["id"] for p in load.created}
    assert Counter(p["status"] for p in petitions) == {"accepted": USERS}
    assert after["events"]["register"] == USERS
    assert after["events"]["handle_self"] == USERS
