"""The assistance pages: apply, refuse a bad amount with a Chinese message, approve, pay, 救助息访."""

from __future__ import annotations

from django.test import Client

from xinfang.assistance.models import Grant, GrantStatus


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_grant_through_the_pages(scene, people):
    petition = scene.transferred()
    handler = logged_in(people.township_handler)
    form = {"petition": petition.registration_number, "fund": "petition_fund", "applicant_name": "群众甲",
            "beneficiary_count": 2, "reason": "因病致贫"}  # fmt: skip
    refused = handler.post("/assistance/apply/", {**form, "amount": "-100"}, follow=True)
    assert "救助金额必须大于零" in refused.content.decode() and not Grant.objects.exists()
    done = handler.post("/assistance/apply/", {**form, "amount": "5000"})
    grant = Grant.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/assistance/{grant.pk}/"
    page = logged_in(people.township_leader).get(f"/assistance/{grant.pk}/").content.decode()
    assert "审批同意" in page and "5000.00元" in page
    logged_in(people.township_leader).post(f"/assistance/{grant.pk}/approve/", {"rule": "第五条"})
    handler.post(f"/assistance/{grant.pk}/pay/", {"paid_on": "2026-03-03"})
    handler.post(f"/assistance/{grant.pk}/ending/", {"ended": "yes"})
    grant.refresh_from_db()
    assert (grant.status, grant.ended_petitioning) == (GrantStatus.PAID, True)
    assert petition.registration_number in handler.get("/assistance/").content.decode()
    assert logged_in(people.other_township_handler).get(f"/assistance/{grant.pk}/").status_code == 404
