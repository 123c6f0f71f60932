"""The HTTP intake measure alone, on a database an earlier `python -m bench.run --size N` built:

    .venv/bin/python -m bench.intake --size 30000 --db postgres [--workers 3] [--worker-class sync]
        [--threads 1] [--users 50] [--seconds 30] [--rate 100] [--arrivals even|poisson]

Prints the rows `bench.run` would (closed-loop saturation, open loop at --rate, integrity) and the load
average; writes nothing. For comparing gunicorn settings without rebuilding the database each time.
"""

from __future__ import annotations

import argparse
import os
import sys

from .run import REPO, configure, table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--arrivals", choices=["even", "poisson"], default="even")
    args = parser.parse_args(argv)
    configure(args.db, args.size, reuse=True)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from . import measure

    before = os.getloadavg()
    rows, detail = measure.intake_rows(
        users=args.users,
        seconds=args.seconds,
        workers=args.workers,
        rate=args.rate,
        arrivals=args.arrivals,
        worker_class=args.worker_class,
        threads=args.threads,
    )
    print(table(rows, ("Measure", "Figure", "Target", "Verdict")))
    print(f"\nstatuses {detail['statuses']}; first errors: {detail['errors'] or 'none'}")
    print(f"load average before {before}, after {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
