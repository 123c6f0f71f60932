"""python -m bench.run --size N --db sqlite|postgres: build a throwaway database of N petitions, measure, report.

The database is bench/data/bench-N.sqlite3 or the PostgreSQL database xinfang_bench_N (XF_BENCH_PG, default
postgres://postgres@127.0.0.1:5432); it is dropped and rebuilt each run. The Markdown table goes to stdout
and to bench/results/<date>-<size>-<db>.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
RESULTS = REPO / "bench" / "results"
HELPDESK_MAX = 100_000


def configure(db: str, size: int, reuse: bool = False, tag: str = "", kind: str = "") -> str:
    """`tag` tells apart the files of another shape of the same size ("-province"); `kind` those of another
    bench with its own data (bench/assist.py: "assist")."""
    DATA.mkdir(parents=True, exist_ok=True)
    var = DATA / (f"var-{kind}-{db}-{size}{tag}" if kind else f"var-{db}-{size}{tag}")
    var.mkdir(exist_ok=True)
    os.environ["XF_DATA_DIR"] = str(var)
    os.environ["XF_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    os.environ.setdefault("XF_HUEY_IMMEDIATE", "0")
    # The measured clients log in with force_login and have no phone to answer the second factor; the gate
    # itself costs one session read per request, which the pages measured here pay anyway.
    os.environ.setdefault("XF_2FA_ENFORCED", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xinfang.settings"
    if db == "sqlite":
        path = DATA / f"{kind or 'bench'}-{size}{tag}.sqlite3"
        for suffix in ("", "-wal", "-shm") if not reuse else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ.pop("XF_DATABASE_URL", None)
        os.environ["XF_SQLITE_PATH"] = str(path)
        return str(path)
    import psycopg

    server = os.environ.get("XF_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    # Another name when several people bench on one server at once (XF_BENCH_PG_DB).
    name = os.environ.get("XF_BENCH_PG_DB") or (
        f"xf_{kind}_bench_{size}" if kind else f"xinfang_bench_{'prov_' if tag else ''}{size}"
    )
    if not reuse:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["XF_DATABASE_URL"] = f"{server}/{name}"
    return name


def table(rows: list[tuple], header: tuple) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _generate(args, generate, measure, log) -> list[tuple]:
    log(f"[bench] generating {args.size} petitions ({args.shape})")
    province = {"cities": args.cities, "counties": args.counties} if args.shape == "province" else None
    gen = generate.build(args.size, base_max=args.base, log=log, province=province)
    copied = gen.size - gen.base
    rows = [
        (
            f"Generate {gen.size:,} petitions: base {gen.base:,} (demo generator, search index, every history "
            "replayed through the workflow), the rest copied in SQL"
            + (f" into {gen.counties} counties by population" if province else ""),
            f"{gen.size / gen.seconds:,.0f} petitions/s overall ({gen.seconds:.0f} s: base {gen.base_seconds:.0f} s, "
            f"index {gen.index_seconds:.0f} s, histories {gen.history_seconds:.0f} s = "
            f"{gen.actions / max(gen.history_seconds, 1e-9):,.0f} workflow actions/s, copies {gen.copy_seconds:.0f} s)",
            "—",
            "—",
        )
    ]
    if copied:
        rows.append(
            (
                f"Bulk copy in SQL ({copied:,} petitions, {gen.rows_copied:,} rows in {len(generate.COPIED)} tables, indexes rebuilt)",
                f"{copied / gen.copy_seconds:,.0f} petitions/s ({gen.rows_copied / gen.copy_seconds:,.0f} rows/s)",
                "≥ 20,000/s",
                measure.verdict(copied / gen.copy_seconds, 20_000, higher_is_better=True),
            )
        )
    return rows


def _earlier_rows(db: str, size: int, suffix: str = "") -> list[tuple]:
    files = sorted(RESULTS.glob(f"*-{size}-{db}{suffix}.md"))
    if not files:
        return []
    rows = []
    for line in files[-1].read_text(encoding="utf-8").splitlines():
        if line.startswith(("| Generate", "| Bulk copy", "| django-helpdesk")):
            rows.append(tuple(cell.strip() for cell in line.strip("|").split(" | ")))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--base",
        type=int,
        default=4_000,
        help="petitions made by the demo generator and driven through their histories; the rest are copies",
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30, help="length of the HTTP intake load")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--rate", type=float, default=100.0, help="petitions/s offered in the open-loop intake"
    )
    parser.add_argument("--arrivals", choices=["even", "poisson"], default="even", help="open-loop arrivals")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated: storage,intake,lists,todo,search,rates,scan,import,helpdesk",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; no file in bench/results/")
    parser.add_argument(
        "--repeat", type=int, default=15, help="requests per list, to-do and search figure (rates: a third)"
    )
    parser.add_argument(
        "--import-lines",
        type=int,
        default=20_000,
        help="ledger lines imported without events (the histories imported are a 1/66 of it, at most 300)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database an earlier run built (after VACUUM ANALYZE); its generation and "
        "django-helpdesk rows are carried over from its results file",
    )
    parser.add_argument(
        "--shape",
        choices=["county", "province"],
        default=os.environ.get("SHAPE") or "county",
        help="county: the demo county copied (default); province: cities × counties, the province's "
        "figures (bench/province.py)",
    )
    parser.add_argument("--cities", type=int, default=10, help="province shape: cities")
    parser.add_argument("--counties", type=int, default=10, help="province shape: counties per city")
    args = parser.parse_args(argv)
    suffix = "-province" if args.shape == "province" else ""
    skip = {s for s in args.skip.split(",") if s}
    where = configure(args.db, args.size, args.reuse, suffix)
    sys.path.insert(0, str(REPO / "src"))

    import django

    django.setup()
    from django.core.management import call_command

    from xinfang import clock

    from . import generate, machine, measure, storage, todo

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    log(f"[bench] {args.db} {where}: migrating")
    call_command("migrate", verbosity=0, interactive=False)
    machine_rows = machine.describe(str(DATA))
    earlier = _earlier_rows(args.db, args.size, suffix) if args.reuse else []
    if args.reuse:
        generate.analyze()
        rows = [r for r in earlier if r[0].startswith(("Generate", "Bulk copy"))]
        skip.add("helpdesk")
    else:
        rows = _generate(args, generate, measure, log)
    notes = []
    if args.reuse:
        notes.append(
            "Measured on the database built by the earlier run (reused after VACUUM ANALYZE); the generation "
            "and django-helpdesk rows are that run's."
        )
    if "storage" not in skip:
        rows += storage.storage_rows()
    repeat = max(args.repeat, 1)
    sections = []
    if suffix:
        from . import province

        log("[bench] province figures")
        found, sections = province.report(repeat, log)
        rows += found
        skip |= {"lists", "todo", "search", "rates", "scan", "intake", "import", "helpdesk"}
    steps = [
        ("lists", lambda: measure.list_rows(repeat)),
        ("todo", lambda: todo.todo_rows(repeat)),
        ("search", lambda: measure.search_rows(repeat)),
        ("rates", lambda: measure.rates_rows(max(repeat // 3, 1))),
        ("scan", measure.scan_rows),
    ]
    for name, fn in steps:
        if name in skip:
            continue
        log(f"[bench] {name}")
        rows += fn()
    if "intake" not in skip:
        log("[bench] intake")
        intake, detail = measure.intake_rows(
            users=args.users,
            seconds=args.seconds,
            workers=args.workers,
            rate=args.rate,
            arrivals=args.arrivals,
        )
        rows += intake
        notes.append(f"Intake status codes: {detail['statuses']}; first errors: {detail['errors'] or 'none'}")
    if "import" not in skip:
        log("[bench] import")
        lines = max(args.import_lines, 1)
        rows += measure.import_rows(ledger=lines, histories=max(min(300, lines // 66), 1))
    if args.reuse:
        rows += [r for r in earlier if r[0].startswith("django-helpdesk")]
    elif "helpdesk" not in skip and args.size > HELPDESK_MAX:
        notes.append(
            f"django-helpdesk is compared up to {HELPDESK_MAX:,} tickets only: its API ticket list loads every "
            "ticket on each request (see the 100,000 results), so at this size one request takes many minutes."
        )
    elif "helpdesk" not in skip:
        log("[bench] helpdesk")
        from . import helpdesk

        try:
            rows += helpdesk.compare(
                args.size, args.db, users=args.users, seconds=args.seconds, workers=args.workers
            )
        except Exception as exc:  # the comparison must not cost xinfang's own figures
            rows.append(("django-helpdesk side by side", f"failed: {exc}", "—", "—"))
    total = time.perf_counter() - started
    machine_rows.append(("Load average at end", " ".join(f"{x:.1f}" for x in os.getloadavg())))
    body = "\n\n".join(
        [
            f"# xinfang bench: {args.size:,} petitions on {'PostgreSQL' if args.db == 'postgres' else 'SQLite'}"
            + (f", a province ({args.cities} cities × {args.counties} counties)" if suffix else ""),
            f"Run {clock.now().astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M} (Asia/Shanghai), {total / 60:.1f} min in all. "
            f"Command: `make bench SIZE={args.size} DB={args.db}{' SHAPE=province' if suffix else ''}`.",
            "## Machine\n\n" + table(machine_rows, ("", "")),
            "## Figures\n\n" + table(rows, ("Measure", "Figure", "Target", "Verdict")),
            *(["## Notes\n\n" + "\n".join(f"- {n}" for n in notes)] if notes else []),
            *(["## Plans of the two slowest measures\n\n" + "\n\n".join(sections)] if sections else []),
            "How the data is made and what the figures mean: bench/README.md; what they imply: docs/scaling.md.",
        ]
    )
    print(body)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"{clock.today():%Y-%m-%d}-{args.size}-{args.db}{suffix}.md"
        out.write_text(body + "\n", encoding="utf-8")
        log(f"[bench] written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
