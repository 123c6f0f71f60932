"""The benchmark runs end to end at a tiny size: data built (base + SQL copies), every measure printed, the
HTTP intake load loses nothing. No timing is asserted: the figures belong to bench/results/."""

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_runs_at_a_tiny_size_on_sqlite():
    env = {k: v for k, v in os.environ.items() if not k.startswith("XF_")}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--size",
            "240",
            "--base",
            "100",
            "--db",
            "sqlite",
            "--users",
            "4",
            "--seconds",
            "3",
            "--workers",
            "2",
            "--skip",
            "helpdesk",
            "--no-write",
            # Each figure once or twice and a small import: the smoke checks that every measure runs, not speed.
            "--repeat",
            "2",
            "--import-lines",
            "600",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    table = out.stdout
    assert "Generate 240 petitions" in table
    for measure in (
        "Storage per petition",
        "Workbench list with count",
        "Full-text search",
        "Three rates",
        "Deadline scan",
        "HTTP intake",
        "Import a ledger of 600 lines",
    ):
        assert measure in table
    integrity = re.search(r"(\d+) created, (\d+) rows added, lost (-?\d+); non-201 (\d+)", table)
    assert integrity, table
    created, added, lost, errors = map(int, integrity.groups())
    assert created > 0 and created == added and lost == 0 and errors == 0
