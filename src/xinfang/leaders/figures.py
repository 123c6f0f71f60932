"""Leaders' figures (process.md §10; docs/statistics.md "Leaders at work"): pure functions over plain facts,
and the queries that read the facts. ``stats`` (above this app) prints them under ``reception``,
``ownership`` and ``instructions``.

A scope is a region prefix (a jurisdiction: rows of bureaus inside it) or one unit (the rows that name it:
its own, attended, on the team, addressed; an accusation against it never counts for it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from xinfang import clock
from xinfang.orgs.models import UnitKind
from xinfang.petitions.models import PetitionClass

from .models import (
    HELD,
    Appointment,
    CaseOwnership,
    InstructionTarget,
    Outcome,
    OwnershipStatus,
    ReceptionSession,
    SessionPetition,
    SessionStatus,
    Submission,
)
from .selectors import accusing


def ratio(numerator: int, denominator: int) -> dict:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "percent": round(100 * numerator / denominator, 2) if denominator else None,
    }


@dataclass(frozen=True)
class Leader:
    pk: int
    name: str
    post: str
    level: str


# --- reception ---------------------------------------------------------------------------------------------


@dataclass
class SessionFact:
    leader: Leader
    date: dt.date
    cancelled: bool
    # {outcome: (batches, persons)} of the petitions registered at the session
    outcomes: dict[str, tuple[int, int]] = field(default_factory=dict)
    kind: str = ""
    # the townships (乡镇街道) among the attending units: where a 下沉接访 went
    townships: frozenset[int] = frozenset()
    # appointments (约访) asked for this session (whatever became of them), and those held at it (confirmed
    # here, or moved here from another day, or attended: registered at the session)
    appointments_asked: int = 0
    appointments_expected: int = 0


def _pair(batches: int = 0, persons: int = 0) -> dict:
    return {"batches": batches, "persons": persons}


def reception_figures(facts: Iterable[SessionFact], as_of: dt.date) -> dict:
    """Reception days (天次: one leader on one day, however many sessions), sessions held (not cancelled, on
    or before ``as_of``), cancelled, still planned; batches and persons received, and by outcome; appointments
    asked (for any session of the period, declined and moved ones included) and held (expected at a session
    held by ``as_of``: a declined one was asked, never held; one moved counts as held where it went)."""
    facts = list(facts)
    held = [s for s in facts if not s.cancelled and s.date <= as_of]
    totals = {o: [0, 0] for o in Outcome.values}
    for session in held:
        for outcome, (batches, persons) in session.outcomes.items():
            totals[outcome][0] += batches
            totals[outcome][1] += persons
    return {
        "days": len({(s.leader.pk, s.date) for s in held}),
        "leaders": len({s.leader.pk for s in held}),
        "townships": len(set().union(*(s.townships for s in held))),
        "sessions": len(held),
        "sessions_without_visitors": sum(1 for s in held if not s.outcomes),
        "cancelled": sum(1 for s in facts if s.cancelled),
        "planned": sum(1 for s in facts if not s.cancelled and s.date > as_of),
        "received": _pair(sum(t[0] for t in totals.values()), sum(t[1] for t in totals.values())),
        "on_spot": _pair(*totals[Outcome.ON_SPOT]),
        "time_limited": _pair(*totals[Outcome.TIME_LIMITED]),
        "routed": _pair(*totals[Outcome.ROUTED]),
        "pending": _pair(*totals[Outcome.PENDING]),
        "appointments": {
            "asked": sum(s.appointments_asked for s in facts),
            "held": sum(s.appointments_expected for s in held),
        },
    }


def _grouped(facts: list, key, figure, as_of) -> dict:
    groups = defaultdict(list)
    for fact in facts:
        groups[key(fact)].append(fact)
    return {name: figure(rows, as_of) for name, rows in sorted(groups.items())}


def _by_leader(facts: list, figure, as_of) -> list[dict]:
    groups: dict[Leader, list] = defaultdict(list)
    for fact in facts:
        groups[fact.leader].append(fact)
    return [
        {"leader": leader.name, "post": leader.post, "level": leader.level, **figure(rows, as_of)}
        for leader, rows in sorted(groups.items(), key=lambda item: (item[0].level, item[0].name, item[0].pk))
    ]


def _with_breakdowns(facts: list, figure, as_of: dt.date, *, by_kind: bool = False) -> dict:
    kinds = {"by_kind": _grouped(facts, lambda fact: fact.kind, figure, as_of)} if by_kind else {}
    return {
        **figure(facts, as_of),
        "by_level": _grouped(facts, lambda fact: fact.leader.level, figure, as_of),
        **kinds,
        "by_leader": _by_leader(facts, figure, as_of),
    }


# --- ownership ---------------------------------------------------------------------------------------------


@dataclass
class OwnershipFact:
    leader: Leader
    opened_on: dt.date
    due: dt.date
    status: str
    ended_on: dt.date | None = None
    resolved_on_time: bool | None = None


def ownership_figures(facts: Iterable[OwnershipFact], as_of: dt.date) -> dict:
    """Over ownerships opened in the period: opened (each leader's, a handed-on case counts for both
    leaders), handed on, resolved (by ``as_of``), resolved on time, overdue (open on ``as_of`` past its
    deadline). The resolution rate divides resolved by opened less handed on: a case handed from a city to
    a county leader is the county leader's to resolve, and counts once in a total."""
    facts = list(facts)
    ended = [f for f in facts if f.ended_on is not None and f.ended_on <= as_of]
    handed = sum(1 for f in ended if f.status == OwnershipStatus.HANDED_ON)
    resolved = [f for f in ended if f.status == OwnershipStatus.RESOLVED]
    ended_ids = {id(f) for f in ended}
    still_open = [f for f in facts if id(f) not in ended_ids]
    return {
        "opened": len(facts),
        "handed_on": handed,
        "resolved": len(resolved),
        "resolved_on_time": sum(1 for f in resolved if f.resolved_on_time),
        "open": len(still_open),
        "overdue": sum(1 for f in still_open if f.due < as_of),
        "resolution_rate": ratio(len(resolved), len(facts) - handed),
    }


