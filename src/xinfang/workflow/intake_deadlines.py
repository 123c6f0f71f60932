"""The periods that start when a matter is received, started for every petition that registration writes.

Registration (``petitions.registration``) may not import the workflow, so the workflow fills its two hooks
(``petitions.hooks``) in ``WorkflowConfig.ready()``: ``start`` runs before a chunk of petitions is inserted
(each petition's unsaved deadline rows computed, its next due date set from them as ``refresh_petition``
would), ``insert`` after, once the petitions have keys (the rows written, in the same transaction).
"""

from __future__ import annotations

from xinfang import bulk, clock
from xinfang.deadlines.models import Stage
from xinfang.deadlines.services import get_rules, policy_for
from xinfang.orgs.models import UnitKind
from xinfang.petitions.models import Petition, Source, SourceAction

from . import petition_deadlines as deadlines
from .models import Deadline, DeadlineStatus

# Where ``start`` leaves a petition's unsaved rows for ``insert``: on the instance, which both phases are
# handed, so concurrent registrations never share them.
_PENDING = "_registration_deadlines"


def registration_deadlines(petition: Petition, rules=None):
    """The periods that start when a matter is received (unsaved, so bulk paths can ``bulk_create`` them):
    the bureau's 15 days to route it, or a unit's 15 days to tell a petitioner who came to it directly; and
    the report owed to a higher bureau that assigned it (交办)."""
    unit = petition.receiving_unit
    received_on = clock.local_date(petition.received_at)
    stage = Stage.ROUTE if unit.kind == UnitKind.BUREAU else Stage.NOTIFY_DIRECT
    rows = [deadlines.build(petition, stage, unit, received_on, petition.received_at, rules=rules)]
    if petition.source == Source.REFERRED_FROM_ABOVE and petition.source_action == SourceAction.ASSIGN:
        if petition.report_due_on:
            rows.append(
                deadlines.build(
                    petition,
                    Stage.REPORT,
                    unit,
                    received_on,
                    petition.received_at,
                    due_on=petition.report_due_on,
                    rules=rules,
                )
            )
        else:
            # The higher bureau named no date: default to the handling period (60 days, policy ``handle``).
            days = policy_for(Stage.HANDLE, rules=rules).days
            rows.append(
                deadlines.build(
                    petition, Stage.REPORT, unit, received_on, petition.received_at, days=days, rules=rules
                )
            )
    return rows


def on_registered(petitions: list[Petition]) -> list[list[Deadline]]:
    """The deadlines registration starts, for petitions about to be written by
    ``petitions.registration.register_many``: for each petition its unsaved rows (``insert`` writes them once
    the petitions have keys), and its next due date set from them as ``refresh_petition`` would.

    The rows depend only on the receiving unit, the day received and how the matter came, and computing one
    reads the rules; so within a chunk they are computed once per such kind and copied."""
    rules = get_rules()  # read once for the chunk
    computed: dict[tuple, list[Deadline]] = {}
    fields = [f.attname for f in Deadline._meta.concrete_fields if not f.primary_key]
    out = []
    for petition in petitions:
        key = (
            petition.receiving_unit_id,
            clock.local_date(petition.received_at),
            petition.source,
            petition.source_action,
            petition.report_due_on,
        )
        if key not in computed:
            computed[key] = registration_deadlines(petition, rules)
        rows = [
            Deadline(**{name: getattr(row, name) for name in fields} | {"opened_at": petition.received_at})
            for row in computed[key]
        ]
        ordered = sorted(rows, key=lambda row: row.due_on)  # stable: equal dates keep their creation order
        deadlines.summarise(
            petition,
            [
                {
                    "stage": r.stage,
                    "due_on": r.due_on,
                    "is_window": r.is_window,
                    "extension_days": r.extension_days,
                }
                for r in ordered
                if r.status == DeadlineStatus.OPEN
            ],
        )
        out.append(rows)
    return out


def start(petitions: list[Petition]) -> None:
    """Before insert: each petition's deadline rows (kept on it for ``insert``) and its next due date."""
    for petition, rows in zip(petitions, on_registered(petitions), strict=True):
        setattr(petition, _PENDING, rows)


def insert(petitions: list[Petition]) -> None:
    """After insert: the rows ``start`` computed, now that their petitions have keys."""
    rows = []
    for petition in petitions:
        for row in vars(petition).pop(_PENDING, ()):
            row.petition = petition
            rows.append(row)
    bulk.insert(Deadline, rows, returning=False)
