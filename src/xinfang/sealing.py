"""Sealing a short secret that must sit in the session for one page (a query code shown once).

Sessions are rows in the database; a signed session is readable by whoever reads the table. A sealed value
is encrypted (Fernet) with a key derived from ``SECRET_KEY``, which never is in the database.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = hashlib.sha256(b"xinfang.sealing:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str | None:
    """The value, or None for a token sealed under another SECRET_KEY (or tampered with)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        return None
