"""The login rules, read from settings each time so tests can override them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def max_failures_per_account() -> int:
    return settings.XF_LOGIN_MAX_FAILURES


def max_failures_per_address() -> int:
    return settings.XF_LOGIN_MAX_FAILURES_PER_ADDRESS


def lock_period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.XF_LOGIN_LOCK_MINUTES)


def failure_window() -> dt.timedelta:
    # Failures older than this are forgotten; the same length as the lock keeps the rule easy to state.
    return dt.timedelta(minutes=settings.XF_LOGIN_FAILURE_WINDOW_MINUTES)
