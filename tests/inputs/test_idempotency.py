"""Registration under retries: an Idempotency-Key on the API, a one-time token on the workbench and portal forms.

Before: a registration committed while the client got an error was sent again and became a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from tests import factories as f
from tests.api.conftest import PETITIONS_URL, body
from tests.petitions.test_views_register import form_data, register_url
from tests.portal.conftest import filing_data
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.petitions import services
from xinfang.petitions.models import Petition, Petitioner, RegistrationKey

pytestmark = pytest.mark.django_db


def written() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Petition, Petitioner, Event, RegistrationKey)}


def api(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def send(client, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(PETITIONS_URL, json.dumps(data), content_type="application/json", **headers)


# --- the API -------------------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_first_answer_and_writes_nothing(people, org, now):
    client = api(people.registrar)
    first = send(client, body(), key="8f0c7c1e-retry-1")
    assert first.status_code == 201, first.content
    before = written()
    again = send(client, body(), key="8f0c7c1e-retry-1")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    a, b = first.json(), again.json()
    assert (b["id"], b["registration_number"], b["query_code"]) == (
        a["id"],
        a["registration_number"],
        a["query_code"],
    )
    assert written() == before
    assert Petition.objects.count() == 1
    # The query code is kept sealed for the retry, never in clear.
    row = RegistrationKey.objects.get()
    assert a["query_code"].replace("-", "") not in row.sealed_query_code


def test_key_order_in_the_body_does_not_matter(people, org, now):
    client = api(people.registrar)
    data = body()
    assert send(client, data, key="k-order").status_code == 201
    reordered = dict(reversed(list(data.items())))
    assert send(client, reordered, key="k-order")["Idempotent-Replayed"] == "true"
    assert Petition.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_problem(people, org, now):
    client = api(people.registrar)
    assert send(client, body(), key="k-conflict").status_code == 201
    before = written()
    response = send(client, body(summary="另一件事"), key="k-conflict")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "已用于另一份登记内容" in response.json()["detail"]
    assert written() == before


def test_without_a_key_each_post_registers(people, org, now):
    client = api(people.registrar)
    assert send(client, body()).status_code == 201
    assert send(client, body()).status_code == 201
    assert Petition.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 129, "键"])
def test_a_malformed_key_is_refused(key, people, org, now):
    response = send(api(people.registrar), body(), key=key)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert Petition.objects.count() == 0


def test_a_refused_registration_does_not_use_up_its_key(people, org, now):
    client = api(people.registrar)
    bad = send(client, body(summary=""), key="k-fix")
    assert bad.status_code == 400
    assert RegistrationKey.objects.count() == 0
    assert send(client, body(), key="k-fix").status_code == 201
    assert Petition.objects.count() == 1


def test_keys_are_per_user(people, org, now):
    assert send(api(people.registrar), body(), key="shared").status_code == 201
    other = send(api(people.city_registrar), body(), key="shared")
    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Petition.objects.count() == 2


def test_an_expired_key_registers_again(people, org, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 10, 10, 0, tzinfo=clock.SHANGHAI))
    client = api(people.registrar)
    assert send(client, body(), key="k-old").status_code == 201
    frozen_clock(dt.datetime(2026, 3, 11, 10, 1, tzinfo=clock.SHANGHAI))
    again = send(client, body(received_at="2026-03-11T09:30:00+08:00"), key="k-old")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Petition.objects.count() == 2
    assert RegistrationKey.objects.count() == 1  # the expired row was given up


def test_the_schema_documents_the_header(people, org):
    schema = api(people.registrar).get("/api/schema/", {"format": "json"}).json()
    create = schema["paths"]["/api/v1/petitions/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    assert "422" in create["responses"]


# --- the workbench form ------------------------------------------------------------------------------------------


def test_the_workbench_form_carries_a_token_and_a_double_submit_gives_one_petition(client, people, org, now):
    client.force_login(people.registrar)
    page = client.get(register_url()).content.decode()
    assert 'name="form_token"' in page
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    assert len(token) >= 20
    data = form_data(form_token=token)
    first = client.post(register_url(), data)
    assert first.status_code == 302
    before = written()
    second = client.post(register_url(), data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert written() == before
    # The second answer shows the first receipt (the query code, once).
    detail = client.get(second["Location"]).content.decode()
    assert "查询码" in detail


def test_two_workbench_forms_are_two_petitions(client, people, org, now):
    client.force_login(people.registrar)
    assert client.post(register_url(), form_data(form_token="a" * 24)).status_code == 302
    assert client.post(register_url(), form_data(form_token="b" * 24)).status_code == 302
    assert Petition.objects.count() == 2


# --- the portal form -----------------------------------------------------------------------------------------------


def test_a_double_submit_on_the_portal_files_once_and_shows_the_first_receipt(client, portal, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 2, 9, 30, tzinfo=clock.SHANGHAI))
    page = client.get("/portal/file/").content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = filing_data(f.category(), form_token=token)
    first = client.post("/portal/file/", data)
    assert first.status_code == 302
    first_receipt = client.session["xf_portal_receipt"]
    before = written()
    second = client.post("/portal/file/", data)
    assert second.status_code == 302
    assert written() == before
    assert client.session["xf_portal_receipt"]["pk"] == first_receipt["pk"]
    shown = client.get(second["Location"]).content.decode()
    assert Petition.objects.get().registration_number in shown


# --- concurrent retries --------------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; SQLite serialises writers")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_with_one_key_give_one_petition(people, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 10, 10, 0, tzinfo=clock.SHANGHAI))
    registrar_pk = people.registrar.pk
    party = f.person(7400)

    def retry(_):
        try:
            registrar = type(people.registrar).objects.select_related("unit__region").get(pk=registrar_pk)
            outcome = services.register_once(
                f.registration(parties=[party]),
                registrar,
                scope="api:test",
                key="one-key",
                fingerprint="same",
            )
            return outcome.registered.petition.pk, outcome.registered.query_code, outcome.replayed
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(retry, range(24)))
    assert len({pk for pk, _, _ in results}) == 1
    assert len({code for _, code, _ in results}) == 1
    assert sum(not replayed for _, _, replayed in results) == 1
    assert Petition.objects.count() == 1
    assert Petitioner.objects.count() == 1
