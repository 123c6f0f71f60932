"""Moving every encrypted value to the newest field key (`xinfang rotate-keys`, docs/security.md).

Generic over the models: every concrete model with an ``EncryptedTextField`` (petitioners, users, SMS
records) is found in the app registry, so a field added later is rotated without a change here. Reading a
row decrypts it with whichever configured key made it; writing it back encrypts under the first key and
recomputes the digests with the current digest key, so the same run also re-keys the lookups after a change
of ``XF_FIELD_DIGEST_KEY``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from xinfang.audit import services as audit
from xinfang.fieldcrypt import encrypted_fields

BATCH = 500


@dataclass
class Rotated:
    rows: dict[str, int] = field(default_factory=dict)  # model label → rows rewritten
    batches: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def encrypted_models() -> list:
    return [m for m in apps.get_models() if not m._meta.proxy and encrypted_fields(m)]


def rotate_keys(*, batch: int = BATCH, actor=None) -> Rotated:
    """Re-encrypt every encrypted value under the newest key, ``batch`` rows a transaction (a run stopped
    half-way loses nothing: the old keys still read the rest), then record one audit event."""
    done = Rotated()
    for model in encrypted_models():
        meta = model._meta
        fields = encrypted_fields(model)
        fields += [meta.get_field(f.digest_field) for f in fields if f.digest_field]
        quote = connection.ops.quote_name
        # One parameterised UPDATE per row, sent with executemany: Django's bulk_update builds a CASE per
        # column in Python and took 20 s for 3,000 petitioners; this takes a fraction of it.
        # Names come from the model, quoted by the backend; values are parameters.
        update = "UPDATE {} SET {} WHERE {} = %s".format(  # nosec B608
            quote(meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(meta.pk.column)
        )
        manager, last, count = model._base_manager, 0, 0
        while True:
            with transaction.atomic():
                rows = list(
                    manager.select_for_update()
                    .filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", *(f.attname for f in fields))[:batch]
                )
                if not rows:
                    break
                # Loaded rows hold clear values (and digests computed from them); each value goes back
                # through its field, so encrypted under the first key.
                params = [
                    [*(f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields), row.pk]
                    for row in rows
                ]
                with connection.cursor() as cursor:
                    cursor.executemany(update, params)
                last, count = rows[-1].pk, count + len(rows)
                done.batches += 1
        done.rows[meta.label] = count
    target = ContentType.objects.get_for_model(apps.get_model("petitions", "Petitioner"))
    audit.record(
        action="rotate_field_keys",
        target=target,
        actor=actor,
        data={"rows": done.rows, "batches": done.batches},
    )
    return done
