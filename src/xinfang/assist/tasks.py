"""The worker's weekly retraining: Monday 03:30 Asia/Shanghai, when nobody registers (huey matches crontabs in
UTC: Sunday 19:30)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import training


@db_periodic_task(crontab(day_of_week="0", hour="19", minute="30"), name="assist.retrain_weekly")
def retrain_weekly():
    return training.train().pk


@db_task(name="assist.retrain")
def retrain():
    return training.train().pk
