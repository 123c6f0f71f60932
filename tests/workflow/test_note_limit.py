"""An action's note over the limit is refused with the count; perform never cuts it."""

from __future__ import annotations

import pytest

from tests import factories as f
from xinfang.audit.models import Event
from xinfang.petitions import services as intake
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import NOTE_MAX_LENGTH, perform

pytestmark = pytest.mark.django_db


def test_an_over_limit_note_is_refused_and_a_full_one_is_kept_whole(people, org):
    petition = intake.register(f.registration(), people.registrar).petition
    events = Event.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        perform(
            petition, "transfer", people.registrar, to_unit=org.qingbo_unit, note="注" * (NOTE_MAX_LENGTH + 1)
        )
    assert refused.value.messages == ["备注不超过2000字（现有2001字）。"]
    assert Event.objects.count() == events
    petition.refresh_from_db()
    assert petition.status == "registered"

    perform(petition, "transfer", people.registrar, to_unit=org.qingbo_unit, note="注" * NOTE_MAX_LENGTH)
    assert Event.objects.filter(petition=petition, action="transfer").get().data["note"] == "注" * 2000
