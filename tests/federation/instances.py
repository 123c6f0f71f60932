"""Three real instances on 127.0.0.1 (province, city, county), each its own processes and SQLite database:
a gunicorn server, a delivery worker (``xinfang federation deliver --loop``) and a driver (driver.py) the
test or the demo sends its steps to. Used by test_three_instances.py and ``make federation-demo``.

Migrating a database takes about half a minute, so one migrated data directory is kept per set of
migrations (under the system's temporary directory) and copied for each instance. The copies share the
template's field and audit keys: harmless for a test, never how instances are deployed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CODES = {"province": "330000-XFJ", "city": "330100-XFJ", "county": "330102-XFJ"}
# Who talks to whom: the province with the city, the city with the county.
NEIGHBOURS = {"province": ["city"], "city": ["province", "county"], "county": ["city"]}


# XF_FEDERATION_TEST_PG=postgres://postgres@127.0.0.1:5432 runs each instance on a PostgreSQL database of its
# own (xf_federation_<name>, made from a migrated template database) instead of SQLite.
PG = os.environ.get("XF_FEDERATION_TEST_PG", "").rstrip("/")


def _env(data_dir: Path, database: str = "") -> dict:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{ROOT / 'src'}:{ROOT}",
        XF_DATA_DIR=str(data_dir),
        XF_DEBUG="0",
        XF_2FA_ENFORCED="0",
        XF_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        XF_FEDERATION_BACKOFF_SECONDS="1",
        XF_HUEY_IMMEDIATE="0",
        DJANGO_SETTINGS_MODULE="xinfang.settings",
    )
    env.pop("XF_DATABASE_URL", None)
    if database:
        env["XF_DATABASE_URL"] = f"{PG}/{database}"
    return env


def _digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src").glob("xinfang/*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _pg(sql: str, database: str = "postgres") -> None:
    import psycopg  # noqa: PLC0415 -- only the PostgreSQL variant needs it

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        connection.execute(sql)


def _pg_template() -> str:
    return f"xf_federation_tpl_{_digest()}"


def template() -> Path:
    """A migrated data directory for the current migrations, made once (with PostgreSQL: its keys, and a
    migrated template database)."""
    suffix = "-pg" if PG else ""
    target = Path(tempfile.gettempdir()) / f"xf-federation-template-{_digest()}{suffix}"
    if not (target / "ready").exists():
        building = target.with_name(target.name + f".{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        database = ""
        if PG:
            database = _pg_template()
            _pg(f"DROP DATABASE IF EXISTS {database}")
            _pg(f"CREATE DATABASE {database}")
        migrate = [BIN / "xinfang", "migrate", "--no-input", "-v0"]
        subprocess.run(migrate, env=_env(building, database), check=True)
        (building / "ready").write_text("migrated\n")
        shutil.rmtree(building / "cache", ignore_errors=True)
        if target.exists() and not (target / "ready").exists():  # a half-made one from an interrupted run
            shutil.rmtree(target, ignore_errors=True)
        try:
            building.rename(target)
        except OSError:  # another run made it first
            shutil.rmtree(building, ignore_errors=True)
    return target


def secret(a: str, b: str) -> str:
    return hashlib.sha256(f"federation-test-{a}>{b}".encode()).hexdigest()


class Instance:
    def __init__(self, name: str, port: int, base: Path, ports: dict[str, int], log=None):
        self.name, self.port, self.ports = name, port, ports
        self.dir = base / name
        self.url = f"http://127.0.0.1:{port}/"
        self.database = f"xf_federation_{name}" if PG else ""
        self.env = _env(self.dir, self.database)
        self.log = log
        self.server = self.worker = self.driver = None

    # --- processes ---------------------------------------------------------------------------------------

    def prepare(self) -> None:
        shutil.copytree(template(), self.dir)
        if self.database:
            _pg(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            _pg(f"CREATE DATABASE {self.database} TEMPLATE {_pg_template()}")
        self.start_driver()

    def set_up(self) -> None:
        peers = [
            {
                "name": other,
                "base_url": f"http://127.0.0.1:{self.ports[other]}/",
                "unit_codes": [CODES[other]],
                "outbound_key_id": f"{self.name}>{other}",
                "outbound_secret": secret(self.name, other),
                "inbound_key_id": f"{other}>{self.name}",
                "inbound_secret": secret(other, self.name),
            }
            for other in NEIGHBOURS[self.name]
        ]
        self.call("setup", role=self.name, peers=peers)

    def _out(self, what: str):
        return open(self.dir / f"{what}.log", "ab")

    def start_driver(self) -> None:
        self.driver = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "federation" / "driver.py")],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._out("driver"),
            text=True,
            bufsize=1,
        )

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--graceful-timeout",
                "2",
                "xinfang.wsgi:application",
            ],
            env=self.env,
            stdout=self._out("server"),
            stderr=subprocess.STDOUT,
        )

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [BIN / "xinfang", "federation", "deliver", "--loop", "0.3"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._out("worker"),
        )

    def start(self) -> None:
        self.start_server()
        self.start_worker()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start: see {self.dir}/server.log")

    def kill(self, *which: str, sig=signal.SIGTERM) -> None:
        for name in which or ("server", "worker"):
            process = getattr(self, name)
            if process is not None and process.poll() is None:
                process.send_signal(sig)
                process.wait(timeout=20)
            setattr(self, name, None)

    def stop(self) -> None:
        if self.driver is not None and self.driver.poll() is None:
            self.driver.stdin.close()
            self.driver.wait(timeout=20)
        self.driver = None
        self.kill("server", "worker")

    # --- steps -------------------------------------------------------------------------------------------

    def call(self, cmd: str, **args):
        self.driver.stdin.write(json.dumps({"cmd": cmd, **args}, ensure_ascii=False) + "\n")
        self.driver.stdin.flush()
        line = self.driver.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name}'s driver died: see {self.dir}/driver.log")
        answer = json.loads(line)
        if not answer["ok"]:
            raise AssertionError(f"{self.name} {cmd} {args}: {answer['error']}\n{answer.get('trace', '')}")
        if self.log:
            self.log(f"[{self.name} {self.url}] {cmd} {args.get('action', '')}".rstrip())
        return answer["result"]

    def wait(self, ref: str, check, timeout: float = 30, what: str = ""):
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self._quiet("state", ref=ref)
            if state.get("exists") and check(state):
                return state
            time.sleep(0.2)
        raise AssertionError(f"{self.name}: waited for {what or check} on {ref}; last state {state}")

    def stats(self, region: str, day: str) -> dict:
        return self._quiet("stats", region=region, day=day)

    def _quiet(self, cmd, **args):
        log, self.log = self.log, None
        try:
            return self.call(cmd, **args)
        finally:
            self.log = log


def start_all(
    base: Path, ports: dict[str, int], log=None, names=("province", "city", "county")
) -> dict[str, Instance]:
    instances = {name: Instance(name, ports[name], base, ports, log) for name in names}
    # Every process starts at once (each spends seconds importing Django); the peers are registered before
    # anything is sent, and the workers read them afresh on each run.
    for one in instances.values():
        one.prepare()
    for one in instances.values():
        one.start()
    for one in instances.values():
        one.set_up()
    for one in instances.values():
        one.wait_ready()
    return instances


def stop_all(instances: dict[str, Instance]) -> None:
    for one in instances.values():
        with contextlib.suppress(Exception):  # stopping the rest matters more than this one's error
            one.stop()
