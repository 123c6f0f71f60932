"""python -m bench.audit_chain --events N --db sqlite|postgres: how long `xinfang audit verify` takes.

A throwaway database (bench/data/audit-N.sqlite3, or the PostgreSQL database xinfang_bench_audit_N on
XF_BENCH_PG) is migrated and given N chained events through `audit.services.record_many` (5,000 a
transaction), shaped like registration's (changes of about a dozen fields, Chinese text, an address). Then
`verify` runs three times, and `export` and `check-archive` once each; the median of verify is the figure.
The Markdown goes to stdout and, unless --no-write, to bench/results/<date>-audit-verify-<N>-<db>.md.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

from bench.run import RESULTS, configure

CHUNK = 5000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_at_start = " ".join(f"{x:.1f}" for x in os.getloadavg())
    configure(args.db, args.events if args.db == "sqlite" else f"audit_{args.events}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from bench import machine
    from xinfang import clock
    from xinfang.audit import services, verification
    from xinfang.orgs.models import OrgUnit, User

    call_command("migrate", verbosity=0)
    from xinfang.demo.county import load_demo_county

    load_demo_county()
    unit = OrgUnit.objects.order_by("pk").first()
    actor = User.objects.create(username="bench-auditor", unit=unit, full_name="留痕压测")
    started = time.perf_counter()
    now = clock.now()
    for start in range(0, args.events, CHUNK):
        with transaction.atomic():
            services.record_many(
                [
                    services.build(
                        action="register",
                        target=actor,
                        actor=actor,
                        at=now,
                        ip_address="10.20.30.40",
                        to_status="registered",
                        reason="",
                        changes={
                            "summary": [None, f"反映征收补偿款未按协议发放问题（第 {n} 件）"],
                            "channel": [None, "visit"],
                            "category_id": [None, 17],
                            "person_count": [None, 1],
                            "received_at": [None, now.isoformat()],
                            "content": [
                                None,
                                "信访人反映其房屋于去年被征收，补偿协议约定的款项至今未足额到位。" * 3,
                            ],
                        },
                        data={"petitioner": n, "role": "petitioner"},
                    )
                    for n in range(start, min(start + CHUNK, args.events))
                ]
            )
    write_seconds = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        result = verification.verify()
        runs.append(time.perf_counter() - started)
        assert result.ok and result.checked == args.events, result
    out = io.StringIO()
    started = time.perf_counter()
    verification.export(out, since=None, until=None)
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    archived = verification.check_archive(io.StringIO(out.getvalue()), "archive", key=services.chain_key())
    check_seconds = time.perf_counter() - started
    assert archived.ok and archived.checked == args.events
    median = statistics.median(runs)
    rows = [
        (
            "write (record_many, 5,000 a transaction)",
            f"{write_seconds:.1f} s",
            f"{args.events / write_seconds:,.0f} events/s",
        ),
        ("`audit verify` (median of 3)", f"{median:.2f} s", f"{args.events / median:,.0f} events/s"),
        ("`audit export` (to memory)", f"{export_seconds:.2f} s", f"{len(out.getvalue()) / 1e6:.0f} MB"),
        ("`audit check-archive`", f"{check_seconds:.2f} s", f"{args.events / check_seconds:,.0f} events/s"),
    ]
    text = "\n".join(
        [
            f"# Audit chain: {args.events:,} events, {args.db}",
            "",
            f"`python -m bench.audit_chain --events {args.events} --db {args.db}` ({time.strftime('%Y-%m-%d', time.gmtime())})",
            "",
            "| step | time | rate |",
            "|---|---|---|",
            *(f"| {a} | {b} | {c} |" for a, b, c in rows),
            "",
            f"verify runs: {', '.join(f'{r:.2f} s' for r in runs)}",
            "",
            "| machine | |",
            "|---|---|",
            *(
                f"| {a} | {load_at_start if a == 'Load average at start' else b} |"
                for a, b in machine.describe(str(RESULTS))
            ),
            f"| Load average at end | {' '.join(f'{x:.1f}' for x in os.getloadavg())} |",
        ]
    )
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (
            RESULTS / f"{time.strftime('%Y-%m-%d', time.gmtime())}-audit-verify-{args.events}-{args.db}.md"
        ).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
