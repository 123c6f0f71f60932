"""The measurements, each returning rows of the results table: (measure, figure, target, verdict)."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.db.models import Count
from django.test import Client

from xinfang import clock
from xinfang.demo.data import county as county_data
from xinfang.orgs.models import User
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Petition, Petitioner
from xinfang.stats import rates
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period

from .load import run_load

REPO = Path(__file__).resolve().parent.parent
FIGURES: dict[str, float] = {}  # the headline numbers, for the side-by-side with django-helpdesk


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm caches and connections; not counted
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def verdict(value: float, target: float, *, higher_is_better: bool = False) -> str:
    ok = value >= target if higher_is_better else value <= target
    if ok:
        return "met"
    ratio = target / value if higher_is_better else value / target
    return f"**missed** ({ratio:.1f}× off)"


# --- lists and search ------------------------------------------------------------------------------------


def bureau_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username=county_data.REGISTRAR))
    return client


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} → {response.status_code}: {response.content[:300]!r}")


def list_rows(repeat: int = 15) -> list[tuple]:
    client = bureau_client()
    month_ago = (clock.today() - dt.timedelta(days=30)).isoformat()
    cases = [
        ("Workbench list with count, no filter", "/petitions/", 0.2),
        ("Workbench list with count, status=registered", "/petitions/?status=registered", 0.2),
        (
            "Workbench list with count, channel=online, last 30 days",
            f"/petitions/?channel=online&received_from={month_ago}",
            0.2,
        ),
        ("API list (cursor page of 50, no count)", "/api/v1/petitions/", 0.2),
        (
            "API list, status=registered&channel=visit",
            "/api/v1/petitions/?status=registered&channel=visit",
            0.2,
        ),
    ]
    rows = []
    for label, url, target in cases:
        times = timed(lambda url=url: _get(client, url), repeat)
        p95 = percentile(times, 95)
        FIGURES.setdefault("list_p50", statistics.median(times))
        FIGURES.setdefault("list_p95", p95)
        rows.append(
            (
                label,
                f"p50 {ms(statistics.median(times))}, p95 {ms(p95)}",
                f"≤ {ms(target)}",
                verdict(p95, target),
            )
        )
    return rows


def search_rows(repeat: int = 15) -> list[tuple]:
    client = bureau_client()
    rows = []
    for word in ("工资", "县住建局", "征收 补偿"):
        url = f"/petitions/?q={word}"
        times = timed(lambda url=url: _get(client, url), repeat)
        p95 = percentile(times, 95)
        rows.append(
            (
                f"Full-text search “{word}” (workbench list + count)",
                f"p50 {ms(statistics.median(times))}, p95 {ms(p95)}",
                "≤ 200 ms",
                verdict(p95, 0.2),
            )
        )
    url = "/api/v1/petitions/?q=工资"
    times = timed(lambda: _get(client, url), repeat)
    rows.append(
        (
            "Full-text search “工资” (API page)",
            f"p50 {ms(statistics.median(times))}, p95 {ms(percentile(times, 95))}",
            "≤ 200 ms",
            verdict(percentile(times, 95), 0.2),
        )
    )
    return rows + petitioner_search_rows(client, repeat)


def petitioner_cases() -> list[tuple[str, str]]:
    """What a clerk types when a petitioner calls, taken from the data: (label, text). The values are real
    rows' (decrypted here, never printed): the labels say what kind of text it is."""
    person = Petitioner.objects.exclude(id_number_digest=None).exclude(phone_digest="").order_by("pk").first()
    common = (
        Petitioner.objects.values("name")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("name", flat=True)
    ).first() or "张"
    number = Petition.objects.order_by("-received_at", "-id").values_list("registration_number", flat=True)[
        100
    ]
    serial = number.rsplit("-", 1)[-1]
    cases = [
        ("name, surname only (1 character)", common[:1]),
        ("name, first 2 characters", common[:2]),
        ("name, full", common),
        ("serial part of a registration number", serial),
        ("serial without leading zeros", serial.lstrip("0") or serial),
        ("partial word 征收拆 (prefix of 征收拆迁)", "征收拆"),
        ("prefix of one character 拆", "拆"),
    ]
    if person is not None:
        cases += [
            ("phone, exact (digest)", person.phone),
            ("phone, last 4 digits (尾号…)", f"尾号{person.phone[-4:]}"),
            ("ID number, exact (digest)", person.id_number),
        ]
    return cases


