"""A throwaway PostgreSQL primary and its streaming replica on 127.0.0.1, in a temporary folder: `initdb`,
`pg_ctl` and `pg_basebackup -R` from the Debian PostgreSQL binaries (`XF_PG_BIN`, default
/usr/lib/postgresql/15/bin). PostgreSQL refuses to run as root, so as root every command runs as the
`postgres` system user (`runuser`), which then owns the folder."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("XF_PG_BIN", "/usr/lib/postgresql/15/bin"))
PORTS = range(5440, 5450)  # this test's ports; nothing else of the suite listens there
DATABASE = "xf_replica"


def missing() -> str:
    """Why the clusters cannot be started here ("" when they can)."""
    for tool in ("initdb", "pg_ctl", "pg_basebackup", "postgres"):
        if not (PG_BIN / tool).exists():
            return f"PostgreSQL binaries not found in {PG_BIN} (set XF_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run initdb as"
        if not shutil.which("runuser"):
            return "running as root and runuser (util-linux) is missing"
    return ""


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_ports(count: int) -> list[int]:
    free = []
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        free.append(port)
        if len(free) == count:
            return free
    raise RuntimeError(f"no {count} free ports in {PORTS.start}–{PORTS.stop - 1}")


@dataclass
class Cluster:
    data: Path
    port: int
    log: Path

    def pg_ctl(self, *args: str) -> list[str]:
        return _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args])

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1"
        subprocess.run(self.pg_ctl("-l", str(self.log), "-o", options, "-w", "start"), check=True)

    def stop_command(self) -> list[str]:
        return self.pg_ctl("-m", "fast", "-w", "stop")

    def stop(self) -> None:
        subprocess.run(self.stop_command(), check=False, capture_output=True)

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def _run(command: list[str], **kwargs) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def start_pair() -> tuple[Cluster, Cluster]:
    """A primary with the test database, and a hot-standby replica streaming from it, in a new folder of
    their own under the system's temporary folder (pytest's is private to root, which the server is not);
    `remove` deletes it."""
    folder = Path(tempfile.mkdtemp(prefix="xf-replica-"))
    if os.geteuid() == 0:
        server = pwd.getpwnam("postgres")
        os.chown(folder, server.pw_uid, server.pw_gid)
    folder.chmod(0o700)
    primary_port, replica_port = _free_ports(2)
    primary = Cluster(folder / "primary", primary_port, folder / "primary.log")
    replica = Cluster(folder / "replica", replica_port, folder / "replica.log")
    # trust on 127.0.0.1 (replication included): a throwaway cluster that only this test reaches
    _run(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(primary.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
    )
    with (primary.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        # Speed over durability for a test; wal_level replica and max_wal_senders are the defaults.
        conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
    primary.start()
    _run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", DATABASE])
    _run(
        [
            str(PG_BIN / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(replica.data),
            "-R",  # standby.signal and primary_conninfo: it starts as a streaming replica
            "-X",
            "stream",
            "-c",
            "fast",
        ]
    )
    replica.start()
    _wait_for_recovery(replica)
    return primary, replica


def remove(*pair: Cluster) -> None:
    for cluster in pair:
        cluster.stop()
    shutil.rmtree(pair[0].data.parent, ignore_errors=True)


def _wait_for_recovery(replica: Cluster, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(replica.url(), connect_timeout=2) as conn:
                if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                    return
        except psycopg.OperationalError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the replica did not come up; see {replica.log}")
        time.sleep(0.2)
