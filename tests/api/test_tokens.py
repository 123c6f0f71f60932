"""API tokens: stored as digests (only a prefix shown), expiring, issued and revoked by their owner, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from xinfang import clock
from xinfang.api import tokens
from xinfang.api.models import ApiToken
from xinfang.audit.models import Event

pytestmark = pytest.mark.django_db


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_expires(people, now, frozen_clock, settings):
    settings.XF_API_TOKEN_DAYS = 7
    token, key = tokens.issue(people.registrar)
    assert token.expires_at == clock.now() + dt.timedelta(days=7)
    assert with_token(key).get("/api/v1/me").status_code == 200
    frozen_clock(clock.now() + dt.timedelta(days=7, seconds=1))
    refused = with_token(key).get("/api/v1/me")
    assert refused.status_code in (401, 403) and refused.json()["detail"] == "令牌已过期，请重新获取。"


def test_the_owner_issues_lists_and_revokes_tokens_with_audit_events(people, now):
    _, login_key = tokens.issue(people.registrar, kind="login")
    owner = with_token(login_key)
    issued = owner.post("/api/v1/auth/tokens/", {"name": "夜间同步脚本"}, format="json")
    assert issued.status_code == 201
    script_key = issued.json()["token"]
    assert with_token(script_key).get("/api/v1/me").status_code == 200

    listed = owner.get("/api/v1/auth/tokens/").json()
    assert sorted(row["prefix"] for row in listed) == sorted([login_key[:8], script_key[:8]])
    assert script_key not in str(listed) and login_key not in str(listed)
    assert not any(script_key in str(row) for row in ApiToken.objects.values_list())

    script = next(row for row in listed if row["name"] == "夜间同步脚本")
    assert owner.delete(f"/api/v1/auth/tokens/{script['id']}/").status_code == 204
    assert with_token(script_key).get("/api/v1/me").status_code in (401, 403)
    assert owner.get("/api/v1/me").status_code == 200  # the other token still works
    assert list(
        Event.objects.filter(target_type="apitoken").values_list("action", flat=True).order_by("id")
    ) == [
        "issue_api_token",
        "issue_api_token",
        "revoke_api_token",
    ]


def test_nobody_revokes_someone_elses_token(people, now):
    theirs, their_key = tokens.issue(people.bureau_handler)
    _, my_key = tokens.issue(people.registrar)
    assert with_token(my_key).delete(f"/api/v1/auth/tokens/{theirs.pk}/").status_code == 404
    assert with_token(their_key).get("/api/v1/me").status_code == 200
    assert not Event.objects.filter(action="revoke_api_token").exists()
