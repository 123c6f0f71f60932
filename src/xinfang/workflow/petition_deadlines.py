"""Per-petition deadlines: open, close, recompute, and the petition's next due date.

Due dates come from ``xinfang.deadlines.services`` (policy + calendar); this module only decides which
periods run for a petition and records what happened to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models, transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.hooks import RulesChange
from xinfang.deadlines.models import Stage
from xinfang.petitions.models import Petition

from .models import Deadline, DeadlineStatus

HANDLING_STAGES = (Stage.HANDLE, Stage.SIMPLIFIED)

# While ``tracking(petition)`` runs (``perform``, around the action's effect), the petition's open deadlines are read
# once and kept on the instance under this name; ``open_deadline`` adds to that list, ``open_deadlines`` and
# ``refresh_petition`` read it instead of querying, and ``close`` changes the status of a row of it. Handlers
# must change the petition's deadlines only through this module meanwhile (they do). Due-date recomputation
# locks the petition row, so it cannot interleave; the daily ``expire_windows`` does not, but it only closes
# rating windows already past, which neither the next due date nor a rating within its window depends on.
_TRACKED = "_open_deadlines_tracked"


@contextmanager
def tracking(petition: Petition) -> Iterator[None]:
    """Within the block, the petition's deadlines are read once (see ``_TRACKED``)."""
    setattr(petition, _TRACKED, list(petition.deadlines.filter(status=DeadlineStatus.OPEN)))
    try:
        yield
    finally:
        petition.__dict__.pop(_TRACKED, None)


def _tracked(petition: Petition) -> list[Deadline] | None:
    return petition.__dict__.get(_TRACKED)


def _matches(deadline: Deadline, filters: dict) -> bool:
    for key, value in filters.items():
        if isinstance(value, models.Model):
            if getattr(deadline, f"{key}_id") != value.pk:
                return False
        elif getattr(deadline, key) != value:
            return False
    return True


def compute(deadline: Deadline, rules=None) -> deadline_rules.Due:
    """The due date of ``deadline`` under the given (or current) rules."""
    if deadline.fixed_due:
        return deadline_rules.Due(deadline.due_on, False)
    due = deadline_rules.compute_due(
        deadline.stage, deadline.starts_on, deadline.days, excluded_days=deadline.paused_days, rules=rules
    )
    if deadline.extension_days:
        due = deadline_rules.compute_extension(deadline.stage, due, deadline.extension_days, rules=rules)
    return due


def build(
    petition: Petition,
    stage: str,
    unit,
    starts_on: dt.date,
    opened_at: dt.datetime,
    *,
    days: int | None = None,
    due_on: dt.date | None = None,
    is_window: bool = False,
    rating_target: str = "",
    counts: bool = True,
    rules=None,
) -> Deadline:
    """An unsaved deadline (bulk paths such as the demo generator save many at once)."""
    deadline = Deadline(
        petition=petition,
        stage=stage,
        unit=unit,
        starts_on=starts_on,
        days=days,
        fixed_due=due_on is not None,
        is_window=is_window,
        rating_target=rating_target,
        counts=counts,
        opened_at=opened_at,
        due_on=due_on or starts_on,
    )
    if due_on is None:
        due = compute(deadline, rules)
        deadline.due_on, deadline.provisional = due.due, due.provisional
    return deadline


def open_deadline(petition: Petition, stage: str, unit, starts_on: dt.date, opened_at: dt.datetime, **kwargs):
    deadline = build(petition, stage, unit, starts_on, opened_at, **kwargs)
    deadline.save()
    tracked = _tracked(petition)
    if tracked is not None:
        tracked.append(deadline)
    return deadline


def open_deadlines(petition: Petition, stages: Iterable[str], **filters) -> list[Deadline]:
    """The open deadlines of the given stages (and plain field filters such as ``unit=``), by due date."""
    stages = list(stages)
    tracked = _tracked(petition)
    if tracked is None:
        return list(petition.deadlines.filter(status=DeadlineStatus.OPEN, stage__in=stages, **filters))
    if any("__" in key for key in filters):  # a lookup: let the database pick, return the tracked rows
        chosen = set(petition.deadlines.filter(stage__in=stages, **filters).values_list("pk", flat=True))
        rows = [d for d in tracked if d.status == DeadlineStatus.OPEN and d.pk in chosen]
    else:
        rows = [
            d
            for d in tracked
            if d.status == DeadlineStatus.OPEN and d.stage in stages and _matches(d, filters)
        ]
    return sorted(rows, key=lambda d: (d.due_on, d.pk))  # the model's ordering


def close(deadline: Deadline, at: dt.datetime, *, cancel: bool = False) -> Deadline:
    """Close a period: done at ``at`` (met or missed), or cancelled (it no longer applies)."""
    deadline.done_at = at
    if cancel:
        deadline.status = DeadlineStatus.CANCELLED
        deadline.on_time = None
    else:
        deadline.on_time = deadline_rules.is_on_time(at, deadline.due_on)
        deadline.status = DeadlineStatus.MET if deadline.on_time else DeadlineStatus.MISSED
    deadline.save(update_fields=["done_at", "on_time", "status"])
    return deadline


