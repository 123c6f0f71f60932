"""The case page puts the decision's own words before the rating and review forms, and lays radios out for a
phone (the browser test measures the boxes at 390 px)."""

from __future__ import annotations

import re

import pytest

from tests.portal.test_case import opened, page_of

pytestmark = pytest.mark.django_db


def test_the_reply_text_comes_before_the_rating_and_review_forms(portal, now, filed, staff):
    result = filed()
    staff.conclude(result.petition)
    page = page_of(opened(result), result.petition)
    decision = page.index("经核查，补偿标准符合规定，现解释说明如下。")
    assert page.index('id="decision-h"') < decision < page.index("提交评价") < page.index("提交复查请求")
    assert "处理意见：解释说明" in page and "清波街道办事处" in page[page.index('id="decision-h"') : decision]


def test_review_opinions_follow_the_reply(portal, now, filed, staff):
    result = filed()
    staff.conclude(result.petition)
    now("2026-04-10")
    browser = opened(result)
    response = browser.post(f"/portal/case/{result.petition.pk}/review/", {"review-text": "请求复查。"})
    assert response.status_code == 302
    staff.review(result.petition)
    page = page_of(opened(result), result.petition)
    assert (
        page.index("经核查，补偿标准符合规定")
        < page.index("复查意见：维持原处理意见")
        < page.index("维持原处理意见。")
    )


def test_no_decision_section_before_a_reply(portal, now, filed):
    result = filed()
    page = page_of(opened(result), result.petition)
    assert 'id="decision-h"' not in page


def test_each_radio_sits_inside_its_label(portal, now, filed, staff):
    result = filed()
    staff.conclude(result.petition)
    page = page_of(opened(result), result.petition)
    rows = re.findall(r'<label class="pt-radio" for="([^"]+)"><input[^>]*id="([^"]+)"', page)
    assert len(rows) == 6  # three values (满意, 基本满意, 不满意) for each of the two ratings
    assert all(target == own for target, own in rows)
