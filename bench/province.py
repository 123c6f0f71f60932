"""The figures a province reads (issue 19, item 2), measured on the province-shaped bench data.

Each measure is a callable timed like bench/measure.py's (one warm-up, then `repeat` runs; p50 and p95),
with the issue's target at 5 M petitions on PostgreSQL. The readers are the province bureau's users
(bench/province_tree.py): its leader (every figure of the province, the supervision board) and its
registrar (the workbench search). `explain_slowest` then shows the plan of the slowest query of the two
slowest measures (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang import clock
from xinfang.orgs.models import Level, OrgUnit, Region, User
from xinfang.stats import jurisdictions, rates
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.workflow.models import Deadline

from .measure import THREE_RATES, last_full_month, ms, percentile, timed, verdict
from .province_tree import PROVINCE, PROVINCE_LEADER, PROVINCE_REGISTRAR


@dataclass
class Measure:
    label: str
    run: object  # () -> a number (what was counted), so a smoke test can see each measure did its work
    target: float
    repeat: int
    times: list[float] = field(default_factory=list)
    result: object = None
    queries: int = 0
    db_seconds: float = 0.0  # of one run, untimed: how much of the figure is the database's

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)

    def row(self) -> tuple:
        return (
            self.label,
            f"p50 {ms(self.p50)}, p95 {ms(self.p95)} ({self.repeat} runs; {self.result}; one run: "
            f"{self.queries} queries, {ms(self.db_seconds)} in the database)",
            f"≤ {ms(self.target)}",
            verdict(self.p95, self.target),
        )


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _get(client: Client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} → {response.status_code}: {response.content[:300]!r}")
    return response.content


def _month_query(period: Period) -> str:
    return urlencode({"period": "month", "date": period.start.isoformat()})


def measures(repeat: int = 15) -> list[Measure]:
    month = last_full_month()
    year = Period.year(clock.today().year - 1)
    leader, registrar = _client(PROVINCE_LEADER), _client(PROVINCE_REGISTRAR)
    province = Region.objects.get(code=PROVINCE)
    cities = list(Region.objects.filter(parent=province, level=Level.CITY).order_by("code"))
    counties = Region.objects.filter(parent__in=cities, level=Level.COUNTY).count()
    # The drill-down's township: the one with most deadlines due in the month (a figure worth opening).
    township = (
        Deadline.objects.filter(unit__kind="township", due_on__range=(month.start, month.end))
        .values_list("unit__region__code", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    q = _month_query(month)
    few = max(repeat // 3, 1)

    def three_rates():
        ctx = Ctx.of(month)
        found = [rates.rates_by_unit(d, ctx) for d in THREE_RATES]
        return f"{len(set().union(*[r.keys() for r in found])):,} units with rows"

    def rankings():
        ctx = Ctx.of(year, dt.date(year.end.year + 1, 1, 15))
        # The province's table and each city's, from one pass (`jurisdiction_tables`; until 2026-12-07 one
        # `jurisdiction_table` per city and one for the province: the same tables, eleven passes).
        tables = jurisdictions.jurisdiction_tables(Scope.for_region(province.code), ctx)
        ranked = sum(len(t.rows) for t in tables.values())
        return f"{ranked - len(cities)} counties in {len(tables) - 1} city tables + the province's {len(cities)} cities"

    def page(client, url, what):
        def run():
            body = _get(client, url)
            return f"{len(body) // 1024:,} KB {what}"

        return run

    drill = urlencode({"metric": rates.TIMELY_ACCEPTANCE.key, "part": "denominator"})
    out = [
        Measure(
            f"Three rates (及时受理率, 按期办结率, 满意率) for every unit of the province, {month.label}",
            three_rates,
            1.0,
            few,
        ),
        Measure(
            f"Ranking of every county ({counties}) for {year.label}: `jurisdiction_tables` of the province (each city's and the province's)",
            rankings,
            1.0,
            few,
        ),
        Measure(
            f"Province dashboard `/stats/` as the province bureau's leader, {month.label}",
            page(leader, f"/stats/?{q}", "page"),
            1.0,
            few,
        ),
        Measure(
            "Drill-down: 应受理 of 及时受理率 (province, month) to its first page",
            page(leader, f"/stats/petitions/?{q}&{drill}", "page"),
            0.3,
            repeat,
        ),
        Measure(
            f"Drill-down: the same figure of one township ({township}) to its first page",
            page(leader, f"/stats/petitions/?{q}&{drill}&region={township}", "page"),
            0.3,
            repeat,
        ),
        Measure(
            "Supervision board `/supervision/` of the whole province (province leader)",
            page(leader, "/supervision/", "page"),
            0.3,
            repeat,
        ),
        Measure(
            "Full-text search “工资” with count (`/petitions/?q=`, province registrar)",
            page(registrar, "/petitions/?q=工资", "page"),
            0.2,
            repeat,
        ),
        Measure(
            f"A month's xlsx of every unit (`/stats/units.xlsx`, province, {month.label})",
            page(leader, f"/stats/units.xlsx?{q}", "xlsx"),
            5.0,
            few,
        ),
    ]
    return out


def run(repeat: int = 15, log=print) -> list[Measure]:
    done = []
    for m in measures(repeat):
        log(f"  {m.label}")
        m.times = timed(m.run, m.repeat)
        with CaptureQueriesContext(connection) as captured:
            m.result = m.run()
        m.queries = len(captured.captured_queries)
        m.db_seconds = sum(float(q["time"]) for q in captured.captured_queries)
        done.append(m)
    return done


def explain_slowest(done: list[Measure], count: int = 2) -> list[str]:
    """For the `count` slowest measures (by p50): the slowest query of one run and its plan."""
    sections = []
    for m in sorted(done, key=lambda m: m.p50, reverse=True)[:count]:
        with CaptureQueriesContext(connection) as captured:
            m.run()
        queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        if not queries:
            continue
        total = sum(float(q["time"]) for q in queries)
        slowest = queries[0]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + slowest["sql"])
            plan = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
        sections.append(
            f"### {m.label}\n\n{len(queries)} queries, {total * 1000:.0f} ms in the database in this run "
            f"(the measure's p50: {m.p50 * 1000:.0f} ms); the slowest ({float(slowest['time']) * 1000:.0f} ms):\n\n"
            f"```sql\n{slowest['sql'][:3000]}\n```\n\n```\n{plan}\n```"
        )
    return sections


def shape_rows() -> list[tuple]:
    """What was built: regions and units by level and kind."""
    from xinfang.petitions.models import Petition

    levels = dict(Region.objects.values_list("level").annotate(n=Count("id")).order_by())
    kinds = dict(OrgUnit.objects.values_list("kind").annotate(n=Count("id")).order_by())
    counties = levels.get(Level.COUNTY, 0)
    return [
        (
            "Province built",
            f"{levels.get(Level.CITY, 0)} cities, {counties} counties, {levels.get(Level.TOWNSHIP, 0):,} "
            f"townships, {levels.get(Level.VILLAGE, 0):,} villages; {sum(kinds.values()):,} units "
            f"({kinds.get('department', 0):,} departments, {kinds.get('township', 0):,} township "
            f"governments, {kinds.get('bureau', 0)} bureaus); {Petition.objects.count():,} petitions",
            "~100 counties × ~50 units",
            "—",
        )
    ]


def report(repeat: int = 15, log=print) -> tuple[list[tuple], list[str]]:
    """The result table's rows for the province shape, and the plans of the two slowest measures."""
    done = run(repeat, log)
    return shape_rows() + [m.row() for m in done], explain_slowest(done)
