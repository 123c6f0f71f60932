"""The monthly facts (stats.facts, kept by the triggers of stats.fact_sql) equal the live definition (issue 19:
"they must equal the live definition, with a test that compares them on random histories").

A random history: the demo county's generated petitions, each driven through its planned course by
`workflow.services.perform` (the demo's `replay`), then repeats corrected through `correct_details` (the
petition trigger) and the rating windows expired by the daily job (a bulk UPDATE). Every rate the facts answer
is compared with `rates.rate` over the region itself, for the province, the city and the county, every month
of the history, its quarters and years, as-of days inside and after each period, and two readers: nobody and
the unit most often accused (whose accusations, and repeats of them, every figure must leave out)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from django.db.models import Sum

from tests.conftest import module_rows, silence, stop_clock
from xinfang import clock
from xinfang.demo.county import load_demo_county
from xinfang.demo.generator import generate
from xinfang.demo.plans import replay
from xinfang.orgs.models import Region, User
from xinfang.petitions.corrections import correct_details
from xinfang.petitions.models import Petition, PetitionClass
from xinfang.stats import facts, jurisdictions, rates
from xinfang.stats.fact_models import DeadlineFact, FactOverlap, RatingFact
from xinfang.stats.jurisdictions import GROUPED_RATES
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.stats.slices import Slice
from xinfang.workflow import hooks
from xinfang.workflow.models import Deadline
from xinfang.workflow.petition_deadlines import expire_windows

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=clock.SHANGHAI)
SEED, CASES = 23, 240
REGIONS = ["410000", "411300", "411331"]  # province, city, county: every level the facts answer
BY_MODEL = {m: [d for d in GROUPED_RATES if d.model is m] for m in {d.model for d in GROUPED_RATES}}


def _months(first: dt.date, last: dt.date) -> list[Period]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(Period.month(day.year, day.month))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


@module_rows
def history():
    patch = pytest.MonkeyPatch()
    silence(patch)
    patch.setattr(hooks, "after_transition", [])
    stop_clock(NOW)
    load_demo_county()
    generate(CASES, SEED)
    replay(SEED)
    registrar = User.objects.get(username="registrar")
    # Repeats corrected after the history (the petition trigger moves their deadlines' facts).
    petitions = list(Petition.objects.order_by("received_at", "pk"))
    for earlier, later in zip(petitions[10:40:3], petitions[60:90:3], strict=True):
        correct_details(later, {"repeat_of_id": earlier.pk}, registrar, reason="更正为重复信访")
    for petition in Petition.objects.filter(is_repeat=True).order_by("pk")[:5]:
        correct_details(petition, {"repeat_of_id": None}, registrar, reason="更正为初信初访")
    expire_windows(NOW.date())
    yield petitions
    clock.reset()
    patch.undo()


@pytest.fixture
def built(history, db):
    return history


def _accused_unit_id() -> int:
    accused = Counter(
        Petition.objects.filter(petition_class=PetitionClass.ACCUSATION).values_list(
            "subject_unit_id", flat=True
        )
    )
    return accused.most_common(1)[0][0]


def _cases():
    """(period, as-of day) pairs: every month, quarter and year of the history, as of a day inside the period
    and as of the history's day."""
    months = _months((NOW - dt.timedelta(days=470)).date(), NOW.date())
    quarters = [
        Period.between(m.start, months[i + 2].end)
        for i, m in enumerate(months[:-2])
        if m.start.month % 3 == 1
    ]
    years = [Period.year(2025), Period.between(dt.date(2026, 1, 1), dt.date(2026, 6, 30))]
    for period in [*months, *quarters, *years]:
        inside = min(period.start + dt.timedelta(days=14), NOW.date())
        yield from ((period, inside), (period, NOW.date()))


def test_every_rate_from_the_facts_equals_the_live_definition(built):
    regions = {code: Region.objects.get(code=code) for code in REGIONS}
    province = Scope.for_region("410000")
    readers = [None, _accused_unit_id()]
    compared = nonzero = 0
    for period, today in _cases():
        for reader in readers:
            ctx = Ctx.of(period, today, reader_unit_id=reader)
            assert facts.usable(province, ctx)
            for defs in BY_MODEL.values():
                from_facts = facts.grouped_rates(defs, province, ctx, [r.prefix for r in regions.values()])
                for code, region in regions.items():
                    for d in defs:
                        live = rates.rate(d, Scope.for_region(code), ctx)
                        got = from_facts[d.key].get(region.prefix, rates.ZERO)
                        assert got == live, (d.key, code, period.label, today, reader)
                        compared += 1
                        nonzero += live.denominator > 0
    assert compared > 1000 and nonzero > compared // 2
    # The history has what the corrections are for: overlapping petitions and hidden ones.
    assert FactOverlap.objects.exists()
    assert Petition.objects.filter(
        petition_class=PetitionClass.ACCUSATION, subject_unit_id=readers[1]
    ).exists()


