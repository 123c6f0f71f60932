"""How much of a petitioner's identity a user may see on one petition (process.md §11).

The rule itself is in `petitions.selectors` (`handles`, `shows_identity`), shared with the web pages:
- ID numbers and phones are masked unless the user's role works with identity (`User.sees_identity`);
- when the petitioner asked for confidentiality, only the handling staff of the receiving or responsible unit
  see who they are; everyone else sees masked names and no address either.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.petitions.identity import mask_id_number, mask_name, mask_phone
from xinfang.petitions.selectors import handles, shows_identity

WITHHELD = "***"


@dataclass(frozen=True)
class Disclosure:
    names: bool
    identity: bool  # ID number and phone

    @property
    def is_full(self) -> bool:
        return self.names and self.identity


def disclosure_for(user, petition) -> Disclosure:
    names = not petition.identity_confidential or handles(user, petition)
    return Disclosure(names=names, identity=shows_identity(user, petition))


def petitioner_view(person, role: str, disclosure: Disclosure) -> dict:
    """One party of a petition as the API shows it to a user with this disclosure."""
    return {
        "name": person.name if disclosure.names else mask_name(person.name),
        "id_number": (person.id_number or "") if disclosure.identity else mask_id_number(person.id_number),
        "phone": person.phone if disclosure.identity else mask_phone(person.phone),
        "address": person.address if disclosure.names else (WITHHELD if person.address else ""),
        "role": role,
    }