def petitioner_search_rows(client: Client, repeat: int = 15) -> list[tuple]:
    rows = []
    for label, text in petitioner_cases():
        for where, url in (("workbench list + count", "/petitions/"), ("API page", "/api/v1/petitions/")):
            query = urlencode({"q": text})
            times = timed(lambda url=url, query=query: _get(client, f"{url}?{query}"), repeat)
            p95 = percentile(times, 95)
            rows.append(
                (
                    f"Petitioner search: {label} ({where})",
                    f"p50 {ms(statistics.median(times))}, p95 {ms(p95)}",
                    "≤ 200 ms",
                    verdict(p95, 0.2),
                )
            )
    return rows


# --- statistics and the deadline scan -------------------------------------------------------------------


def last_full_month() -> Period:
    first = clock.today().replace(day=1) - dt.timedelta(days=1)
    return Period.month(first.year, first.month)


THREE_RATES = (rates.TIMELY_ACCEPTANCE, rates.ON_TIME_CONCLUSION, rates.SATISFACTION_UNIT)


def rates_rows(repeat: int = 5) -> list[tuple]:
    period = last_full_month()

    def three():
        ctx = Ctx.of(period)
        return [rates.rates_by_unit(d, ctx) for d in THREE_RATES]

    times = timed(three, repeat)
    result = three()
    units = len(set().union(*[r.keys() for r in result]))
    p95 = max(times)
    return [
        (
            f"Three rates (及时受理率, 按期办结率, 满意率) for every unit, {period.label}",
            f"median {ms(statistics.median(times))}, max {ms(p95)} ({units} units with rows)",
            "≤ 500 ms",
            verdict(p95, 0.5),
        )
    ]


def scan_rows() -> list[tuple]:
    from xinfang.supervision.scan import scan_deadlines

    started = time.perf_counter()
    first = scan_deadlines()
    first_s = time.perf_counter() - started
    times = []
    for _ in range(3):
        started = time.perf_counter()
        scan_deadlines()
        times.append(time.perf_counter() - started)
    steady = statistics.median(times)
    return [
        (
            "Deadline scan, first run (notifies every overdue deadline once)",
            f"{first_s:.2f} s ({first})",
            "—",
            "—",
        ),
        (
            "Deadline scan, steady state (median of 3 reruns)",
            f"{ms(steady)}",
            "≤ 200 ms",
            verdict(steady, 0.2),
        ),
    ]


# --- import ----------------------------------------------------------------------------------------------


