"""Reading petitions for the public. Staff reads go through ``petitions.selectors.visible_to``; the public has
no user, so a petition is found only by proving its query code together with a petitioner's phone.

Nothing here returns a petition for a code alone, nor tells a wrong code from a wrong phone.
"""

from __future__ import annotations

import unicodedata

from django.db.models import QuerySet

from xinfang.petitions.models import Petition, Petitioner, PetitionParty, digest_phone
from xinfang.petitions.services import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, hash_query_code


def normalize_query_code(raw: str) -> str:
    """Full-width characters, lower case, spaces and dashes as people type them: 'abcd－2345 …' → 'ABCD2345…'."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_")


def is_well_formed(code: str) -> bool:
    return len(code) == QUERY_CODE_LENGTH and all(ch in QUERY_CODE_ALPHABET for ch in code)


def petition_for(query_code: str, phone: str) -> Petition | None:
    """The petition with this code on which a party has this phone; one query whether the code exists or not."""
    return (
        Petition.objects.filter(
            query_code_hash=hash_query_code(query_code), parties__petitioner__phone_digest=digest_phone(phone)
        )
        .select_related("category", "issue_region", "responsible_unit", "receiving_unit")
        .distinct()
        .first()
    )


def petitioner_ids_for(petition: Petition, phone: str) -> list[int]:
    return list(
        PetitionParty.objects.filter(
            petition=petition, petitioner__phone_digest=digest_phone(phone)
        ).values_list("petitioner_id", flat=True)
    )


def petitions_of_phone(phone: str) -> QuerySet[Petition]:
    """Every petition on which a person with this phone is a party: the petitioner account's list."""
    people = Petitioner.objects.filter(phone_digest=digest_phone(phone)).values("pk")
    return (
        Petition.objects.filter(parties__petitioner__in=people)
        .select_related("category", "responsible_unit")
        .distinct()
        .order_by("-received_at", "-id")
    )


def granted(pks) -> QuerySet[Petition]:
    """Petitions this browser session has proved access to (see ``access``)."""
    # The issue region's full name walks up to the province: fetch the chain with the petition.
    return Petition.objects.filter(pk__in=list(pks)).select_related(
        "category", "issue_region__parent__parent__parent", "responsible_unit__parent", "receiving_unit"
    )
