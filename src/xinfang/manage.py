"""The `xinfang` console script: the project's manage.py."""

import os
import sys

# Commands that change the schema run as the owner of the tables (docs/deploy.md "Database roles"); every
# other command, and the site, as the application's role, which may only read and append the audit trail.
OWNER_COMMANDS = frozenset({"migrate"})
# Subcommands that only the owner may run: removing archived audit events past their retention.
OWNER_SUBCOMMANDS = frozenset({("audit", "purge")})


def runs_as_owner(argv: list[str]) -> bool:
    return (len(argv) > 1 and argv[1] in OWNER_COMMANDS) or tuple(argv[1:3]) in OWNER_SUBCOMMANDS


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    owner_url = os.environ.get("XF_MIGRATE_DATABASE_URL")
    if owner_url and runs_as_owner(sys.argv):
        os.environ["XF_DATABASE_URL"] = owner_url
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
