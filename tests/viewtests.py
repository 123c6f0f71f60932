"""Reusable checks for workbench views: who may reach a URL, and how many queries it costs.

Two ways to use them:

- call `assert_view_access(client, url, allowed=..., outsider=..., max_queries=...)` in a test; or
- subclass `ViewAccessChecks` in a test class and provide the fixtures `url`, `allowed_user`,
  `outsider`; set `max_queries`. Every subclass then gets the tests: anonymous → login redirect, another
  unit → 404, the right role → 200 within the query bound. Add `RoleRequiredChecks` (fixture
  `wrong_role_user`) for views that a role gates: the wrong role → 403.

For list views, where another unit's user gets the page but not the rows, set `outsider_status = 200` and
provide the `hidden_text` fixture: the text that must not appear for the outsider.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def get(client, url, user=None, **extra):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(url, **extra)


def assert_login_required(client, url) -> None:
    response = get(client, url)
    assert response.status_code == 302, f"anonymous {url}: {response.status_code}"
    assert urlsplit(response.url).path == reverse("login")


def assert_not_found_for(client, url, user) -> None:
    response = get(client, url, user)
    assert response.status_code == 404, f"{user} {url}: {response.status_code}"


def assert_forbidden_for(client, url, user, message: str = "") -> None:
    response = get(client, url, user)
    assert response.status_code == 403, f"{user} {url}: {response.status_code}"
    if message:
        assert message in response.content.decode()


def count_queries(client, url, user, **extra):
    """The response and the number of queries the request ran (login done before counting)."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    return response, len(ctx.captured_queries)


def assert_ok_within(client, url, user, max_queries: int):
    response, queries = count_queries(client, url, user)
    assert response.status_code == 200, f"{user} {url}: {response.status_code}"
    assert queries <= max_queries, f"{url} ran {queries} queries, bound is {max_queries}"
    return response


def assert_view_access(client, url, *, allowed, outsider, max_queries: int, wrong_role=None) -> None:
    assert_login_required(client, url)
    assert_not_found_for(client, url, outsider)
    if wrong_role is not None:
        assert_forbidden_for(client, url, wrong_role)
    assert_ok_within(client, url, allowed, max_queries)


class ViewAccessChecks:
    max_queries: int = 20
    outsider_status: int = 404

    @pytest.fixture
    def hidden_text(self):
        return None

    def test_anonymous_is_redirected_to_login(self, client, url, db):
        assert_login_required(client, url)

    def test_user_of_another_unit_cannot_see_it(self, client, url, outsider, hidden_text):
        response = get(client, url, outsider)
        assert response.status_code == self.outsider_status
        if self.outsider_status == 200:
            assert hidden_text and hidden_text not in response.content.decode()

    def test_right_role_succeeds_within_query_bound(self, client, url, allowed_user):
        assert_ok_within(client, url, allowed_user, self.max_queries)


class RoleRequiredChecks:
    """For views limited to a role: provide `url` and `wrong_role_user`; set `refusal` (the 403 text)."""

    refusal: str = ""

    def test_wrong_role_is_refused(self, client, url, wrong_role_user, db):
        assert_forbidden_for(client, url, wrong_role_user, self.refusal)
