"""Slices on the statistics pages: the filter bar, drill-down lists as long as their sliced figures, refusals,
and the slice named in every xlsx export. The bureau's leader reads: the accusation against the bureau (e of
`slice_scene`) is never counted, and f is no repeat for that reader."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.viewtests import get

from . import slice_scene

SPAN = {"region": "330102", "from": "2026-03-01", "to": "2026-06-15"}


def url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode({**SPAN, **params})}"


@pytest.fixture
def march(scene, org, people):
    return slice_scene.build(scene, org, people)


def rate_row(html: str, key: str) -> tuple[int, int]:
    row = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S).group(1)
    numerator = re.search(r'class="xf-num"[^>]*>(\d+)<', row).group(1)
    denominator = re.search(r'class="xf-den"[^>]*>(\d+)<', row).group(1)
    return int(numerator), int(denominator)


def drill_total(client, user, **params) -> int:
    response = get(client, url("stats:petitions", **params), user)
    assert response.status_code == 200
    return int(re.search(r'data-total="(\d+)"', response.content.decode()).group(1))


def test_the_filter_bar_narrows_the_figures_and_every_link_keeps_the_slice(client, march, people):
    plain = get(client, url("stats:dashboard"), people.bureau_leader).content.decode()
    assert rate_row(plain, "timely_acceptance") == (3, 5)
    assert 'id="slice-filters"' in plain and 'id="slice-chips"' not in plain and "xf-unsliced" not in plain

    response = get(client, url("stats:dashboard", channel="wxd"), people.bureau_leader)
    html = response.content.decode()
    assert response.status_code == 200
    assert rate_row(html, "timely_acceptance") == (3, 3)  # a, c and d; e is hidden from the bureau
    assert rate_row(html, "repeat") == (1, 3)
    assert '<option value="wxd" selected>网信电访</option>' in html
    assert "信访形式：网信电访" in html and 'id="slice-reset"' in html
    reset = re.search(r'id="slice-reset" href="([^"]+)"', html).group(1)
    assert "channel" not in reset and "region=330102" in reset
    # Every drill-down and export link carries the slice.
    links = re.findall(r'href="(/stats/[^"]*)"', html)
    assert links and all("channel=wxd" in link for link in links if "petitions/" in link or "xlsx" in link)
    assert html.count("xf-unsliced") == 2  # the leaders' and mechanisms' panels say what is not narrowed


def test_a_combination_from_the_url_stays_selectable(client, march, people):
    html = get(client, url("stats:dashboard", channel="letter,phone"), people.bureau_leader).content.decode()
    assert '<option value="letter,phone" selected>来信、电话</option>' in html
    assert rate_row(html, "timely_acceptance") == (2, 2)  # a and d


def test_drill_down_lists_are_as_long_as_their_sliced_figures(client, march, people):
    reader = people.bureau_leader
    assert drill_total(client, reader, metric="timely_acceptance", channel="visit") == 2
    assert drill_total(client, reader, metric="timely_acceptance", part="numerator", channel="visit") == 0
    assert drill_total(client, reader, volume="total", collective="1") == 1
    assert drill_total(client, reader, metric="repeat", part="numerator", repeat="1") == 1  # d, not f
    assert drill_total(client, reader, volume="total", repeat="0") == 4  # a, b, c, f
    assert drill_total(client, reader, volume="total", **{"class": "accusation"}) == 0
    assert drill_total(client, reader, volume="total", category="城乡建设/住房", source_level="national") == 1


def test_bad_filters_are_refused_in_chinese_and_scopes_still_checked(client, march, people):
    response = get(client, url("stats:dashboard", channel="pigeon"), people.bureau_leader)
    assert response.status_code == 400
    assert "参数 channel（信访形式）的取值“pigeon”无效" in response.content.decode()
    assert get(client, url("stats:petitions", repeat="2"), people.bureau_leader).status_code == 400
    assert get(client, url("stats:dashboard", channel="wxd"), people.township_handler).status_code == 403


def rows_of(content: bytes, sheet: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), data_only=True)[sheet].iter_rows(values_only=True))


def test_exports_name_the_slice_in_a_header_row(client, march, people):
    reader = people.bureau_leader
    book = get(client, url("stats:dashboard", channel="wxd", repeat="1", format="xlsx"), reader).content
    rates = rows_of(book, "三率")
    assert rates[1][0] == "筛选条件：信访形式：网信电访；初信初访/重复信访：重复信访"
    assert rates[2][0] == "指标" and rates[3][:3] == ("及时受理率", 1, 1)  # d
    assert rows_of(book, "案结事了")[1][0] == rates[1][0]
    assert rows_of(book, "领导接访")[1][0].endswith("（本表不按筛选条件统计）")
    plain = rows_of(get(client, url("stats:dashboard", format="xlsx"), reader).content, "三率")
    assert plain[1][0] == "指标"  # no slice, no extra row

    drill = get(client, url("stats:petitions", volume="total", channel="visit", format="xlsx"), reader)
    rows = rows_of(drill.content, "信访事项")
    assert rows[1][0] == "筛选条件：信访形式：来访" and rows[2][0] == "登记编号" and len(rows) == 3 + 2
    units = rows_of(get(client, url("stats:units", channel="visit"), reader).content, "各单位")
    assert units[1][0] == "筛选条件：信访形式：来访"
