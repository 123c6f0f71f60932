import datetime as dt

import pytest

from xinfang.demo.county import load_demo_county

TODAY = dt.datetime(2026, 6, 15, 10, 0)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The demo accounts are hashed once per load; the slow production hasher is not what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def today(frozen_clock):
    return frozen_clock(TODAY)


@pytest.fixture
def demo_county(db, today):
    return load_demo_county()
