"""What the demo generator draws from: weighted choices over the mixes of data/mix.py, and when petitions
arrive. Every draw takes the generator's one `random.Random`, so a seed gives the same data."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random

from xinfang import clock
from xinfang.petitions.models import Channel

from .data import county as county_data
from .data import mix, names
from .shape import DAYS_BACK


class Weighted:
    """A weighted choice that draws one `random()` per pick, so runs are reproducible and fast."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


CHANNELS = Weighted(mix.CHANNEL_WEIGHTS)
SOURCES = Weighted(mix.SOURCE_WEIGHTS)
SOURCE_LEVELS = Weighted(mix.SOURCE_LEVEL_WEIGHTS)
SOURCE_ACTIONS = Weighted(mix.SOURCE_ACTION_WEIGHTS)
ISSUE_AT = Weighted(mix.ISSUE_AT)
SURNAMES = Weighted({name: 1 / (rank + 1) ** 0.9 for rank, name in enumerate(names.SURNAMES)})
ID_REGIONS = Weighted(dict(county_data.ID_REGION_CODES))
# Office-hours channels arrive on working days between 8:30 and 17:30; the rest at any time of day.
OFFICE_CHANNELS = {Channel.VISIT, Channel.PHONE, Channel.LETTER, Channel.VIDEO, Channel.FAX}


def received_times(rng: random.Random, count: int, today: dt.date) -> list[tuple[dt.datetime, str]]:
    """When each petition came in and by which channel, oldest first, spread over the last DAYS_BACK days."""
    headers = []
    for index in range(count):
        channel = CHANNELS.pick(rng)
        day = today - dt.timedelta(days=rng.randint(1, DAYS_BACK))
        if channel in OFFICE_CHANNELS:
            if (
                day.weekday() >= 5
            ):  # reception centres are closed at weekends: the Friday before or Monday after
                friday = day - dt.timedelta(days=day.weekday() - 4)
                day = (
                    friday
                    if (today - friday).days <= DAYS_BACK
                    else day + dt.timedelta(days=7 - day.weekday())
                )
            minute = rng.randint(8 * 60 + 30, 17 * 60 + 30)
        else:
            minute = rng.randint(6 * 60, 24 * 60 - 1)
        at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)), clock.SHANGHAI)
        headers.append((at, index, channel))
    headers.sort()
    return [(at, channel) for at, _, channel in headers]
