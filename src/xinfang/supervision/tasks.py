"""Periodic jobs (huey). Huey matches crontabs in UTC; Asia/Shanghai is UTC+8 all year (no summer time), so
hours 0-12 UTC are 08:00-20:00 in Shanghai: the first run is at the start of the working day, and hourly runs
after it catch deadlines created during the day. The scan is idempotent (a warning is recorded once per
deadline and colour, under a unique constraint), so an extra or overlapping run sends nothing twice."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .scan import scan_deadlines

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="0", hour="0-12"))
def scan_deadlines_task() -> str:
    summary = scan_deadlines().summary()
    logger.info("%s", summary)
    return summary
