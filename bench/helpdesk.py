"""The same create-and-list workload against django-helpdesk, installed in a virtualenv of its own.

bench/.venv-helpdesk (created on first use: `python3.11 -m venv` + `pip install django-helpdesk[teams]`)
runs the minimal project in bench/helpdesk_project/. Tickets are written with bulk_create; creation under
load goes through helpdesk's own REST API (POST /helpdesk/api/tickets/, token auth, its TicketForm), with
the same client, users and workers as xinfang's intake; the list is its API ticket list (page of 25 with the
total count) as an admin, timed in-process like xinfang's, and, as a lower bound, the same count and first
page through its ORM.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from . import measure
from .load import run_load

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / "bench" / ".venv-helpdesk"
PROJECT = REPO / "bench" / "helpdesk_project"
PYTHON = VENV / "bin" / "python"


def ensure_venv() -> None:
    if (VENV / "bin" / "gunicorn").exists():
        return
    subprocess.run(["python3.11", "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [
            str(VENV / "bin" / "pip"),
            "install",
            "-q",
            "django-helpdesk[teams]==2.6.1",
            "gunicorn",
            "psycopg[binary]",
        ],
        check=True,
    )


def _env(size: int, db: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XF_") and k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "hdproject.settings"
    if db == "postgres":
        import psycopg

        server = os.environ.get("XF_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        name = f"helpdesk_bench_{size}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["HD_DATABASE_URL"] = f"{server}/{name}"
    else:
        path = REPO / "bench" / "data" / f"helpdesk-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["HD_SQLITE_PATH"] = str(path)
    return env


def _script(env: dict, *args: str, timeout: float = 3600) -> dict:
    out = subprocess.run(
        [str(PYTHON), "bench_helpdesk.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode:
        raise RuntimeError(f"bench_helpdesk.py {' '.join(args)}: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _body(i: int, queue: int) -> dict:
    return {
        "queue": queue,
        "title": f"反映某建筑公司拖欠农民工工资（压测{i}）",
        "description": "本人在县城某工地务工八个月，工程完工后包工头以开发商未结算为由拖欠工资三万余元，请求帮助追讨。",
        "submitter_email": f"load{i}@example.com",
        "priority": 3,
    }


def compare(size: int, db: str, *, users: int, seconds: float, workers: int) -> list[tuple]:
    ensure_venv()
    env = _env(size, db)
    seeded = _script(env, "seed", str(size))
    port = measure.free_port()
    server = subprocess.Popen(
        [
            str(VENV / "bin" / "gunicorn"),
            "hdproject.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=env,
    )
    try:
        measure._wait_for(port)
        path = "/helpdesk/api/tickets/"
        run_load(
            port,
            seeded["token"],
            lambda i: _body(10**6 + i, seeded["queue"]),
            users=workers * 2,
            seconds=6,
            path=path,
        )
        before = _script(env, "count")["count"]
        result = run_load(
            port,
            seeded["token"],
            lambda i: _body(i, seeded["queue"]),
            users=users,
            seconds=seconds,
            path=path,
        )
        time.sleep(0.5)
        after = _script(env, "count")["count"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = result.created / result.seconds if result.seconds else 0
    p95 = measure.percentile(result.latencies, 95)
    repeat = "5" if size <= 20_000 else "1"
    try:
        listed = _script(env, "list", repeat, timeout=900)
        list_p50, orm_p50 = listed["p50"], listed["orm_p50"]
        list_text = f"API list p50 {measure.ms(list_p50)} (n={listed['n']}); ORM count + first page {measure.ms(orm_p50)}"
    except subprocess.TimeoutExpired:
        list_p50, orm_p50 = float("inf"), float("nan")
        list_text = "API list did not answer within 900 s"
    ours = measure.FIGURES
    lost = result.created - (after - before)
    rows = [
        (
            f"django-helpdesk 2.6.1: {size:,} tickets bulk-written",
            f"{size / seeded['seconds']:,.0f} tickets/s (bulk_create)",
            "—",
            "—",
        ),
        (
            f"django-helpdesk HTTP create (its REST API), {users} users, {workers} workers",
            f"{rate:.0f} tickets/s, p95 {measure.ms(p95)}; {result.created} created, {after - before} rows added, "
            f"lost {lost}, other statuses {dict((k, v) for k, v in result.statuses.items() if k != 201)}",
            "—",
            f"xinfang/helpdesk rate ratio {ours.get('intake_rate', float('nan')) / rate if rate else float('inf'):.2f}×",
        ),
        (
            "django-helpdesk list with count",
            list_text,
            "—",
            f"helpdesk/xinfang list p50 ratio {list_p50 / ours['list_p50'] if ours.get('list_p50') else float('nan'):.1f}×",
        ),
    ]
    return rows
