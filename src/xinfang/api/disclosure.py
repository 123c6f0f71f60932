"""How the API shows a petitioner: `petitions.masking` decides, the same rule as the workbench's.

A list (`PetitionSerializer`) masks protected identities whatever the role; a detail
(`PetitionDetailSerializer`) unmasks them only when asked (``?identity=show``) by a reader who
re-authenticated recently (`fresh`), and the view then writes the disclosure event. The 201 answer of a
registration is never asked: it shows a protected identity masked.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from xinfang import clock
from xinfang.accounts import reauth
from xinfang.petitions import masking

from .models import TokenKind

REVEAL_PARAM = "identity"
REVEAL_VALUE = "show"


def asks_reveal(request) -> bool:
    return request.query_params.get(REVEAL_PARAM) == REVEAL_VALUE


def fresh(request) -> bool:
    """A recent password check behind this request: the session's re-authentication (`accounts.reauth`), or
    a login token (issued by ``/api/v1/auth/token`` on the password) younger than ``XF_REAUTH_MINUTES``.
    Tokens issued for scripts never count: no person typed a password for them."""
    token = request.auth
    if token is None:
        return reauth.recent(request)
    if getattr(token, "kind", None) != TokenKind.LOGIN:
        return False
    return clock.now() - token.created_at <= dt.timedelta(minutes=settings.XF_REAUTH_MINUTES)


def petitioner_view(person, role: str, unmask: bool) -> dict:
    """One party of a petition as the API shows it."""
    return {**masking.shown(person, unmask).as_dict(), "role": role}
