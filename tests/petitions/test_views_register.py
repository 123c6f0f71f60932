"""Registering petitions through the workbench form, and the repeat check while typing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories as f
from tests.viewtests import RoleRequiredChecks, assert_login_required, assert_ok_within, get
from xinfang import clock, sealing
from xinfang.audit.models import Event
from xinfang.orgs.models import Region, Role
from xinfang.petitions.models import (
    Attachment,
    Category,
    Channel,
    PartyRole,
    Petition,
    Petitioner,
    PetitionParty,
    Source,
)
from xinfang.petitions.services import PartyInput, hash_query_code
from xinfang.workbench.views import RECEIPT_SESSION_KEY

REFUSAL = "只有登记员可以登记信访事项。"


def register_url(channel: str = "letter") -> str:
    return reverse("petitions:register", args=[channel])


def party(role: str = PartyRole.PRINCIPAL, **overrides) -> dict:
    person = f.person()
    data = {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "address": person.address,
        "role": role,
    }
    data.update(overrides)
    return data


def form_data(channel: str = "letter", parties: list[dict] | None = None, **overrides) -> dict:
    parties = [party()] if parties is None else parties
    received = (clock.now() - dt.timedelta(hours=1)).astimezone(clock.SHANGHAI)
    data = {
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "source": Source.DIRECT,
        "petition_class": "claim",
        "category": Category.objects.get(path="城乡建设/征收拆迁").pk,
        "issue_region": "",
        "summary": "反映征收补偿标准过低",
        "content": "本人房屋被征收，补偿标准低于周边项目，请求重新评估。",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
    }
    data["issue_region"] = Region.objects.get(code="330102001").pk
    for index, row in enumerate(parties):
        for key, value in row.items():
            data[f"parties-{index}-{key}"] = value
    if channel == Channel.VISIT:
        data.update(visit_level="county", person_count=str(len(parties)))
    data.update(overrides)
    return data


def nothing_written() -> bool:
    return (
        not Petition.objects.exists()
        and not Petitioner.objects.exists()
        and not PetitionParty.objects.exists()
        and not Attachment.objects.exists()
        and not Event.objects.exists()
    )


def post(client, user, data, channel="letter", **extra):
    client.force_login(user)
    return client.post(register_url(channel), data, **extra)


# --- access -------------------------------------------------------------------------------------------------


class TestRegisterAccess(RoleRequiredChecks):
    refusal = REFUSAL

    @pytest.fixture
    def url(self, db):
        return register_url("visit")

    @pytest.fixture
    def wrong_role_user(self, people):
        return people.bureau_handler

    def test_anonymous_is_redirected_to_login(self, client, url):
        assert_login_required(client, url)

    def test_the_registrar_gets_the_form_within_query_bound(self, client, url, people):
        assert_ok_within(client, url, people.registrar, max_queries=10)


def test_posting_without_the_registrar_role_is_refused_and_writes_nothing(client, people):
    response = post(client, people.bureau_leader, form_data())
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert nothing_written()


def test_an_unknown_channel_is_404(client, people):
    assert get(client, register_url("pigeon"), people.registrar).status_code == 404


def test_the_lookup_is_for_registrars_only(client, people):
    url = reverse("petitions:earlier")
    client.logout()
    response = client.post(url, {"parties-0-id_number": "x"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(people.township_handler)
    assert client.post(url, {"parties-0-id_number": "x"}).status_code == 403


def test_the_lookup_takes_no_identity_in_the_url(client, people):
    person = f.register(people.registrar).principal
    client.force_login(people.registrar)
    url = reverse("petitions:earlier")
    assert client.get(url, {"parties-0-id_number": person.id_number}).status_code == 405
    html = get(client, register_url("letter"), people.registrar).content.decode()
    assert f'hx-post="{url}"' in html
    assert 'hx-params="parties-0-id_number,parties-0-name,parties-0-phone"' in html


# --- the form per channel -----------------------------------------------------------------------------------


def test_the_visit_form_has_visit_fields_and_representatives(client, people):
    html = get(client, register_url("visit"), people.registrar).content.decode()
    assert "来访登记" in html
    assert 'name="visit_level"' in html and 'name="is_collective"' in html and 'name="person_count"' in html
    assert 'value="representative"' in html
    assert 'name="source_level"' in html and 'name="source_action"' in html
    assert 'type="file" name="attachments"' in html and "multiple" in html
    assert "parties-empty-form" in html  # the template that "添加信访人" copies


def test_the_letter_form_counts_signers_and_has_no_visit_fields(client, people):
    html = get(client, register_url("letter"), people.registrar).content.decode()
    assert "来信登记" in html and "署名人数" in html
    assert 'name="visit_level"' not in html and 'name="is_collective"' not in html
    assert 'value="representative"' not in html


def test_the_phone_form_has_no_person_count(client, people):
    html = get(client, register_url("phone"), people.registrar).content.decode()
    assert "电话登记" in html and 'name="person_count"' not in html


def test_categories_are_grouped_by_top_level(client, people):
    html = get(client, register_url("online"), people.registrar).content.decode()
    assert '<optgroup label="城乡建设">' in html
    assert '<optgroup label="劳动和社会保障">' in html


def test_issue_regions_are_the_registrars_jurisdiction(client, org, people):
    html = get(client, register_url("letter"), people.registrar).content.decode()
    assert "清波街道" in html and "湖滨街道" in html
    assert "拱墅区" not in html


# --- successful registration ------------------------------------------------------------------------------


def test_a_letter_is_registered_and_the_query_code_shown_once(client, org, people):
    upload = SimpleUploadedFile("来信扫描.txt", "来信原文".encode(), content_type="text/plain")
    data = form_data(
        parties=[party(), party(PartyRole.CO_PETITIONER)],
        subject_unit=org.housing.pk,
        subject_person="张某",
        identity_confidential="on",
        attachments=[upload],
    )
    response = post(client, people.registrar, data, REMOTE_ADDR="10.1.2.3")
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("petitions:detail", args=[petition.pk])

    assert petition.channel == Channel.LETTER
    assert petition.receiving_unit == org.bureau
    assert petition.registered_by == people.registrar
    assert petition.person_count == 2
    assert petition.subject_unit == org.housing and petition.subject_person == "张某"
    assert petition.identity_confidential
    assert [p.role for p in petition.parties.all()] == [PartyRole.PRINCIPAL, PartyRole.CO_PETITIONER]
    assert petition.attachments.get().original_name == "来信扫描.txt"
    assert Event.objects.get(action="register").ip_address == "10.1.2.3"

    sealed = client.session[RECEIPT_SESSION_KEY]["query_code"]
    query_code = sealing.unseal(sealed)
    assert query_code not in sealed  # sessions are database rows
    assert hash_query_code(query_code) == petition.query_code_hash
    first = client.get(response.url).content.decode()
    assert petition.registration_number in first
    formatted = "-".join(query_code[i : i + 4] for i in range(0, 12, 4))
    assert formatted in first and "打印回执" in first and "信访事项登记回执" in first
    assert RECEIPT_SESSION_KEY not in client.session
    again = client.get(response.url).content.decode()
    assert formatted not in again and "打印回执" not in again


def test_a_collective_visit_with_representatives(client, people):
    parties = [
        party(PartyRole.REPRESENTATIVE),
        party(PartyRole.REPRESENTATIVE),
        party(PartyRole.CO_PETITIONER),
    ]
    data = form_data("visit", parties, person_count="6", is_collective="on", visit_level="county")
    response = post(client, people.registrar, data, "visit")
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.channel == Channel.VISIT and petition.visit_level == "county"
    assert petition.person_count == 6 and petition.is_collective
    assert [p.role for p in petition.parties.all()] == [
        PartyRole.REPRESENTATIVE,
        PartyRole.REPRESENTATIVE,
        PartyRole.CO_PETITIONER,
    ]


def test_blank_added_rows_are_ignored(client, people):
    data = form_data(
        parties=[party(), {"name": "", "id_number": "", "phone": "", "address": "", "role": "co_petitioner"}]
    )
    assert post(client, people.registrar, data).status_code == 302
    assert Petition.objects.get().parties.count() == 1


def test_a_referred_petition_records_level_and_action(client, people):
    data = form_data(source=Source.REFERRED_FROM_ABOVE, source_level="province", source_action="assign")
    assert post(client, people.registrar, data).status_code == 302
    petition = Petition.objects.get()
    assert (petition.source, petition.source_level, petition.source_action) == (
        Source.REFERRED_FROM_ABOVE,
        "province",
        "assign",
    )


def test_a_direct_petition_drops_stray_referral_fields(client, people):
    data = form_data(source=Source.DIRECT, source_level="province", source_action="assign")
    assert post(client, people.registrar, data).status_code == 302
    assert Petition.objects.get().source_level == ""


def test_linking_a_repeat(client, people):
    earlier = f.register(people.registrar)
    person = earlier.principal
    data = form_data(parties=[party(name=person.name, id_number=person.id_number)], repeat_of=str(earlier.pk))
    assert post(client, people.registrar, data).status_code == 302
    petition = Petition.objects.exclude(pk=earlier.pk).get()
    assert petition.repeat_of == earlier and petition.is_repeat
    assert petition.principal == person  # the same person, found by ID number


# --- refused registrations: the message next to its field, nothing written ---------------------------------


def test_an_invalid_id_number_is_shown_next_to_its_field_and_nothing_is_written(client, people):
    bad = party(id_number="110101199001011234")  # wrong check digit
    response = post(client, people.registrar, form_data(parties=[party(), bad]))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<div id="id_parties-1-id_number_error" class="invalid-feedback d-block">身份证号码校验位错误，请核对。</div>'
        in html
    )
    assert 'aria-invalid="true"' in html
    assert "登记未保存" in html
    assert nothing_written()


def test_errors_of_the_form_and_of_the_service_are_placed_by_field(client, people):
    data = form_data(summary="x" * 201)
    html = post(client, people.registrar, data).content.decode()
    assert 'id="id_summary_error"' in html and "事项摘要不超过200字（现有201字），请删减后再提交。" in html
    assert "x" * 201 in html  # the whole text comes back to be shortened, never cut
    assert nothing_written()


def test_registration_fields_count_instead_of_cutting(client, people):
    html = get(client, register_url("letter"), people.registrar).content.decode()
    for name, limit in (("summary", 200), ("content", 20000), ("subject_person", 100)):
        tag = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'data-xf-limit="{limit}"' in tag and "maxlength" not in tag, tag
    for name in ("parties-0-name", "parties-0-address", "parties-0-id_number", "parties-0-phone"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "maxlength" not in tag, tag
    assert "xinfang/limits.js" in html


def test_content_over_the_service_limit_is_refused_with_the_count(client, people):
    data = form_data(content="长" * 20001)
    html = post(client, people.registrar, data).content.decode()
    assert "诉求内容不超过20000字（现有20001字）" in html
    assert nothing_written()


def test_a_disguised_attachment_is_refused_and_nothing_is_written(client, people, settings):
    real = SimpleUploadedFile("说明.txt", "真实的说明".encode(), content_type="text/plain")
    fake = SimpleUploadedFile("证据.pdf", b"this is not a pdf at all", content_type="application/pdf")
    html = post(client, people.registrar, form_data(attachments=[real, fake])).content.decode()
    assert 'id="id_attachments_error"' in html
    assert "证据.pdf" in html and "附件需要重新选择" in html
    assert nothing_written()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]  # not even the good file


def test_too_many_representatives_is_a_parties_error(client, people):
    parties = [party(PartyRole.REPRESENTATIVE) for _ in range(6)]
    data = form_data("visit", parties, person_count="8", is_collective="on")
    html = post(client, people.registrar, data, "visit").content.decode()
    assert 'id="parties-errors"' in html
    assert "集体访推选的代表不得超过5人" in html
    assert nothing_written()


def test_the_collective_toggle_must_match_the_person_count(client, people):
    html = post(client, people.registrar, form_data("visit", person_count="3", is_collective="on"), "visit")
    assert "集体访人数应在5人以上。" in html.content.decode()
    html = post(client, people.registrar, form_data("visit", person_count="7"), "visit")
    assert "请勾选“集体访”" in html.content.decode()
    assert nothing_written()


def test_a_referral_without_its_level_is_refused_next_to_the_level(client, people):
    data = form_data(source=Source.REFERRED_FROM_ABOVE, source_action="transfer")
    html = post(client, people.registrar, data).content.decode()
    assert 'id="id_source_level_error"' in html and "上级转送交办的事项请选择来自国家、省或市。" in html
    assert nothing_written()


def test_a_repeat_of_someone_elses_petition_is_refused(client, people):
    elsewhere = f.register(people.other_county_registrar)
    before = Event.objects.count()
    html = post(client, people.registrar, form_data(repeat_of=str(elsewhere.pk))).content.decode()
    assert "关联的原信访事项不存在。" in html
    assert Petition.objects.count() == 1 and Event.objects.count() == before


def test_a_missing_name_uses_the_chinese_message(client, people):
    html = post(client, people.registrar, form_data(parties=[party(name="")])).content.decode()
    assert 'id="id_parties-0-name_error"' in html and "请填写信访人姓名。" in html
    assert nothing_written()


def test_a_future_receipt_time_is_refused_by_the_service(client, people):
    future = (clock.now() + dt.timedelta(days=2)).astimezone(clock.SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    html = post(client, people.registrar, form_data(received_at=future)).content.decode()
    assert 'id="id_received_at_error"' in html and "收到时间不能晚于当前时间。" in html
    assert nothing_written()


# --- the repeat check while typing --------------------------------------------------------------------------


def lookup(client, user, **params):
    client.force_login(user)
    query = {f"parties-0-{key}": value for key, value in params.items()}
    return client.post(reverse("petitions:earlier"), query, headers={"HX-Request": "true"})


def test_the_lookup_finds_earlier_petitions_by_id_number(client, people):
    earlier = f.register(people.registrar, summary="早先反映的征收问题")
    person = earlier.principal
    html = lookup(client, people.registrar, id_number=person.id_number.lower()).content.decode()
    assert earlier.registration_number in html and "早先反映的征收问题" in html
    assert f'data-link-repeat="{earlier.pk}"' in html and "关联为重复件" in html


def test_the_lookup_finds_earlier_petitions_by_name_and_phone(client, people):
    earlier = f.register(people.registrar, parties=[PartyInput(name="李四", phone="13900001111")])
    html = lookup(client, people.registrar, name="李四", phone="139 0000 1111").content.decode()
    assert earlier.registration_number in html


def test_the_lookup_needs_whole_identifiers(client, people):
    earlier = f.register(people.registrar)
    person = earlier.principal
    partial = lookup(client, people.registrar, id_number=person.id_number[:10]).content.decode()
    name_only = lookup(client, people.registrar, name=person.name).content.decode()
    for html in (partial, name_only):
        assert earlier.registration_number not in html
        assert "输入信访人的身份证号码" in html


def test_the_lookup_shows_only_petitions_the_registrar_may_see(client, people):
    elsewhere = f.register(people.other_county_registrar)
    person = elsewhere.principal
    html = lookup(client, people.registrar, id_number=person.id_number).content.decode()
    assert elsewhere.registration_number not in html
    assert "未查到该信访人的既往信访事项" in html


def test_the_lookup_runs_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    person = f.person()
    for _ in range(12):
        f.register(people.registrar, parties=[PartyInput(person.name, person.id_number)])
    client.force_login(people.registrar)
    with django_assert_max_num_queries(6):
        response = client.post(reverse("petitions:earlier"), {"parties-0-id_number": person.id_number})
    assert response.content.decode().count("关联为重复件") == 10


def test_the_role_of_township_registrar_is_enough(client, org):
    registrar = f.UserFactory(username="qb_reg", unit=org.qingbo_unit, roles=[Role.REGISTRAR])
    html = get(client, register_url("letter"), registrar).content.decode()
    regions = html[html.index('name="issue_region"') :]
    regions = regions[: regions.index("</select>")]
    assert "清波街道" in regions and "湖滨街道" not in regions
