"""Run inside bench/.venv-helpdesk: `python bench_helpdesk.py seed N` or `python bench_helpdesk.py list`.

seed: migrate, one admin with a token, one queue, N tickets written with bulk_create (batches of 5,000),
created times spread over the last year; prints JSON {"token", "queue", "seconds"}.
list: the API ticket list (page of 25 with the total count) as the admin, timed in-process; prints JSON.
"""

import datetime as dt
import json
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

BATCH = 5000


def seed(n: int) -> dict:
    call_command("migrate", verbosity=0, interactive=False)
    user, _ = get_user_model().objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"}
    )
    token, _ = Token.objects.get_or_create(user=user)
    queue, _ = Queue.objects.get_or_create(
        slug="xf", defaults={"title": "信访", "email_address": "xf@example.com"}
    )
    rng = random.Random(7)
    now = timezone.now()
    started = time.perf_counter()
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            created = now - dt.timedelta(seconds=rng.randint(0, 365 * 86400))
            rows.append(
                Ticket(
                    title=f"反映某建筑公司拖欠农民工工资（{i}）",
                    queue=queue,
                    created=created,
                    modified=created,
                    submitter_email=f"p{i}@example.com",
                    status=rng.choice([1, 1, 2, 3, 4]),
                    priority=3,
                    description="本人在县城某工地务工八个月，工程完工后包工头以开发商未结算为由拖欠工资三万余元。",
                    secret_key=f"{rng.getrandbits(64):016x}",
                )
            )
        Ticket.objects.bulk_create(rows)
    return {
        "token": token.key,
        "queue": queue.pk,
        "seconds": time.perf_counter() - started,
        "count": Ticket.objects.count(),
    }


def list_times(repeat: int) -> dict:
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    times = []
    url = "/helpdesk/api/tickets/"
    for i in range(repeat + 1 if repeat > 1 else 1):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            return {"error": f"{response.status_code} {response.content[:200]!r}"}
        if i or repeat <= 1:
            times.append(elapsed)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    orm = []
    for _ in range(5):
        started = time.perf_counter()
        Ticket.objects.count()
        list(Ticket.objects.select_related("queue").order_by("-created")[:25])
        orm.append(time.perf_counter() - started)
    return {
        "p50": statistics.median(times),
        "p95": p95,
        "count": response.json().get("count"),
        "n": len(times),
        "orm_p50": statistics.median(orm),
    }


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        print(json.dumps(seed(int(sys.argv[2]))))
    elif sys.argv[1] == "count":
        print(json.dumps({"count": Ticket.objects.count()}))
    else:
        print(json.dumps(list_times(int(sys.argv[2]) if len(sys.argv) > 2 else 5)))
