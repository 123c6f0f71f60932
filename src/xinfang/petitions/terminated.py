"""Matters ended by three-level termination (三级终结) that a new registration may be about again.

``terminated_matters(registration, user)`` finds, among what ``user`` may see, the petitions of the same
person (ID number, else name + phone: the rule of ``matching``) that reached ``terminated`` and share the new
registration's category or its issue region. Registration does not refuse on it (the same person may raise a
new matter); the workbench and the API warn and offer the notice of no re-acceptance (不再受理告知书: the
workflow's ``decline`` with ``matter_terminated``) instead of a new handling.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .identity import IdentityError, normalize_phone, validate_id_number
from .intake import Registration
from .models import Petition, Petitioner, Status, digest_id_number, digest_phone
from .selectors import visible_to

SHOWN = 5


def _people(registration: Registration) -> QuerySet[Petitioner]:
    wanted = Q(pk__in=[])
    for party in registration.parties:
        id_number = ""
        if party.id_number:
            try:
                id_number = validate_id_number(party.id_number)
            except IdentityError:
                id_number = ""
        phone = normalize_phone(party.phone or "")
        if id_number:
            wanted |= Q(id_number_digest=digest_id_number(id_number))
        elif party.name and phone:
            wanted |= Q(name=party.name.strip(), phone_digest=digest_phone(phone))
    return Petitioner.objects.filter(wanted)


def terminated_matters(registration: Registration, user) -> list[Petition]:
    """The terminated petitions (newest termination first, at most ``SHOWN``) the new one may repeat."""
    people = list(_people(registration).values_list("pk", flat=True)[:10])
    if not people:
        return []
    same = Q(category=registration.category) | Q(issue_region=registration.issue_region)
    return list(
        visible_to(user)
        .filter(same, status=Status.TERMINATED, parties__petitioner_id__in=people)
        .distinct()
        .select_related("category", "issue_region")
        .order_by("-terminated_at", "-id")[:SHOWN]
    )
