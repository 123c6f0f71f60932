"""How the API shows a petitioner: `petitions.masking` decides, the same rule as the workbench's.

A list (`PetitionSerializer`) masks protected identities whatever the role; a detail
(`PetitionDetailSerializer`) may unmask them, and the view then writes the disclosure event.
"""

from __future__ import annotations

from xinfang.petitions import masking


def petitioner_view(person, role: str, unmask: bool) -> dict:
    """One party of a petition as the API shows it."""
    return {**masking.shown(person, unmask).as_dict(), "role": role}
