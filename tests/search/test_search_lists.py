"""Search in lists at scale (search/query.py `TextSearch`): few matches are sorted by date, many are found by
walking the date index; either way the rows, their order and the capped count are those of "every match,
newest first". The limits are made tiny here so a handful of petitions exercises both shapes."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f
from xinfang import clock
from xinfang.petitions.models import Petition, Status
from xinfang.petitions.selectors import visible_to
from xinfang.search import query
from xinfang.search.query import TextSearch, in_ids, matching_ids_sql, search_petitions
from xinfang.search.segment import query_words
from xinfang.workbench import views

pytestmark = pytest.mark.django_db

LIST_URL = reverse("petitions:list")
WAGES = "在某工地务工八个月，包工头拖欠工资三万余元，请求帮助追讨。"
OTHER = "开发商承诺的幼儿园至今未建，多次反映无果。"


@pytest.fixture
def corpus(org, people):
    """Nine wage petitions (two share a received time), three others, one wage petition of another county."""
    base = clock.now() - dt.timedelta(days=2)
    hours = [0, 5, 5, 1, 9, 3, 7, 2, 8]
    wages = [
        f.register(
            people.registrar, received_at=base - dt.timedelta(hours=h), summary="拖欠工资", content=WAGES
        )
        for h in hours
    ]
    others = [
        f.register(people.registrar, received_at=base - dt.timedelta(hours=h, minutes=30), content=OTHER)
        for h in (0, 4, 6)
    ]
    elsewhere = f.register(
        people.other_county_registrar,
        issue_region=org.other_county,
        received_at=base,
        summary="拖欠工资",
        content=WAGES,
    )
    return {"wages": wages, "others": others, "elsewhere": elsewhere}


def newest_first(petitions):
    return [p.pk for p in sorted(petitions, key=lambda p: (p.received_at, p.pk), reverse=True)]


def every_match(queryset, text):
    """The reference: filter by every match (the shape before TextSearch), newest first."""
    sql, params = matching_ids_sql(query_words(text))
    from django.db.models.expressions import RawSQL

    return queryset.filter(pk__in=RawSQL(sql, params)).order_by("-received_at", "-id")


@pytest.mark.parametrize("hits_limit", [100, 3, 1])
def test_rows_and_order_are_every_match_newest_first_whatever_the_shape(corpus, people, hits_limit):
    search = TextSearch("工资", hits_limit)
    assert search.complete is (hits_limit >= 10)  # ten petitions match before visibility
    visible = visible_to(people.registrar)
    got = list(search.filter(visible).order_by("-received_at", "-id").values_list("pk", flat=True))
    assert got == list(every_match(visible, "工资").values_list("pk", flat=True))
    assert got == newest_first(corpus["wages"])  # not the other county's, not the unrelated
    assert search.count(visible, cap=100) == 9


@pytest.mark.parametrize("hits_limit", [100, 2])
def test_count_is_capped_and_exact_below_the_cap(corpus, people, hits_limit):
    visible = visible_to(people.registrar)
    search = TextSearch("工资", hits_limit)
    assert search.count(visible, cap=5) == 6  # cap + 1: "5+"
    assert search.count(visible, cap=9) == 9
    assert search.count(visible, cap=50) == 9


def test_count_looks_past_the_first_hits_when_the_filters_exclude_them(corpus, people):
    """Many matches, but the list's filters keep few of them: the count must still be exact."""
    kept = corpus["wages"][-2:]
    Petition.objects.filter(pk__in=[p.pk for p in kept]).update(status=Status.ACCEPTED)
    search = TextSearch("工资", hits_limit=2)
    accepted = visible_to(people.registrar).filter(status=Status.ACCEPTED)
    assert not search.complete
    assert search.count(accepted, cap=5) == 2
    rows = list(search.filter(accepted).order_by("-received_at", "-id"))
    assert [p.pk for p in rows] == newest_first(kept)


def test_the_other_countys_registrar_finds_only_its_own(corpus, people):
    visible = visible_to(people.other_county_registrar)
    for limit in (100, 1):
        search = TextSearch("工资", limit)
        assert list(search.filter(visible).values_list("pk", flat=True)) == [corpus["elsewhere"].pk]
        assert search.count(visible, cap=10) == 1


def test_no_match_and_blank_text(corpus, people):
    visible = visible_to(people.registrar)
    assert TextSearch("高速公路噪音").hits == []
    assert not TextSearch("高速公路噪音").filter(visible).exists()
    assert TextSearch("高速公路噪音").count(visible, cap=10) == 0
    blank = TextSearch(" ，。")
    assert blank.filter(visible).count() == 12  # all of its own county
    assert blank.count(visible, cap=5) == 6


def test_in_ids_binds_the_ids_as_one_parameter(corpus):
    ids = [p.pk for p in corpus["wages"][:4]] + [10**9]
    with CaptureQueriesContext(connection) as ctx:
        found = set(in_ids(Petition.objects.all(), ids).values_list("pk", flat=True))
    assert found == set(ids[:4])
    assert ctx.captured_queries[0]["sql"].count(str(ids[1])) == 1
    assert not in_ids(Petition.objects.all(), []).exists()


# --- the workbench list and the API -------------------------------------------------------------------------


def list_pages(client, params):
    """Every page of the workbench list, following its cursors; and the total shown on the first."""
    rows, url, total = [], f"{LIST_URL}?{urlencode(params)}", None
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        rows += [p.pk for p in page.rows]
        if total is None:
            total = (response.context["total"], response.context["total_capped"], response.content.decode())
        url = f"{LIST_URL}?{response.context['next_query']}" if page.next_cursor else None
    return rows, total


