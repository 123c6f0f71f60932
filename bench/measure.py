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

from django.test import Client

from xinfang import clock
from xinfang.demo.data import county as county_data
from xinfang.orgs.models import User
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Petition
from xinfang.stats import metrics
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
    return rows


# --- statistics and the deadline scan -------------------------------------------------------------------


def last_full_month() -> Period:
    first = clock.today().replace(day=1) - dt.timedelta(days=1)
    return Period.month(first.year, first.month)


THREE_RATES = (metrics.TIMELY_ACCEPTANCE, metrics.ON_TIME_CONCLUSION, metrics.SATISFACTION_UNIT)


def rates_rows(repeat: int = 5) -> list[tuple]:
    period = last_full_month()

    def three():
        ctx = Ctx.of(period)
        return [metrics.rates_by_unit(d, ctx) for d in THREE_RATES]

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


def import_rows(count: int = 300) -> list[tuple]:
    """Export `count` petitions, then import them as new ones (external ids changed) into this database."""
    try:
        from xinfang.exchange.exporter import export_petitions  # noqa: F401
        from xinfang.exchange.importer import import_petitions
    except ImportError as exc:
        return [
            ("Import (exchange format)", f"not measured: importer not importable ({exc})", "≥ 10,000/s", "—")
        ]
    with tempfile.NamedTemporaryFile("w+", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        path = handle.name
    ids = list(Petition.objects.order_by("-pk").values_list("pk", flat=True)[:count])
    lines = _export_lines(ids)
    if lines is None:
        return [("Import (exchange format)", "not measured: no exporter API found", "≥ 10,000/s", "—")]
    stamp = int(time.time())
    rewritten = []
    for i, line in enumerate(lines):
        record = json.loads(line)
        record["external_id"] = f"BENCH-{stamp}-{i}"
        rewritten.append(json.dumps(record, ensure_ascii=False))
    Path(path).write_text("\n".join(rewritten) + "\n", encoding="utf-8")
    before = Petition.objects.count()
    started = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        result = import_petitions(handle)
    seconds = time.perf_counter() - started
    imported = Petition.objects.count() - before
    rate = imported / seconds if seconds else 0
    return [
        (
            f"Import {len(rewritten)} exported petitions with histories (replayed)",
            f"{rate:.0f} petitions/s ({imported} imported, {len(result.rejected)} rejected, {seconds:.1f} s)",
            "≥ 10,000/s",
            verdict(rate, 10_000, higher_is_better=True),
        )
    ]


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


def registration_body(i: int, stamp: int) -> dict:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=(stamp * 7 + i * 37) % 18000)
    return {
        "channel": "letter",
        "received_at": clock.now().isoformat(),
        "petitioners": [
            {
                "name": f"压测{i % 1000}",
                "id_number": make_id_number("411331", birth, (stamp + i) % 1000),
                "phone": f"139{(stamp + i) % 100_000_000:08d}",
                "role": "principal",
            }
        ],
        "petition_class": "claim",
        "category": "劳动和社会保障",
        "issue_region": "411331001",
        "summary": f"反映某建筑公司拖欠农民工工资（压测{i}）",
        "content": "本人在县城某工地务工八个月，工程完工后包工头以开发商未结算为由拖欠工资三万余元，请求帮助追讨。",
    }


def intake_rows(*, users: int = 50, seconds: float = 30, workers: int = 3) -> tuple[list[tuple], dict]:
    from rest_framework.authtoken.models import Token

    user = User.objects.get(username=county_data.REGISTRAR)
    token, _ = Token.objects.get_or_create(user=user)
    port = free_port()
    env = os.environ | {"XF_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            str(REPO / ".venv/bin/gunicorn"),
            "xinfang.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "256",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=REPO / "src",
        env=env,
    )
    try:
        _wait_for(port)
        stamp = int(time.time()) % 100_000
        # Warm-up, not counted: each worker's first requests load jieba's dictionary and fill caches.
        run_load(port, token.key, lambda i: registration_body(10**6 + i, stamp), users=workers * 2, seconds=6)
        before = Petition.objects.count()
        result = run_load(
            port, token.key, lambda i: registration_body(i, stamp), users=users, seconds=seconds
        )
        time.sleep(0.5)
        after = Petition.objects.count()
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = result.created
    rate = created / result.seconds if result.seconds else 0
    p95 = percentile(result.latencies, 95)
    FIGURES.update(intake_rate=rate, intake_p95=p95)
    non_201 = sum(v for k, v in result.statuses.items() if k != 201) + len(
        [e for e in result.errors if not e[:3].isdigit()]
    )
    lost = created - (after - before)
    rows = [
        (
            f"HTTP intake, {users} concurrent users, gunicorn {workers} sync workers, {result.seconds:.0f} s",
            f"{rate:.0f} petitions/s, p50 {ms(statistics.median(result.latencies) if result.latencies else 0)}, p95 {ms(p95)}",
            "≥ 100/s, p95 ≤ 300 ms",
            "met"
            if rate >= 100 and p95 <= 0.3
            else f"**missed** ({rate / 100:.2f}× rate, p95 {p95 / 0.3:.1f}× target)",
        ),
        (
            "Intake integrity: 201s vs rows added; errors",
            f"{created} created, {after - before} rows added, lost {lost}; non-201 {non_201}",
            "0 lost, 0 errors",
            "met" if lost == 0 and non_201 == 0 else "**missed**",
        ),
    ]
    detail = {"statuses": result.statuses, "errors": result.errors[:5]}
    return rows, detail


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
