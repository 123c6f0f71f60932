"""Exchange-format figures: export and import rates for petitions with full histories, on a real database.

    XF_SQLITE_PATH=/tmp/xf-exchange.sqlite3 .venv/bin/python bench/exchange.py --petitions 1000
    XF_DATABASE_URL=postgres://postgres@127.0.0.1:5432/xf_exchange_bench .venv/bin/python bench/exchange.py ...

The database is migrated, given the test county of tests/conftest.py (as organisation lines, through
`import_orgs`) and its staff, and emptied of petitions. Then: N petitions with varied histories are made through
the workflow (tests/exchange/histories.py, committed as the UI commits them), exported (`export_petitions`),
the petition tables emptied, and the file imported (`import_petitions`, as the command does: a savepoint per
line, a transaction per chunk). Then a ledger (台账: `--ledger` lines without events, as a migration from
spreadsheets brings them; deterministic per seed) is imported into the emptied tables: those lines go through
the batched registration (`register_many`, 1,000 lines a transaction). Prints both rates and the queries per
petition. Use a database of its own: it is emptied.

    .venv/bin/python bench/exchange.py --petitions 1000 --ledger 20000 [--profile ledger.prof]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from xinfang import clock  # noqa: E402
from xinfang.exchange.exporter import export_petitions  # noqa: E402
from xinfang.exchange.importer import import_petitions, replaying_history  # noqa: E402
from xinfang.orgs.importer import import_orgs  # noqa: E402
from xinfang.orgs.models import OrgUnit, Region, Role, User  # noqa: E402
from xinfang.petitions.models import Category, Petition  # noqa: E402
from xinfang.workflow.petition_deadlines import expire_windows  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=clock.SHANGHAI)
ORGS = """
{"kind": "region", "code": "100000", "name": "全国", "level": "national"}
{"kind": "region", "code": "330000", "name": "浙江省", "level": "province", "parent": "100000"}
{"kind": "region", "code": "330100", "name": "杭州市", "level": "city", "parent": "330000"}
{"kind": "region", "code": "330102", "name": "上城区", "level": "county", "parent": "330100"}
{"kind": "region", "code": "330102001", "name": "清波街道", "level": "township", "parent": "330102"}
{"kind": "region", "code": "330102002", "name": "湖滨街道", "level": "township", "parent": "330102"}
{"kind": "unit", "code": "330100-XFJ", "name": "杭州市信访局", "unit_kind": "bureau", "region": "330100"}
{"kind": "unit", "code": "330102-XFJ", "name": "上城区信访局", "unit_kind": "bureau", "region": "330102", "parent": "330100-XFJ"}
{"kind": "unit", "code": "330102-ZJJ", "name": "上城区住房和城乡建设局", "unit_kind": "department", "region": "330102", "parent": "330102-XFJ"}
{"kind": "unit", "code": "330102-JW", "name": "上城区纪委监委", "unit_kind": "discipline", "region": "330102", "parent": "330102-XFJ"}
{"kind": "unit", "code": "330102001", "name": "清波街道办事处", "unit_kind": "township", "region": "330102001", "parent": "330102-XFJ"}
{"kind": "unit", "code": "330102002", "name": "湖滨街道办事处", "unit_kind": "township", "region": "330102002", "parent": "330102-XFJ"}
"""  # noqa: E501
# name: (unit, roles), as the personas of tests/conftest.py and tests/exchange/conftest.py
STAFF = {
    "registrar": ("330102-XFJ", [Role.REGISTRAR]),
    "bureau_handler": ("330102-XFJ", [Role.HANDLER, Role.SUPERVISOR]),
    "bureau_leader": ("330102-XFJ", [Role.BUREAU_LEADER]),
    "reviewer": ("330102-XFJ", [Role.REVIEWER]),
    "township_handler": ("330102001", [Role.HANDLER]),
    "township_leader": ("330102001", [Role.UNIT_LEADER]),
    "other_township_handler": ("330102002", [Role.HANDLER]),
    "hubin_leader": ("330102002", [Role.UNIT_LEADER]),
    "department_handler": ("330102-ZJJ", [Role.HANDLER]),
    "department_leader": ("330102-ZJJ", [Role.UNIT_LEADER]),
    "discipline_handler": ("330102-JW", [Role.HANDLER]),
    "discipline_leader": ("330102-JW", [Role.UNIT_LEADER]),
    "city_reviewer": ("330100-XFJ", [Role.REVIEWER]),
}


def world() -> SimpleNamespace:
    import_orgs(ORGS.strip().splitlines())
    units = {u.code: u for u in OrgUnit.objects.select_related("region")}
    regions = {r.code: r for r in Region.objects.all()}
    staff = {}
    for name, (unit, roles) in STAFF.items():
        staff[name], _ = User.objects.get_or_create(
            username=f"bench_{name}", defaults={"unit": units[unit], "roles": roles, "full_name": name}
        )
    people = SimpleNamespace(**staff)
    org = SimpleNamespace(
        bureau=units["330102-XFJ"],
        city_bureau=units["330100-XFJ"],
        housing=units["330102-ZJJ"],
        discipline=units["330102-JW"],
        qingbo_unit=units["330102001"],
        hubin_unit=units["330102002"],
        qingbo=regions["330102001"],
        hubin=regions["330102002"],
    )
    return SimpleNamespace(org=org, people=people, more=people, now=NOW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--keep", help="also keep the exported file here")
    parser.add_argument("--file", help="skip making and exporting: import this file (from an earlier --keep)")
    parser.add_argument("--ledger", type=int, default=20000, help="lines of the ledger import (0: skip)")
    parser.add_argument("--profile", help="write a cProfile of the ledger import here")
    parser.add_argument("--skip-histories", action="store_true", help="only the ledger import")
    args = parser.parse_args()

    from tests.exchange.state import empty_petition_tables

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    clock.set_source(lambda: NOW)
    if Petition.objects.exists():
        empty_petition_tables()
    scene = world()

    if not args.skip_histories:
        histories(args, scene)
    if args.ledger:
        empty_petition_tables()
        ledger(args.ledger, args.seed, args.profile)


def histories(args, scene) -> None:
    from tests.exchange.histories import generate
    from tests.exchange.state import empty_petition_tables

    if args.file:
        path = Path(args.file)
    else:
        started = time.perf_counter()
        with replaying_history():  # the histories are made as the UI makes them, minus rendering documents
            generated = generate(scene, args.petitions, seed=args.seed)
        events = sum(generated.counts.values())
        made = time.perf_counter() - started
        print(f"made {args.petitions} petitions, {events} events through the workflow in {made:.1f} s")
        expire_windows()

        path = Path(args.keep or tempfile.mktemp(suffix=".jsonl"))
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            count = sum(1 for line in export_petitions() if out.write(line + "\n"))
        seconds = time.perf_counter() - started
        print(
            f"export: {count} petitions in {seconds:.2f} s = {count / seconds:.0f} petitions/s ({path.stat().st_size / 1e6:.1f} MB)"
        )

    empty_petition_tables()
    with path.open(encoding="utf-8") as lines:
        result, cpu, queries = counted_import(lines)
    print(f"histories: {result.summary}")
    print(
        f"histories: {cpu:.1f} s of this process's CPU = {result.imported / cpu:.1f} petitions per CPU-second"
    )
    print(
        f"histories: {result.rate:.1f} petitions/s, {result.events / result.seconds:.0f} events/s, "
        f"{queries / max(result.imported, 1):.0f} queries/petition"
    )
    for rejection in result.rejected[:5]:
        print("  ", rejection)
    if not (args.keep or args.file):
        path.unlink()


def counted_import(lines):
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    cpu = time.process_time()
    with connection.execute_wrapper(count):
        result = import_petitions(lines)
    return result, time.process_time() - cpu, counted[0]


# --- a ledger -----------------------------------------------------------------------------------------------

CATEGORIES = ["城乡建设/征收拆迁", "城乡建设/物业管理", "劳动和社会保障/拖欠工资", "自然资源/土地征收"]
CHANNELS = ["letter", "visit", "online", "phone"]
SNIPPETS = [
    "反映小区物业服务不到位，楼道照明长期损坏，多次向物业公司报修未果，请求督促整改。",
    "本人在某建筑工地务工，工程完工后工资一直未结清，包工头联系不上，请求帮助追讨。",
    "房屋征收补偿标准低于周边项目，安置房交付时间一再推迟，请求依法重新评估并公开补偿方案。",
    "村集体土地被征收后，征地补偿款分配方案未经村民代表大会讨论，请求公开账目。",
]


def ledger_records(count: int, seed: int) -> list[dict]:
    """A ledger of ``count`` registrations over the past year: a fifth of the petitioners come again (by ID
    number), a tenth have no ID number (found again by name and phone), some are joint letters."""
    import random

    from xinfang.petitions.identity import make_id_number

    rng = random.Random(seed)
    categories = [c for c in CATEGORIES if Category.objects.filter(path=c, is_active=True).exists()]
    people = []
    records = []
    for n in range(count):
        if people and rng.random() < 0.2:
            principal = rng.choice(people)
        else:
            k = len(people) + 1
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=k // 997)  # unique with the sequence k % 997
            principal = {"name": f"台账{k}", "phone": f"13{rng.randrange(10**9):09d}"}
            if rng.random() < 0.9:
                principal["id_number"] = make_id_number("330102", birth, k % 997)
            people.append(principal)
        petitioners = [dict(principal, role="principal")]
        if rng.random() < 0.1:
            petitioners.append(
                {"name": f"联名{n}", "phone": f"15{rng.randrange(10**9):09d}", "role": "co_petitioner"}
            )
        channel = rng.choice(CHANNELS)
        received = NOW - dt.timedelta(days=rng.randrange(1, 360), minutes=rng.randrange(600))
        record = {
            "external_id": f"TZ-{seed}-{n:07d}",
            "channel": channel,
            "received_at": received.isoformat(),
            "receiving_unit": "330102-XFJ",
            "petitioners": petitioners,
            "petition_class": "claim",
            "category": rng.choice(categories),
            "issue_region": rng.choice(["330102001", "330102002"]),
            "content": rng.choice(SNIPPETS) + f"（台账第{n + 1}条）",
        }
        if channel == "visit":
            record["visit_level"] = "county"
        records.append(record)
    return records


def ledger(count: int, seed: int, profile: str | None) -> None:
    import json

    lines = [json.dumps(r, ensure_ascii=False) for r in ledger_records(count, seed)]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    result, cpu, queries = counted_import(lines)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    print(f"ledger: {result.summary}")
    print(
        f"ledger: {result.rate:,.0f} petitions/s, {result.imported / cpu:,.0f} petitions per CPU-second, "
        f"{queries / max(result.imported, 1):.2f} queries/petition"
    )
    for rejection in result.rejected[:5]:
        print("  ", rejection)


if __name__ == "__main__":
    main()