# --- instructions ------------------------------------------------------------------------------------------


@dataclass
class InstructionFact:
    leader: Leader
    written_on: dt.date
    due: dt.date | None
    # per addressed unit: the day it answered (None: not yet) and whether on time
    answers: list[tuple[dt.date | None, bool | None]] = field(default_factory=list)


def instruction_figures(facts: Iterable[InstructionFact], as_of: dt.date) -> dict:
    """Instructions written in the period, the unit answers they asked for, answered, and answered on time
    among the dated ones that have fallen due (or were answered) by ``as_of``."""
    facts = list(facts)
    answers = [(fact, answer) for fact in facts for answer in fact.answers]
    dated = [(fact, a) for fact, a in answers if fact.due is not None]
    answered = [(fact, a) for fact, a in answers if a[0] is not None and a[0] <= as_of]
    fallen_due = [(fact, a) for fact, a in dated if fact.due < as_of or (a[0] is not None and a[0] <= as_of)]
    on_time = sum(1 for _, a in fallen_due if a[0] is not None and a[0] <= as_of and a[1])
    return {
        "written": len(facts),
        "dated": sum(1 for fact in facts if fact.due is not None),
        "to_units": len(answers),
        "answered": len(answered),
        "answered_on_time": ratio(on_time, len(fallen_due)),
    }


# --- queries -----------------------------------------------------------------------------------------------


def _leader(row: dict, prefix: str = "") -> Leader:
    name = row[f"{prefix}leader__full_name"] or row[f"{prefix}leader__username"]
    return Leader(row[f"{prefix}leader_id"], name, row[f"{prefix}leader_post"], row[f"{prefix}leader_level"])


def _bureau_q(prefix: str | None, unit, extra: str) -> Q:
    if unit is not None:
        return Q(bureau=unit) | Q(**{extra: unit})
    return Q(bureau__region__code__startswith=prefix or "")


def _local_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=clock.SHANGHAI)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    return begin, stop


def session_facts(
    start: dt.date, end: dt.date, *, prefix: str | None = None, unit=None, leader=None, hidden_from=None
):
    sessions = ReceptionSession.objects.filter(
        _bureau_q(prefix, unit, "attending_units"), date__gte=start, date__lte=end
    )
    if leader is not None:
        sessions = sessions.filter(leader=leader)
    rows = list(
        sessions.distinct().values(
            "pk",
            "date",
            "status",
            "kind",
            "leader_id",
            "leader__full_name",
            "leader__username",
            "leader_post",
            "leader_level",
        )
    )
    links = SessionPetition.objects.filter(session_id__in=[r["pk"] for r in rows])
    for accused in {u for u in (unit and unit.pk, hidden_from) if u}:
        links = links.exclude(
            petition__petition_class=PetitionClass.ACCUSATION, petition__subject_unit=accused
        )
    counts: dict[int, dict] = defaultdict(dict)
    for row in links.values("session_id", "outcome").annotate(
        batches=Count("pk"), persons=Sum("petition__person_count")
    ):
        counts[row["session_id"]][row["outcome"]] = (row["batches"], row["persons"] or 0)
    townships: dict[int, set[int]] = defaultdict(set)
    attended = ReceptionSession.attending_units.through.objects.filter(
        receptionsession_id__in=[r["pk"] for r in rows], orgunit__kind=UnitKind.TOWNSHIP
    )
    for session_id, unit_id in attended.values_list("receptionsession_id", "orgunit_id"):
        townships[session_id].add(unit_id)
    asked, expected = _appointment_counts([r["pk"] for r in rows]) if unit is None else ({}, {})
    return [
        SessionFact(
            _leader(r),
            r["date"],
            r["status"] == SessionStatus.CANCELLED,
            counts.get(r["pk"], {}),
            r["kind"],
            frozenset(townships.get(r["pk"], ())),
            asked.get(r["pk"], 0),
            expected.get(r["pk"], 0),
        )
        for r in rows
    ]


