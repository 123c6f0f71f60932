"""Scheduled bulletins (huey). Huey matches crontabs in UTC; Asia/Shanghai is UTC+8 all year, so 08:00 UTC is
16:00 in Shanghai: the daily bulletin (yesterday's figures) is ready before the end of the working day; the
weekly brief on Monday and the monthly bulletin (with the month's assessment) on the 1st, at 09:00."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .bulletins import issue_scheduled
from .models import BulletinKind


def _summary(bulletins) -> str:
    return f"{len(bulletins)} bulletin(s): " + ", ".join(
        f"{b.issuing_unit.code}#{b.serial}" for b in bulletins
    )


@db_periodic_task(crontab(minute="0", hour="8"))
def daily_bulletin_task() -> str:
    return _summary(issue_scheduled(BulletinKind.DAILY))


@db_periodic_task(crontab(minute="0", hour="1", day_of_week="1"))
def weekly_bulletin_task() -> str:
    return _summary(issue_scheduled(BulletinKind.WEEKLY))


@db_periodic_task(crontab(minute="0", hour="1", day="1"))
def monthly_bulletin_task() -> str:
    return _summary(issue_scheduled(BulletinKind.MONTHLY))
