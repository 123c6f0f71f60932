"""HTTP intake load: `users` threads, each with its own keep-alive connection, POSTing registrations.

Two ways to drive the server:

* **closed loop** (`rate=None`): each user sends its next request as soon as the previous answer arrived, for
  `seconds`. The rate it reaches is the server's saturation throughput; its latencies are not what a client
  would see at a lower load: with 50 users and no think time there are always 50 requests in the system, so
  by Little's law the mean latency is 50 / throughput (p95 ≤ 300 ms would need roughly 170/s or more).
* **open loop** (`rate=R`): requests are scheduled at R per second for `seconds` (evenly spaced, or as a
  Poisson process), whatever happened to earlier ones; the users share the schedule, each taking the next
  request due. Latency is counted from the *scheduled* time, not from when a user got round to sending it,
  so when the server (or the pool of users) falls behind, the queueing shows in the figures instead of
  silently lowering the rate (coordinated omission). Requests not yet sent `drain` seconds after the
  schedule ended are given up and counted as unsent.

Every request carries a different registration (`bodies(i)`); the caller compares the 201s with the rows
added.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # open loop: from the scheduled time
    service: list[float] = field(default_factory=list)  # from the moment the request was sent
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    failures: int = 0  # connection errors and timeouts (no status)
    seconds: float = 0.0  # from the first request to the last answer
    offered: float | None = None  # open loop: requests per second scheduled
    scheduled: int = 0
    unsent: int = 0  # open loop: given up after the drain period
    late: int = 0  # open loop: sent more than LATE after their scheduled time (every user was busy)

    @property
    def created(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def non_201(self) -> int:
        return self.answered - self.created + self.failures


LATE = 0.010  # seconds


def schedule(rate: float, seconds: float, arrivals: str = "even", seed: int = 1) -> list[float]:
    """Offsets (s from the start) of the requests: `rate` per second over `seconds`."""
    if arrivals == "even":
        return [i / rate for i in range(int(rate * seconds))]
    if arrivals != "poisson":
        raise ValueError(f"arrivals: even or poisson, not {arrivals!r}")
    rng = random.Random(seed)
    out, t = [], rng.expovariate(rate)
    while t < seconds:
        out.append(t)
        t += rng.expovariate(rate)
    return out


def run_load(
    port: int,
    token: str,
    bodies,
    *,
    users: int,
    seconds: float,
    rate: float | None = None,
    arrivals: str = "even",
    drain: float = 10.0,
    path: str = "/api/v1/petitions/",
) -> LoadResult:
    """`bodies(i)` gives the JSON body of request i (each registration different)."""
    result = LoadResult(offered=rate)
    lock = threading.Lock()
    counter = iter(range(10**9))
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    offsets = schedule(rate, seconds, arrivals) if rate else None
    result.scheduled = len(offsets) if offsets is not None else 0
    start = time.perf_counter() + 0.2  # every thread started before the first request is due
    stop_at = start + seconds
    give_up_at = stop_at + drain

    def take() -> tuple[int, float] | None:
        """The next request: (index, when it is due), or None when this user is done."""
        with lock:
            i = next(counter)
        now = time.perf_counter()
        if offsets is None:
            return (i, now) if now < stop_at else None
        if i >= len(offsets):
            return None
        if now > give_up_at:
            with lock:
                result.unsent += 1
            return (-1, 0.0)  # counted; keep taking so every remaining one is counted too
        return i, start + offsets[i]

    def user():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (item := take()) is not None:
            i, due = item
            if i < 0:
                continue
            body = json.dumps(bodies(i), ensure_ascii=False).encode()
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    result.failures += 1
                    if len(result.errors) < 5:
                        result.errors.append(repr(exc))
                continue
            done = time.perf_counter()
            with lock:
                result.latencies.append(done - (due if offsets is not None else sent))
                result.service.append(done - sent)
                if offsets is not None and sent - due > LATE:
                    result.late += 1
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status != 201 and len(result.errors) < 5:
                    result.errors.append(f"{status}: {payload[:300].decode(errors='replace')}")
        conn.close()

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result
