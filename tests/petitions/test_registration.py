"""Registration (登记): numbers, query codes, petitioner identity across petitions, refusals, audit rows."""

import datetime as dt
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from xinfang import clock
from xinfang.audit.models import Event
from xinfang.orgs.models import Level
from xinfang.petitions import services
from xinfang.petitions.identity import mask_phone
from xinfang.petitions.models import (
    Attachment,
    Channel,
    PartyRole,
    Petition,
    Petitioner,
    PetitionParty,
    Source,
    SourceAction,
    Status,
    digest_id_number,
)
from xinfang.petitions.services import AttachmentInput, hash_query_code

from .. import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def counts():
    return (
        Petition.objects.count(),
        Petitioner.objects.count(),
        PetitionParty.objects.count(),
        Attachment.objects.count(),
        Event.objects.count(),
    )


def test_registers_letter_with_number_and_query_code(people):
    registered = services.register(f.registration(), people.registrar)
    petition = registered.petition
    year = clock.today().year
    assert re.fullmatch(rf"XF-330102-{year}-\d{{6}}", petition.registration_number)
    assert petition.status == Status.REGISTERED
    assert petition.receiving_unit.code == "330102-XFJ"
    assert petition.receiving_region_code == "330102"
    assert petition.issue_region_code == "330102001"
    assert len(registered.query_code) == 12
    assert petition.query_code_hash == hash_query_code(registered.query_code)
    # The formatted code (with dashes, any case) matches the same petition.
    formatted = services.format_query_code(registered.query_code).lower()
    assert Petition.objects.get(query_code_hash=hash_query_code(formatted)) == petition


def test_numbers_are_sequential_per_region_and_year(people):
    first = f.register(people.registrar)
    second = f.register(people.registrar)
    assert int(second.registration_number[-6:]) == int(first.registration_number[-6:]) + 1
    other = f.register(people.other_county_registrar)
    assert other.registration_number.startswith("XF-330105-")


def test_year_comes_from_received_date_in_shanghai(people, frozen_clock):
    frozen_clock(dt.datetime(2027, 1, 1, 10, 0))
    # 2026-12-31 20:00 UTC is already 2027-01-01 in Asia/Shanghai.
    received = dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC)
    petition = f.register(people.registrar, received_at=received)
    assert "-2027-" in petition.registration_number


def test_collective_visit_with_representatives(people):
    parties = [f.representative(), f.representative(), f.person()]
    parties[2].role = PartyRole.CO_PETITIONER
    petition = f.register(people.registrar, channel=Channel.VISIT, person_count=6, parties=parties)
    assert petition.is_collective
    assert petition.person_count == 6
    roles = list(petition.parties.values_list("role", flat=True))
    assert roles.count(PartyRole.REPRESENTATIVE) == 2


def test_visit_of_four_is_individual(people):
    petition = f.register(people.registrar, channel=Channel.VISIT, person_count=4)
    assert not petition.is_collective


def test_letter_of_many_signers_is_not_a_collective_visit(people):
    petition = f.register(people.registrar, channel=Channel.LETTER, person_count=8)
    assert not petition.is_collective


def test_same_person_found_again_by_id_number(people):
    someone = f.person(501)
    first = f.register(people.registrar, parties=[someone])
    again = f.person(501)
    again.phone = ""
    second = f.register(people.registrar, parties=[again], repeat_of=first)
    assert first.principal == second.principal
    assert second.is_repeat and not second.is_first_petition
    assert Petitioner.objects.filter(id_number_digest=digest_id_number(someone.id_number)).count() == 1


def test_same_person_found_by_name_and_phone_without_id(people):
    a = services.PartyInput(name="李四", phone="13912345678")
    first = f.register(people.registrar, parties=[a])
    second = f.register(people.registrar, parties=[services.PartyInput(name="李四", phone="139 1234 5678")])
    assert first.principal.pk == second.principal.pk


def test_known_person_gets_latest_phone_with_audit_row(people):
    first = f.register(people.registrar, parties=[f.person(777)])
    moved = f.person(777)
    moved.phone = "13977776666"
    f.register(people.registrar, parties=[moved])
    person = first.principal
    old_phone = f.person(777).phone
    person.refresh_from_db()
    assert person.phone == "13977776666"
    event = Event.objects.get(action="update_petitioner", target_id=str(person.pk))
    assert event.changes["phone"] == [mask_phone(old_phone), "139****6666"]


def test_id_number_under_another_name_is_refused(people):
    f.register(people.registrar, parties=[f.person(888)])
    impostor = f.person(888)
    impostor.name = "另一个人"
    before = counts()
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, parties=[impostor])
    assert "另一姓名" in err.value.message_dict["parties.0.id_number"][0]
    assert counts() == before


