"""三员分立: the system, security and audit administrators each open only their own admin sections."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from xinfang.orgs.models import Role, User, validate_roles

from .. import factories as f


def staff(username: str, role: str) -> User:
    return f.UserFactory(username=username, roles=[role], is_staff=True)


def status(client, user, name, *args) -> int:
    client.force_login(user)
    return client.get(reverse(name, args=args)).status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,allowed,refused",
    [
        (
            Role.ADMIN,
            ["admin:orgs_region_changelist", "admin:orgs_orgunit_add", "admin:petitions_category_changelist"],
            [
                "admin:orgs_user_changelist",
                "admin:auth_group_changelist",
                "admin:audit_event_changelist",
                "admin:accounts_loginthrottle_changelist",
                "admin:api_apitoken_changelist",
            ],
        ),
        (
            Role.SECURITY_ADMIN,
            [
                "admin:orgs_user_changelist",
                "admin:orgs_user_add",
                "admin:auth_group_changelist",
                "admin:accounts_loginthrottle_changelist",
                "admin:api_apitoken_changelist",
            ],
            [
                "admin:orgs_region_changelist",
                "admin:orgs_orgunit_add",
                "admin:audit_event_changelist",
                "admin:petitions_category_changelist",
            ],
        ),
        (
            Role.AUDITOR,
            ["admin:audit_event_changelist"],
            [
                "admin:orgs_user_changelist",
                "admin:orgs_region_changelist",
                "admin:auth_group_changelist",
                "admin:petitions_category_changelist",
                "admin:accounts_loginthrottle_changelist",
            ],
        ),
    ],
)
def test_each_administrator_opens_only_their_own_sections(client, role, allowed, refused):
    user = staff("duty", role)
    for name in allowed:
        assert status(client, user, name) == 200, name
    for name in refused:
        assert status(client, user, name) == 403, name


def test_one_account_cannot_hold_two_of_the_three_duties():
    validate_roles([Role.ADMIN, Role.HANDLER])
    for pair in (
        [Role.ADMIN, Role.SECURITY_ADMIN],
        [Role.SECURITY_ADMIN, Role.AUDITOR],
        [Role.ADMIN, Role.AUDITOR],
    ):
        with pytest.raises(ValidationError, match="三员分立"):
            validate_roles(pair)


@pytest.mark.django_db
def test_django_permission_boxes_grant_nothing(client):
    user = staff("sneaky", Role.HANDLER)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_event", "change_user"]))
    assert status(client, User.objects.get(pk=user.pk), "admin:audit_event_changelist") == 403
    assert status(client, user, "admin:orgs_user_changelist") == 403


@pytest.mark.django_db
def test_security_admin_cannot_make_a_superuser_or_change_their_own_roles(client):
    security = staff("anquan", Role.SECURITY_ADMIN)
    target = f.UserFactory(username="target", roles=[Role.HANDLER])
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(security)
    page = client.get(reverse("admin:orgs_user_change", args=[target.pk]))
    assert "is_superuser" not in page.context["adminform"].form.fields
    own = client.get(reverse("admin:orgs_user_change", args=[security.pk]))
    assert "roles" not in own.context["adminform"].form.fields
    assert (
        client.post(reverse("admin:orgs_user_change", args=[root.pk]), {"username": "root"}).status_code
        == 403
    )
    assert User.objects.get(pk=root.pk).is_superuser


@pytest.mark.django_db
def test_security_admin_can_give_a_user_the_auditor_role_but_not_two_duties(client, org):
    security = staff("anquan", Role.SECURITY_ADMIN)
    client.force_login(security)
    response = client.post(
        reverse("admin:orgs_user_add"),
        {
            "username": "shenji",
            "full_name": "审计甲",
            "unit": org.bureau.pk,
            "roles": [Role.AUDITOR, Role.ADMIN],
            "usable_password": "true",
            "password1": "Qt7#mountain-Lake",
            "password2": "Qt7#mountain-Lake",
        },
    )
    assert response.status_code == 200 and "三员分立" in response.content.decode()
    assert not User.objects.filter(username="shenji").exists()


@pytest.mark.django_db
def test_user_administration_asks_for_the_password_again_after_a_while(client, settings):
    import datetime as dt

    from xinfang import clock

    settings.XF_REAUTH_MINUTES = 15
    security = f.UserFactory(username="anquan2", roles=[Role.SECURITY_ADMIN], is_staff=True)
    target = f.UserFactory(username="target2")
    change = reverse("admin:orgs_user_change", args=[target.pk])
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        client.post("/login/", {"username": "anquan2", "password": "xinfang-test-pw"})
        assert client.get(change).status_code == 200
    with clock.frozen(start + dt.timedelta(minutes=20)):
        asked = client.get(change)
        assert asked.status_code == 302 and asked["Location"].startswith("/account/2fa/confirm/")
        wrong = client.post("/account/2fa/confirm/", {"password": "nope", "next": change})
        assert "不正确" in wrong.content.decode()
        assert (
            client.post("/account/2fa/confirm/", {"password": "xinfang-test-pw", "next": change})["Location"]
            == change
        )
        assert client.get(change).status_code == 200
    from xinfang.audit.models import Event

    assert Event.objects.filter(action="reauth", actor=security).count() == 1
    assert Event.objects.filter(action="reauth_failed", actor=security).count() == 1


@pytest.mark.django_db
def test_the_security_admin_revokes_a_token_and_the_key_is_dead(client, settings):
    from rest_framework.test import APIClient

    from xinfang.api import tokens
    from xinfang.api.models import ApiToken
    from xinfang.audit.models import Event

    owner = f.UserFactory(username="script-owner", roles=[Role.REGISTRAR])
    row, key = tokens.issue(owner, name="上级系统")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/petitions/").status_code == 200

    client.force_login(staff("sec", Role.SECURITY_ADMIN))
    listing = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert row.prefix in listing and key not in listing and row.digest not in listing
    response = client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=row.pk).revoked_at is not None
    assert Event.objects.filter(action="revoke_api_token", reason="安全管理员吊销").count() == 1
    assert api.get("/api/v1/petitions/").status_code == 403
    # Revoked, never deleted: the audit trail keeps naming it.
    assert client.get(reverse("admin:api_apitoken_delete", args=[row.pk])).status_code == 403
