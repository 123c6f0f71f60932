"""The one masking rule for petitioners' identities (names, ID numbers, phones, addresses; process.md §11).

The workbench, the API, the exports and the documents all ask here, so one petition read by one user shows
the same through every door:

- Only the roles of `orgs.IDENTITY_ROLES` (registrar, handler, reviewer) ever see an identity unmasked;
  everyone else sees all four fields masked.
- A protected identity (an accuser's, or one the petitioner asked to keep confidential) is masked in every
  list and export whatever the role: a list shows many people at once and writes no disclosure record. It is
  unmasked only on a petition's detail (workbench or API), for the staff `selectors.shows_identity` allows,
  only when the reader asks for it (显示身份信息, `revealed`) after a recent re-authentication
  (`accounts.reauth`), and each such showing writes a `disclose_identity` audit event
  (`services.record_identity_disclosure`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .identity import mask_id_number, mask_name, mask_phone
from .models import PetitionClass
from .selectors import shows_identity

HIDDEN_ADDRESS = "（已隐藏）"


def is_protected(petition) -> bool:
    return petition.identity_confidential or petition.petition_class == PetitionClass.ACCUSATION


def unmasked(user, petition, *, detail: bool, revealed: bool = False) -> bool:
    """Whether `user` sees this petition's identities unmasked: on its detail page (`detail`), or in a list
    or export. A protected identity needs the reader's explicit request on the detail (`revealed`: the
    caller has checked the re-authentication)."""
    if not shows_identity(user, petition):
        return False
    return not is_protected(petition) or (detail and revealed)


def export_carries_identities(user) -> bool:
    """Whether a list export for this reader holds unmasked identities (of ordinary petitions; protected ones
    stay masked): then it asks for a recent re-authentication and is audited."""
    return bool(getattr(user, "sees_identity", False))


def may_reveal(user, petition) -> bool:
    """Whether the detail offers 显示身份信息: a protected identity this reader may see once re-authenticated."""
    return is_protected(petition) and shows_identity(user, petition)


@dataclass(frozen=True)
class Shown:
    """One person as a page, a response or a file shows them."""

    name: str
    id_number: str
    phone: str
    address: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "id_number": self.id_number, "phone": self.phone, "address": self.address}


def shown(person, unmask: bool) -> Shown:
    if unmask:
        return Shown(person.name, person.id_number or "", person.phone or "", person.address or "")
    return Shown(
        mask_name(person.name),
        mask_id_number(person.id_number),
        mask_phone(person.phone),
        HIDDEN_ADDRESS if person.address else "",
    )


def principal_label(user, petition, parties) -> str:
    """The principal petitioner as a list or export row shows them: "张三", "张* 等3人", or "—"."""
    if not parties:
        return "—"
    name = shown(parties[0].petitioner, unmasked(user, petition, detail=False)).name
    return f"{name} 等{len(parties)}人" if len(parties) > 1 else name
