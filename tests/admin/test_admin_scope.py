"""Every admin page is scoped by `visible_to`, a superuser's included: the walking test visits the changelist
of every registered ModelAdmin, and the change page of every row, as a superuser of the accused unit, and
never meets the accusation; the change pages of the rows linked to it are 404, like a missing row."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests import factories as f
from tests.scenes import Scene, day, when
from xinfang.audit.models import Event
from xinfang.notifications.models import SmsMessage
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.services import AttachmentInput
from xinfang.supervision.models import ReasonKind
from xinfang.supervision.scan import scan_deadlines
from xinfang.supervision.services import open_supervision

pytestmark = pytest.mark.django_db

SECRET = "举报住建局某科长收受红包"
ROWS_PER_ADMIN = 25  # change pages visited per admin (the linked ones are all visited)


@pytest.fixture
def accusation(org, people, frozen_clock):
    scene = Scene(org, people, frozen_clock)
    frozen_clock(when("2026-03-02 09:00"))
    petition = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        category=f.category("纪检监察"),
        summary=SECRET,
        attachments=[AttachmentInput("举报材料.txt", "收受红包的经过".encode())],
    )
    scene.transfer(petition, "2026-03-03 10:00", org.discipline)
    # Left unaccepted past its due date: the scan warns, the bureau supervises.
    frozen_clock(when("2026-03-25 09:00"))
    scan_deadlines(day("2026-03-25"))
    open_supervision(
        people.bureau_handler,
        petition=petition,
        unit=org.discipline,
        reason_kind=ReasonKind.DEADLINE_MISSED,
        text="请加快办理。",
        response_due=day("2026-04-10"),
    )
    scene.accept(petition, "2026-03-26 10:00", org.discipline)
    # Something the accused unit may see, so the pages are not empty.
    ordinary = f.register(people.registrar, summary="反映小区道路破损")
    scene.transfer(ordinary, "2026-03-26 11:00", org.housing)
    return petition


@pytest.fixture
def accused_superuser(org):
    return f.UserFactory(
        username="zjj_root",
        unit=org.housing,
        roles=[],
        is_superuser=True,
        is_staff=True,
        full_name="住建局管理员",
    )


def linked_to(model, petition) -> set:
    """Primary keys of `model`'s rows that belong to `petition`."""
    relations = {
        field.name: field.related_model._meta.label
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None
    }
    if model._meta.label == "petitions.Petition":
        return {petition.pk}
    if relations.get("petition") == "petitions.Petition":
        return set(model.objects.filter(petition=petition).values_list("pk", flat=True))
    if relations.get("deadline") == "workflow.Deadline":
        return set(model.objects.filter(deadline__petition=petition).values_list("pk", flat=True))
    if model is SmsMessage:
        return {
            m.pk for m in SmsMessage.objects.all() if m.params.get("number") == petition.registration_number
        }
    return set()


def admin_url(model, view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def assert_silent(html: str, petition) -> None:
    assert SECRET not in html
    assert petition.registration_number not in html
    assert "举报材料" not in html


def test_the_accused_units_superuser_never_meets_the_accusation(client, accusation, accused_superuser):
    client.force_login(accused_superuser)
    linked_seen = 0
    for model in admin.site._registry:
        changelist = admin_url(model, "changelist")
        if changelist is None:
            continue
        response = client.get(changelist)
        assert response.status_code == 200, (model, response.status_code)
        assert_silent(response.content.decode(), accusation)
        linked = linked_to(model, accusation)
        linked_seen += len(linked)
        others = list(model.objects.exclude(pk__in=linked).values_list("pk", flat=True)[:ROWS_PER_ADMIN])
        for pk in linked:
            for view in ("change", "history", "delete"):
                url = admin_url(model, view, pk)
                if url is not None:
                    # The change page is a 404; every view answers exactly as for a row that does not exist.
                    missing = client.get(admin_url(model, view, 10**9))
                    response = client.get(url)
                    assert response.status_code == missing.status_code, (model, view, pk)
                    assert response.status_code in (403, 404), (model, view, pk)
                    if view == "change":
                        assert response.status_code == 404, (model, pk)
        for pk in others:
            response = client.get(admin_url(model, "change", pk))
            assert response.status_code in (200, 404), (model, pk, response.status_code)
            assert_silent(response.content.decode(), accusation)
    # The scene made rows of every kind the accusation has: the walk did visit them.
    assert linked_seen >= 8


def test_the_admin_search_does_not_find_it(client, accusation, accused_superuser):
    client.force_login(accused_superuser)
    for name in ("petitions_petition", "workflow_deadline", "workflow_routing", "documents_document"):
        response = client.get(reverse(f"admin:{name}_changelist"), {"q": accusation.registration_number})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [], name  # the page echoes the query itself
        assert SECRET not in response.content.decode()


def test_a_superuser_without_a_unit_sees_it(client, accusation, org):
    root = f.UserFactory(username="root", unit=None, roles=[], is_superuser=True, is_staff=True)
    client.force_login(root)
    html = client.get(reverse("admin:petitions_petition_changelist")).content.decode()
    assert accusation.registration_number in html
    assert client.get(reverse("admin:petitions_petition_change", args=[accusation.pk])).status_code == 200
    assert Event.objects.filter(petition=accusation).exists()
