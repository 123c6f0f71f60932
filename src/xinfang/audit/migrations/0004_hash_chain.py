"""The hash chain: ``seq`` and ``hash`` on every event, and the one-row chain head.

Existing rows are chained in id order (the order they were written). The append-only triggers of 0003 are
lifted for that one UPDATE pass and put back by 0005.
"""

from django.db import migrations, models

from xinfang.audit import chain

BATCH = 2000


def chain_existing(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Deferred foreign-key checks pending in this transaction would forbid the ALTER TABLEs.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    seq, previous = 0, chain.GENESIS
    names = [name for name in chain.FIELDS if name != "seq"]
    last = 0
    while True:
        rows = list(Event.objects.filter(pk__gt=last).order_by("pk").values("pk", *names)[:BATCH])
        if not rows:
            break
        for row in rows:
            seq += 1
            row["seq"] = seq
            previous = chain.link(previous, row)
            # The historical model has no append-only guard: a plain UPDATE per row.
            Event.objects.filter(pk=row["pk"]).update(seq=seq, hash=previous)
        last = rows[-1]["pk"]
    ChainHead.objects.create(pk=1, seq=seq, hash=previous)
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(default=0, verbose_name="链序号")),
                ("hash", models.CharField(max_length=64, verbose_name="链哈希")),
            ],
            options={"verbose_name": "留痕链头", "verbose_name_plural": "留痕链头"},
        ),
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="链哈希"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
