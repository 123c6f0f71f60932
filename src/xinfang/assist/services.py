"""The panel's actions and the suggestion labels, each one transaction with its audit event.

* ``link_repeat``: the petition repeats an earlier one (``repeat_of``), through
  ``petitions.services.correct_details`` — the one audited way a registered petition's link is set.
* ``link_related``: two petitions a person judged related (``RelatedLink``, audited once, shown on both).
* ``record_choice``: what was offered and chosen among the suggestions (the next training's label).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.petitions import services as petitions
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import visible_to

from .models import RelatedLink, SuggestionChoice, SuggestionKind, SuggestionModel

NOTE_MAX = 200


def _visible_pair(petition: Petition, other_pk, actor) -> Petition:
    """The other petition, if the actor may see both; the same refusal for missing and not-yours."""
    try:
        other_pk = int(other_pk)
    except (TypeError, ValueError):
        raise ValidationError({"other": ["请选择要关联的信访事项。"]}) from None
    if other_pk == petition.pk:
        raise ValidationError({"other": ["不能把信访事项与其自身关联。"]})
    found = {p.pk: p for p in visible_to(actor).filter(pk__in=[petition.pk, other_pk])}
    if petition.pk not in found or other_pk not in found:
        raise ValidationError({"other": ["关联的信访事项不存在。"]})
    return found[other_pk]


def link_repeat(petition: Petition, earlier_pk, actor, *, ip_address: str | None = None) -> Petition:
    """Mark ``petition`` as a repeat (重复信访) of the earlier petition ``earlier_pk``."""
    earlier = _visible_pair(petition, earlier_pk, actor)
    if earlier.received_at > petition.received_at:
        raise ValidationError({"other": ["只能关联为收到时间更早的信访事项的重复件。"]})
    if earlier.repeat_of_id == petition.pk:
        raise ValidationError({"other": ["该事项已登记为本件的重复件，不能互相关联。"]})
    if petition.repeat_of_id == earlier.pk:
        raise ValidationError({"other": [f"本件已关联为{earlier.registration_number}的重复件。"]})
    return petitions.correct_details(
        petition,
        {"repeat_of_id": earlier.pk},
        actor,
        reason=f"相关事项核查：为{earlier.registration_number}的重复信访",
        ip_address=ip_address,
    )


def link_related(
    petition: Petition, other_pk, actor, *, note: str = "", ip_address: str | None = None
) -> RelatedLink:
    other = _visible_pair(petition, other_pk, actor)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"说明不能超过{NOTE_MAX}字。"]})
    first, second = sorted([petition, other], key=lambda p: p.pk)
    try:
        with transaction.atomic():
            link = RelatedLink.objects.create(
                first=first, second=second, created_by=actor, created_at=clock.now(), note=note
            )
            audit.record(
                action="link_related",
                target=link,
                petition=petition,
                actor=actor,
                ip_address=ip_address,
                reason=note,
                data={"other": other.pk, "other_number": other.registration_number},
            )
    except IntegrityError:
        raise ValidationError({"other": [f"已与{other.registration_number}关联。"]}) from None
    return link


def related_links(petition: Petition, reader) -> list[tuple[RelatedLink, Petition]]:
    """The petitions linked as related to ``petition`` that the reader may see, with their links."""
    links = list(
        RelatedLink.objects.filter(first=petition).select_related("created_by")
        | RelatedLink.objects.filter(second=petition).select_related("created_by")
    )
    others = {link.second_id if link.first_id == petition.pk else link.first_id for link in links}
    shown = {p.pk: p for p in visible_to(reader).filter(pk__in=others).select_related("responsible_unit")}
    rows = []
    for link in links:
        other_id = link.second_id if link.first_id == petition.pk else link.first_id
        if other_id in shown:
            rows.append((link, shown[other_id]))
    return rows


def record_choice(
    *,
    kind: str,
    offered: list[dict],
    chosen: str,
    actor,
    petition: Petition | None = None,
    model: SuggestionModel | None = None,
) -> SuggestionChoice:
    if kind not in SuggestionKind.values:
        raise ValidationError({"kind": ["建议类型无效。"]})
    return SuggestionChoice.objects.create(
        petition=petition,
        kind=kind,
        offered=offered,
        chosen=chosen or "",
        model=model,
        chosen_by=actor,
        chosen_at=clock.now(),
    )
