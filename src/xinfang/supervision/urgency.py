"""Urgent flags (扬言): a petition whose text threatens self-harm, violence or a mass gathering is marked urgent
at registration and the bureau's leaders are told at once (issue 18, item 4).

* ``urgent_phrases(text, phrases)``: pure; the phrases of the list found in the text, in the text's order
* ``flag_urgent(petitions)``: a ``petitions.hooks`` before_insert callback; sets ``is_urgent`` and
  ``urgent_phrases`` from the summary and the content, reading the active ``UrgentPhrase`` rows once per chunk
* ``tell_leaders(petitions)``: an after_insert callback; an in-app message (in the registration's
  transaction) and an SMS and e-mail (after commit, through ``notifications.notify``) to the bureau leaders of
  the receiving unit's bureau

The flag is on the matter and records which phrases matched; nothing here keeps a list of people. Negation
("不会自杀") is not understood: a false alarm costs a leader a look, a missed one costs more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from xinfang import clock
from xinfang.notifications.models import Kind
from xinfang.notifications.recipients import staff_by_unit
from xinfang.notifications.services import Message, notify_each
from xinfang.orgs.models import Role
from xinfang.petitions.models import Petition, PetitionClass

from .models import UrgentPhrase

# A registration written long after the fact (an imported history, the demo's generated year) is flagged but
# announced to nobody: the leaders are told of what is arriving now, not of last year's ledger.
ANNOUNCE_WITHIN = dt.timedelta(days=1)


def urgent_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases found in ``text`` (whitespace inside the text ignored, so "跳 楼" still matches), each
    once, in the order they first occur in the text."""
    compact = "".join((text or "").split())
    found = []
    for phrase in phrases:
        phrase = "".join((phrase or "").split())
        if phrase and phrase in compact and phrase not in found:
            found.append(phrase)
    return sorted(found, key=compact.index)


def active_phrases() -> list[str]:
    return list(UrgentPhrase.objects.filter(is_active=True).values_list("phrase", flat=True))


def flag_urgent(petitions: list[Petition]) -> None:
    phrases = active_phrases()
    if not phrases:
        return
    for petition in petitions:
        found = urgent_phrases(f"{petition.summary}\n{petition.content}", phrases)
        petition.is_urgent = bool(found)
        petition.urgent_phrases = found


def tell_leaders(petitions: list[Petition]) -> None:
    now = clock.now()
    urgent = [
        p for p in petitions if p.is_urgent and not p.external_id and p.registered_at >= now - ANNOUNCE_WITHIN
    ]
    if not urgent:
        return
    bureaus = {p.pk: p.receiving_unit.bureau() or p.receiving_unit for p in urgent}
    leaders = staff_by_unit({unit.pk for unit in bureaus.values()}, (Role.BUREAU_LEADER,))
    messages = []
    for petition in urgent:
        for user in leaders.get(bureaus[petition.pk].pk, []):
            if (
                petition.petition_class == PetitionClass.ACCUSATION
                and user.unit_id == petition.subject_unit_id
            ):
                continue  # an accusation never reaches the unit it accuses
            messages.append(
                Message(
                    recipient=user,
                    kind=Kind.URGENT,
                    title=f"紧急：{petition.registration_number} 涉及“{'、'.join(petition.urgent_phrases)}”",
                    body=f"事项摘要：{petition.summary}\n请及时研判处置。",
                    petition=petition,
                    url=reverse("petitions:detail", args=[petition.pk]),
                )
            )
    notify_each(messages, email=True, sms=True)
