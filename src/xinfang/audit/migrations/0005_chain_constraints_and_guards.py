"""``seq`` unique and required; the append-only triggers back, SQLite's now refusing DELETE as well.

SQLite rebuilds the table for the AlterField (dropping its triggers), so they are made after it. The DELETE
guard asks ``xf_audit_delete_allowed()``, a function the application registers on each of its connections
(``audit.guard``): it answers no, except while the test suite empties the database. A connection without it
(the sqlite3 shell) cannot delete either: the trigger fails with "no such function".
"""

from django.db import migrations, models

from xinfang.audit import guard


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in guard.SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in guard.SQLITE_TRIGGER_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_hash_chain")]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="链序号"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
