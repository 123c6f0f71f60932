"""Password guessing on the workbench login, the admin login and the API token exchange is throttled."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import RequestFactory

from xinfang import clock
from xinfang.accounts import throttle
from xinfang.accounts.models import LoginThrottle, Scope
from xinfang.audit.models import Event

from .. import factories as f

PASSWORD = "xinfang-test-pw"


def post_login(client, path, username, password, address="10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize("path,guesses", [("/login/", 50), ("/admin/login/", 20)])
def test_right_password_after_many_wrong_ones_is_refused(client, path, guesses):
    user = f.UserFactory(username="wang", is_staff=True)
    for _ in range(guesses):
        post_login(client, path, "wang", "wrong-password")
    response = post_login(client, path, "wang", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "已被锁定" in response.content.decode()
    assert Event.objects.filter(action="login_locked", data__username="wang").count() == 1
    assert Event.objects.filter(action="login_failed").count() == 5
    assert Event.objects.filter(action="login_refused").exists()
    assert not Event.objects.filter(action="login", target_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_four_failures_then_the_right_password_logs_in_and_starts_afresh(client):
    user = f.UserFactory(username="li")
    for _ in range(4):
        response = post_login(client, "/login/", "li", "wrong-password")
        assert "用户名或密码错误" in response.content.decode()
    response = post_login(client, "/login/", "li", PASSWORD)
    assert response.status_code == 302
    assert LoginThrottle.objects.get(scope=Scope.ACCOUNT, key="li").attempts == 0
    assert Event.objects.filter(action="login", target_id=str(user.pk)).count() == 1


@pytest.mark.django_db
def test_lock_runs_out_after_the_lock_period_and_the_unlock_is_audited(client):
    f.UserFactory(username="zhao")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        for _ in range(5):
            post_login(client, "/login/", "zhao", "wrong-password")
    with clock.frozen(start + dt.timedelta(minutes=14)):
        assert post_login(client, "/login/", "zhao", PASSWORD).status_code == 200
    with clock.frozen(start + dt.timedelta(minutes=16)):
        assert post_login(client, "/login/", "zhao", PASSWORD).status_code == 302
    assert Event.objects.filter(action="login_unlocked", reason="锁定期满自动解除").count() == 1


@pytest.mark.django_db
def test_one_address_guessing_many_accounts_is_locked(client, settings):
    settings.XF_LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    f.UserFactory(username="sun")
    for n in range(6):
        post_login(client, "/login/", f"nobody{n}", "wrong-password", address="10.9.9.9")
    assert post_login(client, "/login/", "sun", PASSWORD, address="10.9.9.9").status_code == 200
    assert post_login(client, "/login/", "sun", PASSWORD, address="10.1.1.1").status_code == 302
    locked = Event.objects.get(action="login_locked")
    assert locked.data["scope"] == Scope.ADDRESS and locked.ip_address == "10.9.9.9"


@pytest.mark.django_db
def test_the_api_token_exchange_shares_the_lock(client):
    f.UserFactory(username="qian")
    for _ in range(5):
        post_login(client, "/login/", "qian", "wrong-password")
    response = client.post("/api/v1/auth/token", {"username": "qian", "password": PASSWORD})
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.django_db
def test_security_admin_unlock_is_audited():
    admin = f.UserFactory(username="anquan")
    for _ in range(5):
        authenticate(username="zhou", password="x")
    row = LoginThrottle.objects.get(scope=Scope.ACCOUNT, key="zhou")
    assert row.locked_until is not None
    throttle.unlock(row, actor=admin)
    row.refresh_from_db()
    assert row.locked_until is None and row.attempts == 0
    assert Event.objects.get(action="login_unlocked", actor=admin).reason == "管理员解除锁定"


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_get_no_more_than_the_allowance_through(monkeypatch):
    f.UserFactory(username="wu")
    checked = []
    original = f.User.check_password

    def counting(self, raw):
        checked.append(raw)
        return original(self, raw)

    monkeypatch.setattr(f.User, "check_password", counting)
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.2.2.2")
    barrier = threading.Barrier(12)

    def guess():
        try:
            barrier.wait()
            authenticate(request, username="wu", password="wrong-password")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 5
    assert LoginThrottle.objects.get(scope=Scope.ACCOUNT, key="wu").locked_until is not None
