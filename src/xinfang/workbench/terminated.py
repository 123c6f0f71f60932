"""The registration form's warning about a matter already ended by three-level termination (三级终结).

When the person registered has a terminated petition on the same category or issue region
(``petitions.terminated``), the form is not saved at the first submit: a notice above it links the terminated
matter(s) and offers two ways on, posted as ``terminated_choice``:

* ``<id>`` of one of those matters: 按不再受理告知 (the new petition is registered as its repeat and declined with
  ``matter_terminated`` at once: the notice of no re-acceptance, the existing path);
* ``new``: 仍按新事项登记 (the registrar judged it a new matter; registered as usual).
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang import inputs
from xinfang.petitions.models import Petition
from xinfang.petitions.terminated import terminated_matters

NEW_MATTER = "new"


@dataclass
class TerminatedWarning:
    matters: list[Petition]
    ask: bool  # show the notice instead of registering
    decline: Petition | None = None  # the terminated matter to decline against


def terminated_warning(request, registration) -> TerminatedWarning:
    matters = terminated_matters(registration, request.user)
    choice = str(request.POST.get("terminated_choice", "")).strip()
    if not matters or choice == NEW_MATTER:
        return TerminatedWarning(matters, ask=False)
    if inputs.is_ascii_int(choice):
        chosen = next((m for m in matters if m.pk == int(choice)), None)
        if chosen is not None:
            return TerminatedWarning(matters, ask=False, decline=chosen)
    return TerminatedWarning(matters, ask=True)
