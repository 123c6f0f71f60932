"""Unicode: codes fold by NFKC; zero-width and bidi controls are refused in names and summaries, naming the field.

Before: a name made of zero-width characters, or a summary with a right-to-left override, was registered.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests import factories as f
from tests.api.conftest import PETITIONS_URL, body, id_number
from tests.petitions.test_views_register import form_data, party, register_url
from tests.portal.conftest import filing_data
from xinfang import inputs
from xinfang.petitions import services
from xinfang.petitions.identity import IdentityError, validate_id_number, validate_phone
from xinfang.petitions.models import Petition, Petitioner

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def api(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("char", INVISIBLE + BIDI)
def test_every_invisible_character_is_caught(char):
    assert inputs.has_invisible(f"张{char}三")
    with pytest.raises(inputs.InputError, match="姓名含有不可见的控制字符"):
        inputs.refuse_invisible(f"张{char}三", "姓名")
    assert not inputs.has_invisible("张三 Zhang-San·阿依古丽")


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("name", "\u200b\u200b", "信访人姓名"),
        ("name", "张\u202e三", "信访人姓名"),
        ("summary", "反映\u202e价格\u202c问题", "事项摘要"),
        ("subject_person", "李\u200d四", "被反映人"),
    ],
)
def test_the_service_refuses_them_for_every_caller(field, value, label, people, now):
    if field == "name":
        reg = f.registration(parties=[services.PartyInput(name=value, phone="13800000009")])
        key = "parties.0.name"
    else:
        reg = f.registration(**{field: value})
        key = field
    with pytest.raises(ValidationError) as refused:
        services.register(reg, people.registrar)
    assert inputs.invisible_message(label) in refused.value.message_dict[key]
    assert not Petition.objects.exists()


def test_the_api_names_the_field(people, org, now):
    data = body(summary="反映\u202e问题")
    data["petitioners"][0]["name"] = "\u200b"
    response = api(people.registrar).post(PETITIONS_URL, json.dumps(data), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["summary"] == [inputs.invisible_message("事项摘要")]
    assert errors["petitioners.0.name"] == [inputs.invisible_message("姓名")]
    assert not Petition.objects.exists()


def test_the_workbench_form_names_the_field(client, people, org, now):
    client.force_login(people.registrar)
    response = client.post(
        register_url(), form_data(parties=[party(name="王\ufeff五")], summary="摘\u2066要")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert inputs.invisible_message("信访人姓名") in page
    assert inputs.invisible_message("事项摘要") in page
    assert not Petition.objects.exists()


def test_the_portal_form_names_the_field(client, portal, now):
    response = client.post("/portal/file/", filing_data(f.category(), name="\u200b\u200b\u200b"))
    assert response.status_code == 200
    assert inputs.invisible_message("姓名") in response.content.decode()
    assert not Petition.objects.exists()


# --- NFKC for codes ---------------------------------------------------------------------------------------------


def test_full_width_id_numbers_and_phones_fold_to_ascii(now):
    number = id_number(3)
    assert validate_id_number(full_width(number)) == number
    assert validate_phone(full_width("13800000001")) == "13800000001"
    # A superscript digit used to pass isdigit() and then fail int() (a 500): now a plain refusal or a digit.
    typed = number[:16] + "¹" + number[17]
    if number[16] == "1":
        assert validate_id_number(typed) == number
    else:
        with pytest.raises(IdentityError, match="校验位错误"):
            validate_id_number(typed)
    assert not inputs.is_ascii_int("¹") and not inputs.is_ascii_int("１２")


def test_a_full_width_id_number_registers_as_ascii(people, org, now):
    data = body()
    data["petitioners"][0]["id_number"] = full_width(id_number(4))
    response = api(people.registrar).post(PETITIONS_URL, json.dumps(data), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Petitioner.objects.get().id_number == id_number(4)


def test_a_registration_number_typed_full_width_is_found(people, org, now):
    client = api(people.registrar)
    created = client.post(PETITIONS_URL, json.dumps(body()), content_type="application/json").json()
    number = created["registration_number"]
    found = client.get(PETITIONS_URL, {"registration_number": full_width(number)}).json()["results"]
    assert [p["registration_number"] for p in found] == [number]
    listed = client.get("/petitions/", {"q": full_width(number)})
    assert number in listed.content.decode()


def test_search_text_keeps_chinese_words_as_typed():
    assert inputs.search_text("ＸＦ－３３０１０２") == "XF-330102"
    assert inputs.search_text(" 征收补偿 ") == "征收补偿"
