"""Scheduled bulletins (huey). Huey matches crontabs in UTC; Asia/Shanghai is UTC+8 all year. The daily
bulletin (yesterday's figures) is issued and sent to the leaders at XF_DAILY_BULLETIN_AT Shanghai time
(default 16:30, before the end of the working day), on working days only; the weekly brief on Monday, the
weekly bulletins of leaders' reception and of the campaigns' progress on the week's first working day and the monthly bulletin (with the
month's assessment) on the 1st, all at 09:00."""

from django.conf import settings
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import facts
from .bulletins import issue_scheduled
from .delivery import run_scheduled
from .models import BulletinKind


def utc_crontab_fields(shanghai_time: str) -> tuple[str, str]:
    """("minute", "hour") in UTC for an "HH:MM" in Shanghai."""
    hour, minute = (int(part) for part in shanghai_time.split(":"))
    return str(minute), str((hour - 8) % 24)


DAILY_MINUTE, DAILY_HOUR = utc_crontab_fields(getattr(settings, "XF_DAILY_BULLETIN_AT", "16:30"))


def _summary(bulletins) -> str:
    return f"{len(bulletins)} bulletin(s): " + ", ".join(
        f"{b.issuing_unit.code}#{b.serial}" for b in bulletins
    )


def _sent_summary(bulletins, deliveries) -> str:
    return f"{_summary(bulletins)}; sent to {len(deliveries)} leader(s)"


@db_periodic_task(crontab(minute=DAILY_MINUTE, hour=DAILY_HOUR), retries=2, retry_delay=300)
def daily_bulletin_task() -> str:
    return _sent_summary(*run_scheduled(BulletinKind.DAILY))


@db_periodic_task(crontab(minute="0", hour="1", day_of_week="1"))
def weekly_bulletin_task() -> str:
    return _summary(issue_scheduled(BulletinKind.WEEKLY))


# Every weekday, not only Monday: when Monday is a holiday the first working day of the week sends last week's
# bulletin; on the other days it finds the bulletin issued and its leaders served, and sends nothing.
@db_periodic_task(crontab(minute="0", hour="1", day_of_week="1-5"), retries=2, retry_delay=300)
def reception_bulletin_task() -> str:
    return _sent_summary(*run_scheduled(BulletinKind.RECEPTION))


# The campaigns' weekly progress (seed 003: 化解进度每周进行全市通报), sent like the reception bulletin.
@db_periodic_task(crontab(minute="10", hour="1", day_of_week="1-5"), retries=2, retry_delay=300)
def campaign_bulletin_task() -> str:
    return _sent_summary(*run_scheduled(BulletinKind.CAMPAIGN))


@db_periodic_task(crontab(minute="0", hour="1", day="1"))
def monthly_bulletin_task() -> str:
    return _summary(issue_scheduled(BulletinKind.MONTHLY))


# The facts' triggers append a +1/-1 row per change; folding them nightly (03:15 Shanghai) keeps the monthly
# facts one row per key (stats.facts.compact).
@db_periodic_task(crontab(minute="15", hour="19"))
def compact_facts_task() -> str:
    with transaction.atomic():
        facts.compact()
    return "statistics facts compacted"
