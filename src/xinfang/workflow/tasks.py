"""Periodic jobs of the workflow (huey). Huey matches crontabs in UTC: 16:05 UTC is 00:05 in Asia/Shanghai
(UTC+8 all year), just after the day a window's last day belongs to has ended. Closing is idempotent (only
open windows whose last day has passed are touched), so an extra or late run changes nothing twice."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .petition_deadlines import expire_windows

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5", hour="16"))
def expire_windows_task() -> int:
    """Close the petitioner's rating windows whose last day has passed ("expired, not rated")."""
    closed = expire_windows()
    logger.info("closed %s expired windows", closed)
    return closed
