"""Re-index a petition whenever it is saved (registered, corrected, routed): its words or units may change."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Petition

from .index import TEXT_FIELDS, UNIT_FIELDS, index_petition
from .segment import add_word


@receiver(post_save, sender=Petition, dispatch_uid="search_index_petition")
def _index_on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # A save that names only other fields cannot change the document: skip the segmentation and unit
    # look-ups on that hot path (``workflow.services.perform`` saves only the fields an action changed, so
    # most actions skip it; a transfer that changes the responsible unit does not).
    if raw or (update_fields is not None and not INDEXED.intersection(update_fields)):
        return
    index_petition(instance)


INDEXED = frozenset(TEXT_FIELDS) | frozenset(UNIT_FIELDS) | {f"{name}_id" for name in UNIT_FIELDS}


@receiver(post_save, sender=OrgUnit, dispatch_uid="search_unit_words")
def _unit_words(sender, instance, raw=False, **kwargs):
    # Petitions written before are re-segmented by rebuild_search_index; new ones get the word now.
    for name in (instance.name, instance.short_name):
        if name and len(name) >= 2:
            add_word(name)
