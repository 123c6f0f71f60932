"""The worker's delivery of the outbox (huey): every minute, and right after a commit that wrote events is
not needed: a minute's delay is the design's bound, and ``xinfang federation deliver`` runs it by hand."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .delivery import deliver

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("federation-deliver")
def deliver_task() -> dict:
    """Send what is due to every active peer (one run at a time: order per petition depends on it)."""
    counts = deliver()
    if any(counts.values()):
        logger.info("federation delivery: %s", counts)
    return counts
