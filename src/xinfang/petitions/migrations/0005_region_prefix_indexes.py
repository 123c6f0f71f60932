"""Indexes for the bureau visibility filter on PostgreSQL (selectors.visible_to).

A bureau sees the petitions whose receiving or responsible region code starts with its region's prefix:
`code LIKE '411331%'`. PostgreSQL uses a btree index for a LIKE prefix only under the C collation or with a
pattern operator class; the databases are created with C.UTF-8 or a zh_CN/en_US locale, so the plain region
indexes (petition_recv_region, petition_resp_region) cannot serve it, and a county bureau in a city or
provincial database scanned every petition to count its list (EXPLAIN on 1 M rows: a parallel seq scan, cost
156,000; with these indexes a BitmapOr of two index scans). SQLite has no operator classes (its LIKE is not
index-assisted either way), so the migration does nothing there.
"""

from django.db import migrations

INDEXES = {
    "petition_recv_region_like": "receiving_region_code",
    "petition_resp_region_like": "responsible_region_code",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON petitions_petition ({column} varchar_pattern_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0004_covering_indexes")]

    operations = [migrations.RunPython(forward, backward)]
