"""Merging a duplicate registration (合并重复登记): the same matter registered twice becomes one petition.

The duplicate (the petition the action is taken on) ends as ``merged`` with ``merged_into`` naming the
petition that remains (the survivor); its parties and attachments move onto the survivor, its open deadlines
are cancelled (neither met nor missed: nobody owed them twice) and both petitions' audit trails keep what
happened: ``merge_into`` on the duplicate (written by ``perform``), ``merge_from`` on the survivor (here). A
merged petition is no batch of its own in the statistics (``stats.metrics``).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Q

from xinfang.audit import services as audit
from xinfang.petitions.models import Attachment, Petition, PetitionClass, PetitionParty, Status
from xinfang.petitions.selectors import visible_to
from xinfang.search.index import reindex

from .. import actors
from .common import Context, close_stages, read_text

NOT_FOUND = "找不到登记编号为“{number}”的信访事项，或您无权查看该事项。"


def _survivor(ctx: Context) -> Petition:
    value = ctx.data.get("survivor")
    number = value.registration_number if isinstance(value, Petition) else str(value or "").strip()
    if not number:
        ctx.refuse("请填写保留事项的登记编号。", field="survivor")
    if number in (ctx.petition.registration_number, ctx.petition.external_id):
        ctx.refuse("不能将信访事项合并到其自身。", field="survivor")
    # What the person acting may see, and nothing more: a number of another jurisdiction, or of an accusation
    # against the actor's own unit, reads as not found (the same words as a number that does not exist).
    # A unit acting (the importer's by_unit) sees what its staff would.
    person = actors.audited(ctx.actor)
    if not hasattr(person, "is_authenticated"):
        person = SimpleNamespace(is_authenticated=True, is_active=True, is_superuser=False, unit=ctx.unit)
    found = visible_to(person).filter(Q(registration_number=number) | Q(external_id=number))
    survivor = found.select_for_update(of=("self",)).first()
    if survivor is None:
        ctx.refuse(NOT_FOUND.format(number=number), field="survivor")
    return survivor


def _check(ctx: Context, survivor: Petition) -> None:
    duplicate = ctx.petition
    if survivor.status == Status.MERGED:
        target = survivor.merged_into.registration_number if survivor.merged_into_id else ""
        ctx.refuse(
            f"事项{survivor.registration_number}已合并至{target}，请合并到{target}。", field="survivor"
        )
    if survivor.status == Status.CLOSED:
        ctx.refuse(f"事项{survivor.registration_number}已告知终止，不能作为保留事项。", field="survivor")
    accusation = PetitionClass.ACCUSATION
    if (duplicate.petition_class == accusation) != (survivor.petition_class == accusation):
        ctx.refuse("检举控告事项只能与检举控告事项合并。", code="confidential", field="survivor")
    if duplicate.petition_class == accusation and duplicate.subject_unit_id != survivor.subject_unit_id:
        ctx.refuse("被检举控告的单位不同，不能合并。", code="confidential", field="survivor")
    if duplicate.identity_confidential and not survivor.identity_confidential:
        ctx.refuse(
            "该事项的信访人要求身份保密，保留事项未要求，不能合并。", code="confidential", field="survivor"
        )


def merge_into(ctx: Context) -> None:
    duplicate = ctx.petition
    survivor = _survivor(ctx)
    _check(ctx, survivor)
    text = read_text(ctx, "text", required=False)

    on_survivor = set(survivor.parties.values_list("petitioner_id", flat=True))
    position = max(survivor.parties.values_list("position", flat=True), default=-1) + 1
    moved_parties = []
    for party in duplicate.parties.order_by("position", "id"):
        if party.petitioner_id in on_survivor:
            continue  # the same person is already a party there; the duplicate keeps its row
        PetitionParty.objects.filter(pk=party.pk).update(petition=survivor, position=position)
        moved_parties.append(party.petitioner_id)
        position += 1
    attachments = list(Attachment.objects.filter(petition=duplicate).values_list("pk", flat=True))
    Attachment.objects.filter(pk__in=attachments).update(petition=survivor)
    if moved_parties:
        # The parties moved by UPDATE, without the signals that re-index a saved party: the survivor's
        # document must now find the duplicate's people by name, and the duplicate's no longer.
        reindex([survivor.pk, duplicate.pk])

    close_stages(ctx, ctx.row.cancels, cancel=True)
    duplicate.merged_into = survivor
    moved = {"parties": moved_parties, "attachments": attachments}
    ctx.reason = text
    # The exchange format names the survivor as an import can find it again: its external id, else its number.
    reference = survivor.external_id or survivor.registration_number
    ctx.record.update({"survivor": survivor.registration_number, "survivor_ref": reference, **moved})
    audit.record(
        action="merge_from",
        target=survivor,
        petition=survivor,
        actor=actors.audited(ctx.actor),
        at=ctx.at,
        reason=text,
        data={"duplicate": duplicate.registration_number, **moved, **actors.describe(ctx.actor)},
    )
