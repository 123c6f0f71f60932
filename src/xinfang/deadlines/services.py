"""The deadline services other apps call: policy + calendar + arithmetic, with the rules cached.

Public API (everything else is internal):

* ``compute_due(stage_code, start, days_override=None, *, excluded_days=0, rules=None) -> Due``
* ``compute_extension(stage_code, due, extra_days, *, rules=None) -> Due``
* ``policy_for(stage_code, *, rules=None) -> Policy``
* ``colour_for(due, *, concluded=False, start=None, today=None, rules=None) -> Colour``
* ``get_calendar() -> ChinaCalendar`` and ``get_rules() -> Rules`` (one snapshot, for bulk work)
* ``rules_changed(dates=..., years=..., stage_codes=...)`` after bulk writes that bypass signals
* re-exported: ``Due``, ``Colour``, ``deadline_end``, ``is_on_time``

The rules (all calendar overrides, official years, policies and colour thresholds: a few hundred rows) are
loaded together and cached per process. Each call checks one version token (a primary-key lookup) and reloads
only when it changed, so changes made by any process are seen at once. For bulk work (a recompute of every
open petition, the CLI batch) call ``get_rules()`` once and pass ``rules=`` to skip even that query;
``rules_checked_once()`` checks the token once for a block (``workflow.services.perform`` wraps each action).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from xinfang import clock

from . import hooks
from .arithmetic import Colour, Due, colour, deadline_end, due_date, due_date_excluding, extend, is_on_time
from .calendar import ChinaCalendar
from .models import CalendarDay, CalendarYear, ColourPolicy, DeadlinePolicy, RulesVersion

__all__ = [
    "Colour",
    "Due",
    "InactivePolicy",
    "Policy",
    "Rules",
    "UnknownStage",
    "colour_for",
    "compute_due",
    "compute_extension",
    "deadline_end",
    "get_calendar",
    "get_rules",
    "is_on_time",
    "policy_for",
    "rules_changed",
    "rules_checked_once",
]


class UnknownStage(LookupError):
    pass


class InactivePolicy(LookupError):
    pass


@dataclass(frozen=True)
class Policy:
    """A snapshot of one ``DeadlinePolicy`` row."""

    code: str
    name: str
    days: int
    counting: str
    start_rule: str
    roll_to_workday: bool
    max_extension_days: int
    excludes_hearing: bool
    is_active: bool

    @classmethod
    def from_model(cls, row: DeadlinePolicy) -> Policy:
        return cls(
            code=row.code,
            name=row.name,
            days=row.days,
            counting=row.counting,
            start_rule=row.start_rule,
            roll_to_workday=row.roll_to_workday,
            max_extension_days=row.max_extension_days,
            excludes_hearing=row.excludes_hearing,
            is_active=row.is_active,
        )


@dataclass(frozen=True)
class Rules:
    """Everything deadline computations read from the database, at one version."""

    token: uuid.UUID | None
    calendar: ChinaCalendar
    policies: dict[str, Policy]
    yellow_days: int
    yellow_percent: float | None


_cache: Rules | None = None


def _load(token: uuid.UUID | None) -> Rules:
    days = list(CalendarDay.objects.values_list("date", "is_workday", "name"))
    calendar = ChinaCalendar(
        overrides={day: workday for day, workday, _ in days},
        official_years=CalendarYear.objects.filter(is_official=True).values_list("year", flat=True),
        names={day: name for day, _, name in days if name},
    )
    colours = ColourPolicy.objects.filter(pk=1).first() or ColourPolicy()
    return Rules(
        token=token,
        calendar=calendar,
        policies={row.code: Policy.from_model(row) for row in DeadlinePolicy.objects.all()},
        yellow_days=colours.yellow_days,
        yellow_percent=None if colours.yellow_percent is None else float(colours.yellow_percent),
    )


# Inside ``rules_checked_once()``: a one-item list holding the rules the first ``get_rules`` call returned.
_checked: ContextVar[list | None] = ContextVar("xinfang_rules_checked", default=None)


@contextmanager
def rules_checked_once() -> Iterator[None]:
    """Within the block (one workflow action, in its transaction), ``get_rules`` reads the version token at
    most once: the first call checks it, later calls reuse those rules as long as this process's cache still
    holds them (``bump_version`` / ``clear_cache`` drop it, so a change made inside the block is seen).
    Nested blocks share the outer one's check."""
    if _checked.get() is not None:
        yield
        return
    reset = _checked.set([None])
    try:
        yield
    finally:
        _checked.reset(reset)


