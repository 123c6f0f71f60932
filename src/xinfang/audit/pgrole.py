"""The PostgreSQL role the application connects as: owns nothing, may only read and append the audit trail.

The tables belong to the owner (the role migrations run as, ``XF_MIGRATE_DATABASE_URL``). The application's
role gets ordinary rights (SELECT, INSERT, UPDATE, DELETE) on every other table, none of TRUNCATE, no CREATE
anywhere, and on the audit table only SELECT and INSERT; on the chain head no DELETE, so the head cannot be
removed to restart the chain. Used by ``scripts/pg-app-role`` and by the test suite, which sets up its test
databases the same way (tests/conftest.py). docs/deploy.md "Database roles".

No Django import: the script runs it with psycopg alone.
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("audit_event",)
NO_DELETE_TABLES = ("audit_chainhead",)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def role_statements(role: str, password: str | None, exists: bool) -> list[tuple[str, list]]:
    """Create (or reset) the login role: no superuser, no CREATEDB, no CREATEROLE, inherits nothing."""
    verb = "ALTER" if exists else "CREATE"
    sql = f"{verb} ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS"
    if password is None:
        return [(sql, [])]
    # ALTER/CREATE ROLE takes no bind parameters; the password is a literal, quoted by the server's rules.
    literal = "'" + password.replace("'", "''") + "'"
    return [(f"{sql} PASSWORD {literal}", [])]


def grant_statements(role: str, owner: str, database: str, schema: str = "public") -> list[str]:
    """The rights of ``role`` in ``database`` (run as ``owner``, after migrating; again after each migration
    that adds a table is harmless, and default privileges cover the tables the owner creates later)."""
    r, o, s = _ident(role), _ident(owner), _ident(schema)
    statements = [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{_ident(table)} FROM {r}")
    for table in NO_DELETE_TABLES:
        statements.append(f"REVOKE DELETE, TRUNCATE ON {s}.{_ident(table)} FROM {r}")
    return statements


def apply(cursor, *, role: str, owner: str, database: str, password: str | None = None) -> None:
    """Create or reset ``role`` and grant its rights in ``database``; ``cursor`` is the owner's, on that
    database (the role itself is cluster-wide)."""
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    exists = cursor.fetchone() is not None
    for sql, params in role_statements(role, password, exists):
        cursor.execute(sql, params)
    for sql in grant_statements(role, owner, database):
        cursor.execute(sql)