def import_rows(ledger: int = 20_000, histories: int = 300) -> list[tuple]:
    """Two figures: (a) a ledger — exported petitions without their events, renamed copies up to ``ledger``
    lines, imported through the batched registration; (b) exported petitions with histories (events
    replayed through the workflow), as new ones. Both are imported into this database."""
    try:
        from xinfang.exchange.exporter import export_petitions  # noqa: F401
        from xinfang.exchange.importer import import_petitions
        from xinfang.workflow.transitions import TABLE
    except ImportError as exc:
        return [
            ("Import (exchange format)", f"not measured: importer not importable ({exc})", "≥ 10,000/s", "—")
        ]
    from xinfang.audit.models import Event

    stamp = int(time.time())
    rows = []

    # (a) the ledger: lines without events, registered in batches (register_many).
    source = _export_lines(list(Petition.objects.order_by("-pk").values_list("pk", flat=True)[:2000]))
    if source is None:
        return [("Import (exchange format)", "not measured: no exporter API found", "≥ 10,000/s", "—")]
    records = []
    for record in map(json.loads, source):
        record.pop("events", None)
        record.pop("repeat_of", None)  # the copies stand alone
        records.append(record)
    lines = []
    for i in range(ledger):
        record = dict(records[i % len(records)], external_id=f"LEDGER-{stamp}-{i}")
        record.pop("registration_number", None)
        lines.append(json.dumps(record, ensure_ascii=False))
    rows.append(
        _timed_import(
            import_petitions, lines, f"Import a ledger of {ledger:,} lines without events (batched)"
        )
    )

    # (b) histories: petitions whose events the importer replays through the workflow, one line at a time.
    # The oldest of the base (lowest keys): histories the workflow itself wrote, a year old, so complete.
    ids = list(
        Event.objects.filter(action__in=list(TABLE), petition__isnull=False)
        .values_list("petition_id", flat=True)
        .distinct()
        .order_by("petition_id")[:histories]
    )
    if not ids:
        rows.append(
            (
                "Import with histories (replayed)",
                "not measured: no petition here has events",
                "≥ 10,000/s",
                "—",
            )
        )
        return rows
    lines = []
    for i, line in enumerate(_export_lines(ids) or []):
        record = json.loads(line)
        record["external_id"] = f"BENCH-{stamp}-{i}"  # repeat_of still names the original, which is here
        lines.append(json.dumps(record, ensure_ascii=False))
    events = sum(len(json.loads(line).get("events") or []) for line in lines)
    rows.append(
        _timed_import(
            import_petitions,
            lines,
            f"Import {len(lines)} exported petitions with histories ({events / max(len(lines), 1):.1f} events each, replayed)",
        )
    )
    return rows


def _timed_import(import_petitions, lines: list[str], label: str) -> tuple:
    before = Petition.objects.count()
    started = time.perf_counter()
    result = import_petitions(lines)
    seconds = time.perf_counter() - started
    imported = Petition.objects.count() - before
    rate = imported / seconds if seconds else 0
    return (
        label,
        f"{rate:,.0f} petitions/s ({imported:,} imported, {len(result.rejected)} rejected, {seconds:.1f} s)",
        "≥ 10,000/s",
        verdict(rate, 10_000, higher_is_better=True),
    )


