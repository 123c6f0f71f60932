"""The case page as the petitioner sees it after staff act: the timeline, the deadline, the documents, rating,
review and re-review through the workflow service, and what must never show."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f
from tests.portal.conftest import identity
from xinfang.documents.models import Document, DocumentKind
from xinfang.evaluation.models import Rating, RatingVia, Review
from xinfang.petitions.models import Status

pytestmark = pytest.mark.django_db


def opened(result) -> Client:
    browser = Client()
    response = browser.post("/portal/follow/", {"query_code": result.code, "phone": result.phone})
    assert response.status_code == 302
    return browser


def cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def page_of(browser: Client, petition) -> str:
    response = browser.get(f"/portal/case/{petition.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_timeline_shows_each_dated_step_in_plain_words(portal, now, filed, staff, people):
    result = filed()
    petition = result.petition
    staff.accept(petition)
    staff.do(
        petition,
        "extend",
        people.township_handler,
        "2026-04-20",
        days=30,
        reason="需要补充调查评估报告",
        approved_by=people.township_leader.pk,
    )
    page = page_of(opened(result), petition)
    for text in (
        "收到并登记",
        "已转送",
        "转送至清波街道办事处办理。",
        "已受理",
        # 60 days after 2026-03-05 is 05-04, inside the Labour Day holiday: the period ends on 05-06.
        "应于2026年5月6日前办理完毕并出具处理意见。",
        "延长办理期限",
        f"办理期限延长30日，至{cn(petition.handling_due_on)}。延期理由：需要补充调查评估报告",
        "《转送告知书》",
        "《受理告知书》",
        "《延期告知书》",
        "下载PDF",
    ):
        assert text in page, text
    assert "已受理，正在办理" in page
    assert (
        f"清波街道办事处应于 <strong>{cn(petition.handling_due_on)}</strong> 前办理完毕并出具处理意见" in page
    )


def test_no_staff_names_internal_notes_or_objections_are_shown(portal, now, filed, staff, people, org):
    result = filed()
    petition = result.petition
    staff.do(
        petition,
        "transfer",
        people.registrar,
        "2026-03-03",
        to_unit=org.housing,
        note="内部备注：此人多次来访",
    )
    staff.do(petition, "object", people.department_handler, "2026-03-04", reason="不属于本单位职责：内部意见")
    staff.do(petition, "transfer", people.registrar, "2026-03-05", to_unit=org.qingbo_unit)
    staff.do(petition, "accept", people.township_handler, "2026-03-06")
    page = page_of(opened(result), petition)
    for secret in (
        "内部备注",
        "此人多次来访",
        "内部意见",
        "提出异议",
        "王登记",
        "赵承办",
        "registrar",
        "qingbo_handler",
    ):
        assert secret not in page, secret
    assert page.count("已转送") == 2  # both transfers are dated steps; the objection between them is not
    assert result.data["id_number"] not in page and result.phone not in page


def test_reply_can_be_downloaded_and_both_ratings_given(portal, now, filed, staff):
    result = filed()
    petition = result.petition
    staff.conclude(petition)
    browser = opened(result)
    page = page_of(browser, petition)
    assert "作出处理意见" in page and "处理意见：解释说明。" in page
    assert "您于2026年4月3日收到处理意见。" in page
    opinion = Document.objects.get(petition=petition, kind=DocumentKind.HANDLING_OPINION)
    response = browser.get(f"/portal/case/{petition.pk}/documents/{opinion.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    docx = browser.get(f"/portal/case/{petition.pk}/documents/{opinion.pk}/docx/")
    assert docx.status_code == 200
    # The rating window: 30 days from receipt on 2026-04-03.
    assert "待评价，截止 2026年5月6日" in page  # 2026-05-03 is a holiday (Labour Day) and rolls to 05-06
    response = browser.post(
        f"/portal/case/{petition.pk}/rate/",
        {
            "bureau_rating": "satisfied",
            "bureau_reason": "",
            "unit_rating": "basically_satisfied",
            "unit_reason": "",
        },
    )
    assert response.status_code == 302
    ratings = {r.target: r for r in Rating.objects.filter(petition=petition)}
    assert ratings["bureau"].rating == "satisfied" and ratings["bureau"].unit.code == "330102-XFJ"
    assert ratings["unit"].rating == "basically_satisfied" and ratings["unit"].unit.code == "330102001"
    assert all(r.via == RatingVia.PORTAL and r.recorded_by is None for r in ratings.values())
    page = page_of(browser, petition)
    assert "感谢您的评价" in page
    assert "您已评价“满意”" in page and "您已评价“基本满意”" in page
    assert "提交评价" not in page


def test_dissatisfied_needs_a_reason_and_nothing_is_written_without_it(
    portal, now, filed, staff, silence_notices
):
    result = filed()
    staff.conclude(result.petition)
    browser = opened(result)
    response = browser.post(
        f"/portal/case/{result.petition.pk}/rate/",
        {"bureau_rating": "satisfied", "unit_rating": "dissatisfied", "unit_reason": "  "},
    )
    assert response.status_code == 400
    assert "您对责任单位不满意，请说明理由。" in response.content.decode()
    assert not Rating.objects.exists()


def test_rating_after_the_window_is_refused(portal, now, filed, staff, silence_notices):
    result = filed()
    staff.conclude(result.petition)
    now("2026-05-07")
    browser = opened(result)
    page = page_of(browser, result.petition)
    assert "评价期已结束" in page and "提交评价" not in page
    response = browser.post(f"/portal/case/{result.petition.pk}/rate/", {"bureau_rating": "satisfied"})
    assert response.status_code == 302
    assert not Rating.objects.exists()


def test_dissatisfied_petitioner_requests_review_then_re_review_until_termination(
    portal, now, filed, staff, people
):
    result = filed()
    petition = result.petition
    staff.conclude(petition)
    browser = opened(result)
    page = page_of(browser, petition)
    assert "请求复查" in page and "2026年5月6日</strong> 前请求复查，由上城区信访局复查" in page
    now("2026-04-10")
    browser = opened(result)  # a week later: the petitioner opens the case again
    response = browser.post(
        f"/portal/case/{petition.pk}/review/", {"review-text": "补偿标准计算有误，请求复查。"}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Status.UNDER_REVIEW
    review = Review.objects.get(petition=petition, level="review")
    assert review.request_text == "补偿标准计算有误，请求复查。"
    page = page_of(browser, petition)
    assert "您请求复查" in page and "由上城区信访局复查，应于2026年5月11日前作出复查意见。" in page
    assert "上城区信访局应于 <strong>2026年5月11日</strong> 前作出复查意见" in page

    staff.review(petition)
    browser = opened(result)
    page = page_of(browser, petition)
    assert "作出复查意见" in page and "维持原处理意见。" in page and "《复查意见书》" in page
    assert "2026年5月22日</strong> 前请求复核，由杭州市信访局复核" in page
    now("2026-04-25")
    browser = opened(result)
    response = browser.post(
        f"/portal/case/{petition.pk}/re-review/", {"re_review-text": "复查意见仍未解决问题。"}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Status.UNDER_RE_REVIEW

    staff.re_review(petition)
    page = page_of(opened(result), petition)
    assert "信访程序已终结" in page
    assert "《信访工作条例》第三十六条" in page and "不再受理" in page
    assert "《复核意见书》" in page
    assert "请求复核" not in page.split("办理过程")[0].replace("您请求复核", "")


def test_review_after_its_window_is_refused_by_the_workflow(portal, now, filed, staff, silence_notices):
    result = filed()
    staff.conclude(result.petition)
    now("2026-05-07")
    browser = opened(result)
    page = page_of(browser, result.petition)
    assert "请求复查的期限已于2026年5月6日届满" in page
    response = browser.post(f"/portal/case/{result.petition.pk}/review/", {"review-text": "迟到的请求"})
    assert response.status_code == 400
    assert "已超过请求复查的期限" in response.content.decode()
    result.petition.refresh_from_db()
    assert result.petition.status == Status.CONCLUDED


def test_review_needs_reasons(portal, now, filed, staff, silence_notices):
    result = filed()
    staff.conclude(result.petition)
    response = opened(result).post(f"/portal/case/{result.petition.pk}/review/", {"review-text": ""})
    assert response.status_code == 400
    assert "请说明您不服处理意见的事实和理由" in response.content.decode()
    assert not Review.objects.exists()


def test_actions_on_a_case_not_opened_are_404(portal, now, filed, staff, silence_notices):
    result = filed()
    staff.conclude(result.petition)
    stranger = Client()
    for path in ("rate/", "review/", "re-review/"):
        assert stranger.post(f"/portal/case/{result.petition.pk}/{path}", {}).status_code == 404
    assert not Rating.objects.exists() and not Review.objects.exists()


def test_documents_of_another_petition_are_404(portal, now, filed, staff):
    mine, theirs = filed(), filed(**identity(4))
    staff.accept(theirs.petition)
    theirs_doc = Document.objects.filter(petition=theirs.petition).first()
    browser = opened(mine)
    assert browser.get(f"/portal/case/{mine.petition.pk}/documents/{theirs_doc.pk}/pdf/").status_code == 404
    assert browser.get(f"/portal/case/{theirs.petition.pk}/documents/{theirs_doc.pk}/pdf/").status_code == 404


def test_legal_route_closure_explains_where_to_go(portal, now, filed, staff, people, silence_notices):
    result = filed()
    staff.do(
        result.petition,
        "direct_to_legal_route",
        people.registrar,
        "2026-03-04",
        legal_route="litigation",
        body="上城区人民法院",
    )
    page = page_of(opened(result), result.petition)
    assert "已告知通过法定途径解决" in page
    assert "该事项应通过诉讼、检察或公安程序解决，请向上城区人民法院提出。" in page
    assert "评价办理情况" not in page


def test_an_accuser_sees_where_it_went_and_nothing_of_the_other_side(portal, now, filed, staff, people, org):
    leader = f.UserFactory(username="jw_leader", unit=org.discipline, roles=["unit_leader"])
    result = filed(
        petition_class="accusation", subject="某街道工作人员", category=str(f.category("纪检监察").pk)
    )
    petition = result.petition
    staff.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.discipline)
    staff.do(petition, "accept", people.discipline_handler, "2026-03-05")
    staff.do(
        petition,
        "extend",
        people.discipline_handler,
        "2026-04-20",
        days=10,
        reason="需调取被举报人材料",
        approved_by=leader.pk,
    )
    staff.do(
        petition, "reply", people.discipline_handler, "2026-05-10", opinion="explain", text="已依纪依法处理。"
    )
    staff.do(
        petition, "deliver", people.discipline_handler, "2026-05-12", method="post", received_on="2026-05-12"
    )
    page = page_of(opened(result), petition)
    assert "转送至上城区纪委监委办理。" in page and "已受理" in page and "作出处理意见" in page
    assert "需调取被举报人材料" not in page and "延长办理期限" not in page
    assert "某街道工作人员" not in page
    assert "评价办理情况" not in page  # accusations are not rated (process.md §7)


def test_the_case_page_costs_a_bounded_number_of_queries(
    portal, now, filed, staff, django_assert_max_num_queries
):
    result = filed()
    petition = result.petition
    staff.conclude(petition)
    now("2026-04-10")
    browser = opened(result)
    browser.post(f"/portal/case/{petition.pk}/review/", {"review-text": "不服"})
    staff.review(petition)
    browser = opened(result)
    with django_assert_max_num_queries(22):
        assert browser.get(f"/portal/case/{petition.pk}/").status_code == 200


def test_the_case_page_names_the_review_body_and_its_office(portal, now, filed, staff, org):
    """process.md §4: the government decides, its bureau's review office prepares it; the page names both,
    and "目前办理单位" and the duty sentence under it name the same body (issue 13)."""
    org.bureau.review_office, org.bureau.review_authority = "上城区信访局复查复核办公室", "上城区人民政府"
    org.bureau.save()
    body = "上城区人民政府（上城区信访局复查复核办公室承办）"
    result = filed()
    petition = result.petition
    staff.conclude(petition)
    assert f"前请求复查，由{body}复查" in page_of(opened(result), petition)
    now("2026-04-10")
    browser = opened(result)
    browser.post(f"/portal/case/{petition.pk}/review/", {"review-text": "补偿标准计算有误，请求复查。"})
    page = page_of(browser, petition)
    assert f"目前办理单位：<strong>{body}</strong>" in page
    assert f"{body}应于 <strong>2026年5月11日</strong> 前作出复查意见" in page
    assert "目前办理单位：<strong>清波街道办事处" not in page  # the original handler no longer has it
