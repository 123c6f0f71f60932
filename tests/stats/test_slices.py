"""Every figure under every slice (docs/statistics.md, "Slices") on hand-built petitions with known numerators
and denominators: a slice narrows the set a figure counts and never redefines the figure.

The petitions are those of `slice_scene` (its docstring has the table).
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from xinfang.stats import rates, report, volumes
from xinfang.stats.scope import Scope
from xinfang.stats.slices import Slice

from . import slice_scene
from .conftest import ctx


@pytest.fixture
def march(scene, org, people):
    return slice_scene.build(scene, org, people)


def figures(org, reader=None, **params):
    c = replace(ctx("2026-03-01", "2026-06-15"), reader_unit_id=reader, slice=Slice.from_params(params))
    return report.figures(Scope(region=org.county), c)


# (batches, persons) and the rates' (numerator, denominator) for every slice, from slice_scene's table.
RATE_KEYS = [
    "timely_acceptance",
    "on_time_conclusion",
    "participation.unit",
    "satisfaction.unit",
    "repeat",
    "online_share",
    "first_petition_on_time",
]
ONLY_C = ((1, 1), [(1, 1), (1, 1), (0, 1), (0, 0), (0, 1), (1, 1), (1, 1)])
VISITS = ((2, 7), [(0, 2), (0, 1), (0, 0), (0, 0), (1, 2), (0, 2), (0, 1)])
NOT_C = ((5, 10), [(3, 5), (1, 4), (1, 1), (1, 1), (2, 5), (0, 5), (1, 3)])
EMPTY = ((0, 0), [(0, 0)] * 7)
CASES = {
    "no slice": ({}, ((6, 11), [(4, 6), (2, 5), (1, 2), (1, 1), (2, 6), (1, 6), (2, 4)])),
    "letter": ({"channel": "letter"}, ((2, 2), [(2, 2), (1, 2), (1, 1), (1, 1), (0, 2), (0, 2), (1, 2)])),
    "visit": ({"channel": "visit"}, VISITS),
    "letter or phone": (
        {"channel": "letter,phone"},
        ((3, 3), [(3, 3), (1, 3), (1, 1), (1, 1), (1, 3), (0, 3), (1, 2)]),
    ),
    "网信电": ({"channel": "wxd"}, ((4, 4), [(4, 4), (2, 4), (1, 2), (1, 1), (1, 4), (1, 4), (2, 3)])),
    "online": ({"channel": "online"}, ONLY_C),
    "online channels": ({"channel": "online_channels"}, ONLY_C),
    "from above": ({"source": "referred_from_above"}, ONLY_C),
    "direct": ({"source": "direct"}, NOT_C),
    "national": ({"source_level": "national"}, ONLY_C),
    "province": ({"source_level": "province"}, EMPTY),
    "assigned": ({"source_action": "assign"}, ONLY_C),
    "transferred": ({"source_action": "transfer"}, EMPTY),
    "accusation": (
        {"class": "accusation"},
        ((1, 1), [(1, 1), (0, 1), (0, 0), (0, 0), (0, 1), (0, 1), (0, 1)]),
    ),
    "category subtree": (
        {"category": "城乡建设"},
        ((5, 10), [(3, 5), (2, 4), (1, 2), (1, 1), (2, 5), (1, 5), (2, 3)]),
    ),
    "category leaf": ({"category": "城乡建设/住房"}, ONLY_C),
    "local visits": ({"visit_level": "local"}, VISITS),
    "county visits": ({"visit_level": "county"}, VISITS),
    "visits to Beijing": ({"visit_level": "national"}, EMPTY),
    "collective": ({"collective": "1"}, ((1, 6), [(0, 1), (0, 1), (0, 0), (0, 0), (0, 1), (0, 1), (0, 1)])),
    "individual": ({"collective": "0"}, ((5, 5), [(4, 5), (2, 4), (1, 2), (1, 1), (2, 5), (1, 5), (2, 3)])),
    "repeat": ({"repeat": "1"}, ((2, 2), [(1, 2), (0, 1), (0, 0), (0, 0), (2, 2), (0, 2), (0, 0)])),
    "first": ({"repeat": "0"}, ((4, 9), [(3, 4), (2, 4), (1, 2), (1, 1), (0, 4), (1, 4), (2, 4)])),
    "issue in 湖滨": ({"issue_region": "330102002"}, ONLY_C),
    "issue in 清波": ({"issue_region": "330102001"}, NOT_C),
    "网信电 repeats": (
        {"channel": "wxd", "repeat": "1"},
        ((1, 1), [(1, 1), (0, 1), (0, 0), (0, 0), (1, 1), (0, 1), (0, 0)]),
    ),
    "letter claims": (
        {"channel": "letter", "class": "claim"},
        ((1, 1), [(1, 1), (1, 1), (1, 1), (1, 1), (0, 1), (0, 1), (1, 1)]),
    ),
    "national online in 清波": (
        {"channel": "online", "source_level": "national", "issue_region": "330102001"},
        EMPTY,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_every_figure_under_every_slice(march, org, name):
    params, ((batches, persons), expected) = CASES[name]
    fig = figures(org, **params)
    assert (fig.volume.total.batches, fig.volume.total.persons) == (batches, persons)
    assert [(fig.rates[k].numerator, fig.rates[k].denominator) for k in RATE_KEYS] == expected
    for key, (_, d) in zip(RATE_KEYS, expected, strict=True):
        # An emptied set says so (no value), never a division by zero.
        assert (fig.rates[key].percent is None) == (d == 0), key


def test_an_emptied_set_shows_no_value_anywhere(march, org):
    fig = figures(org, visit_level="national")
    assert fig.volume.total.batches == 0
    assert all(rate.percent is None and rate.as_dict()["percent"] is None for rate in fig.rates.values())
    assert fig.long_term_petitioners == 0


def test_the_accused_bureau_with_a_slice_still_counts_no_accusation(march, org):
    bureau = org.bureau.pk
    assert figures(org, reader=bureau, **{"class": "accusation"}).volume.total.batches == 0
    assert figures(org, reader=bureau, category="纪检监察").volume.total.batches == 0
    # f repeats the hidden accusation: for the bureau it is a first petition, so no figure betrays e.
    repeats = figures(org, reader=bureau, repeat="1")
    assert repeats.volume.total.batches == 1 and repeats.rates["repeat"].as_dict()["numerator"] == 1
    first = figures(org, reader=bureau, repeat="0")
    assert (first.volume.total.batches, first.volume.total.persons) == (4, 9)  # a, b, c and f
    assert (first.rates["timely_acceptance"].numerator, first.rates["timely_acceptance"].denominator) == (
        2,
        4,
    )
    # A reader it does not accuse counts it under the same slice.
    assert figures(org, reader=org.discipline.pk, **{"class": "accusation"}).volume.total.batches == 1


def sql(queryset) -> str:
    return str(queryset.query)


def test_an_empty_slice_adds_no_join_or_subquery(org):
    scope, plain = Scope(region=org.county), ctx("2026-03-01", "2026-03-31")
    empty = replace(plain, slice=Slice.from_params({}))
    for defn in rates.RATES.values():
        assert sql(defn.queryset(scope, empty)) == sql(defn.queryset(scope, plain))
    # A deadline rate reads deadlines alone; its petition is joined only when a slice needs its columns.
    assert "petitions_petition" not in sql(rates.TIMELY_ACCEPTANCE.queryset(scope, empty))
    sliced = replace(plain, slice=Slice.from_params({"channel": "wxd", "collective": "0"}))
    assert 'INNER JOIN "petitions_petition"' in sql(rates.TIMELY_ACCEPTANCE.queryset(scope, sliced))


def test_a_slice_on_petitions_is_a_plain_filter_on_their_columns(org):
    scope = Scope(region=org.county)
    chosen = Slice.from_params(
        {
            "channel": "wxd",
            "source_level": "national",
            "collective": "1",
            "repeat": "0",
            "issue_region": "330102",
        }
    )
    query = sql(volumes.volume_petitions(scope, replace(ctx("2026-03-01", "2026-03-31"), slice=chosen)))
    assert query.count("SELECT") == 1 and "JOIN" not in query
    assert (
        '"petitions_petition"."channel" IN' in query
        and '"petitions_petition"."issue_region_code" >=' in query
    )


def test_the_cli_names_the_slice_and_refuses_a_bad_value(march, org):
    span = ["--region", "330102", "--from", "2026-03-01", "--to", "2026-06-15", "--as-of", "2026-06-15"]
    out = io.StringIO()
    call_command("stats", *span, "--channel", "visit", "--individual", stdout=out)
    assert "筛选条件：信访形式：来访；集体访/个体访：个体访（领导接访" in out.getvalue()
    with pytest.raises(CommandError, match="参数 source_level（转交办层级）的取值“county”无效"):
        call_command("stats", *span, "--source-level", "county", "--json", stdout=io.StringIO())
    out = io.StringIO()
    call_command("stats", *span, "--category", "城乡建设/住房", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["volume"]["batches"] == 1 and data["slice"]["category"] is not None  # c
