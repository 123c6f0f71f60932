"""Personal identifiers encrypted at rest: a model field on ``cryptography``'s MultiFernet, and keyed digests for
exact-match lookups (docs/security.md, "Data at rest").

The keys never live in the database: ``settings.FIELD_KEYS`` (Fernet keys, newest first) and
``settings.FIELD_DIGEST_KEY`` come from ``XF_FIELD_KEYS`` / ``XF_FIELD_DIGEST_KEY`` or from the key file that
settings make once under ``XF_DATA_DIR``. A Fernet token is random each time (IV and timestamp), so the
ciphertext cannot be searched; a field that must be found by value names a digest column on the same model,
kept in step by the field's descriptor whenever the attribute is set (constructor, loading, assignment), so
every write path — ``save``, ``bulk_update`` that lists the digest, ``xinfang.bulk`` — writes both.
``QuerySet.update(field=value)`` encrypts but cannot know the digest: pass both, or save the instance.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import cached_property


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_KEYS)
    if not keys:
        raise ImproperlyConfigured("没有配置字段加密密钥（XF_FIELD_KEYS）。")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "字段加密密钥格式不正确：每个密钥应为 Fernet 密钥（32字节，URL安全的Base64）。"
        ) from None


@cache
def _digest_key() -> bytes:
    key = settings.FIELD_DIGEST_KEY
    if not key:
        raise ImproperlyConfigured("没有配置查询摘要密钥（XF_FIELD_DIGEST_KEY）。")
    return key.encode() if isinstance(key, str) else bytes(key)


def _forget_keys(*, setting: str, **_) -> None:
    # Tests (and a rotation test in particular) change the keys with override_settings.
    if setting in {"FIELD_KEYS", "FIELD_DIGEST_KEY"}:
        _fernet.cache_clear()
        _digest_key.cache_clear()


setting_changed.connect(_forget_keys)


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(value: str | None) -> str | None:
    """A Fernet token for ``value`` under the newest key. Empty stays empty: only whether there is a value shows."""
    if not value:
        return value
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str | None) -> str | None:
    if not token:
        return token
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "无法解密已加密的字段：当前配置的密钥（XF_FIELD_KEYS）中没有加密它的那一个。"
        ) from None


def rotate(token: str | None) -> str | None:
    """The same value under the newest key (MultiFernet.rotate: decrypted with any key, encrypted with the first)."""
    if not token:
        return token
    return _fernet().rotate(token.encode()).decode()


def digest(purpose: str, value: str | None) -> str | None:
    """HMAC-SHA256 of ``value`` (already normalised) with the digest key, separate per purpose, so equal
    values of different kinds do not share a digest. Empty and None are kept as they are."""
    if not value:
        return value
    message = purpose.encode() + b"\x00" + value.encode()
    return hmac.new(_digest_key(), message, hashlib.sha256).hexdigest()


class _ValueFreeExact(Exact):
    """``field=None`` and ``field=""`` only: a ciphertext never equals a value, so any other comparison would
    silently find nothing. Look such values up through the digest column instead."""

    def __init__(self, lhs, rhs):
        if rhs not in (None, ""):
            raise TypeError(
                f"{lhs.target.model.__name__}.{lhs.target.name} is encrypted: filter on its digest column"
            )
        super().__init__(lhs, rhs)


class _DigestingAttribute(DeferredAttribute):
    """Setting the encrypted attribute sets its digest too, so the two can never disagree in memory."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value
        if self.field.digest_field:
            instance.__dict__[self.field.digest_field] = digest(self.field.purpose, value)


class EncryptedTextField(models.Field):
    """Text kept as a Fernet token (a text column: the token is about 1.4× the value plus 73 characters).

    ``max_length`` limits the clear value (forms, ``full_clean``), not the column. ``digest_field`` names a
    ``CharField(max_length=64)`` on the model that holds ``digest(purpose, value)``. Not a subclass of
    CharField or TextField on purpose: ``xinfang.bulk`` passes plain strings of those straight through, and a
    value here must always go through ``get_db_prep_save``."""

    descriptor_class = _DigestingAttribute
    encrypted = True

    def __init__(self, *args, digest_field: str | None = None, purpose: str | None = None, **kwargs):
        self.digest_field = digest_field
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        self.purpose = self.purpose or name

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.digest_field:
            kwargs["digest_field"] = self.digest_field
        if self.purpose and self.purpose != name:
            kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_digest_field()]

    def _check_digest_field(self):
        if self.digest_field and self.digest_field not in {f.attname for f in self.model._meta.fields}:
            return [checks.Error(f"digest_field {self.digest_field!r} is not a field of the model", obj=self)]
        return []

    @cached_property
    def validators(self):
        extra = [MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*super().validators, *extra]

    def to_python(self, value):
        return value if value is None or isinstance(value, str) else str(value)

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        return encrypt(self.to_python(super().get_prep_value(value)))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _ValueFreeExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django answers "Unsupported lookup"

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.CharField, "max_length": self.max_length, **kwargs})


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


# --- migrations -------------------------------------------------------------------------------------------
MIGRATION_BATCH = 1000


def encrypt_columns(table: str, columns: dict[str, tuple[str | None, str | None]], *, reverse: bool = False):
    """A RunPython function that encrypts clear values already in ``table`` (or, reversed, decrypts them) and
    fills their digests. ``columns`` maps a column to (its digest column, digest purpose), or (None, None).

    Raw SQL, not the historical model: the model already reads the columns as ciphertext. Safe to run on a
    table that is partly encrypted already (a value that decrypts is kept), so an interrupted run resumes."""

    def run(apps, schema_editor):
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        names = list(columns)
        # Table and column names come from the migration, quoted by the backend; values are parameters.
        select = "SELECT {}, {} FROM {} WHERE {} > %s ORDER BY {}".format(  # nosec B608
            quote("id"), ", ".join(quote(n) for n in names), quote(table), quote("id"), quote("id")
        )
        sets = []
        for name, (digest_column, _) in columns.items():
            sets.append(f"{quote(name)} = %s")
            if digest_column and not reverse:
                sets.append(f"{quote(digest_column)} = %s")
        update = f"UPDATE {quote(table)} SET {', '.join(sets)} WHERE {quote('id')} = %s"  # nosec B608
        last = 0
        with connection.cursor() as cursor:
            while True:
                cursor.execute(f"{select} LIMIT {MIGRATION_BATCH}", [last])
                rows = cursor.fetchall()
                if not rows:
                    return
                params = []
                for pk, *values in rows:
                    row = []
                    for (name, (digest_column, purpose)), value in zip(columns.items(), values, strict=True):
                        clear = _clear(value)
                        if reverse:
                            row.append(clear)
                            continue
                        row.append(value if clear != value else encrypt(value))
                        if digest_column:
                            row.append(digest(purpose or name, clear))
                    params.append([*row, pk])
                    last = pk
                cursor.executemany(update, params)

    return run


def _clear(value: str | None) -> str | None:
    """The clear text of a stored value that may be a token already or still clear."""
    if not value:
        return value
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        return value