def _appointment_counts(session_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """{session: appointments asked for it}, {session: appointments expected at it}, two grouped queries.
    Region scopes only: an appointment is the petitioner's request to the bureau, which units never see."""
    asked = (
        Appointment.objects.filter(requested_session_id__in=session_ids)
        .order_by()
        .values_list("requested_session_id")
        .annotate(n=Count("pk"))
    )
    expected = (
        Appointment.objects.filter(session_id__in=session_ids, status__in=HELD)
        .order_by()
        .values_list("session_id")
        .annotate(n=Count("pk"))
    )
    return dict(asked), dict(expected)


def ownership_facts(
    start: dt.date, end: dt.date, *, prefix: str | None = None, unit=None, leader=None, hidden_from=None
):
    begin, stop = _local_range(start, end)
    qs = CaseOwnership.objects.filter(
        _bureau_q(prefix, unit, "team_units"), opened_at__gte=begin, opened_at__lt=stop
    )
    for accused in {u for u in (unit and unit.pk, hidden_from) if u}:
        qs = qs.exclude(pk__in=accusing(accused))
    if leader is not None:
        qs = qs.filter(leader=leader)
    rows = qs.distinct().values(
        "opened_at",
        "ended_at",
        "resolution_due",
        "status",
        "resolved_on_time",
        "leader_id",
        "leader__full_name",
        "leader__username",
        "leader_post",
        "leader_level",
    )
    return [
        OwnershipFact(
            _leader(r),
            clock.local_date(r["opened_at"]),
            r["resolution_due"],
            r["status"],
            clock.local_date(r["ended_at"]) if r["ended_at"] else None,
            r["resolved_on_time"],
        )
        for r in rows
    ]


def instruction_facts(
    start: dt.date, end: dt.date, *, prefix: str | None = None, unit=None, leader=None, hidden_from=None
):
    begin, stop = _local_range(start, end)
    targets = InstructionTarget.objects.filter(
        instruction__written_at__gte=begin, instruction__written_at__lt=stop
    )
    if unit is not None:
        targets = targets.filter(unit=unit).exclude(
            instruction__submission__petition__petition_class=PetitionClass.ACCUSATION,
            instruction__submission__petition__subject_unit=unit,
        )
    else:
        targets = targets.filter(instruction__submission__bureau__region__code__startswith=prefix or "")
    if hidden_from is not None:
        targets = targets.exclude(
            instruction__submission__petition__petition_class=PetitionClass.ACCUSATION,
            instruction__submission__petition__subject_unit=hidden_from,
        )
    if leader is not None:
        targets = targets.filter(instruction__leader=leader)
    grouped: dict[int, InstructionFact] = {}
    for r in targets.values(
        "instruction_id",
        "instruction__written_at",
        "instruction__response_due",
        "answered_at",
        "answered_on_time",
        "instruction__leader_id",
        "instruction__leader__full_name",
        "instruction__leader__username",
        "instruction__submission__bureau_id",
    ).order_by("instruction_id", "id"):
        fact = grouped.get(r["instruction_id"])
        if fact is None:
            name = r["instruction__leader__full_name"] or r["instruction__leader__username"]
            fact = grouped[r["instruction_id"]] = InstructionFact(
                Leader(r["instruction__leader_id"], name, "", ""),
                clock.local_date(r["instruction__written_at"]),
                r["instruction__response_due"],
            )
        answered = clock.local_date(r["answered_at"]) if r["answered_at"] else None
        fact.answers.append((answered, r["answered_on_time"]))
    return list(grouped.values())


def submitted_count(
    start: dt.date, end: dt.date, *, prefix: str | None = None, unit=None, hidden_from=None
) -> int:
    if unit is not None:
        return 0  # submissions are the bureau's internal step; a unit sees the instructions addressed to it
    begin, stop = _local_range(start, end)
    qs = Submission.objects.filter(
        bureau__region__code__startswith=prefix or "", submitted_at__gte=begin, submitted_at__lt=stop
    )
    if hidden_from is not None:
        qs = qs.exclude(petition__petition_class=PetitionClass.ACCUSATION, petition__subject_unit=hidden_from)
    return qs.count()


def all_figures(
    start: dt.date, end: dt.date, as_of: dt.date, *, prefix: str | None = None, unit=None, hidden_from=None
) -> dict:
    """The three keys ``xinfang stats --json`` prints. ``hidden_from``: a reader's unit (the dashboard's),
    whose accusations are left out of every count, as a unit scope leaves out its own."""
    scope = {"prefix": prefix, "unit": unit, "hidden_from": hidden_from}
    instructions = instruction_facts(start, end, **scope)
    return {
        "reception": _with_breakdowns(
            session_facts(start, end, **scope), reception_figures, as_of, by_kind=True
        ),
        "ownership": _with_breakdowns(ownership_facts(start, end, **scope), ownership_figures, as_of),
        "instructions": {
            "submitted": submitted_count(start, end, **scope),
            **instruction_figures(instructions, as_of),
            "by_leader": [
                {
                    "leader": row["leader"],
                    **{k: v for k, v in row.items() if k not in ("post", "level", "leader")},
                }
                for row in _by_leader(instructions, instruction_figures, as_of)
            ],
        },
    }
