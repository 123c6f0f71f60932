"""What an instance holds about its petitions, keyed so two instances can be compared, and a way to empty one.

Primary keys, registration numbers and recording times differ between an instance and its copy; petitions
are keyed by the number they are known by elsewhere (their external id, else their registration number)
and units by code, so everything else must be equal.
"""

from __future__ import annotations

import json

from django.db import connection, transaction

from xinfang.audit.models import Event
from xinfang.documents.models import DocumentSequence
from xinfang.evaluation.models import Rating, Review
from xinfang.petitions.models import Petition, Petitioner, PetitionParty, RegistrationSequence
from xinfang.stats.fact_models import DeadlineFact, FactOverlap, RatingFact
from xinfang.workflow.models import Deadline, Extension, Reply, Routing

from ..dbroles import empty_tables

PETITION_FIELDS = [
    "channel", "source", "source_level", "source_action", "received_at", "visit_level", "person_count",
    "is_collective", "petition_class", "issue_region_code", "subject_person", "summary", "content", "is_repeat",
    "identity_confidential", "status", "track", "version", "report_due_on", "routed_at", "accepted_at",
    "accepted_on_time", "handling_due_on", "extension_days", "replied_at", "replied_on_time", "reply_opinion",
    "reply_received_on", "concluded_at", "rating_window_ends_on", "closed_at", "closed_reason", "legal_route",
    "terminated_at", "is_resolved", "resolved_at", "next_due_on", "next_due_stage", "last_transition_at",
    "receiving_region_code", "responsible_region_code",
]  # fmt: skip
DEADLINE_FIELDS = [
    "stage", "unit__code", "rating_target", "is_window", "counts", "starts_on", "days", "fixed_due",
    "extension_days", "paused_days", "due_on", "provisional", "status", "done_at", "on_time", "opened_at",
]  # fmt: skip


def key_of(petition: Petition) -> str:
    return petition.external_id or petition.registration_number


def _rows(model, fields: list[str]) -> dict[int, list]:
    by_petition: dict[int, list] = {}
    for row in model.objects.order_by("pk").values_list("petition_id", *fields):
        by_petition.setdefault(row[0], []).append(row[1:])
    return by_petition


def snapshot() -> dict[str, dict]:
    """Every petition's registration, facts, parties, deadlines, records and events, by its external key."""
    keys = {p.pk: key_of(p) for p in Petition.objects.only("pk", "external_id", "registration_number")}
    tables = {
        "deadlines": _rows(Deadline, DEADLINE_FIELDS),
        "routings": _rows(
            Routing,
            [
                "action",
                "from_unit__code",
                "to_unit__code",
                "sent_at",
                "report_due",
                "accepted_at",
                "objected_at",
                "objection_reason",
                "is_current",
            ],
        ),  # fmt: skip
        "replies": _rows(
            Reply,
            [
                "unit__code",
                "opinion",
                "text",
                "form",
                "track",
                "replied_at",
                "delivery_method",
                "delivered_at",
                "received_on",
            ],
        ),  # fmt: skip
        "extensions": _rows(
            Extension, ["days", "reason", "approver_name", "at", "previous_due_on", "new_due_on"]
        ),
        "ratings": _rows(Rating, ["target", "unit__code", "rating", "reason", "via", "rated_at"]),
        "reviews": _rows(
            Review,
            [
                "level",
                "unit__code",
                "original_unit__code",
                "requested_at",
                "request_text",
                "decision",
                "text",
                "decided_at",
                "received_on",
                "hearing_days",
            ],
        ),  # fmt: skip
        "events": _rows(Event, ["action", "at", "from_status", "to_status", "reason"]),
        "parties": _rows(
            PetitionParty,
            [
                "role",
                "position",
                "petitioner__name",
                "petitioner__id_number",
                "petitioner__phone",
                "petitioner__address",
            ],
        ),  # fmt: skip
    }
    petitions = Petition.objects.values(
        "pk", *PETITION_FIELDS, "receiving_unit__code", "responsible_unit__code", "subject_unit__code",
        "category__path", "repeat_of_id",
    )  # fmt: skip
    state = {}
    for row in petitions:
        pk = row.pop("pk")
        row["repeat_of"] = keys.get(row.pop("repeat_of_id"))
        for name, table in tables.items():
            rows = table.get(pk, [])
            row[name] = sorted(rows, key=repr) if name == "events" else rows
        state[keys[pk]] = row
    return state


def _without_bookkeeping(state: dict) -> dict:
    """Events the registration writes about people depend on who was already known, not on the petition."""
    for row in state.values():
        row["events"] = [
            e for e in row["events"] if e[0] not in ("create_petitioner", "update_petitioner", "add_party")
        ]
    return state


def comparable(state: dict) -> dict:
    return _without_bookkeeping(json.loads(json.dumps(state, default=str)))


def empty_petition_tables() -> None:
    """Empty the petitions and everything that hangs off them (workflow, audit, evaluation, documents,
    notifications, supervision), keeping organisations, users, categories, policies and templates: an empty
    instance to import into. The audit trail refuses deletes by design, so this empties tables as the test
    runner's flush does (TRUNCATE on PostgreSQL, which row triggers do not see, run as the owner)."""
    models = [Petition, Petitioner, RegistrationSequence, Event, DocumentSequence]
    # The statistics facts last, after the deletions their triggers record (a deadline's is taken back only
    # while its petition exists: stats.fact_sql joins it for is_repeat); an empty instance has none.
    tables = [model._meta.db_table for model in models]
    facts = [model._meta.db_table for model in (DeadlineFact, RatingFact, FactOverlap)]
    with transaction.atomic(), connection.cursor() as cursor:  # SQLite checks foreign keys at commit
        if connection.vendor == "postgresql":
            # Rows written earlier in this transaction still have deferred foreign-key checks pending, and
            # TRUNCATE refuses a table with pending trigger events: run the checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The audit table refuses DELETE and, to the application's role, TRUNCATE (tests/dbroles.py).
        empty_tables(tables)
        empty_tables(facts)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not Petition.objects.exists() and not Event.objects.exists()
