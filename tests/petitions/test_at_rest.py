"""Issue 12, "Done when": personal identifiers registered through the real intake paths (workbench form, API,
portal) and the query codes they got are nowhere in the database in clear — not in the SQLite file or its
write-ahead log, not in a pg_dump of the PostgreSQL database — in plain, JSON-escaped or UTF-16 form."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from tests import factories as f
from tests.portal.conftest import filing_data, portal  # noqa: F401 (portal: the fixture)
from xinfang import clock, sealing
from xinfang.notifications import sms as sms_gateway
from xinfang.notifications.models import SmsMessage
from xinfang.orgs.models import Region
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Category, Petition, Petitioner, Source, digest_phone
from xinfang.workbench.views import RECEIPT_SESSION_KEY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Values nobody else in the suite uses, so a hit can only be this test's data.
WORKBENCH = {"name": "沈明远", "id_number": make_id_number("330102", dt.date(1961, 7, 3), 417),
             "phone": "13712345671", "address": "上城区清波街道柳浪闻莺巷7号"}  # fmt: skip
API = {"name": "陆春华", "id_number": make_id_number("330102", dt.date(1972, 2, 9), 528),
       "phone": "13712345682", "address": "上城区湖滨街道东坡路88号3幢"}  # fmt: skip
PORTAL = {"name": "韩秋菊", "id_number": make_id_number("330102", dt.date(1983, 11, 21), 639),
          "phone": "13712345693", "address": "上城区清波街道南山路211号"}  # fmt: skip


def encodings(value: str) -> list[bytes]:
    """The forms a stored value takes in a database file or dump: UTF-8, JSON with ASCII escapes (the audit
    and session JSON), UTF-16 (SQLite can store text so)."""
    return [
        value.encode(),
        json.dumps(value)[1:-1].encode(),
        value.encode("utf-16-le"),
    ]


def register_in_workbench(people) -> str:
    client = Client()
    client.force_login(people.registrar)
    received = (clock.now() - dt.timedelta(hours=1)).astimezone(clock.SHANGHAI)
    data = {
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "source": Source.DIRECT,
        "petition_class": "claim",
        "category": Category.objects.get(path="城乡建设/征收拆迁").pk,
        "issue_region": Region.objects.get(code="330102001").pk,
        "summary": "反映征收补偿标准过低",
        "content": "本人房屋被征收，补偿标准低于周边项目，请求重新评估。",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
        **{f"parties-0-{key}": value for key, value in WORKBENCH.items()},
        "parties-0-role": "principal",
    }
    response = client.post("/petitions/register/letter/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # The earlier-petitions lookup finds the person by ID number, through the digest.
    found = client.post("/petitions/earlier/", {"parties-0-id_number": WORKBENCH["id_number"]})
    assert found.status_code == 200
    return sealing.unseal(client.session[RECEIPT_SESSION_KEY]["query_code"])


def register_by_api(people) -> str:
    client = APIClient()
    client.force_login(people.registrar)
    body = {
        "channel": "letter",
        "source": "direct",
        "received_at": clock.now().isoformat(),
        "petitioners": [{**API, "role": "principal"}],
        "petition_class": "claim",
        "category": "城乡建设/征收拆迁",
        "issue_region": "330102001",
        "summary": "反映房屋征收补偿标准过低",
        "content": "征收补偿标准低于周边项目，请求依法重新评估。",
    }
    response = client.post("/api/v1/petitions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["query_code"]


def file_on_the_portal() -> tuple[str, Client]:
    browser = Client()
    response = browser.post(
        "/portal/file/", filing_data(Category.objects.get(path="城乡建设/征收拆迁"), **PORTAL)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    code = sealing.unseal(browser.session["xf_portal_receipt"]["code"])
    # The petitioner's account: an SMS code to the phone, then signed in (the phone sits in the session).
    assert browser.post("/portal/account/", {"phone": PORTAL["phone"]}).status_code == 302
    otp = next(sms.params["code"] for to, sms in reversed(sms_gateway.outbox) if to == PORTAL["phone"])
    assert browser.post("/portal/account/verify/", {"code": otp}).status_code == 302
    assert browser.get("/portal/account/").status_code == 200
    return code, browser


def sessions_decoded() -> bytes:
    return "\n".join(repr(SessionStore().decode(s.session_data)) for s in Session.objects.all()).encode()


def database_bytes() -> tuple[bytes, str]:
    """The database as it rests: the SQLite file and its -wal file, or a pg_dump of the PostgreSQL one."""
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if not path.is_file():
            pytest.skip(f"the SQLite test database is not a file ({path}); nothing rests on disk to read")
        files = [path, Path(f"{path}-wal")]
        return b"".join(p.read_bytes() for p in files if p.exists()), "SQLite file and WAL"
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed on this machine: the PostgreSQL dump cannot be read")
    conf = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": conf.get("PASSWORD") or ""}
    command = [pg_dump, "--no-owner", "-d", conf["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if conf.get(key):
            command += [flag, str(conf[key])]
    dump = subprocess.run(command, env=env, capture_output=True, check=True, timeout=120)  # noqa: S603
    return dump.stdout, "pg_dump"


@pytest.mark.usefixtures("portal")
def test_no_identifier_or_query_code_of_the_test_data_rests_in_clear(org, people, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 10, 10, 0, tzinfo=clock.SHANGHAI))
    codes = [register_in_workbench(people), register_by_api(people)]
    portal_code, _ = file_on_the_portal()
    codes.append(portal_code)
    # A second registration of the workbench's person with a new phone and address: the update and its audit
    # row (old and new values) must not leak either.
    moved = f.person(4170)
    moved.name, moved.id_number = WORKBENCH["name"], WORKBENCH["id_number"]
    moved.phone, moved.address = "13712345604", "上城区清波街道定安路15号"
    f.register(people.registrar, parties=[moved])
    staff_phone = "13712345615"
    people.registrar.phone = staff_phone
    people.registrar.save()

    # The data is there and readable through the application.
    assert Petition.objects.count() == 4
    assert Petitioner.objects.get(phone_digest=digest_phone(moved.phone)).id_number == WORKBENCH["id_number"]
    assert SmsMessage.objects.filter(template="portal_otp").count() == 1
    assert all(codes) and len(set(codes)) == 3

    stored, what = database_bytes()
    stored += sessions_decoded()
    numbers = Petition.objects.values_list("registration_number", flat=True)
    assert all(n.encode() in stored for n in numbers), f"the {what} does not hold the test data"
    # Names are not encrypted (docs/security.md): seeing them proves the scan reads Chinese text as stored.
    assert all(p["name"].encode() in stored for p in (WORKBENCH, API, PORTAL))
    secrets = [
        *(v for person in (WORKBENCH, API, PORTAL) for k, v in person.items() if k != "name"),
        moved.phone,
        moved.address,
        staff_phone,
        *codes,
        *(code.replace("-", "") for code in codes),
    ]
    found = [value for value in secrets for form in encodings(value) if form in stored]
    assert found == [], f"in clear in the {what}: {found}"
