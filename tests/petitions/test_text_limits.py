"""The registration service refuses over-limit text with the count; it never cuts what it was given."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f
from xinfang.petitions import services
from xinfang.petitions.models import Petition, Petitioner

pytestmark = pytest.mark.django_db


def test_an_over_limit_address_is_refused_not_cut(people, org):
    registration = f.registration(parties=[services.PartyInput(name="张三", address="路" * 201)])
    with pytest.raises(ValidationError) as refused:
        services.register(registration, people.registrar)
    assert refused.value.message_dict["parties.0.address"] == ["住址不超过200字（现有201字）。"]
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_an_address_at_the_limit_is_kept_whole(people, org):
    registration = f.registration(parties=[services.PartyInput(name="张三", address="路" * 200)])
    petition = services.register(registration, people.registrar).petition
    assert petition.parties.get().petitioner.address == "路" * 200


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("summary", services.SUMMARY_MAX_LENGTH, "事项摘要不超过200字（现有201字）。"),
        (
            "content",
            services.CONTENT_MAX_LENGTH,
            "诉求内容不超过20000字（现有20001字），更多材料请作为附件上传。",
        ),
    ],
)
def test_over_limit_text_is_refused_with_the_count(people, org, field, limit, message):
    registration = f.registration(**{field: "长" * (limit + 1)})
    with pytest.raises(ValidationError) as refused:
        services.register(registration, people.registrar)
    assert refused.value.message_dict[field] == [message]
    assert not Petition.objects.exists()
