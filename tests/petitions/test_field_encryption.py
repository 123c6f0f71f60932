"""ID numbers, phones and addresses encrypted at rest (xinfang.fieldcrypt): what the columns hold, lookups by
digest, the key settings, `xinfang rotate-keys`, and the migration that encrypts rows already on file."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from io import StringIO
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from tests import factories as f
from xinfang import fieldcrypt
from xinfang.audit.models import Event
from xinfang.notifications.models import SmsMessage
from xinfang.notifications.sms import send_sms
from xinfang.petitions.models import Petitioner, digest_id_number, digest_phone
from xinfang.search.models import SearchDocument
from xinfang.settings import local_field_keys

pytestmark = pytest.mark.django_db

COLUMNS = "id_number, phone, address, id_number_digest, phone_digest"


def raw(table: str, pk: int, columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (test's own names)
        return cursor.fetchone()


def test_the_columns_hold_tokens_and_keyed_digests_and_the_model_reads_clear_values(people):
    party = f.person(9101)
    person = f.register(people.registrar, parties=[party]).principal
    id_number, phone, address, id_digest, phone_hash = raw("petitions_petitioner", person.pk, COLUMNS)
    tokens = [id_number, phone, address]
    assert all(token.startswith("gAAAAA") for token in tokens)  # Fernet, version 0x80
    assert party.id_number not in id_number and party.phone not in phone and party.address not in address
    assert id_digest == digest_id_number(party.id_number) and len(id_digest) == 64
    assert phone_hash == digest_phone(party.phone) and id_digest != phone_hash
    again = Petitioner.objects.get(pk=person.pk)
    assert (again.id_number, again.phone, again.address) == (party.id_number, party.phone, party.address)


def test_the_same_value_encrypts_differently_but_digests_the_same():
    assert fieldcrypt.encrypt("13800000000") != fieldcrypt.encrypt("13800000000")
    assert fieldcrypt.digest("phone", "13800000000") == fieldcrypt.digest("phone", "13800000000")
    # One purpose's digest is not another's: an ID number and a phone never share a lookup key.
    assert fieldcrypt.digest("phone", "1") != fieldcrypt.digest("id_number", "1")


def test_empty_values_stay_empty_and_none_stays_none(people):
    person = f.register(people.registrar, parties=[f.person(9102, region_code="330102")]).principal
    person.id_number, person.address = None, ""
    person.save()
    assert raw("petitions_petitioner", person.pk, "id_number, id_number_digest, address") == (None, None, "")
    assert Petitioner.objects.filter(pk=person.pk, id_number=None).exists()


def test_filtering_an_encrypted_field_by_value_is_refused_rather_than_finding_nothing():
    with pytest.raises(TypeError, match="digest column"):
        Petitioner.objects.filter(phone="13800000000")
    with pytest.raises(Exception, match="Unsupported lookup"):
        Petitioner.objects.filter(id_number__startswith="3301")


def test_setting_a_value_refreshes_its_digest():
    person = Petitioner(name="甲", phone="13800000001")
    assert person.phone_digest == digest_phone("13800000001")
    person.phone = "13800000002"
    assert person.phone_digest == digest_phone("13800000002")


def test_a_value_under_a_key_no_longer_configured_is_an_error_not_garbage(people, settings):
    person = f.register(people.registrar, parties=[f.person(9103)]).principal
    settings.FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="XF_FIELD_KEYS"):
        Petitioner.objects.get(pk=person.pk)


def test_staff_and_sms_phones_are_encrypted_too(people):
    people.registrar.phone = "13900009104"
    people.registrar.save()
    send_sms("13900009105", "测试短信")
    (user_phone,) = raw("orgs_user", people.registrar.pk, "phone")
    (sms_phone,) = raw("notifications_smsmessage", SmsMessage.objects.get().pk, "phone")
    assert user_phone.startswith("gAAAAA") and sms_phone.startswith("gAAAAA")
    assert SmsMessage.objects.get().phone == "13900009105"


def test_the_key_file_is_made_once_owner_only_and_kept(tmp_path):
    path = tmp_path / "field-keys"
    first = local_field_keys(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    Fernet(first["keys"][0])  # a valid Fernet key
    assert len(first["digest_key"]) >= 32
    assert local_field_keys(path) == first == json.loads(path.read_text())


def settings_outcome(**env) -> subprocess.CompletedProcess:
    code = "import xinfang.settings as s; print(len(s.FIELD_KEYS), s.FIELD_DIGEST_KEY)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XF_FIELD_")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_keys_from_the_environment_must_be_fernet_keys_and_come_with_a_digest_key():
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    good = settings_outcome(XF_FIELD_KEYS=keys, XF_FIELD_DIGEST_KEY="d" * 40)
    assert good.returncode == 0 and good.stdout.split() == ["2", "d" * 40]
    no_digest = settings_outcome(XF_FIELD_KEYS=keys)
    assert no_digest.returncode != 0 and "XF_FIELD_DIGEST_KEY" in no_digest.stderr
    malformed = settings_outcome(XF_FIELD_KEYS="not-a-key", XF_FIELD_DIGEST_KEY="d" * 40)
    assert malformed.returncode != 0 and "格式不正确" in malformed.stderr


# --- rotation -------------------------------------------------------------------------------------------


def test_rotate_keys_moves_every_value_to_the_newest_key_and_reads_back(people, settings):
    old = list(settings.FIELD_KEYS)
    parties = [f.person(9110 + i) for i in range(5)]
    people_on_file = [f.register(people.registrar, parties=[p]).principal for p in parties]
    people.registrar.phone = "13900009120"
    people.registrar.save()
    new = Fernet.generate_key().decode()
    settings.FIELD_KEYS = [new, *old]

    out = StringIO()
    call_command("rotate-keys", batch=2, stdout=out)

    # Only the new key is needed now: every stored token opens with it alone.
    settings.FIELD_KEYS = [new]
    only_new = Fernet(new.encode())
    for person, party in zip(people_on_file, parties, strict=True):
        id_number, phone, address, id_digest, _ = raw("petitions_petitioner", person.pk, COLUMNS)
        assert only_new.decrypt(id_number.encode()).decode() == party.id_number
        assert only_new.decrypt(address.encode()).decode() == party.address
        again = Petitioner.objects.get(id_number_digest=digest_id_number(party.id_number))
        assert (again.pk, again.phone) == (person.pk, party.phone)
    (user_phone,) = raw("orgs_user", people.registrar.pk, "phone")
    assert only_new.decrypt(user_phone.encode()).decode() == "13900009120"
    (event,) = Event.objects.filter(action="rotate_field_keys")
    assert event.data["rows"]["petitions.Petitioner"] == 5
    assert event.data["batches"] >= 3  # 5 petitioners in batches of 2, plus the users
    assert "petitions.Petitioner：5 行" in out.getvalue()


def test_rotate_keys_recomputes_the_digests_under_a_new_digest_key(people, settings):
    party = f.person(9130)
    f.register(people.registrar, parties=[party])
    settings.FIELD_DIGEST_KEY = "a-new-digest-key-of-enough-length-0123456789"
    assert not Petitioner.objects.filter(id_number_digest=digest_id_number(party.id_number)).exists()
    call_command("rotate-keys", stdout=StringIO())
    assert Petitioner.objects.get(phone_digest=digest_phone(party.phone)).name == party.name


def test_rotate_keys_refuses_a_batch_below_one():
    with pytest.raises(Exception, match="正整数"):
        call_command("rotate-keys", batch=0, stdout=StringIO())


# --- the migration of rows on file ------------------------------------------------------------------------


def test_the_migration_encrypts_clear_rows_fills_digests_resumes_and_reverses(people):
    party = f.person(9140)
    person = f.register(people.registrar, parties=[party]).principal
    with connection.cursor() as cursor:  # the row as a database from before the migration holds it
        cursor.execute(
            "UPDATE petitions_petitioner SET id_number = %s, phone = %s, address = %s, "
            "id_number_digest = NULL, phone_digest = '' WHERE id = %s",
            [party.id_number, party.phone, party.address, person.pk],
        )
    columns = {"id_number": ("id_number_digest", "id_number"), "phone": ("phone_digest", "phone"), "address": (None, None)}  # fmt: skip
    editor = SimpleNamespace(connection=connection)
    forwards = fieldcrypt.encrypt_columns("petitions_petitioner", columns)

    forwards(None, editor)
    first = raw("petitions_petitioner", person.pk, COLUMNS)
    forwards(None, editor)  # a second run (an interrupted one resumed) keeps what is encrypted already
    assert raw("petitions_petitioner", person.pk, COLUMNS) == first
    assert first[0].startswith("gAAAAA") and first[3] == digest_id_number(party.id_number)
    again = Petitioner.objects.get(phone_digest=digest_phone(party.phone))
    assert (again.id_number, again.address) == (party.id_number, party.address)

    fieldcrypt.encrypt_columns("petitions_petitioner", columns, reverse=True)(None, editor)
    assert raw("petitions_petitioner", person.pk, "id_number, phone, address") == (
        party.id_number,
        party.phone,
        party.address,
    )


# --- what else must not carry identifiers -----------------------------------------------------------------


def test_the_search_index_masks_id_numbers_and_mobiles_written_in_the_text(people):
    party = f.person(9150)
    petition = f.register(
        people.registrar,
        parties=[party],
        content=f"本人身份证号{party.id_number}，电话{party.phone}，请联系。",
    )
    tokens = SearchDocument.objects.get(petition=petition).tokens
    assert party.id_number not in tokens and party.phone not in tokens
    # What is left to find is the masked form's visible part (the segmenter drops the stars).
    assert party.phone[-4:] in tokens.split() and party.id_number[-4:] in tokens.split()


def test_the_audit_trail_of_a_contact_change_keeps_masked_values(people):
    first = f.person(9160)
    f.register(people.registrar, parties=[first])
    moved = f.person(9160)
    moved.phone, moved.address = "13900009161", "上城区湖滨街道平海路9号"
    f.register(people.registrar, parties=[moved])
    (event,) = Event.objects.filter(action="update_petitioner")
    assert event.changes["phone"][1] == "139****9161"
    assert event.changes["address"][1] == "上城区湖滨街****"
    assert moved.address not in json.dumps(event.changes, ensure_ascii=False)