def close_stages(
    petition: Petition, stages: Iterable[str], at: dt.datetime, *, cancel: bool = False, **filters
):
    return [close(d, at, cancel=cancel) for d in open_deadlines(petition, stages, **filters)]


def refresh_petition(petition: Petition) -> None:
    """Copy the earliest open duty (not the petitioner's windows) and the handling due date onto the petition."""
    tracked = _tracked(petition)
    if tracked is not None:
        rows = sorted((d for d in tracked if d.status == DeadlineStatus.OPEN), key=lambda d: (d.due_on, d.pk))
        fields = ("stage", "due_on", "is_window", "extension_days")
        summarise(petition, [{name: getattr(d, name) for name in fields} for d in rows])
        return
    open_rows = list(
        petition.deadlines.filter(status=DeadlineStatus.OPEN)
        .order_by("due_on", "id")
        .values("stage", "due_on", "is_window", "extension_days")
    )
    summarise(petition, open_rows)


def summarise(petition: Petition, open_rows: list[dict]) -> None:
    """``refresh_petition`` from the open rows in hand (dicts of stage, due_on, is_window, extension_days,
    ordered by due date then creation), e.g. rows about to be inserted in bulk."""
    duties = [row for row in open_rows if not row["is_window"]]
    petition.next_due_on = duties[0]["due_on"] if duties else None
    petition.next_due_stage = duties[0]["stage"] if duties else ""
    handling = next((row for row in open_rows if row["stage"] in HANDLING_STAGES), None)
    if handling is not None:
        petition.handling_due_on = handling["due_on"]
        petition.extension_days = handling["extension_days"]
    rating = [row["due_on"] for row in open_rows if row["stage"] == Stage.RATING]
    if rating:
        petition.rating_window_ends_on = max(rating)


def colour(deadline: Deadline, today: dt.date | None = None) -> str:
    """The deadline colour (四色督办) of one deadline: green once closed."""
    return deadline_rules.colour_for(
        deadline.due_on, concluded=not deadline.is_open, start=deadline.starts_on, today=today
    )


def expire_windows(today: dt.date | None = None) -> int:
    """Close the petitioner's windows (rating) whose last day has passed: "expired, not rated".

    The deadline scan calls this daily; statistics count them against the participation rate.
    """
    today = today or clock.today()
    expired = Deadline.objects.filter(status=DeadlineStatus.OPEN, is_window=True, due_on__lt=today)
    return expired.update(status=DeadlineStatus.MISSED, on_time=False)


def recompute_open_deadlines(change: RulesChange | None = None, *, batch_size: int = 500) -> int:
    """Recompute the due dates of open deadlines after the calendar or a policy changed.

    Registered with ``xinfang.deadlines.hooks`` (runs after the rules change commits). Petitions are locked
    and recomputed in batches, each in its own transaction; one audit event (``recompute_deadlines``) is
    recorded per petition whose deadlines moved. Returns that number of petitions.
    """
    change = change or RulesChange(everything=True)
    rules = deadline_rules.get_rules()
    candidates = Deadline.objects.filter(status=DeadlineStatus.OPEN, fixed_due=False)
    petition_ids = sorted(
        {
            petition_id
            for petition_id, stage, starts_on, due_on in candidates.values_list(
                "petition_id", "stage", "starts_on", "due_on"
            ).iterator(chunk_size=5000)
            if change.affects(stage, starts_on, due_on)
        }
    )
    total = 0
    for start in range(0, len(petition_ids), batch_size):
        with transaction.atomic():
            batch = petition_ids[start : start + batch_size]
            for petition in Petition.objects.select_for_update().filter(pk__in=batch).order_by("pk"):
                total += _recompute_petition(petition, change, rules)
    return total


def _recompute_petition(petition: Petition, change: RulesChange, rules) -> int:
    moved = []
    for deadline in petition.deadlines.filter(status=DeadlineStatus.OPEN, fixed_due=False):
        if not change.affects(deadline.stage, deadline.starts_on, deadline.due_on):
            continue
        try:
            due = compute(deadline, rules)
        except (LookupError, ValueError):
            continue  # an inactive or removed policy: keep the date it was given
        if (due.due, due.provisional) != (deadline.due_on, deadline.provisional):
            moved.append((deadline, deadline.due_on, deadline.provisional))
            deadline.due_on, deadline.provisional = due.due, due.provisional
    if not moved:
        return 0
    Deadline.objects.bulk_update([row for row, _, _ in moved], ["due_on", "provisional"])
    fields = ["next_due_on", "handling_due_on", "rating_window_ends_on"]
    before = audit.snapshot(petition, fields)
    refresh_petition(petition)
    petition.save(update_fields=[*fields, "next_due_stage", "extension_days"])
    audit.record(
        action="recompute_deadlines",
        target=petition,
        petition=petition,
        at=clock.now(),
        changes=audit.diff(before, audit.snapshot(petition, fields)),
        reason="工作日历或时限规则调整，重新计算期限",
        data={
            "deadlines": [
                {
                    "stage": row.stage,
                    "from": old.isoformat(),
                    "to": row.due_on.isoformat(),
                    "provisional": [was, row.provisional],
                }
                for row, old, was in moved
            ]
        },
    )
    return 1
