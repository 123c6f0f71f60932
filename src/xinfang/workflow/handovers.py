"""Hand-overs: after which transitions someone else must act, and who is told (issue 13).

One row per transition that passes the petition to other people, beside the transition table and keyed by
its action names. A row names the actions the next people may take (rows of ``transitions.TABLE``) and which
of the roles those rows allow are told first. The people told are found from the table itself:

* the unit is the one the next action's unit rule names now (``units.acting_unit``: the receiving unit after a
  transfer, the bureau a unit objected back to, the reviewing unit after a review request ...);
* among its active staff, those with a ``tell`` role (else, when nobody else has one, a ``fallback`` role),
  the actor left out;
* kept only if ``selectors.available_actions`` (the check ``perform`` makes: state, role, unit) offers them
  one of the next actions and ``visible_to`` shows them the petition; an accusation never reaches the unit or
  person it accuses (Arts. 30, 46).

Transitions whose next step is the petitioner's (delivery, the review opinion) tell the petitioner by SMS
(``notifications.receivers.PETITIONER_MESSAGES``); supervision and deadline warnings are sent by the
supervision app.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import visible_to

from .selectors import available_actions
from .transitions import TABLE
from .units import acting_unit, is_accused


@dataclass(frozen=True)
class Handover:
    next: tuple[str, ...]  # the actions the people told may take next
    tell: tuple[str, ...]  # roles told
    fallback: tuple[str, ...] = ()  # roles told when nobody but the actor has a ``tell`` role

    @property
    def rows(self):
        return [TABLE[action] for action in self.next]


UNIT_HEADS = (Role.UNIT_LEADER, Role.BUREAU_LEADER)

HANDOVERS: dict[str, Handover] = {
    # The receiving unit decides within 15 days whether to accept or object.
    "transfer": Handover(("accept", "object"), (Role.HANDLER,), UNIT_HEADS),
    "assign": Handover(("accept", "object"), (Role.HANDLER,), UNIT_HEADS),
    # The bureau it came back to routes it again.
    "object": Handover(("transfer", "assign"), (Role.REGISTRAR, Role.HANDLER), (Role.BUREAU_LEADER,)),
    # Accepted: the unit's handlers work it and reply.
    "accept": Handover(("reply",), (Role.HANDLER,), UNIT_HEADS),
    "handle_self": Handover(("reply",), (Role.HANDLER,), UNIT_HEADS),
    # Replied: whoever in the unit delivers the opinion to the petitioner; an assigned matter's result goes
    # first to the assigning bureau's handlers, who confirm it or return it for rework.
    "reply": Handover(("deliver", "confirm_conclusion"), (Role.HANDLER,), UNIT_HEADS),
    # The assigning bureau's hand on the matter: the unit working it is told.
    "urge": Handover(("accept", "reply"), (Role.HANDLER,), UNIT_HEADS),
    "add_supplement": Handover(("accept", "reply"), (Role.HANDLER,), UNIT_HEADS),
    "confirm_conclusion": Handover(("deliver",), (Role.HANDLER,), UNIT_HEADS),
    "return_for_rework": Handover(("reply",), (Role.HANDLER,), UNIT_HEADS),
    # Review and re-review: the reviewers of the reviewing unit.
    "request_review": Handover(("review_opinion",), (Role.REVIEWER,), UNIT_HEADS),
    "request_re_review": Handover(("re_review_opinion",), (Role.REVIEWER,), UNIT_HEADS),
}

# The petitioner acts next: told by SMS, with what they may do and until when.
TO_PETITIONER = {"deliver": ("rate", "request_review"), "review_opinion": ("request_re_review",)}

# The rest of the table, and why nobody else is told.
NO_HANDOVER = {
    "direct_to_legal_route": "leaves the petition procedure; the petitioner is told the legal route",
    "conclude_on_spot": "concluded at reception; nothing left to do",
    "decline": "closed; the petitioner is told why",
    "extend": "the same unit keeps working it",
    "switch_to_simplified": "the same unit keeps working it",
    "switch_to_ordinary": "the same unit keeps working it",
    "rate": "nobody's turn; a dissatisfied rating alerts the bureau's supervisors",
    "record_hearing": "the same reviewers keep working it",
    "re_review_opinion": "final (three-level termination); the petitioner is told",
    "resolve": "a fact recorded; nobody's turn",
    "set_co_handlers": "the lead unit keeps working it; the supporting units find it in their to-do lists",
    "add_support_opinion": "the lead unit reads it in the history; nobody's turn",
    "record_settlement": "a fact recorded; nobody's turn",
    "sign_for": "the same unit goes on to accept or object",
    "merge_into": "a duplicate registration ends; the petition it joined carries the work",
}


def may_take(user, petition: Petition, actions) -> bool:
    """Whether ``user`` may take one of ``actions`` on ``petition`` now, as ``perform`` checks it."""
    offered = {row.action for row in available_actions(petition, user)}
    return bool(offered & set(actions))


def can_see(user, petition: Petition) -> bool:
    if user.unit_id is None or is_accused(petition, user.unit):
        return False
    return visible_to(user).filter(pk=petition.pk).exists()


def recipients(petition: Petition, action: str, actor=None) -> list:
    """The users to tell after ``action`` was taken on ``petition`` (already committed); [] when it hands
    nothing over."""
    handover = HANDOVERS.get(action)
    if handover is None:
        return []
    actor_pk = getattr(actor, "pk", None)
    out, seen = [], set()
    for row in handover.rows:
        unit = acting_unit(row.unit, petition) if row.unit else None
        if unit is None or unit.pk in seen:
            continue
        seen.add(unit.pk)
        users = User.objects.filter(unit=unit, is_active=True).select_related("unit__region").order_by("id")
        eligible = [
            user
            for user in users
            if user.pk != actor_pk
            and user.has_role(*handover.tell, *handover.fallback)
            and may_take(user, petition, handover.next)
            and can_see(user, petition)
        ]
        out.extend(
            [user for user in eligible if user.has_role(*handover.tell)]
            or [user for user in eligible if user.has_role(*handover.fallback)]
        )
    return out


def as_markdown() -> str:
    """The hand-overs as Markdown (docs/workflow.md, "Hand-overs")."""
    lines = ["| action | 中文 | next | unit | told | else |", "|---|---|---|---|---|---|"]
    for action, row in TABLE.items():
        handover = HANDOVERS.get(action)
        if handover is not None:
            units = sorted({r.unit.value for r in handover.rows})
            told, other = ", ".join(handover.tell), ", ".join(handover.fallback) or "-"
            nxt = ", ".join(handover.next)
        elif action in TO_PETITIONER:
            units, told, other, nxt = ["-"], "petitioner (SMS)", "-", ", ".join(TO_PETITIONER[action])
        else:
            units, told, other, nxt = ["-"], "-", "-", f"- ({NO_HANDOVER[action]})"
        lines.append(f"| {action} | {row.label} | {nxt} | {', '.join(units)} | {told} | {other} |")
    return "\n".join(lines) + "\n"


__all__ = [
    "as_markdown",
    "HANDOVERS",
    "NO_HANDOVER",
    "TO_PETITIONER",
    "Handover",
    "can_see",
    "may_take",
    "recipients",
]
