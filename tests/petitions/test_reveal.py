"""Re-authentication before the most sensitive reads (issue 12): a protected identity is shown masked until the
reader presses 显示身份信息 after a recent password check; exports that carry identities ask the same; the
API's detail asks it with ``?identity=show`` and the 201 answer of a registration never unmasks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests import factories as f
from tests.api.conftest import body
from xinfang import clock
from xinfang.api import tokens
from xinfang.audit.models import Event
from xinfang.petitions.identity import mask_id_number
from xinfang.petitions.models import PetitionClass

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def accusation(org, people):
    return f.register(people.registrar, petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing)


@pytest.fixture
def stale(settings, frozen_clock):
    """Log in at START; `stale()` moves the clock past the re-authentication window."""
    settings.XF_REAUTH_MINUTES = 5
    frozen_clock(START)
    return lambda: frozen_clock(START + dt.timedelta(minutes=6))


def disclosures(petition) -> int:
    return Event.objects.filter(action="disclose_identity", petition=petition).count()


def id_number_of(petition) -> str:
    return petition.parties.get().petitioner.id_number


def test_the_detail_masks_a_protected_identity_until_asked(client, people, accusation, stale):
    client.force_login(people.registrar)
    detail = reverse("petitions:detail", args=[accusation.pk])
    page = client.get(detail).content.decode()
    assert id_number_of(accusation) not in page and mask_id_number(id_number_of(accusation)) in page
    assert "显示身份信息" in page and disclosures(accusation) == 0
    shown = client.get(detail, {"identity": "show"}).content.decode()
    assert id_number_of(accusation) in shown and disclosures(accusation) == 1


def test_no_recent_password_no_unmasked_identity(client, people, accusation, stale):
    client.force_login(people.registrar)
    detail = reverse("petitions:detail", args=[accusation.pk])
    stale()
    asked = client.get(detail, {"identity": "show"})
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("reauth"))
    assert disclosures(accusation) == 0
    wrong = client.post(reverse("reauth"), {"password": "wrong-password", "next": f"{detail}?identity=show"})
    assert "不正确" in wrong.content.decode() and disclosures(accusation) == 0
    back = client.post(reverse("reauth"), {"password": "xinfang-test-pw", "next": f"{detail}?identity=show"})
    assert back["Location"] == f"{detail}?identity=show"
    assert id_number_of(accusation) in client.get(back["Location"]).content.decode()
    assert disclosures(accusation) == 1
    assert Event.objects.filter(action="reauth", actor=people.registrar).count() == 1
    assert Event.objects.filter(action="reauth_failed", actor=people.registrar).count() == 1


def test_with_a_device_the_password_alone_does_not_reauthenticate(client, people, accusation, stale):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=people.registrar, name="手机", confirmed=True)
    client.force_login(people.registrar)
    stale()
    target = f"{reverse('petitions:detail', args=[accusation.pk])}?identity=show"
    form = client.get(reverse("reauth"), {"next": target}).content.decode()
    assert 'name="token"' in form
    refused = client.post(reverse("reauth"), {"password": "xinfang-test-pw", "next": target})
    assert refused.status_code == 200 and "不正确" in refused.content.decode()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    accepted = client.post(reverse("reauth"), {"password": "xinfang-test-pw", "token": code, "next": target})
    assert accepted["Location"] == target


def test_api_detail_masks_until_asked_and_refuses_without_a_recent_password(people, accusation, stale):
    api = APIClient()
    api.force_login(people.registrar)
    url = f"/api/v1/petitions/{accusation.pk}/"
    masked = api.get(url).json()
    assert masked["identity_masked"] and masked["petitioners"][0]["id_number"] != id_number_of(accusation)
    shown = api.get(url, {"identity": "show"}).json()
    assert shown["petitioners"][0]["id_number"] == id_number_of(accusation)
    assert disclosures(accusation) == 1
    stale()
    refused = api.get(url, {"identity": "show"})
    assert refused.status_code == 403 and "重新验证身份" in refused.json()["detail"]
    assert id_number_of(accusation) not in refused.content.decode() and disclosures(accusation) == 1


def test_api_tokens_reveal_only_when_a_fresh_login_token(people, accusation, stale):
    url = f"/api/v1/petitions/{accusation.pk}/?identity=show"
    _, login_key = tokens.issue(people.registrar, kind="login")
    _, script_key = tokens.issue(people.registrar, name="脚本")
    by_login, by_script = APIClient(), APIClient()
    by_login.credentials(HTTP_AUTHORIZATION=f"Token {login_key}")
    by_script.credentials(HTTP_AUTHORIZATION=f"Token {script_key}")
    assert by_script.get(url).status_code == 403
    assert by_login.get(url).json()["petitioners"][0]["id_number"] == id_number_of(accusation)
    stale()
    assert by_login.get(url).status_code == 403
    assert disclosures(accusation) == 1


def test_the_201_answer_masks_a_protected_identity(org, people):
    api = APIClient()
    api.force_login(people.registrar)
    data = body(petition_class="accusation", subject_unit="330102-ZJJ")
    answer = api.post("/api/v1/petitions/", data, format="json")
    assert answer.status_code == 201, answer.content
    person = answer.json()["petitioners"][0]
    assert answer.json()["identity_masked"] and person["id_number"] == mask_id_number(
        data["petitioners"][0]["id_number"]
    )
    assert data["petitioners"][0]["phone"] not in answer.content.decode()
    assert not Event.objects.filter(action="disclose_identity").exists()


def _export(client):
    params = {
        "region": "330102",
        "volume": "total",
        "period": "month",
        "date": clock.today().replace(day=1),
        "format": "xlsx",
    }
    return client.get(reverse("stats:petitions"), params)


def test_an_export_with_identities_asks_for_the_password(client, people, stale):
    petition = f.register(people.registrar, received_at=START)
    client.force_login(people.registrar)
    book = load_workbook(io.BytesIO(_export(client).content))
    assert any(row[0] == petition.registration_number for row in book.active.iter_rows(values_only=True))
    assert Event.objects.filter(action="export_identities", actor=people.registrar).count() == 1
    stale()
    asked = _export(client)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("reauth"))
    assert Event.objects.filter(action="export_identities").count() == 1


def test_an_export_without_identities_needs_no_password(client, people, stale):
    client.force_login(people.bureau_leader)  # sees masked names only
    stale()
    assert _export(client).status_code == 200
    assert not Event.objects.filter(action="export_identities").exists()


def test_no_recent_password_no_user_change(client, people, stale):
    from xinfang.orgs.models import Role

    security = f.UserFactory(username="anquan3", roles=[Role.SECURITY_ADMIN], is_staff=True)
    client.force_login(security)
    stale()
    change = reverse("admin:orgs_user_change", args=[people.township_handler.pk])
    refused = client.post(change, {"full_name": "改名"})
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("reauth"))
    add = client.post(reverse("admin:orgs_user_add"), {"username": "newcomer"})
    assert add.status_code == 302 and add["Location"].startswith(reverse("reauth"))
    people.township_handler.refresh_from_db()
    assert people.township_handler.full_name == "赵承办"
    from xinfang.orgs.models import User

    assert not User.objects.filter(username="newcomer").exists()
