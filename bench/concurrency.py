"""SQLite under concurrent load, served the way `make run` serves (gunicorn, deploy/gunicorn.conf.py, DEBUG
off) or by Django's runserver (`make dev`), each on a fresh site in a temporary folder:

    .venv/bin/python -m bench.concurrency [--users 50] [--rounds 3] [--servers gunicorn runserver]

Each round starts `users` threads at once (a barrier); each registers a petition through the API and then
takes a workflow action on it (handle_self), so every request writes. Prints requests, errors and latency
per server and checks nothing was lost (a row per 201, numbers unique, audit events for each). Writes the
table to bench/results/<date>-concurrency.md. tests/deploy/test_concurrency.py runs one round of the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(data_dir: Path) -> dict[str, str]:
    """A site of its own: SQLite in `data_dir`, DEBUG off, whatever database the caller's shell names."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("XF_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env | {
        "XF_DATA_DIR": str(data_dir),
        "XF_DEBUG": "0",
        "XF_LOG_LEVEL": "WARNING",
        # Only the API is loaded: no collectstatic needed for it.
        "XF_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }


def prepare(env: dict[str, str]) -> str:
    """Migrate the empty site and add the small bureau; returns the registrar's API token."""
    manage = [PYTHON, "-m", "xinfang.manage"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, cwd=REPO, check=True)
    out = subprocess.run(
        [PYTHON, "-m", "tests.deploy.site_fixture"],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["token"]


def counts(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [PYTHON, "-m", "tests.deploy.site_counts"],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextmanager
def serve(kind: str, env: dict[str, str], log_path: Path):
    """gunicorn as `make run` starts it, or runserver (threaded, as `make dev`); yields the port."""
    port = free_port()
    if kind == "gunicorn":
        args = [GUNICORN, "--config", str(REPO / "deploy/gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
        args.append("xinfang.wsgi:application")
    else:
        args = [PYTHON, "-m", "xinfang.manage", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(args, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, server, log_path)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(port: int, server: subprocess.Popen, log_path: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server did not answer in {timeout:.0f} s")


def registration(i: int) -> dict:
    from xinfang.petitions.identity import make_id_number

    birth = dt.date(1950, 1, 1) + dt.timedelta(days=i * 37 % 18000)
    return {
        "channel": "letter",
        "source": "direct",
        "received_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat(),
        "petitioners": [
            {
                "name": f"并发{i}",
                "id_number": make_id_number("330102", birth, i),
                "phone": f"137{i:08d}",
                "address": f"上城区清波街道{i}号",
                "role": "principal",
            }
        ],
        "petition_class": "claim",
        "category": "城乡建设/征收拆迁",
        "issue_region": "330102001",
        "summary": f"反映房屋征收补偿标准过低（并发{i}）",
        "content": "本人房屋位于清波街道，征收补偿标准低于周边项目，请求依法重新评估。",
    }


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def failed(self) -> int:
        return self.requests - self.statuses.get("201", 0) - self.statuses.get("200", 0)


def _post(conn: http.client.HTTPConnection, token: str, path: str, body: dict, load: Load):
    started = time.perf_counter()
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        status, text = str(response.status), response.read().decode()
    except (OSError, http.client.HTTPException) as exc:
        status, text = type(exc).__name__, str(exc)
    elapsed = time.perf_counter() - started
    with load.lock:
        load.latencies.append(elapsed)
        load.statuses[status] = load.statuses.get(status, 0) + 1
        if status not in ("200", "201"):
            load.errors.append(f"{path} {status} {text[:300]}")
    return status, text


def fire(port: int, token: str, users: int, first: int = 1, load: Load | None = None) -> Load:
    """`users` threads released together: each registers petition `first + k`, then handles it itself."""
    load = load or Load()
    barrier = threading.Barrier(users)

    def user(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            barrier.wait()
            status, text = _post(conn, token, "/api/v1/petitions/", registration(first + k), load)
            if status != "201":
                return
            petition = json.loads(text)
            with load.lock:
                load.created.append(petition)
            action = {"track": "ordinary", "expected_version": petition["version"]}
            _post(conn, token, f"/api/v1/petitions/{petition['id']}/actions/handle_self/", action, load)
        finally:
            conn.close()

    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return load


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(kind: str, users: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"xf-concurrency-{kind}-") as tmp:
        env = site_env(Path(tmp))
        token = prepare(env)
        load = Load()
        with serve(kind, env, Path(tmp) / "server.log") as port:
            started = time.perf_counter()
            for number in range(rounds):
                fire(port, token, users, first=1 + number * users, load=load)
            seconds = time.perf_counter() - started
        after = counts(env)
        # The server's own account of a failure (the client sees only a problem body): the exception lines.
        server_errors = [
            line.strip()
            for line in (Path(tmp) / "server.log").read_text(errors="replace").splitlines()
            if "Error" in line or "locked" in line
        ][:5]
    numbers = [p["registration_number"] for p in after["petitions"]]
    return {
        "server": kind,
        "requests": load.requests,
        "errors": load.failed,
        "p50": percentile(load.latencies, 50),
        "p95": percentile(load.latencies, 95),
        "seconds": seconds,
        "rows": len(numbers),
        "unique": len(set(numbers)),
        "created": len(load.created),
        "events": after["events"],
        "first_errors": load.errors[:3],
        "server_errors": server_errors,
    }


def table(results: list[dict], users: int, rounds: int) -> str:
    lines = [
        f"{rounds} rounds × {users} users released together; each registers (API) and handles its petition",
        "(workflow action): 2 writes per user. SQLite (WAL, BEGIN IMMEDIATE, busy_timeout 30 s), DEBUG off.",
        "",
        "| server | requests | errors | p50 | p95 | wall time | petitions (unique numbers) | register / handle_self events |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['server']} | {r['requests']} | {r['errors']} | {r['p50'] * 1000:.0f} ms | {r['p95'] * 1000:.0f} ms"
            f" | {r['seconds']:.1f} s | {r['rows']} ({r['unique']}) | {r['events'].get('register', 0)} /"
            f" {r['events'].get('handle_self', 0)} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", nargs="+", default=["gunicorn", "runserver"])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    results = [run(kind, args.users, args.rounds) for kind in args.servers]
    text = table(results, args.users, args.rounds)
    load = os.getloadavg()
    text += f"\n\nMachine: {os.cpu_count()} cores, load average after {load[0]:.1f}; {dt.date.today()}.\n"
    for r in results:
        if r["first_errors"]:
            text += f"\n{r['server']} first errors: {r['first_errors']}\n"
        if r["server_errors"]:
            text += f"{r['server']} server log: {r['server_errors']}\n"
    print(text)
    out = REPO / "bench" / "results" / f"{dt.date.today()}-concurrency.md"
    out.write_text("# SQLite under concurrent load (bench/concurrency.py)\n\n" + text, encoding="utf-8")
    print(f"written to {out.relative_to(REPO)}")
    return 0 if all(r["errors"] == 0 and r["rows"] == r["created"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
