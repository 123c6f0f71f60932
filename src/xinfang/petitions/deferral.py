"""Registration's work that need not be in the request (the ``petitions.hooks`` deferred callbacks: the
search document, the text signature and its bands), done by the worker after commit.

At the end of registration's write, ``defer(petitions)``:

- with huey immediate (no worker: the tests, a single-process install) the callbacks run at once, in the
  registration's transaction, as everything did before;
- otherwise one ``DeferredWork`` row per petition is written with the petitions (one statement a chunk) and,
  once the transaction has committed, one task (``run_deferred``) is queued. The worker runs
  the callbacks and deletes the rows in one transaction, the petitions row-locked (a correction saving the
  same petition waits, or is waited for, and each callback skips what exists: running twice writes once).
  ``sweep_deferred`` (every minute) runs the rows older than ``SWEEP_AFTER``: a queue that was down at
  commit, a worker that died mid-task.

While its row exists a petition is still found by its registration number (``search.query`` looks the
number up in the petitions themselves) and by an ID number or phone (the petitioners' digests, never the
document); the related-cases panel compares the petitions still waiting from their own text
(``assist.similar``), so it neither misses nor invents one.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from xinfang import bulk, clock

from . import hooks
from .models import DeferredWork, Petition

SWEEP_AFTER = dt.timedelta(minutes=1)  # a task queued at commit runs within a second or two when all is well
CHUNK = 1000  # petitions a task does at most in one transaction


def immediate() -> bool:
    return bool(HUEY.immediate)


def defer(petitions: list[Petition]) -> None:
    """Called by registration inside its transaction, once the petitions have keys."""
    if not petitions or not hooks.has_deferred():
        return
    if immediate():
        hooks.deferred(petitions, fresh=True)
        return
    now = clock.now()
    bulk.insert(DeferredWork, [DeferredWork(petition=p, queued_at=now) for p in petitions], returning=False)
    count = len(petitions)
    # robust: a queue that is down must not fail a registration already committed; the sweep runs it later.
    transaction.on_commit(lambda: run_deferred(count), robust=True)


def run(limit: int = CHUNK) -> int:
    """Do the deferred work of the oldest ``limit`` petitions waiting (those another worker holds are left to
    it); how many. A task does not look only for its own petitions: under load the rows queued by many
    registrations are done together, one statement a table instead of one each."""
    with transaction.atomic():
        waiting = list(
            DeferredWork.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "petition_id")[:limit]
        )
        if not waiting:
            return 0
        ids = [petition_id for _, petition_id in waiting]
        petitions = list(Petition.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        hooks.deferred(petitions, fresh=False)
        DeferredWork.objects.filter(pk__in=[pk for pk, _ in waiting]).delete()
    return len(waiting)


def waiting_ids() -> list[int]:
    """The petitions whose deferred work is not done yet (normally none, or those of the last second)."""
    return list(DeferredWork.objects.order_by("petition_id").values_list("petition_id", flat=True))


def sweep(older_than: dt.timedelta = SWEEP_AFTER) -> int:
    """Run what has waited longer than ``older_than`` (its task lost), a chunk at a time."""
    total = 0
    while DeferredWork.objects.filter(queued_at__lt=clock.now() - older_than).exists():
        done = run()
        total += done
        if not done:  # all of them taken by another worker
            break
    return total


@db_task(retries=3, retry_delay=10, name="petitions.run_deferred")
def run_deferred(count: int) -> int:
    """Queued at the commit of ``count`` registrations, which are among the oldest waiting (``run``)."""
    return run(max(CHUNK, count))


@db_periodic_task(crontab(minute="*"), name="petitions.sweep_deferred")
def sweep_deferred() -> int:
    return sweep()
