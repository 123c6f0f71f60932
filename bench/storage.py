"""Bytes per petition, table by table (issue 19 item 4: at most 4 KB a petition with its full history on
PostgreSQL, indexes included, or say with figures why a row needs more).

PostgreSQL: `pg_total_relation_size` (heap, TOAST and indexes) of every table of the schema; SQLite: the
`dbstat` virtual table (pages of each table and its indexes), else the file's size alone. Measured after the
copy's VACUUM ANALYZE, so dead rows of the replayed histories are not counted.
"""

from __future__ import annotations

from django.db import connection

from xinfang.petitions.models import Petition

TARGET = 4096
SHOWN = 8  # the largest tables named; the rest summed


def sizes() -> dict[str, int]:
    """Bytes per table, indexes (and TOAST) included."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
            return dict(cursor.fetchall())
        try:
            cursor.execute(
                "SELECT COALESCE(m.tbl_name, s.name), SUM(s.pgsize) FROM dbstat s "
                "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
            )
            return {name: int(size) for name, size in cursor.fetchall()}
        except Exception:  # dbstat not compiled in: the whole file as one figure
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
            return {"(the database file)": int(cursor.fetchone()[0])}


def breakdown(per_table: dict[str, int], petitions: int) -> tuple[int, list[tuple[str, int]]]:
    """Total bytes per petition and the largest tables' shares, largest first (pure: the test feeds it)."""
    if petitions <= 0:
        return 0, []
    ranked = sorted(per_table.items(), key=lambda item: -item[1])
    shares = [(name, round(size / petitions)) for name, size in ranked[:SHOWN]]
    rest = sum(size for _, size in ranked[SHOWN:])
    if rest:
        shares.append(("the other tables", round(rest / petitions)))
    return round(sum(per_table.values()) / petitions), shares


def storage_rows() -> list[tuple]:
    from .measure import verdict

    petitions = Petition.objects.count()
    total, shares = breakdown(sizes(), petitions)
    detail = ", ".join(f"{name} {size:,}" for name, size in shares)
    return [
        (
            f"Storage per petition with its full history, indexes included ({petitions:,} petitions)",
            f"{total:,} bytes ({detail})",
            f"≤ {TARGET:,} bytes",
            verdict(total, TARGET),
        )
    ]
