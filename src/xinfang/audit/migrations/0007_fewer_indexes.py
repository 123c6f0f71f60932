"""Three indexes of every event dropped: `action` alone (and PostgreSQL's LIKE twin) and `petition` alone are
served by the (action, at) and (petition, at) indexes. By name, not by AlterField: SQLite would remake the
table for an AlterField and lose the append-only triggers with it."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "audit_event_action_71fc5cf8": '"action"',
    "audit_event_action_71fc5cf8_like": None,  # PostgreSQL only (varchar_pattern_ops)
    "audit_event_petition_id_d2791185": '"petition_id"',
}


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_keyed_chain_and_purge_point"),
        ("petitions", "0011_urgent_and_merged"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="action",
                    field=models.CharField(max_length=40, verbose_name="操作"),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="petition",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="petitions.petition",
                        verbose_name="信访事项",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in INDEXES],
                    reverse_sql=[
                        f'CREATE INDEX "{name}" ON "audit_event" ({column})'
                        for name, column in INDEXES.items()
                        if column
                    ],
                )
            ],
        )
    ]
