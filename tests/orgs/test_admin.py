"""The Chinese admin: every changelist opens; petitions and the audit trail are read-only there."""

import pytest
from django.urls import reverse

from xinfang.audit.models import Event
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Category, CategoryRoute, Status

from .. import factories as f


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_staff=True, is_superuser=True, roles=[Role.ADMIN], unit=None)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def petition(people):
    return f.register(people.registrar)


@pytest.fixture
def event(petition):
    return Event.objects.filter(petition=petition, action="register").get()


MODELS = [
    "orgs_region",
    "orgs_orgunit",
    "orgs_user",
    "petitions_category",
    "petitions_categoryroute",
    "petitions_petition",
    "audit_event",
]


@pytest.mark.parametrize("model", MODELS)
def test_changelist_opens_for_a_superuser(admin_client, org, petition, model):
    CategoryRoute.objects.create(
        category=Category.objects.get(path="城乡建设"), region=org.county, unit=org.housing
    )

    response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "codes"), [("q=330102", {"330102", "330102001", "330102002"}), ("q=湖滨", {"330102002"})]
)
def test_regions_are_searched_by_code_or_name(admin_client, org, query, codes):
    response = admin_client.get(reverse("admin:orgs_region_changelist") + "?" + query)

    assert {r.code for r in response.context["cl"].result_list} == codes


def test_regions_are_listed_by_level(admin_client, org):
    response = admin_client.get(reverse("admin:orgs_region_changelist") + "?level__exact=county")

    assert [r.code for r in response.context["cl"].result_list] == ["330102", "330105"]


def test_units_are_filtered_by_kind(admin_client, org):
    response = admin_client.get(reverse("admin:orgs_orgunit_changelist") + "?kind__exact=township")

    assert {u.code for u in response.context["cl"].result_list} == {"330102001", "330102002"}


def test_user_roles_are_edited_as_a_multiple_choice(admin_client, people, org):
    user = people.township_handler
    url = reverse("admin:orgs_user_change", args=[user.pk])
    page = admin_client.get(url)
    assert 'type="checkbox" name="roles" value="unit_leader"' in page.content.decode()

    response = admin_client.post(
        url,
        {
            "username": user.username,
            "full_name": user.full_name,
            "unit": org.qingbo_unit.pk,
            "roles": [Role.HANDLER, Role.UNIT_LEADER],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.roles == ["handler", "unit_leader"]


def test_user_with_an_unknown_role_is_refused(admin_client, people):
    user = people.township_handler
    response = admin_client.post(
        reverse("admin:orgs_user_change", args=[user.pk]),
        {
            "username": user.username,
            "roles": ["god"],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 200
    assert "roles" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.roles == [Role.HANDLER]


def test_a_new_user_gets_unit_and_roles(admin_client, org):
    response = admin_client.post(
        reverse("admin:orgs_user_add"),
        {
            "username": "new_registrar",
            "full_name": "新登记员",
            "unit": org.bureau.pk,
            "roles": [Role.REGISTRAR],
            "usable_password": "true",
            "password1": "Xinfang-Admin-2026",
            "password2": "Xinfang-Admin-2026",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="new_registrar")
    assert (user.unit, user.roles) == (org.bureau, ["registrar"])


def test_petition_is_shown_but_cannot_be_changed_or_deleted(admin_client, petition, org):
    change_url = reverse("admin:petitions_petition_change", args=[petition.pk])

    page = admin_client.get(change_url)
    posted = admin_client.post(change_url, {"status": Status.CONCLUDED, "summary": "改了"})

    assert page.status_code == 200
    assert petition.registration_number in page.content.decode()
    assert posted.status_code == 403
    assert admin_client.get(reverse("admin:petitions_petition_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:petitions_petition_delete", args=[petition.pk])).status_code == 403
    )
    petition.refresh_from_db()
    assert (petition.status, petition.summary) != (Status.CONCLUDED, "改了")


def test_petition_admin_shows_only_what_the_user_may_see(client, people, petition):
    outsider = people.other_county_registrar
    outsider.is_staff = True
    outsider.is_superuser = True  # all model permissions, but still a user of another county
    outsider.save()
    client.force_login(outsider)

    response = client.get(reverse("admin:petitions_petition_changelist"))
    detail = client.get(reverse("admin:petitions_petition_change", args=[petition.pk]))

    assert list(response.context["cl"].result_list) == []
    assert detail.status_code == 404  # the same as a row that does not exist (petitions.admin_scope)


def test_audit_event_cannot_be_added_changed_or_deleted(admin_client, event):
    change_url = reverse("admin:audit_event_change", args=[event.pk])

    assert admin_client.get(change_url).status_code == 200  # read-only view
    assert admin_client.post(change_url, {"action": "forged"}).status_code == 403
    assert admin_client.get(reverse("admin:audit_event_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:audit_event_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    changelist = admin_client.post(
        reverse("admin:audit_event_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302)
    assert Event.objects.filter(pk=event.pk, action="register").exists()


def test_audit_trail_is_for_auditors_not_for_every_staff_member(client, people, event):
    handler = people.township_handler
    handler.is_staff = True
    handler.save()
    auditor = people.auditor
    auditor.is_staff = True
    auditor.save()

    client.force_login(handler)
    refused = client.get(reverse("admin:audit_event_changelist"))
    client.force_login(auditor)
    allowed = client.get(reverse("admin:audit_event_changelist"))

    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert "audit" in {app["app_label"] for app in client.get(reverse("admin:index")).context["app_list"]}
    assert event in allowed.context["cl"].result_list
