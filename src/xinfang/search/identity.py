"""Finding petitions by a petitioner's ID number or phone, and recording that someone searched so.

What a search box holds is read as an identity when it is nothing else:

- an ID number (18 characters, the last a digit or X, either case; full-width folds): exact, through
  ``Petitioner.id_number_digest``;
- a phone (a mobile number or a landline as registered): exact, through ``Petitioner.phone_digest``;
- a phone's last four digits, asked for as such (尾号1234, *1234, or the masked phone a list shows,
  138****1234): through the keyed digest of the last four digits in the search document (`people`). Four
  digits alone are a year or a serial, and are searched as text.

The index never holds these values; the audit event of a search holds its kind and keyed digest, never the
value (`record_search`). Exact matches on a protected identity (an accuser's, or one kept confidential) are
found only by those allowed to see that identity (`scope`: the same rule as ``selectors.shows_identity``),
and each such petition found writes a ``disclose_identity`` event as its detail page would.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from xinfang.audit import services as audit
from xinfang.petitions.identity import ID_NUMBER_RE, LANDLINE_RE, MOBILE_RE, normalize_phone
from xinfang.petitions.masking import is_protected
from xinfang.petitions.models import (
    PetitionClass,
    PetitionParty,
    digest_id_number,
    digest_phone,
)
from xinfang.petitions.selectors import visible_to
from xinfang.petitions.services import record_identity_disclosure

from .people import phone_tail_term

ID_NUMBER = "id_number"
PHONE = "phone"
PHONE_TAIL = "phone_tail"
KIND_LABELS = {ID_NUMBER: "身份证号", PHONE: "联系电话", PHONE_TAIL: "电话尾号"}
TAIL_ASKED = re.compile(r"^(?:尾号|手机尾号|电话尾号|\*+|1[3-9][0-9]\*{4})([0-9]{4})$")
DISCLOSED_AT_MOST = 100  # disclose_identity events one search writes (the search event lists the count)


@dataclass(frozen=True)
class IdentityQuery:
    kind: str
    digest: str  # what the petitioner rows (exact) or the index (tail) hold; the audit event keeps it

    @property
    def exact(self) -> bool:
        return self.kind != PHONE_TAIL

    @property
    def term(self) -> str:
        return self.digest  # PHONE_TAIL: the index term


def parse(text: str) -> IdentityQuery | None:
    value = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text or ""))
    if ID_NUMBER_RE.match(value.upper()):
        return IdentityQuery(ID_NUMBER, digest_id_number(value.upper()))
    phone = normalize_phone(value)
    if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
        return IdentityQuery(PHONE, digest_phone(phone))
    tail = TAIL_ASKED.match(value)
    if tail:
        return IdentityQuery(PHONE_TAIL, phone_tail_term(tail.group(1)))
    return None


def petition_ids(query: IdentityQuery) -> QuerySet:
    """The petitions (ids) one of whose parties has this ID number or phone (exact queries)."""
    field = "id_number_digest" if query.kind == ID_NUMBER else "phone_digest"
    return PetitionParty.objects.filter(**{f"petitioner__{field}": query.digest}).values("petition_id")


def scope(user) -> Q:
    """The petitions whose identities `user` may find by an exact ID number or phone."""
    protected = Q(identity_confidential=True) | Q(petition_class=PetitionClass.ACCUSATION)
    if not getattr(user, "sees_identity", False):
        return ~protected
    own = Q(receiving_unit_id=user.unit_id) | Q(responsible_unit_id=user.unit_id)
    return ~Q(identity_confidential=True) | own


def record_search(query: IdentityQuery, user, found: QuerySet, ip_address: str | None = None) -> None:
    """One ``search_identity`` event (kind, keyed digest, how many visible petitions matched), and a
    ``disclose_identity`` event for each protected petition found."""
    if not getattr(user, "pk", None):
        return
    rows = list(
        visible_to(user, found).only("pk", "petition_class", "identity_confidential")[: DISCLOSED_AT_MOST + 1]
    )
    protected = [p for p in rows if is_protected(p)]
    audit.record(
        action="search_identity",
        target=user,
        actor=user,
        ip_address=ip_address,
        data={
            "kind": query.kind,
            "kind_label": KIND_LABELS[query.kind],
            "digest": query.digest,
            "found": len(rows) if len(rows) <= DISCLOSED_AT_MOST else f"{DISCLOSED_AT_MOST}+",
            "protected": [p.pk for p in protected],
        },
    )
    for petition in protected[:DISCLOSED_AT_MOST]:
        record_identity_disclosure(petition, user, via="search", ip_address=ip_address)
