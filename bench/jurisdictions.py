"""python -m bench.jurisdictions --size N [--counties 99] [--years 5] [--repeat 5]: a city's counties ranked.

bench/run.py's data is one county; a city table needs many. This builds its own throwaway PostgreSQL database
(`xinfang_bench_jur_N` on XF_BENCH_PG), migrates it and writes, with one INSERT … SELECT over
generate_series per table: a city with `--counties` counties (a bureau and four townships each), N petitions
spread evenly over `--years` years and the counties (a tenth received by the city bureau and handled in a
county, a twentieth skip-level visits), an acceptance and a handling deadline per petition (nine in ten met)
and a unit rating for every other one. Then it times `stats.jurisdictions.jurisdiction_table` for the city
over the last full year (every figure family, the ranks and the assessment score), median and max of
`--repeat` after one warm-up, and prints the rows counted.

Columns the generator does not name get a neutral value by type ('' / false / 0 / the row's time), so the
script follows the models without listing every column.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.run import configure

FILLERS = {
    "character varying": "''",
    "text": "''",
    "boolean": "false",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
}


def _insert(cursor, table: str, given: dict[str, str], source: str, moment: str) -> None:
    """INSERT INTO table SELECT … FROM source, every NOT NULL column without a default filled."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    columns = dict(given)
    for name, kind in cursor.fetchall():
        if name not in columns:
            columns[name] = (
                moment if "timestamp" in kind else "CURRENT_DATE" if kind == "date" else FILLERS[kind]
            )
    names = ", ".join(columns)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(columns.values())} FROM {source}")  # noqa: S608 (bench's own SQL)


