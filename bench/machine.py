"""The machine and software a result was measured on."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import django
from django.db import connection


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _disk(path: str) -> str:
    try:
        source = subprocess.run(
            ["df", "--output=source,fstype", path], capture_output=True, text=True, check=True
        ).stdout.splitlines()[-1]
    except (OSError, subprocess.CalledProcessError):
        source = "?"
    free = shutil.disk_usage(path).free / 1024**3
    return f"{' '.join(source.split())}, {free:.0f} GiB free"


def describe(path: str) -> list[tuple[str, str]]:
    rows = [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} cores"),
        ("RAM", _ram_gib()),
        ("Disk", _disk(path)),
        ("Load average at start", " ".join(f"{x:.1f}" for x in os.getloadavg())),
        ("OS", platform.platform()),
        ("Python", sys.version.split()[0]),
        ("Django", django.get_version()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            rows.append(("PostgreSQL", cursor.fetchone()[0]))
    return rows
