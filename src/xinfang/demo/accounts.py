"""The demo accounts: one per role of process.md §1, all with the one demo password."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.hashers import make_password

from xinfang.orgs.models import OrgUnit, User

from .data import county as data


def ensure_demo_users() -> int:
    """Create the demo accounts that are missing; existing ones (perhaps changed by an admin) stay as they are."""
    usernames = [u[0] for u in data.DEMO_USERS]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    missing = [u for u in data.DEMO_USERS if u[0] not in existing]
    if not missing:
        return 0
    units = OrgUnit.objects.in_bulk({u[2] for u in missing}, field_name="code")
    password = make_password(data.DEMO_PASSWORD)  # one hash for all: hashing is deliberately slow
    User.objects.bulk_create(
        User(
            username=username,
            full_name=full_name,
            unit=units[unit_code],
            roles=[str(role) for role in roles],
            password=password,
            is_staff=bool(access),
            is_superuser=access == "superuser",
        )
        for username, full_name, unit_code, roles, access in missing
    )
    return len(missing)


def login_rows() -> list[list[str]]:
    """Username, name, roles, unit and password of each demo account that exists, in the listed order."""
    users = User.objects.select_related("unit").in_bulk(
        [u[0] for u in data.DEMO_USERS], field_name="username"
    )
    rows = []
    for username, *_ in data.DEMO_USERS:
        user = users.get(username)
        if user is not None:
            roles = "、".join(user.role_labels) + ("（超级用户）" if user.is_superuser else "")
            unit = user.unit.name if user.unit else "—"
            rows.append([username, user.full_name, roles, unit, data.DEMO_PASSWORD])
    return rows


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table that lines up in a terminal, counting each Chinese character as two columns."""
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell + " " * (width - display_width(cell)) for cell, width in zip(cells, widths, strict=True)
        )

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)]).rstrip()
