"""TOTP second factor: compulsory roles must enrol, enrolled users must enter a code, recovery codes work once."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.audit.models import Event
from xinfang.orgs.models import Role

from .. import factories as f

PASSWORD = "xinfang-test-pw"


@pytest.fixture(autouse=True)
def gate_on(settings):
    settings.XF_2FA_ENFORCED = True


def login(client, user):
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, user) -> list[str]:
    page = client.get("/account/2fa/enrol/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/account/2fa/enrol/", {"token": code(device)})
    return done.context["codes"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR, Role.BUREAU_LEADER, Role.HANDLER]
)
def test_compulsory_roles_are_sent_to_enrolment_and_refused_everywhere_until_then(client, role):
    user = f.UserFactory(username="must", roles=[role], is_staff=True)
    login(client, user)
    for path in ["/petitions/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/account/2fa/enrol/")
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    assert "双因素" in api.json()["title"]
    codes = enrol(client, user)
    assert len(codes) == 10
    assert client.get("/notifications/").status_code == 200
    assert Event.objects.filter(action="2fa_enrolled", actor=user).exists()


@pytest.mark.django_db
def test_optional_role_without_device_goes_straight_in(client):
    user = f.UserFactory(username="optional", roles=[Role.SUPERVISOR])
    login(client, user)
    assert client.get("/notifications/").status_code == 200


@pytest.mark.django_db
def test_enrolled_user_must_enter_the_code_after_the_password(client):
    user = f.UserFactory(username="enrolled", roles=[Role.SUPERVISOR])
    login(client, user)
    enrol(client, user)
    client.post("/logout/")
    login(client, user)
    assert client.get("/notifications/")["Location"].startswith("/account/2fa/verify/")
    wrong = client.post("/account/2fa/verify/", {"token": "000000"})
    assert "不正确" in wrong.content.decode()
    assert client.get("/notifications/").status_code == 302
    # django-otp keeps its own clock: move the device past the wrong guess's back-off and into a new
    # 30-second step (the enrolment used this step's code, and a code is accepted once).
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None, last_t=-1)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert (
        client.post("/account/2fa/verify/", {"token": code(device), "next": "/notifications/"}).status_code
        == 302
    )
    assert client.get("/notifications/").status_code == 200
    assert Event.objects.filter(action="2fa_failed", actor=user).count() == 1


@pytest.mark.django_db
def test_a_recovery_code_works_once(client):
    user = f.UserFactory(username="lostphone", roles=[Role.REGISTRAR])
    login(client, user)
    recovery = enrol(client, user)[0]
    for attempt in range(2):
        client.post("/logout/")
        login(client, user)
        client.post("/account/2fa/verify/", {"token": recovery})
        opened = client.get("/notifications/").status_code == 200
        assert opened is (attempt == 0)
    assert StaticToken.objects.filter(device__user=user).count() == 9


@pytest.mark.django_db
def test_the_admin_login_is_gated_too(client):
    user = f.UserFactory(username="sysadmin", roles=[Role.ADMIN], is_staff=True)
    response = client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/orgs/region/")["Location"].startswith("/account/2fa/enrol/")
    assert user.pk == int(client.session["_auth_user_id"])
