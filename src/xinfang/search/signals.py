"""Re-index a petition whenever it is saved (registered, corrected, routed): its words or units may change;
and the petitions of a petitioner or party saved one at a time (a name or phone corrected, a party added).

Registration writes in bulk, without signals: its hook writes the new petitions' documents with their
parties. A phone it updates on an existing petitioner (``update_petitioner``) reaches that person's earlier
documents at the next ``rebuild_search_index``; the exact phone search reads the petitioner's digest and is
current at once.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Petition, Petitioner, PetitionParty

from .index import PROTECTION_FIELDS, TEXT_FIELDS, UNIT_FIELDS, index_petition, reindex
from .segment import add_word


@receiver(post_save, sender=Petition, dispatch_uid="search_index_petition")
def _index_on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # A save that names only other fields cannot change the document: skip the segmentation and unit
    # look-ups on that hot path (``workflow.services.perform`` saves only the fields an action changed, so
    # most actions skip it; a transfer that changes the responsible unit does not).
    if raw or (update_fields is not None and not INDEXED.intersection(update_fields)):
        return
    index_petition(instance)


INDEXED = (
    frozenset(TEXT_FIELDS)
    | frozenset(PROTECTION_FIELDS)
    | frozenset(UNIT_FIELDS)
    | {f"{name}_id" for name in UNIT_FIELDS}
)
PERSON_FIELDS = frozenset({"name", "phone", "phone_digest"})


@receiver(post_save, sender=Petitioner, dispatch_uid="search_index_petitioner")
def _index_person(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw or created or (update_fields is not None and not PERSON_FIELDS.intersection(update_fields)):
        return
    reindex(PetitionParty.objects.filter(petitioner=instance).values_list("petition_id", flat=True))


@receiver(post_save, sender=PetitionParty, dispatch_uid="search_index_party")
@receiver(post_delete, sender=PetitionParty, dispatch_uid="search_index_party_gone")
def _index_party(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex([instance.petition_id])


@receiver(post_save, sender=OrgUnit, dispatch_uid="search_unit_words")
def _unit_words(sender, instance, raw=False, **kwargs):
    # Petitions written before are re-segmented by rebuild_search_index; new ones get the word now.
    for name in (instance.name, instance.short_name):
        if name and len(name) >= 2:
            add_word(name)
