"""The suite runs as the application's restricted PostgreSQL role when ``XF_MIGRATE_DATABASE_URL`` names the
owner (make test-pg): the owner creates and migrates each test database, grants the application's role its
rights there (``xinfang.audit.pgrole``, as scripts/pg-app-role does), and the tests then connect as that role.
The owner also empties the database between transactional tests, since Django's flush TRUNCATEs the audit
table, which the application's role may not. On SQLite the flush passes the audit table's DELETE guard
(``xinfang.audit.guard``). Imported by conftest.py.
"""

from __future__ import annotations

import os

import dj_database_url
import psycopg
import pytest
from django.db import connections

from xinfang.audit import guard, pgrole

_CREDENTIALS = ("USER", "PASSWORD")


def owner_settings() -> dict | None:
    url = os.environ.get("XF_MIGRATE_DATABASE_URL")
    if not url or connections["default"].vendor != "postgresql":
        return None
    return dj_database_url.parse(url)


def _use(settings_dict: dict, credentials: dict) -> None:
    connections["default"].close()
    settings_dict.update(credentials)


def owner_connection(settings_dict: dict, owner: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname=settings_dict["NAME"],
        user=owner["USER"],
        password=owner.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        autocommit=True,
    )


# Test databases only (never a migration): tests that empty the petition tables inside their own transaction
# (tests/exchange/state.py) call this owner's function, since the application's role may not TRUNCATE.
EMPTY_TABLES_FUNCTION = (
    """CREATE FUNCTION xf_test_truncate(tables text[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$ BEGIN
      EXECUTE 'TRUNCATE ' || (SELECT string_agg(quote_ident(t), ', ') FROM unnest(tables) AS t) || ' CASCADE';
    END $$""",
    "REVOKE ALL ON FUNCTION xf_test_truncate(text[]) FROM PUBLIC",
    'GRANT EXECUTE ON FUNCTION xf_test_truncate(text[]) TO "{role}"',
)


def empty_tables(tables: list[str]) -> None:
    """Empty ``tables`` (and what references them) inside the current transaction, the audit table included:
    Django's flush statements, through the audit guard on SQLite and as the owner on restricted PostgreSQL."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and owner_settings() is not None:
            cursor.execute("SELECT xf_test_truncate(%s)", [tables])
            return
        with guard.allow_flush():
            for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
                cursor.execute(sql)


def install_flush_guards() -> None:
    """Called once from pytest_configure."""
    from django.db.backends.postgresql.base import DatabaseOperations as PostgresOperations
    from django.db.backends.sqlite3.base import DatabaseOperations as SqliteOperations

    sqlite_flush = SqliteOperations.execute_sql_flush

    def flush_sqlite(self, sql_list):
        # SQLite empties tables with DELETE, which fires the statistics facts' triggers (stats.fact_sql):
        # the facts' tables go last, after the deadlines and ratings whose deletions append to them.
        facts = [sql for sql in sql_list if '"stats_deadlinefact"' in sql or '"stats_ratingfact"' in sql]
        with guard.allow_flush():
            sqlite_flush(self, [sql for sql in sql_list if sql not in facts] + facts)

    SqliteOperations.execute_sql_flush = flush_sqlite
    postgres_flush = PostgresOperations.execute_sql_flush

    def flush_postgres(self, sql_list):
        owner = owner_settings()
        if owner is None:
            return postgres_flush(self, sql_list)
        with owner_connection(self.connection.settings_dict, owner) as conn, conn.cursor() as cursor:
            for sql in sql_list:
                cursor.execute(sql)

    PostgresOperations.execute_sql_flush = flush_postgres


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Create and migrate the test database as the owner (the application's role may not create anything)."""
    owner = owner_settings()
    if owner is not None:
        settings_dict = connections["default"].settings_dict
        settings_dict.setdefault("XF_APP_CREDENTIALS", {key: settings_dict.get(key) for key in _CREDENTIALS})
        _use(settings_dict, {key: owner.get(key) for key in _CREDENTIALS})


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    owner = owner_settings()
    if owner is None:
        yield
        return
    settings_dict = connections["default"].settings_dict
    app = settings_dict["XF_APP_CREDENTIALS"]
    with owner_connection(settings_dict, owner) as conn, conn.cursor() as cursor:
        # Grants only: the role is cluster-wide and made once by make test-pg (scripts/pg-app-role); xdist's
        # workers altering it at once would collide ("tuple concurrently updated").
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app["USER"]])
        if cursor.fetchone() is None:
            raise RuntimeError(
                f"role {app['USER']} missing: scripts/pg-app-role --role-only makes it (make test-pg)"
            )
        for sql in pgrole.grant_statements(app["USER"], owner["USER"], settings_dict["NAME"]):
            cursor.execute(sql)
        for sql in EMPTY_TABLES_FUNCTION:
            cursor.execute(sql.format(role=app["USER"]))
    _use(settings_dict, app)
    yield
    # The owner drops the test database (pytest-django's teardown runs after this).
    _use(settings_dict, {key: owner.get(key) for key in _CREDENTIALS})
