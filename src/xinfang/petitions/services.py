"""The petitions app's services: registering petitions (登记) and correcting their record.

Callers (the staff pages, the API, the portal, the importer, the demo generator) import from here; the code
lives by idea in ``intake`` (what a registration is given), ``numbers`` (registration numbers and query
codes), ``validation`` and ``matching`` (the checks, the same person on file), ``registration`` (the one
write path: ``register`` is ``register_many`` of one) and ``corrections``. Other apps hook their own rows
into a registration through ``petitions.hooks``.
"""

from __future__ import annotations

from .corrections import add_attachment, correct_details, record_identity_disclosure
from .idempotency import KeyReused, Outcome, is_used, is_valid_key, register_once
from .intake import AttachmentInput, PartyInput, Registered, Registration
from .matching import OnFile
from .numbers import (
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
    format_query_code,
    hash_query_code,
    new_query_code,
    next_registration_number,
    reserve_registration_numbers,
)
from .registration import EDITABLE_FIELDS, SNAPSHOT_FIELDS, register, register_many
from .validation import ADDRESS_MAX_LENGTH, CONTENT_MAX_LENGTH, SUMMARY_MAX_LENGTH, validate

__all__ = [
    "ADDRESS_MAX_LENGTH",
    "CONTENT_MAX_LENGTH",
    "SUMMARY_MAX_LENGTH",
    "EDITABLE_FIELDS",
    "QUERY_CODE_ALPHABET",
    "QUERY_CODE_LENGTH",
    "SNAPSHOT_FIELDS",
    "AttachmentInput",
    "KeyReused",
    "OnFile",
    "Outcome",
    "PartyInput",
    "Registered",
    "Registration",
    "add_attachment",
    "correct_details",
    "format_query_code",
    "hash_query_code",
    "is_used",
    "is_valid_key",
    "new_query_code",
    "next_registration_number",
    "record_identity_disclosure",
    "register",
    "register_many",
    "register_once",
    "reserve_registration_numbers",
    "validate",
]
