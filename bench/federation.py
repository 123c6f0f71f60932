"""Federation figures: events a second between two instances on one machine, and the delay from commit at
the sender to application at the peer under a steady load.

    .venv/bin/python bench/federation.py [--matters 200] [--rate 20] [--seconds 30] [--loop 0.2]
        [--out bench/results/2026-12-07-federation.md]

Two real instances (the city and the county of tests/federation/instances.py: gunicorn with one sync
worker, a delivery worker, SQLite each) on 127.0.0.1 ports 8720-8722.

1. Throughput: with the city's delivery worker stopped, ``--matters`` petitions are registered at the city
   and assigned to the county (each outbox row carries the petition's record); then the worker starts and
   the time until the county has applied every one (registered, assigned, audited) gives the send rate.
   Then each matter is urged once with the worker stopped, and the same for those lighter events.
2. Delay: the city urges those matters at ``--rate`` events a second for ``--seconds`` with the worker
   running (polling every ``--loop`` seconds; the huey task runs once a minute, which bounds the delay in a
   deployment instead); each event's commit time at the city is matched with its ``applied_at`` at the
   county (same machine, same clock).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.federation import instances  # noqa: E402

PORTS = {"province": 8720, "city": 8721, "county": 8722}


def _wait_count(county, target: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if county._quiet("applied")["count"] >= target:
            return time.monotonic()
        time.sleep(0.05)
    raise SystemExit(f"the county applied fewer than {target} events in {timeout} s")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--loop", type=float, default=0.2)
    parser.add_argument("--out")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="xf-federation-bench-"))
    inst = instances.start_all(base, PORTS, names=("city", "county"))
    city, county = inst["city"], inst["county"]
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    try:
        # 1a. sends (register + assign at the peer)
        city.kill("worker")
        refs = city._quiet(
            "bulk", user="city_staff", count=args.matters, to_unit="330102-XFJ", report_due=due
        )["refs"]
        city.start_worker()
        started = time.monotonic()
        ended = _wait_count(county, args.matters, 600)
        send_rate = args.matters / (ended - started)
        print(f"sends: {args.matters} in {ended - started:.1f} s = {send_rate:.1f}/s")
        # 1b. light events (urge)
        city.kill("worker")
        burst = city._quiet("steady", user="city_staff", refs=refs, rate=1e6, seconds=1e6, count=len(refs))
        count = len(burst["sent"])
        before = county._quiet("applied")["count"]
        city.start_worker()
        started = time.monotonic()
        ended = _wait_count(county, before + count, 600)
        urge_rate = count / (ended - started)
        print(f"urges: {count} in {ended - started:.1f} s = {urge_rate:.1f}/s")
        # 2. steady load
        city.kill("worker")
        city.worker = instances.subprocess.Popen(
            [instances.BIN / "xinfang", "federation", "deliver", "--loop", str(args.loop)],
            env=city.env,
            stdout=instances.subprocess.DEVNULL,
            stderr=city._out("worker"),
        )
        time.sleep(2)
        steady = city._quiet("steady", user="city_staff", refs=refs, rate=args.rate, seconds=args.seconds)
        keys = [key for key, _ in steady["sent"]]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            got = county._quiet("applied", keys=keys)["at"]
            if len(got) == len(keys):
                break
            time.sleep(0.2)
        delays = [got[key] - committed for key, committed in steady["sent"] if key in got]
        achieved = len(steady["sent"]) / steady["elapsed"]
        p50, p95 = statistics.median(delays), _percentile(delays, 95)
        print(
            f"steady {achieved:.1f}/s for {steady['elapsed']:.0f} s: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )
    finally:
        instances.stop_all(inst)
    if args.out:
        machine = instances.subprocess.run(
            ["uname", "-srm"], capture_output=True, text=True, check=False
        ).stdout.strip()
        cpus = instances.os.cpu_count()
        Path(args.out).write_text(
            f"""# Federation: two instances on one machine ({dt.date.today().isoformat()})

`.venv/bin/python bench/federation.py --matters {args.matters} --rate {args.rate:g} --seconds {args.seconds:g} --loop {args.loop:g}`

Machine: {machine}, {cpus} CPUs (shared with other work while measured). City and county instances:
gunicorn (one sync worker) and a delivery worker each, SQLite (WAL) each, on 127.0.0.1; HTTPS is not in
the path (plain HTTP on loopback), the HMAC signing and checking are.

| measure | result |
|---|---|
| matters sent down (register + assign applied at the peer, record with petitioner data) | {args.matters} in {args.matters / send_rate:.1f} s: **{send_rate:.1f} events/s** |
| light events (urge, applied through `perform`) | {count} in {count / urge_rate:.1f} s: **{urge_rate:.1f} events/s** |
| steady load, commit at the city → applied at the county | {len(delays)} events at {achieved:.1f}/s: **p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms** |

The delivery worker polled every {args.loop:g} s here; the huey task runs once a minute, so in a
deployment the delay is up to a minute plus these figures. Each batch is up to 100 events in one request;
the receiver applies them one by one, each in its own transaction with its audit event (the audit chain's
row lock serialises them), so the rate is the receiver's `perform` rate, not the network's.
"""
        )
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
