"""Password rules: length, character classes, likeness to the account, common and numeric passwords."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from xinfang.orgs.models import User


def refusal(password: str, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


def zhang() -> User:
    return User(username="zhangsan", full_name="张三丰")


@pytest.mark.parametrize(
    "password",
    ["zhangsan", "Zhangsan@2026", "ZhangSanFeng!1", "zhang-san-feng-9", "Zsf@zhangsanfen", "张三丰Ab1!xyzw"],
)
def test_passwords_like_the_username_name_or_pinyin_are_refused(password):
    assert "用户名、姓名或姓名拼音" in refusal(password, zhang())


def test_short_password_is_refused_with_the_length_from_settings(settings):
    assert "至少需要10个字符" in refusal("Ab1!xyzw", zhang())
    settings.XF_PASSWORD_MIN_LENGTH = 14
    assert "至少需要14个字符" in refusal("Qt7#mountain", zhang())


@pytest.mark.parametrize("password", ["alllowercase", "lowercase123", "UPPERlowerOnly"])
def test_fewer_than_three_character_classes_are_refused(password):
    assert "至少3类" in refusal(password, zhang())


def test_all_numeric_and_common_passwords_are_refused():
    assert "全为数字" in refusal("1234509876", zhang())
    assert "过于常见" in refusal("Password123", zhang())
    assert "过于常见" in refusal("P@ssw0rd", zhang())


def test_a_good_password_passes_and_help_text_is_chinese():
    validate_password("Qt7#mountain-Lake", zhang())
    assert all("\u4e00" <= text[0] <= "\u9fff" for text in password_validators_help_texts())


@pytest.mark.django_db
def test_admin_user_form_refuses_a_password_equal_to_the_pinyin(client):
    from .. import factories as f

    admin = f.UserFactory(username="anquan", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/orgs/user/add/",
        {
            "username": "lisi",
            "full_name": "李四",
            "usable_password": "true",
            "password1": "Lisi@lisi2026",
            "password2": "Lisi@lisi2026",
        },
    )
    assert response.status_code == 200
    assert "姓名拼音" in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()
