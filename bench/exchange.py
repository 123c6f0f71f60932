"""Exchange-format figures: export and import rates for petitions with full histories, on a real database.

    XF_SQLITE_PATH=/tmp/xf-exchange.sqlite3 .venv/bin/python bench/exchange.py --petitions 1000
    XF_DATABASE_URL=postgres://postgres@127.0.0.1:5432/xf_exchange_bench .venv/bin/python bench/exchange.py ...

The database is migrated, given the test county of tests/conftest.py (as organisation lines, through
`import_orgs`) and its staff, and emptied of petitions. Then: N petitions with varied histories are made through
the workflow (tests/exchange/histories.py, committed as the UI commits them), exported (`export_petitions`),
the petition tables emptied, and the file imported (`import_petitions`, one transaction per line, as the
command does). Prints the rates and the queries per petition. Use a database of its own: it is emptied.
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
from xinfang.petitions.models import Petition  # noqa: E402
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
    args = parser.parse_args()

    from tests.exchange.histories import generate
    from tests.exchange.state import empty_petition_tables

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    clock.set_source(lambda: NOW)
    if Petition.objects.exists():
        empty_petition_tables()
    scene = world()

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
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    cpu = time.process_time()
    with path.open(encoding="utf-8") as lines, connection.execute_wrapper(count):
        result = import_petitions(lines)
    cpu = time.process_time() - cpu
    per_petition = counted[0] / max(result.imported, 1)
    print(f"import: {result.summary}")
    print(f"import: {cpu:.1f} s of this process's CPU = {result.imported / cpu:.1f} petitions per CPU-second")
    print(
        f"import: {result.rate:.1f} petitions/s, {result.events / result.seconds:.0f} events/s, {per_petition:.0f} queries/petition"
    )
    for rejection in result.rejected[:5]:
        print("  ", rejection)
    if not (args.keep or args.file):
        path.unlink()


if __name__ == "__main__":
    main()
