"""The review body, named once (process.md §4): the unit one level above the original handler reviews, one
level above the reviewer re-reviews; where the bureau's review office acts in the government's name, both
are named, on the detail page, the portal and the opinion documents."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.workflow.test_views_pages import page, region
from xinfang.documents.context import build_context
from xinfang.documents.models import DocumentKind
from xinfang.evaluation.models import ReviewLevel
from xinfang.portal.progress import progress
from xinfang.workflow.review_bodies import bodies_of, body_of, review_body

COUNTY = "上城区人民政府（上城区信访局复查复核办公室承办）"
CITY = "杭州市人民政府（杭州市信访局复查复核办公室承办）"


@pytest.fixture
def offices(org):
    """Both bureaus' review offices act in the name of their government."""
    for unit, office, authority in (
        (org.bureau, "上城区信访局复查复核办公室", "上城区人民政府"),
        (org.city_bureau, "杭州市信访局复查复核办公室", "杭州市人民政府"),
    ):
        unit.review_office, unit.review_authority = office, authority
        unit.full_clean()
        unit.save()


def test_the_reviewing_unit_is_one_level_above_the_handler_named_as_itself(scene, org):
    petition = scene.drive("concluded")
    body = review_body(petition)
    assert body.unit == org.bureau  # 清波街道's parent
    assert body.name == "上城区信访局"
    assert review_body(petition, ReviewLevel.RE_REVIEW) is None  # no review yet


def test_a_review_office_acting_for_the_government_is_named_with_it(scene, org, offices):
    petition = scene.drive("under_re_review")
    review, re_review = review_body(petition), review_body(petition, ReviewLevel.RE_REVIEW)
    assert (review.unit, review.authority, review.office) == (
        org.bureau,
        "上城区人民政府",
        "上城区信访局复查复核办公室",
    )
    assert review.name == COUNTY
    assert re_review.unit == org.city_bureau
    assert re_review.name == CITY
    assert [label for label, _ in bodies_of(petition)] == ["复查机关", "复核机关"]


def test_an_office_without_the_body_it_acts_for_is_refused(org):
    org.bureau.review_office = "上城区信访局复查复核办公室"
    with pytest.raises(ValidationError, match="同时填写"):
        org.bureau.full_clean()
    assert body_of(org.bureau).name == "上城区信访局"  # half-filled data names the unit alone


def test_the_detail_page_names_the_review_body(client, scene, people, offices):
    petition = scene.drive("under_review")
    html = page(client, people.reviewer, reverse("petitions:detail", args=[petition.pk]))
    assert f"<dt>复查机关</dt><dd data-review-body>{COUNTY}</dd>" in html
    assert COUNTY in region(html, "petition-deadlines")  # the review period is owed by the body


def test_the_detail_page_names_no_review_body_before_the_reply_is_received(client, scene, people, offices):
    petition = scene.drive("accepted")
    html = page(client, people.township_handler, reverse("petitions:detail", args=[petition.pk]))
    assert "data-review-body" not in html


def test_the_portal_names_the_body_under_review_and_in_the_duty_sentence(scene, offices):
    concluded = scene.drive("concluded")
    assert progress(concluded).reviewing_unit == COUNTY
    under_review = scene.drive("under_review")
    shown = progress(under_review)
    # "目前办理单位" and "…应于…前作出复查意见" name the same body (issue 13).
    assert shown.handling_unit == COUNTY
    assert shown.duty.unit == COUNTY
    assert "复查意见" in shown.duty.text
    reviewed = scene.drive("reviewed")
    assert progress(reviewed).re_reviewing_unit == CITY


def test_the_portal_timeline_names_the_body_a_request_went_to(scene, offices):
    from xinfang.portal.timeline import DESCRIBE

    petition = scene.drive("under_review")
    event = petition.events.get(action="request_review")
    title, detail = DESCRIBE["request_review"](event, petition)
    assert detail.startswith(f"由{COUNTY}复查")


def test_the_opinion_documents_name_the_bodies(scene, org, offices):
    petition = scene.drive("reviewed")
    at = petition.last_transition_at
    handling = build_context(petition, DocumentKind.HANDLING_OPINION, unit=org.qingbo_unit, at=at)
    assert handling["review_unit"] == COUNTY
    review = build_context(petition, DocumentKind.REVIEW_OPINION, unit=org.bureau, at=at)
    assert review["issuer_name"] == COUNTY
    assert review["re_review_unit"] == CITY
    re_review = build_context(petition, DocumentKind.RE_REVIEW_OPINION, unit=org.city_bureau, at=at)
    assert re_review["issuer_name"] == CITY


def test_without_an_office_the_documents_name_the_unit(scene, org):
    petition = scene.drive("reviewed")
    review = build_context(
        petition, DocumentKind.REVIEW_OPINION, unit=org.bureau, at=petition.last_transition_at
    )
    assert review["issuer_name"] == "上城区信访局"
    assert review["re_review_unit"] == "杭州市信访局"