def test_referred_from_above_needs_level_and_action(people):
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, source=Source.REFERRED_FROM_ABOVE)
    assert "source_level" in err.value.message_dict
    petition = f.register(
        people.registrar,
        source=Source.REFERRED_FROM_ABOVE,
        source_level=Level.PROVINCE,
        source_action=SourceAction.ASSIGN,
        channel=Channel.VISIT,
        visit_level=Level.PROVINCE,
    )
    assert petition.source_level == Level.PROVINCE


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"summary": ""}, "summary", "事项摘要"),
        ({"content": "  "}, "content", "诉求内容"),
        ({"parties": []}, "parties", "至少填写一名信访人"),
        ({"petition_class": "complaint"}, "petition_class", "信访类别"),
        ({"channel": Channel.VISIT, "visit_level": ""}, "visit_level", "来访层级"),
        ({"channel": Channel.LETTER, "visit_level": Level.COUNTY}, "visit_level", "只有来访"),
        ({"person_count": 0}, "person_count", "至少为1"),
        ({"external_id": None, "received_at": "future"}, "received_at", "不能晚于当前时间"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(people, overrides, field, message):
    if overrides.get("received_at") == "future":
        overrides["received_at"] = clock.now() + dt.timedelta(days=1)
    before = counts()
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, **overrides)
    assert any(message in m for m in err.value.message_dict[field])
    assert counts() == before


def test_invalid_id_number_is_reported_on_its_party(people):
    bad = f.person()
    bad.id_number = bad.id_number[:-1] + ("0" if bad.id_number[-1] != "0" else "1")
    before = counts()
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, parties=[f.person(), bad])
    assert "校验位" in err.value.message_dict["parties.1.id_number"][0]
    assert counts() == before


def test_six_representatives_are_refused(people):
    before = counts()
    with pytest.raises(ValidationError) as err:
        f.register(
            people.registrar,
            channel=Channel.VISIT,
            person_count=30,
            parties=[f.representative() for _ in range(6)],
        )
    assert "不得超过5人" in err.value.message_dict["parties"][0]
    assert counts() == before


def test_representatives_only_for_collective_visits(people):
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, channel=Channel.VISIT, person_count=2, parties=[f.representative()])
    assert "集体访" in err.value.message_dict["parties"][0]


def test_external_id_imported_twice_is_refused(people):
    f.register(people.registrar, external_id="ZJ330102-2026-000123")
    before = counts()
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, external_id="ZJ330102-2026-000123")
    assert "已经导入过" in err.value.message_dict["external_id"][0]
    assert counts() == before


def test_only_registrars_register(people):
    with pytest.raises(ValidationError, match="只有登记员"):
        f.register(people.township_handler)


def test_repeat_of_must_be_visible(people):
    theirs = f.register(people.other_county_registrar)
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, repeat_of=theirs)
    assert "repeat_of" in err.value.message_dict


def test_attachments_checked_by_content(people, settings):
    settings.XF_ATTACHMENT_MAX_BYTES = 1024
    before = counts()
    disguised = AttachmentInput("证据.pdf", b"MZ\x90\x00" + b"\x00" * 60)  # a Windows executable
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, attachments=[disguised])
    assert "不受支持" in err.value.message_dict["attachments"][0]
    renamed_png = AttachmentInput("照片.pdf", PNG)
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, attachments=[renamed_png])
    assert "扩展名不符" in err.value.message_dict["attachments"][0]
    oversized = AttachmentInput("大图.png", PNG + b"\x00" * 2048)
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, attachments=[oversized])
    assert "超过大小上限" in err.value.message_dict["attachments"][0]
    assert counts() == before


def test_attachment_stored_by_hash_outside_database(people, settings):
    petition = f.register(people.registrar, attachments=[AttachmentInput("现场照片.png", PNG)])
    attachment = petition.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.size == len(PNG)
    assert attachment.file.name.endswith(attachment.sha256)
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == PNG


def test_one_audit_row_per_created_object(people):
    parties = [f.person(), f.person()]
    parties[1].role = PartyRole.CO_PETITIONER
    petition = f.register(people.registrar, parties=parties, attachments=[AttachmentInput("a.png", PNG)])
    actions = list(petition.events.values_list("action", flat=True))
    assert actions.count("register") == 1
    assert actions.count("add_party") == 2
    assert actions.count("create_petitioner") == 2
    assert actions.count("add_attachment") == 1
    register_event = petition.events.get(action="register")
    assert register_event.actor == people.registrar
    assert register_event.actor_unit == people.registrar.unit
    assert register_event.to_status == Status.REGISTERED
    assert register_event.changes["summary"][1] == petition.summary


def test_correct_details_records_the_diff(people):
    petition = f.register(people.registrar)
    services.correct_details(
        petition, {"summary": "反映征收补偿问题（更正）"}, people.registrar, reason="摘要有误"
    )
    event = petition.events.get(action="correct_details")
    assert event.changes == {"summary": ["反映房屋征收补偿标准过低", "反映征收补偿问题（更正）"]}
    assert event.reason == "摘要有误"
    with pytest.raises(ValidationError, match="不能修改"):
        services.correct_details(petition, {"status": Status.CONCLUDED}, people.registrar, reason="x")


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number(org, people):
    numbers, errors = [], []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                numbers.append(f.register(people.registrar).registration_number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == 40
    assert len(set(numbers)) == 40


def test_external_id_race_is_a_validation_error_not_a_crash(people, monkeypatch):
    f.register(people.registrar, external_id="ZJ-RACE-1")
    real_read = services.OnFile.__init__

    def read_before_the_other_commit(self, items):
        real_read(self, items)
        self.external_ids.clear()  # as if the other transaction had not committed yet

    monkeypatch.setattr(services.OnFile, "__init__", read_before_the_other_commit)
    before = counts()
    with pytest.raises(ValidationError) as err:
        f.register(people.registrar, external_id="ZJ-RACE-1")
    assert "已经导入过" in err.value.message_dict["external_id"][0]
    assert counts() == before