def _export_lines(ids: list[int]) -> list[str] | None:
    from xinfang.exchange import exporter

    for name in ("export_lines", "export_petitions", "lines"):
        fn = getattr(exporter, name, None)
        if fn is None:
            continue
        try:
            out = fn(Petition.objects.filter(pk__in=ids))
        except TypeError:
            continue
        lines = []
        for item in out:
            lines.append(item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
        return [line.strip() for line in lines if line.strip()]
    return None


# --- HTTP intake -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BENCH_ID_REGION = "419901"  # no demo petitioner has it: bench people never collide with the generated ones


def registration_body(i: int, stamp: int) -> dict:
    """Registration `i` of the run `stamp`: a different person each time within a run. Across runs the same
    person may come back, always under the same name and phone (derived from the ID number), so a rerun on
    the same database is never refused for "ID number on file under another name"."""
    person = (stamp * 1_000_003 + i) % 18_000_000
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=person % 18000)
    return {
        "channel": "letter",
        "received_at": clock.now().isoformat(),
        "petitioners": [
            {
                "name": f"压测{person}",
                "id_number": make_id_number(BENCH_ID_REGION, birth, person // 18000),
                "phone": f"139{person:08d}",
                "role": "principal",
            }
        ],
        "petition_class": "claim",
        "category": "劳动和社会保障",
        "issue_region": "411331001",
        "summary": f"反映某建筑公司拖欠农民工工资（压测{i}）",
        "content": "本人在县城某工地务工八个月，工程完工后包工头以开发商未结算为由拖欠工资三万余元，请求帮助追讨。",
    }


class CpuMeter:
    """CPU seconds spent by the gunicorn master and workers and by this database's PostgreSQL backends,
    sampled twice a second from /proc. On a machine other work shares, CPU per request says more than a
    rate: it is what a request costs, whatever else runs."""

    def __init__(self, master_pid: int):
        import threading

        from django.db import connection

        self.master = master_pid
        self.connection = connection
        self.tick = os.sysconf("SC_CLK_TCK")
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _stat(pid: int) -> list[str] | None:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                return handle.read().rsplit(")", 1)[1].split()
        except OSError:
            return None

    def _sample(self, backends: list[int]) -> None:
        try:
            with open(f"/proc/{self.master}/task/{self.master}/children") as handle:
                workers = [int(pid) for pid in handle.read().split()]
        except OSError:
            workers = []
        pids = [("app", self.master)] + [("app", pid) for pid in workers] + [("db", pid) for pid in backends]
        for kind, pid in pids:
            fields = self._stat(pid)
            if fields is None:
                continue
            # utime + stime (fields 14 and 15 of stat). A recycled worker is counted up to its last sample,
            # and a new one from its first: up to half a second each is missed (an underestimate).
            used = int(fields[11]) + int(fields[12])
            key = (kind, pid)
            self.first.setdefault(key, used / self.tick)
            self.last[key] = used / self.tick

    def _backends(self) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cursor.fetchall()]

    def _run(self) -> None:
        from django.db import connections

        try:
            while not self.stop.wait(0.5):
                self._sample(self._backends() if self.connection.vendor == "postgresql" else [])
        finally:
            connections.close_all()

    def __enter__(self):
        self.client = time.process_time()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.client = time.process_time() - self.client

    def seconds(self, kind: str) -> float:
        return sum(self.last[key] - self.first[key] for key in self.last if key[0] == kind)


DEFAULT_RATE = 100.0  # petitions/s offered in the open-loop run (the target of issue 6)