@pytest.mark.parametrize("hits_limit", [10_000, 2])
def test_workbench_search_pages_and_total(client, corpus, people, monkeypatch, hits_limit):
    monkeypatch.setattr(query, "HITS_LIMIT", hits_limit)
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(people.registrar)
    rows, (total, capped, html) = list_pages(client, {"q": "工资"})
    assert rows == newest_first(corpus["wages"])
    assert (total, capped) == (9, False)
    assert 'id="petition-total">9</strong>' in html

    monkeypatch.setattr(views, "LIST_COUNT_CAP", 4)
    rows, (total, capped, html) = list_pages(client, {"q": "工资"})
    assert rows == newest_first(corpus["wages"])
    assert (total, capped) == (4, True)
    assert 'id="petition-total">4+</strong>' in html


@pytest.mark.parametrize("hits_limit", [10_000, 2])
def test_workbench_search_with_a_filter_that_keeps_few_matches(
    client, corpus, people, monkeypatch, hits_limit
):
    monkeypatch.setattr(query, "HITS_LIMIT", hits_limit)
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 3)
    kept = corpus["wages"][3:5]
    Petition.objects.filter(pk__in=[p.pk for p in kept]).update(status=Status.ACCEPTED)
    client.force_login(people.registrar)
    rows, (total, capped, _) = list_pages(client, {"q": "工资", "status": Status.ACCEPTED})
    assert rows == newest_first(kept)
    assert (total, capped) == (2, False)


@pytest.mark.parametrize("hits_limit", [10_000, 2])
def test_workbench_search_query_count_is_bounded(client, corpus, people, monkeypatch, hits_limit):
    monkeypatch.setattr(query, "HITS_LIMIT", hits_limit)
    client.force_login(people.registrar)
    client.get(LIST_URL, {"q": "工资"})
    with CaptureQueriesContext(connection) as plain:
        client.get(LIST_URL)
    with CaptureQueriesContext(connection) as searched:
        response = client.get(LIST_URL, {"q": "工资"})
    assert len(response.context["page"].rows) == 9
    # One index lookup for the first hits; a second count only when the first hits do not settle it.
    assert len(searched.captured_queries) <= len(plain.captured_queries) + 2
    sql = " ".join(q["sql"] for q in searched.captured_queries).upper()
    assert " LIKE '%" not in sql and "OFFSET" not in sql


@pytest.mark.parametrize(("probe", "hits_limit"), [(2_000, 10_000), (2, 3), (2, 100)])
def test_api_search_pages_in_date_order(corpus, people, monkeypatch, probe, hits_limit):
    # Every match in the probe; the walk after it; the fetch up to the limit after it.
    monkeypatch.setattr(query, "PROBE_HITS", probe)
    monkeypatch.setattr(query, "HITS_LIMIT", hits_limit)
    api = APIClient()
    api.force_authenticate(people.registrar)
    rows, url = [], "/api/v1/petitions/?" + urlencode({"q": "工资", "page_size": 4})
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        rows += [row["id"] for row in body["results"]]
        url = body["next"]
    assert rows == newest_first(corpus["wages"])


def test_search_petitions_keeps_its_queryset_signature(corpus, people):
    qs = search_petitions(visible_to(people.registrar), "工资 追讨", hits_limit=1)
    assert sorted(qs.values_list("pk", flat=True)) == sorted(p.pk for p in corpus["wages"])


def test_a_staged_page_probes_first_then_sorts_a_frequent_word_and_walks_a_dense_one(
    corpus, people, monkeypatch
):
    """The API page (`search_petitions`) looks at PROBE_HITS ids first: every match if that is all; past them,
    a word expected to match more than twice the limit walks, anything else fetches up to the limit. Either
    way the rows are every match, newest first."""
    visible = visible_to(people.registrar)
    expected_rows = newest_first(corpus["wages"])
    monkeypatch.setattr(query, "PROBE_HITS", 3)
    ids, expected = query.probe_hits(query.text_match("工资"), 4)
    assert len(ids) == 4
    if connection.vendor == "sqlite":
        # FTS5 reads by rowid: ten of thirteen petitions match 工资, four found among the first few ids.
        assert 4 <= expected <= 13
    else:
        # PostgreSQL reads by heap block: a table of one block says only "at least what was found".
        assert expected >= 4
    real = query.probe_hits

    def estimate(value):
        monkeypatch.setattr(query, "probe_hits", lambda match, limit: (real(match, limit)[0], value))

    estimate(9.0)  # more than twice the limit of 4: the walk
    dense = TextSearch("工资", 4, staged=True)
    assert not dense.complete and dense.hits_limit == 3
    assert list(dense.filter(visible).order_by("-received_at", "-id").values_list("pk", flat=True)) == (
        expected_rows
    )
    estimate(8.0)  # at most twice: fetch up to the limit (still more than 4 match: not complete, walked)
    capped = TextSearch("工资", 4, staged=True)
    assert not capped.complete and capped.hits_limit == 4 and len(capped.hits) == 5
    estimate(12.0)  # below twice the limit of 100: every match fetched and sorted
    frequent = TextSearch("工资", 100, staged=True)
    assert frequent.complete and len(frequent.hits) == 10
    assert list(frequent.filter(visible).order_by("-received_at", "-id").values_list("pk", flat=True)) == (
        expected_rows
    )
    rare = TextSearch("幼儿园", 100, staged=True)
    assert rare.complete and len(rare.hits) == 3  # the probe held every match
    page = list(
        search_petitions(visible, "工资").order_by("-received_at", "-id").values_list("pk", flat=True)
    )
    assert page == expected_rows
