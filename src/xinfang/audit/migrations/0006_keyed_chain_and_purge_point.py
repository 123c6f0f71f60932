"""The keyed chain and the purge point (issue 12).

The chain head learns from which ``seq`` links are keyed (HMAC under ``XF_AUDIT_KEY``): an existing chain
from the next row written, so every stored hash still verifies as it was made (``v1``); a new chain from its
first row. It also keeps the chain's first row and the hash before it, which ``audit purge`` moves.

On PostgreSQL the append-only trigger lets a DELETE through only while the session says
``xinfang.audit_purge = on`` (``audit purge``, as the owner: the application's role holds no DELETE on the
table, so setting it gains that role nothing).
"""

from django.db import migrations, models

PG_FUNCTION = """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('xinfang.audit_purge', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_event is append-only';
END; $$ LANGUAGE plpgsql;"""
PG_FUNCTION_BEFORE = """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql;"""


def key_from_next_row(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    for head in ChainHead.objects.all():
        head.keyed_from = head.seq + 1
        head.save(update_fields=["keyed_from"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)


def unkeyed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain_constraints_and_guards")]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="keyed_from",
            field=models.PositiveBigIntegerField(default=1, null=True, verbose_name="密钥保护起始序号"),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="first_seq",
            field=models.PositiveBigIntegerField(default=1, verbose_name="链起始序号"),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="anchor_hash",
            field=models.CharField(default="0" * 64, max_length=64, verbose_name="起始前一条哈希"),
        ),
        migrations.RunPython(key_from_next_row, unkeyed),
    ]
