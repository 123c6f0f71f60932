import datetime as dt

import pytest

from tests import factories as f
from xinfang import clock

from .pairs import MATTERS


@pytest.fixture
def filed(org, people):
    """Every matter's earlier petition and its hard negative, filed in one township (清波街道) weeks ago, with
    distinct petitioners: the paraphrase must be found by its text alone."""
    earlier, negatives = [], []
    for index, matter in enumerate(MATTERS):
        category = f.category(matter["category"])
        for kind, out in (("earlier", earlier), ("negative", negatives)):
            summary, content = matter[kind]
            out.append(
                f.register(
                    people.registrar,
                    category=category,
                    summary=summary,
                    content=content,
                    received_at=clock.now() - dt.timedelta(days=60 + index),
                )
            )
    return earlier, negatives
