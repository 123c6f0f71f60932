"""python -m bench.province_pages: only the province's page measures (drill-down, board, search) on a province
bench database already built, without migrating or analysing it (a database other people read).

    XF_BENCH_PG_DB=xf_prov_mine .venv/bin/python -m bench.province_pages --repeat 15 [--only board,search]
        [--queries] [--profile board]

`--only` picks measures by key (drill, township, board, search); `--queries` prints the slowest queries of
one run of each; `--profile KEY` prints a cProfile of one run of that measure (cumulative time). The logins
write a session row, so point it at your own copy of the shared database (bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys

from .run import REPO, configure

KEYS = {
    "drill": "Drill-down: 应受理",
    "township": "Drill-down: the same figure",
    "board": "Supervision board",
    "search": "Full-text search",
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default=",".join(KEYS))
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--profile", default="")
    args = parser.parse_args(argv)
    configure("postgres", args.size, reuse=True, tag="-province")
    sys.path.insert(0, str(REPO / "src"))

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from . import province
    from .measure import timed

    wanted = [KEYS[k] for k in args.only.split(",") if k]
    chosen = [m for m in province.measures(args.repeat) if m.label.startswith(tuple(wanted))]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for m in chosen:
        m.times = timed(m.run, m.repeat)
        with CaptureQueriesContext(connection) as captured:
            m.result = m.run()
        m.queries = len(captured.captured_queries)
        m.db_seconds = sum(float(q["time"]) for q in captured.captured_queries)
        print(" | ".join(m.row()), flush=True)
        if args.queries:
            slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
            for q in slowest[:6]:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile:
        m = next(m for m in chosen if m.label.startswith(KEYS[args.profile]))
        profile = cProfile.Profile()
        profile.runcall(m.run)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
