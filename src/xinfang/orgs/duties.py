"""Separation of duties (三员分立): which admin sections each administrator role may open.

Permissions come from roles only. Django's per-user and per-group permissions are not consulted, so nobody can
grant themselves another administrator's work through the admin's permission boxes; the superuser exists for
installation only (docs/security.md).
"""

from __future__ import annotations

from .models import Role

ALL = ("view", "add", "change", "delete")

# Configuration and reference data.
SYSTEM_ADMIN = {
    model: ALL
    for model in [
        "orgs.region",
        "orgs.orgunit",
        "petitions.category",
        "petitions.categoryroute",
        "deadlines.calendarday",
        "deadlines.calendaryear",
        "deadlines.deadlinepolicy",
        "deadlines.colourpolicy",
        "documents.documenttemplate",
        "supervision.escalationrule",
        "supervision.urgentphrase",  # the 扬言 phrase list that flags a petition urgent at registration
        "leaders.resolutionstandard",
        "portal.portalsettings",
        "portal.mailboxleader",  # the leaders' mailboxes the portal offers
        "stats.statisticspolicy",
        "stats.bulletintemplate",
        "stats.bulletinrecipient",  # the leaders each bureau sends its bulletins to
        "stats.assessmentscheme",
    ]
}
# Peer instances (docs/federation.md): added by ``xinfang peers add``, edited and disabled here; the events
# exchanged with them are seen, never edited (a dead one is replayed by command, audited).
SYSTEM_ADMIN["federation.peer"] = ("view", "change")
SYSTEM_ADMIN["federation.outboxevent"] = ("view",)
SYSTEM_ADMIN["federation.inboxevent"] = ("view",)
# Who was sent which bulletin and when they read it (read receipts): seen, never edited.
SYSTEM_ADMIN["stats.bulletindelivery"] = ("view",)
# The suggestion models' accuracy and training time (issue 18): seen, and retrained by an admin action.
SYSTEM_ADMIN["assist.suggestionmodel"] = ("view",)
# Users, roles and what guards the logins.
SECURITY_ADMIN = {
    "orgs.user": ALL,
    "auth.group": ALL,
    "accounts.loginthrottle": ("view", "change"),
    "api.apitoken": ("view", "change"),
    # A lost phone: the security administrator removes the device and the user enrols again.
    "otp_totp.totpdevice": ("view", "delete"),
    "otp_static.staticdevice": ("view", "delete"),
    # Picking a user's unit in the user form needs to look units up, not change them.
    "orgs.orgunit": ("view",),
}
# The audit trail, read only.
AUDITOR = {"audit.event": ("view",)}

BY_ROLE = {Role.ADMIN: SYSTEM_ADMIN, Role.SECURITY_ADMIN: SECURITY_ADMIN, Role.AUDITOR: AUDITOR}


def permissions(roles) -> set[str]:
    """Django permission names ("app.action_model") the roles carry."""
    names = set()
    for role in roles:
        for label, actions in BY_ROLE.get(role, {}).items():
            app, model = label.split(".")
            names.update(f"{app}.{action}_{model}" for action in actions)
    return names


def may(user, permission: str) -> bool:
    return bool(user.is_active and (user.is_superuser or permission in permissions(user.roles)))