def intake_rows(
    *,
    users: int = 50,
    seconds: float = 30,
    workers: int = 3,
    rate: float = DEFAULT_RATE,
    arrivals: str = "even",
    worker_class: str = "sync",
    threads: int = 1,
) -> tuple[list[tuple], dict]:
    """gunicorn with the deployment's configuration (deploy/gunicorn.conf.py; `workers`, `worker_class`
    and `threads` override it), then two runs with `users` keep-alive connections: a closed loop (saturation
    throughput) and an open loop at `rate` per second (latency from the scheduled time). The petitions are
    counted before and after both: every 201 must be a row."""
    from xinfang.api import tokens

    user = User.objects.get(username=county_data.REGISTRAR)
    _, key = tokens.issue(user, name="bench")
    port = free_port()
    env = os.environ | {
        "XF_LOG_LEVEL": "WARNING",
        "XF_WEB_BIND": f"127.0.0.1:{port}",
        "XF_WEB_WORKERS": str(workers),
        "XF_WEB_WORKER_CLASS": worker_class,
        "XF_WEB_THREADS": str(threads),
    }
    log_path = Path(os.environ.get("XF_DATA_DIR", tempfile.gettempdir())) / "gunicorn-intake.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(REPO / ".venv/bin/gunicorn"),
                "-c",
                str(REPO / "deploy/gunicorn.conf.py"),
                "--backlog",
                "256",
                "xinfang.wsgi",
            ],
            cwd=REPO / "src",
            env=env,
            stdout=log,
            stderr=log,
        )
    try:
        _wait_for(port)
        stamp = int(time.time()) % 100_000
        # Warm-up, not counted: each worker's first requests load jieba's dictionary and fill caches.
        run_load(port, key, lambda i: registration_body(10**7 + i, stamp), users=workers * 2, seconds=6)
        before = Petition.objects.count()
        with CpuMeter(server.pid) as closed_cpu:
            closed = run_load(port, key, lambda i: registration_body(i, stamp), users=users, seconds=seconds)
        time.sleep(1)
        with CpuMeter(server.pid) as open_cpu:
            opened = run_load(
                port,
                key,
                lambda i: registration_body(10**6 + i, stamp),
                users=users,
                seconds=seconds,
                rate=rate,
                arrivals=arrivals,
                drain=min(10.0, seconds),
            )
        time.sleep(0.5)
        after = Petition.objects.count()
    finally:
        server.terminate()
        server.wait(timeout=30)
    closed_rate = closed.created / closed.seconds if closed.seconds else 0
    closed_p95 = percentile(closed.latencies, 95)
    open_rate = opened.created / opened.seconds if opened.seconds else 0
    open_p50, open_p95, open_p99 = (percentile(opened.latencies, p) for p in (50, 95, 99))
    FIGURES.update(intake_rate=closed_rate, intake_p95=closed_p95, intake_open_p95=open_p95)
    created = closed.created + opened.created
    non_201 = closed.non_201 + opened.non_201
    lost = created - (after - before)
    server_desc = f"gunicorn {workers} {worker_class} workers" + (
        f" × {threads} threads" if threads > 1 else ""
    )
    kept_up = opened.unsent == 0 and open_rate >= 0.97 * rate
    rows = [
        (
            f"HTTP intake, closed loop: {users} users without think time, {server_desc}, {closed.seconds:.0f} s",
            f"{closed_rate:.0f} petitions/s (saturation); p50 {ms(percentile(closed.latencies, 50))}, "
            f"p95 {ms(closed_p95)} (queueing: {users} in flight / {closed_rate:.0f}/s ≈ "
            f"{ms(users / closed_rate) if closed_rate else '—'})",
            "≥ 100/s",
            verdict(closed_rate, 100, higher_is_better=True),
        ),
        (
            f"HTTP intake, open loop: {rate:.0f}/s offered ({arrivals} arrivals), {users} connections, {seconds:.0f} s",
            f"{open_rate:.0f} petitions/s answered; from the scheduled time p50 {ms(open_p50)}, p95 {ms(open_p95)}, "
            f"p99 {ms(open_p99)}; server time p50 {ms(percentile(opened.service, 50))}; "
            f"{opened.late} sent late (every connection busy), {opened.unsent} never sent",
            f"{rate:.0f}/s kept up, p95 ≤ 300 ms",
            "met"
            if kept_up and open_p95 <= 0.3
            else f"**missed** ({open_rate / rate:.2f}× rate, p95 {open_p95 / 0.3:.1f}× target)",
        ),
        *(
            _cpu_row(label, meter, run)
            for label, meter, run in (("closed loop", closed_cpu, closed), ("open loop", open_cpu, opened))
        ),
        (
            "Intake integrity: 201s vs rows added; errors",
            f"{created} created, {after - before} rows added, lost {lost}; non-201 {non_201}",
            "0 lost, 0 errors",
            "met" if lost == 0 and non_201 == 0 else "**missed**",
        ),
    ]
    statuses = {"closed": closed.statuses, "open": opened.statuses}
    detail = {"statuses": statuses, "errors": (closed.errors + opened.errors)[:5]}
    return rows, detail


def _cpu_row(label: str, meter: CpuMeter, run) -> tuple:
    answered = max(run.answered, 1)
    app, db = meter.seconds("app") / answered, meter.seconds("db") / answered
    cores = len(os.sched_getaffinity(0))
    return (
        f"CPU per request, {label} (gunicorn master + workers; PostgreSQL backends; the load client)",
        f"{app * 1000:.1f} ms + {db * 1000:.1f} ms + {meter.client / answered * 1000:.1f} ms; the server alone "
        f"could answer ≤ {cores / (app + db) if app + db else float('inf'):.0f}/s on {cores} idle cores",
        "—",
        "—",
    )


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    print("gunicorn did not start", file=sys.stderr)
    raise RuntimeError("gunicorn did not start")
