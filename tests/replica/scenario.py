"""The replica test's site, run in its own process (`python -m tests.replica.scenario REPORT.json`) with
XF_DATABASE_URL naming the primary, XF_REPLICA_URL its streaming replica and XF_REPLICA_STOP the command that
stops the replica (JSON). Migrates the primary, registers petitions, then reads the same figures through the
`xinfang stats` command, the API and the dashboard, counting on which connection each query ran, while the
replica is caught up, paused beyond the lag limit, and stopped. Writes what it saw to REPORT.json;
tests/replica/test_replica.py judges it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests import factories as f  # noqa: E402
from xinfang import clock, replica  # noqa: E402
from xinfang.orgs.models import Level, OrgUnit, Role, UnitKind  # noqa: E402
from xinfang.stats.answer import stats_json  # noqa: E402
from xinfang.stats.metrics import Ctx  # noqa: E402
from xinfang.stats.periods import Period  # noqa: E402
from xinfang.stats.scope import Scope  # noqa: E402

REGION = "330102"


class Queries:
    """Queries run per connection alias (execute_wrapper on both), lag checks apart."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.primary_tables: list[str] = []  # the first table each query on the primary names

    def wrapper(self, alias):
        def count(execute, sql, params, many, context):
            self.counts["lag_check" if sql == replica.LAG_SQL else alias] += 1
            if alias == "default":
                self.primary_tables.append(
                    sql.split('FROM "', 1)[-1].split('"', 1)[0] if "FROM" in sql else sql[:30]
                )
            return execute(sql, params, many, context)

        return count

    @contextmanager
    def measuring(self):
        self.counts.clear()
        self.primary_tables.clear()
        with (
            connections["default"].execute_wrapper(self.wrapper("default")),
            connections["replica"].execute_wrapper(self.wrapper("replica")),
        ):
            yield self.counts


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def build_site():
    national = f.region("100000", "全国", Level.NATIONAL)
    province = f.region("330000", "浙江省", Level.PROVINCE, national)
    city = f.region("330100", "杭州市", Level.CITY, province)
    county = f.region(REGION, "上城区", Level.COUNTY, city)
    township = f.region("330102001", "清波街道", Level.TOWNSHIP, county)
    city_bureau = f.unit("330100-XFJ", "杭州市信访局", UnitKind.BUREAU, city)
    bureau = f.unit("330102-XFJ", "上城区信访局", UnitKind.BUREAU, county, city_bureau)
    f.unit("330102001", "清波街道办事处", UnitKind.TOWNSHIP, township, bureau)
    registrar = f.UserFactory(username="registrar", unit=bureau, roles=[Role.REGISTRAR], full_name="王登记")
    leader = f.UserFactory(username="leader", unit=bureau, roles=[Role.BUREAU_LEADER], full_name="李局长")
    return registrar, leader


def primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def wait_for_replay(timeout: float = 60) -> float:
    """Until the replica has replayed everything the primary wrote so far; returns the seconds waited."""
    target, started = primary_lsn(), time.monotonic()
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise RuntimeError("the replica did not catch up")
        time.sleep(0.05)


def on_replica(sql: str) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)


def main(report_path: Path) -> None:
    warnings = Warnings()
    logging.getLogger("xinfang.replica").addHandler(warnings)
    setup_test_environment()  # the test client's hosts and response context
    call_command("migrate", "--no-input", verbosity=0)
    registrar, leader = build_site()
    for _ in range(6):
        f.register(registrar)
    today = clock.today()
    ctx = Ctx.of(Period.between(today.replace(day=1), today), today)
    scope = Scope.for_region(REGION)
    stats_args = ["stats", "--region", REGION, "--from", f"{today:%Y-%m-01}", "--to", f"{today}", "--json"]
    api_url = f"/api/v1/stats/?region={REGION}&from={today:%Y-%m-01}&to={today}"
    queries = Queries()
    report: dict = {"waited_for_replay": wait_for_replay()}

    def command_answer() -> dict:
        out = io.StringIO()
        call_command(*stats_args, stdout=out)
        return json.loads(out.getvalue())

    def primary_answer() -> dict:  # outside any replica block: the primary
        with queries.measuring() as counts:
            answer = stats_json(scope, ctx)
        assert counts["replica"] == 0, counts
        return answer

    # 1. Caught up: the command, the API and the dashboard read the replica, and say what the primary says.
    client = Client()
    client.force_login(leader)
    replica.forget()
    with queries.measuring() as counts:
        answer = command_answer()
        again = command_answer()
    report["caught_up"] = {
        "counts": dict(counts),
        "equal": answer == again == primary_answer(),
        "total": answer["volume"]["batches"],
    }
    with queries.measuring() as counts:
        response = client.get(api_url)
    report["api"] = {
        "status": response.status_code,
        "counts": dict(counts),
        "primary_tables": sorted(set(queries.primary_tables)),
        "equal": response.json() == primary_answer(),
    }
    with queries.measuring() as counts:
        response = client.get(f"/stats/?region={REGION}&period=month")
    report["dashboard"] = {
        "status": response.status_code,
        "counts": dict(counts),
        "primary_tables": sorted(set(queries.primary_tables)),
    }

    # 2. Inside a transaction on the primary nothing reads the replica; writes in a block go to the primary.
    with queries.measuring() as counts, transaction.atomic(), replica.reads_from_replica():
        stats_json(scope, ctx)
    report["in_transaction"] = dict(counts)
    with replica.reads_from_replica():
        OrgUnit.objects.filter(code="330102001").update(short_name="清波街道")
    report["write_in_block"] = OrgUnit.objects.get(code="330102001").short_name

    # 3. Replay paused and the primary written to: beyond the lag limit the figures come from the primary.
    on_replica("SELECT pg_wal_replay_pause()")
    f.register(registrar)
    time.sleep(
        float(os.environ["XF_REPLICA_MAX_LAG_SECONDS"]) + float(os.environ["XF_REPLICA_CHECK_SECONDS"])
    )
    with queries.measuring() as counts:
        answer = command_answer()
    report["lagging"] = {
        "counts": dict(counts),
        "equal": answer == primary_answer(),
        "total": answer["volume"]["batches"],
        "health": replica.health().reason,
    }
    on_replica("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    replica.forget()
    with queries.measuring() as counts:
        answer = command_answer()
    report["resumed"] = {"counts": dict(counts), "total": answer["volume"]["batches"]}

    # 4. The replica stops mid-run (its connection open, the cached check still fresh): the next reads fall
    # back to the primary, without an error.
    os.environ["XF_REPLICA_CHECK_SECONDS"] = "3600"
    from django.conf import settings

    settings.XF_REPLICA_CHECK_SECONDS = 3600
    replica.forget()
    command_answer()  # healthy, cached for an hour
    subprocess.run(json.loads(os.environ["XF_REPLICA_STOP"]), check=True, capture_output=True)
    with queries.measuring() as counts:
        answer = command_answer()
        response = client.get(api_url)
        page = client.get(f"/stats/?region={REGION}&period=month")
    report["stopped"] = {
        "counts": dict(counts),
        "equal": answer == response.json() == primary_answer(),
        "api_status": response.status_code,
        "dashboard_status": page.status_code,
        "health": replica.health().reason,
    }
    report["warnings"] = warnings.messages
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