def get_rules() -> Rules:
    """The current rules: cached, reloaded when the version token in the database changed."""
    global _cache
    checked = _checked.get()
    if checked is not None and checked[0] is not None and checked[0] is _cache:
        return checked[0]
    token = RulesVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    cached = _cache
    if cached is not None and token is not None and cached.token == token:
        rules = cached
    else:
        rules = _load(token)
        _cache = rules
    if checked is not None:
        checked[0] = rules
    return rules


def get_calendar() -> ChinaCalendar:
    """The working-day calendar (package + overrides + provisional rule), implementing ``WorkCalendar``."""
    return get_rules().calendar


def clear_cache() -> None:
    global _cache
    _cache = None


def bump_version(using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the rules a new version token (inside the caller's transaction) and drop this process's cache."""
    RulesVersion.objects.using(using).update_or_create(
        pk=1, defaults={"token": uuid.uuid4(), "changed_at": clock.now()}
    )
    clear_cache()


def rules_changed(
    *,
    dates: Iterable[dt.date] = (),
    years: Iterable[int] = (),
    stage_codes: Iterable[str] = (),
    everything: bool = False,
    notify: bool = True,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Record that rules changed: new version token now; ``hooks.on_rules_changed`` after commit."""
    bump_version(using)
    if notify:
        hooks.notify(
            hooks.RulesChange(
                dates=frozenset(dates),
                years=frozenset(years),
                stage_codes=frozenset(stage_codes),
                everything=everything,
            ),
            using=using,
        )


def policy_for(stage_code: str, *, rules: Rules | None = None) -> Policy:
    """The policy of a stage (active or not). Raises ``UnknownStage`` for a code without a row."""
    rules = rules or get_rules()
    try:
        return rules.policies[stage_code]
    except KeyError:
        raise UnknownStage(f"没有环节“{stage_code}”的时限规则") from None


def compute_due(
    stage_code: str,
    start: dt.date,
    days_override: int | None = None,
    *,
    excluded_days: int = 0,
    rules: Rules | None = None,
) -> Due:
    """The due date of a stage whose period starts on ``start`` (a date in Asia/Shanghai; the day itself does
    not count).

    ``days_override`` replaces the policy's days (the ``report`` stage, whose days the bureau sets at
    assignment, has none of its own and needs it). ``excluded_days`` are calendar days the clock stood still
    (a hearing during re-review). Raises ``UnknownStage``, ``InactivePolicy`` or ``ValueError``.
    """
    rules = rules or get_rules()
    policy = policy_for(stage_code, rules=rules)
    if not policy.is_active:
        raise InactivePolicy(f"环节“{policy.name}”的时限规则未启用")
    days = policy.days if days_override is None else days_override
    if days_override is None and days == 0:
        raise ValueError(f"环节“{policy.name}”的期限由交办时确定，请指定天数")
    if days < 0:
        raise ValueError("期限天数不能为负数")
    if excluded_days:
        return due_date_excluding(
            start, days, policy.counting, rules.calendar, excluded_days, policy.roll_to_workday
        )
    return due_date(start, days, policy.counting, rules.calendar, policy.roll_to_workday)


def compute_extension(
    stage_code: str, due: Due | dt.date, extra_days: int, *, rules: Rules | None = None
) -> Due:
    """The new due date after an extension of ``extra_days`` calendar days from the end of the original
    period (``handle``: at most 30). Raises ``ValueError`` beyond the policy's ``max_extension_days``."""
    rules = rules or get_rules()
    policy = policy_for(stage_code, rules=rules)
    if extra_days < 0:
        raise ValueError("延期天数不能为负数")
    if extra_days > policy.max_extension_days:
        raise ValueError(f"环节“{policy.name}”最多可延期 {policy.max_extension_days} 日")
    return extend(due, extra_days, rules.calendar, policy.roll_to_workday)


def colour_for(
    due: dt.date,
    *,
    concluded: bool = False,
    start: dt.date | None = None,
    today: dt.date | None = None,
    rules: Rules | None = None,
) -> Colour:
    """The colour of a deadline today (``clock.today()`` unless given), with the configured thresholds.
    The percentage rule applies only when ``start`` is given."""
    rules = rules or get_rules()
    return colour(
        due,
        today or clock.today(),
        concluded,
        yellow_days=rules.yellow_days,
        yellow_percent=rules.yellow_percent if start is not None else None,
        start=start,
    )
