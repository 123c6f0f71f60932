"""python -m bench.assist --size N --db sqlite|postgres [--lookups 300]: the intake assistance's speed.

Builds its own throwaway database (bench/data/assist-N.sqlite3, or `xf_assist_bench_N` on XF_BENCH_PG),
migrates it and registers N demo petitions through the demo generator (so through `register_many` and the
after-insert hook that writes the signatures and LSH bands). Each petition then gets one transfer `Routing` to
the unit of its issue region's township (else its category's route, else the county housing bureau): synthetic
labels, enough to time the unit model — its accuracy here says nothing (and the demo generator writes its
texts from its own templates, so the category accuracy is not evidence either).

Measured: registration with signatures (petitions a second), `training.train()` on all N, one suggestion
(`suggest_many` of one item, the registration form's call), one similar-text lookup (`similar.similar` within a
county registrar's `visible_to`, a sampled petition's text with every seventh character dropped), median and
p95 over `--lookups` calls after a warm-up. Prints a Markdown table; with --write, into
bench/results/<date>-assist.md (appended).

`--on-bench`: the same measures on the database `python -m bench.run --size N --db …` built (XF_BENCH_PG_DB
names another), without building one: its labels are the replayed histories' routings, and its SQL copies
carry each base petition's signature and bands, so a text's buckets hold its copies too (the lookup reads at
most a fixed number of petitions a band, so this is the harder case for its speed).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

from bench.run import REPO, configure


def _routings() -> int:
    from django.db import transaction

    from xinfang.orgs.models import OrgUnit
    from xinfang.petitions.models import CategoryRoute, Petition
    from xinfang.workflow.models import Routing, RoutingAction

    by_region = {u.region.code: u for u in OrgUnit.objects.select_related("region") if u.kind == "township"}
    routes = dict(CategoryRoute.objects.values_list("category_id", "unit_id"))
    fallback = (
        OrgUnit.objects.filter(code__endswith="-ZJJ").first()
        or OrgUnit.objects.exclude(kind="bureau").first()
    )
    rows = []
    for pk, region, category, unit, at in Petition.objects.values_list(
        "pk", "issue_region_code", "category_id", "receiving_unit_id", "received_at"
    ):
        township = by_region.get(region[:9])
        to_unit = township.pk if township else routes.get(category, fallback.pk)
        rows.append(
            Routing(
                petition_id=pk,
                action=RoutingAction.TRANSFER,
                from_unit_id=unit,
                to_unit_id=to_unit,
                sent_at=at,
            )
        )
    with transaction.atomic():
        Routing.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _timed(calls, repeat: int) -> tuple[float, float]:
    calls[0]()  # warm-up: the model file, the connection, the caches
    times = []
    for call in calls[1 : repeat + 1]:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure the database an earlier run built")
    parser.add_argument(
        "--on-bench",
        action="store_true",
        help="measure the database `python -m bench.run --size N` built (its histories' routings are the "
        "labels; its copies carry the signatures and bands) instead of building one",
    )
    args = parser.parse_args(argv)
    args.reuse = args.reuse or args.on_bench
    sys.path.insert(0, str(REPO / "src"))
    configure(args.db, args.size, args.reuse, kind="" if args.on_bench else "assist")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from xinfang.assist import training
    from xinfang.assist.models import SignatureBand
    from xinfang.assist.similar import similar
    from xinfang.assist.suggestions import suggest_many
    from xinfang.demo.generator import generate
    from xinfang.orgs.models import Role, User
    from xinfang.petitions.models import Petition
    from xinfang.petitions.selectors import visible_to

    call_command("migrate", verbosity=0)
    register_s = routed = None
    if not args.reuse:
        with open(os.devnull, "w") as quiet:
            call_command("demo", "--cases", "0", stdout=quiet)  # the demo county, its units and users
        started = time.perf_counter()
        generate(args.size, 20261207)
        register_s = time.perf_counter() - started
        routed = _routings()
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would after a bulk load (not counted)
        cursor.execute("ANALYZE")
    settings.XF_SUGGEST_MIN_LABELLED = 200
    started = time.perf_counter()
    record = training.train()
    train_s = time.perf_counter() - started
    rng = random.Random(7)
    ids = list(Petition.objects.values_list("pk", flat=True))
    sample = list(
        Petition.objects.filter(pk__in=rng.sample(ids, min(len(ids), args.lookups + 1))).values_list(
            "summary", "content", "issue_region_code"
        )
    )
    rng.shuffle(sample)
    registrar = next(u for u in User.objects.filter(unit__kind="bureau") if u.has_role(Role.REGISTRAR))
    scope = visible_to(registrar)

    def blur(text: str) -> str:
        return "".join(ch for i, ch in enumerate(text) if i % 7 != 3)

    suggest_calls = [
        (lambda s=s, c=c, r=r: suggest_many([{"summary": s, "content": c, "issue_region": r}], record=record))
        for s, c, r in sample
    ]
    similar_calls = [(lambda s=s, c=c: similar(blur(s), blur(c), among=scope)) for s, c, _ in sample]
    suggest_med, suggest_p95 = _timed(suggest_calls, args.lookups)
    similar_med, similar_p95 = _timed(similar_calls, args.lookups)
    bands = SignatureBand.objects.count()
    accuracy = record.accuracy.get("category", {})
    rows = [
        ("petitions", f"{Petition.objects.count():,}"),
        ("signature bands", f"{bands:,}"),
        (
            "demo generation incl. signatures",
            f"{register_s:.1f} s ({args.size / register_s:,.0f} petitions/s)" if register_s else "(reused)",
        ),
        ("routings (synthetic labels)", f"{routed:,}" if routed else "(reused)"),
        ("train (fit twice: held-out + all)", f"{train_s:.1f} s"),
        (
            "category top-1 / top-3 on held-out (demo: not evidence)",
            f"{accuracy.get('top1')} / {accuracy.get('top3')}",
        ),
        ("suggestion, one petition: median / p95", f"{suggest_med:.1f} / {suggest_p95:.1f} ms"),
        ("similar lookup, one text: median / p95", f"{similar_med:.1f} / {similar_p95:.1f} ms"),
    ]
    out = [
        f"### {args.db}, {args.size:,} petitions, {args.lookups} lookups"
        + (" (the main bench's data: `bench.run` base and copies)" if args.on_bench else ""),
        "",
        "| figure | value |",
        "|---|---|",
    ]
    out += [f"| {a} | {b} |" for a, b in rows]
    text = "\n".join(out) + "\n"
    print(text)
    if args.write:
        from xinfang import clock

        results = REPO / "bench" / "results" / f"{clock.today():%Y-%m-%d}-assist.md"
        with open(results, "a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