def test_the_city_table_reads_the_facts_and_equals_its_live_query(built):
    city = Scope.for_region("411300")
    kids = jurisdictions.children(city.region)
    for period in [Period.year(2025), Period.month(2026, 3)]:
        ctx = Ctx.of(period, NOW.date(), reader_unit_id=_accused_unit_id())
        for defs in BY_MODEL.values():
            assert jurisdictions.rates_by_child(defs, city, ctx, kids) == jurisdictions.rates_by_child(
                defs, city, ctx, kids, live=True
            )


def _sums(model, keys):
    return {
        tuple(row[k] for k in keys): row["total"]
        for row in model.objects.values(*keys).annotate(total=Sum("n")).order_by()
        if row["total"]
    }


DEADLINE_KEYS = [
    "region_code",
    "unit_kind",
    "stage",
    "status",
    "rating_target",
    "counts",
    "due_on",
    "done_at",
    "is_repeat",
]
RATING_KEYS = ["region_code", "unit_kind", "target", "rating", "rated_at"]


def test_the_triggers_deltas_equal_a_rebuild_and_compact_to_one_row_per_key(built):
    kept = _sums(DeadlineFact, DEADLINE_KEYS), _sums(RatingFact, RATING_KEYS)
    overlaps = set(FactOverlap.objects.values_list("petition_id", "family"))
    rows_before = DeadlineFact.objects.count()

    facts.compact()
    assert (_sums(DeadlineFact, DEADLINE_KEYS), _sums(RatingFact, RATING_KEYS)) == kept
    assert DeadlineFact.objects.count() == len(kept[0]) < rows_before

    facts.rebuild()
    assert (_sums(DeadlineFact, DEADLINE_KEYS), _sums(RatingFact, RATING_KEYS)) == kept
    # A rebuild lists exactly the petitions with two rows of a family; the triggers never forget one.
    assert set(FactOverlap.objects.values_list("petition_id", "family")) <= overlaps


def test_each_deadline_rate_reads_only_its_family(built):
    stages = {"accept": rates.UNIT_ACCEPTANCE_STAGES, "handle": rates.HANDLING_STAGES}
    ctx = Ctx.of(Period.year(2025), NOW.date())
    for d in BY_MODEL[Deadline]:
        family = facts.family(d)
        rows = Deadline.objects.filter(d.rows(ctx, False))
        assert rows.exists()
        if family.startswith("r."):
            assert set(rows.values_list("stage", "rating_target").distinct()) == {("rating", family[2:])}
        else:
            assert set(rows.values_list("stage", flat=True).distinct()) <= set(stages[family])


def test_the_facts_answer_only_what_they_hold(built):
    month = Ctx.of(Period.month(2026, 3), NOW.date())
    assert facts.usable(Scope.for_region("411331"), month)
    township = Region.objects.filter(code__startswith="411331", level="township").first()
    assert not facts.usable(Scope.for_region(township.code), month)
    assert not facts.usable(Scope.for_region("411331"), Ctx.of(Period.week(dt.date(2026, 3, 2)), NOW.date()))
    national = Region.objects.get(level="national")
    assert not facts.usable(Scope(region=national), month)  # deadlines without a unit count there
    sliced = dataclasses.replace(month, slice=Slice(channels=("letter",)))
    assert not facts.usable(Scope.for_region("411331"), sliced)


def test_the_trend_by_due_month_equals_each_months_live_rate(built):
    months = _months(dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    span = Period.between(months[0].start, months[-1].end)
    for reader in (None, _accused_unit_id()):
        for code in REGIONS:
            scope = Scope.for_region(code)
            ctx = Ctx.of(span, NOW.date(), reader_unit_id=reader)
            defs = [rates.TIMELY_ACCEPTANCE, rates.ON_TIME_CONCLUSION]
            got = facts.grouped_rates(defs, scope, ctx, [scope.prefix], by_due_month=True)
            for d in defs:
                for month in months:
                    live = rates.rate(d, scope, Ctx.of(month, NOW.date(), reader_unit_id=reader))
                    assert got[d.key].get((scope.prefix, month.start), rates.ZERO) == live, (
                        d.key,
                        code,
                        month,
                    )
            assert any(r.denominator for r in got[rates.ON_TIME_CONCLUSION.key].values())


def test_a_provinces_tables_in_one_pass_equal_each_table_on_its_own(built):
    ctx = Ctx.of(Period.year(2025), NOW.date(), reader_unit_id=_accused_unit_id())
    tables = jurisdictions.jurisdiction_tables(Scope.for_region("410000"), ctx)
    assert set(tables) == {"410000", "411300"}
    for code, table in tables.items():
        alone = jurisdictions.jurisdiction_table(Scope.for_region(code), ctx)
        assert [(r.region.code, r.counts, r.rates, r.ranks) for r in table.rows] == [
            (r.region.code, r.counts, r.rates, r.ranks) for r in alone.rows
        ]
        assert any(r.counts["total"].batches for r in table.rows)