def build(size: int, counties: int, years: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from xinfang.orgs.models import Level, OrgUnit, Region, UnitKind
    from xinfang.petitions.models import Category

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        nation = Region.objects.get_or_create(
            code="100000", defaults={"name": "全国", "level": Level.NATIONAL}
        )[0]
        province = Region.objects.create(code="410000", name="河南省", level=Level.PROVINCE, parent=nation)
        city = Region.objects.create(code="411300", name="南阳市", level=Level.CITY, parent=province)
        OrgUnit.objects.create(code="411300-XFJ", name="南阳市信访局", kind=UnitKind.BUREAU, region=city)
        for c in range(1, counties + 1):
            county = Region.objects.create(
                code=f"4113{c:02d}",
                name=f"第{c}县",
                level=Level.COUNTY,
                parent=city,
                population=300_000 + c * 9_000,
            )
            bureau = OrgUnit.objects.create(
                code=f"4113{c:02d}-XFJ", name=f"第{c}县信访局", kind=UnitKind.BUREAU, region=county
            )
            for t in range(1, 5):
                town = Region.objects.create(
                    code=f"4113{c:02d}00{t}", name=f"第{c}县{t}镇", level=Level.TOWNSHIP, parent=county
                )
                OrgUnit.objects.create(
                    code=town.code,
                    name=f"{town.name}政府",
                    kind=UnitKind.TOWNSHIP,
                    region=town,
                    parent=bureau,
                )
    category = Category.objects.order_by("pk").values_list("pk", flat=True).first()
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bench_units AS SELECT u.id, r.code, row_number() OVER (ORDER BY u.code) - 1 AS n, "
            "u.kind FROM orgs_orgunit u JOIN orgs_region r ON r.id = u.region_id"
        )
        cur.execute("SELECT id FROM orgs_orgunit WHERE code = '411300-XFJ'")
        city_bureau = cur.fetchone()[0]
        cur.execute("SELECT id FROM orgs_region WHERE code = '411300'")
        city_region = cur.fetchone()[0]
        span = years * 365 * 86400
        # Petition g: county g % counties, township (g / counties) % 4; received g * span / size seconds before
        # the start of the current year.
        source = (
            f"generate_series(1, {size}) g JOIN bench_units b ON b.kind = 'bureau' AND b.code = "
            f"'4113' || lpad(((g % {counties}) + 1)::text, 2, '0') JOIN bench_units t ON t.kind = 'township' "
            f"AND t.code = b.code || '00' || ((g / {counties}) % 4 + 1)::text"
        )
        moment = f"(date_trunc('year', now()) - make_interval(secs => g::float8 * {span} / {size}))"
        _insert(
            cur,
            "petitions_petition",
            {
                "id": "g",
                "registration_number": "'B-' || g",
                "query_code_hash": "md5(g::text)",
                "channel": "CASE WHEN g % 20 = 0 THEN 'visit' ELSE 'letter' END",
                "visit_level": "CASE WHEN g % 20 = 0 THEN 'province' ELSE '' END",
                "received_at": moment,
                "registered_at": moment,
                "receiving_unit_id": f"CASE WHEN g % 10 = 3 THEN {city_bureau} ELSE b.id END",
                "receiving_region_code": "CASE WHEN g % 10 = 3 THEN '411300' ELSE b.code END",
                "responsible_unit_id": "t.id",
                "responsible_region_code": "t.code",
                "person_count": "1 + g % 3",
                "petition_class": "'claim'",
                "category_id": str(category),
                "issue_region_id": str(city_region),
                "issue_region_code": "'411300'",
                "summary": "'bench'",
                "content": "'bench'",
                "status": "'concluded'",
            },
            source,
            moment,
        )
        deadline = {
            "petition_id": "g",
            "unit_id": "t.id",
            "starts_on": f"{moment}::date",
            "opened_at": moment,
        }
        _insert(
            cur,
            "workflow_deadline",
            {
                **deadline,
                "stage": "'accept'",
                "due_on": f"({moment} + interval '15 days')::date",
                "status": "CASE WHEN g % 10 = 0 THEN 'missed' ELSE 'met' END",
                "counts": "true",
                "done_at": f"{moment} + interval '3 days'",
            },
            source,
            moment,
        )
        _insert(
            cur,
            "workflow_deadline",
            {
                **deadline,
                "stage": "'handle'",
                "due_on": f"({moment} + interval '60 days')::date",
                "status": "CASE WHEN g % 10 = 1 THEN 'missed' ELSE 'met' END",
                "counts": "true",
                "done_at": f"{moment} + interval '40 days'",
            },
            source,
            moment,
        )
        _insert(
            cur,
            "evaluation_rating",
            {
                "petition_id": "g",
                "unit_id": "t.id",
                "target": "'unit'",
                "rating": "CASE WHEN g % 7 = 0 THEN 'dissatisfied' ELSE 'satisfied' END",
                "via": "'staff'",
                "rated_at": f"{moment} + interval '50 days'",
            },
            f"{source} WHERE g % 2 = 0",
            moment,
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('petitions_petition', 'id'), %s)", [size + 1])
        cur.execute("ANALYZE")


def measure(repeat: int) -> tuple[list[float], object]:
    import datetime as dt

    from xinfang.stats import jurisdictions
    from xinfang.stats.metrics import Ctx
    from xinfang.stats.periods import Period
    from xinfang.stats.scope import Scope

    year = dt.date.today().year - 1
    ctx = Ctx.of(Period.year(year), dt.date(year + 1, 1, 15))
    jurisdictions.jurisdiction_table(Scope.for_region("411300"), ctx)  # warm-up: caches, plans
    times, table = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        table = jurisdictions.jurisdiction_table(Scope.for_region("411300"), ctx)
        times.append(time.perf_counter() - started)
    return times, table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--counties", type=int, default=99)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure an existing database again")
    args = parser.parse_args(argv)
    os.environ.setdefault("XF_BENCH_PG_DB", f"xinfang_bench_jur_{args.size}")
    configure("postgres", args.size, reuse=args.reuse)
    import django

    django.setup()
    if not args.reuse:
        started = time.perf_counter()
        build(args.size, args.counties, args.years)
        print(
            f"built {args.size} petitions over {args.counties} counties in {time.perf_counter() - started:.0f} s"
        )
    times, table = measure(args.repeat)
    counted = sum(row.counts["total"].batches for row in table.rows)
    print(
        f"jurisdiction_table, {len(table.rows)} counties, one year ({counted} petitions counted): "
        f"median {statistics.median(times):.3f} s, max {max(times):.3f} s over {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
