"""Reading leaders' work. Leaders see their own sessions, ownerships and queue; the staff of a bureau the
rows of bureaus in its region; another unit what names it (attended, on the team,
addressed). Petitions inside are always filtered again through ``visible_to``: an accusation never reaches
the unit it accuses, not even as a count."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.orgs.models import UnitKind
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_to

from .models import (
    Appointment,
    CaseOwnership,
    InstructionTarget,
    ReceptionSession,
    SessionPetition,
    Submission,
)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _jurisdiction_q(user, field: str) -> Q | None:
    """Rows whose ``field`` (a bureau) lies in the user's region, for a bureau's staff. A leader in a party
    or government office sees their own rows only, even though they see the region's petitions."""
    unit = user.unit
    if unit is None:
        return Q() if user.is_superuser else None
    if unit.kind == UnitKind.BUREAU:
        return Q(**{f"{field}__region__code__startswith": unit.region.prefix})
    return None


def sessions_visible_to(user) -> QuerySet[ReceptionSession]:
    qs = ReceptionSession.objects.all()
    if not _active(user):
        return qs.none()
    scope = Q(leader=user)
    jurisdiction = _jurisdiction_q(user, "bureau")
    if jurisdiction is not None:
        scope |= jurisdiction
    elif user.unit_id:
        scope |= Q(attending_units=user.unit_id)
    return qs.filter(scope).distinct()


def appointments_visible_to(user) -> QuerySet[Appointment]:
    """A bureau's staff see the appointments of their region; a leader those of their own sessions. Other
    units see none: an appointment is the petitioner's request to the bureau, not a task of theirs."""
    qs = Appointment.objects.all()
    if not _active(user):
        return qs.none()
    scope = Q(session__leader=user)
    jurisdiction = _jurisdiction_q(user, "bureau")
    if jurisdiction is not None:
        scope |= jurisdiction
    return qs.filter(scope)


def links_visible_to(user, session: ReceptionSession) -> QuerySet[SessionPetition]:
    return session.links.filter(petition__in=visible_to(user)).select_related("petition", "outcome_unit")


def ownerships_visible_to(user) -> QuerySet[CaseOwnership]:
    qs = CaseOwnership.objects.all()
    if not _active(user):
        return qs.none()
    scope = Q(leader=user) | Q(team_users=user)
    jurisdiction = _jurisdiction_q(user, "bureau")
    if jurisdiction is not None:
        scope |= jurisdiction
    elif user.unit_id:
        scope |= Q(team_units=user.unit_id)
    qs = qs.filter(scope)
    if user.unit_id:
        # An ownership of an accusation against this unit stays out of its sight entirely.
        qs = qs.exclude(pk__in=accusing(user.unit_id))
    return qs.distinct()


def accusing(unit_id: int):
    """Ownerships with a petition that accuses the unit (one filter, so both conditions hold for the same
    petition)."""
    return CaseOwnership.objects.filter(
        petitions__petition_class=PetitionClass.ACCUSATION, petitions__subject_unit=unit_id
    ).values("pk")


def submissions_visible_to(user) -> QuerySet[Submission]:
    qs = Submission.objects.all()
    if not _active(user):
        return qs.none()
    scope = Q(leader=user)
    jurisdiction = _jurisdiction_q(user, "bureau")
    if jurisdiction is not None:
        scope |= jurisdiction
    return qs.filter(scope, petition__in=visible_to(user))


def queue_of(leader) -> QuerySet[Submission]:
    """The leader's queue (待批阅), oldest first."""
    return (
        Submission.objects.filter(leader=leader, status="pending", petition__in=visible_to(leader))
        .select_related("petition", "bureau", "submitted_by")
        .order_by("submitted_at", "id")
    )


def targets_for_unit(user) -> QuerySet[InstructionTarget]:
    """Instructions addressed to the user's unit (accusations against it excluded by the service and here)."""
    if not _active(user) or user.unit_id is None:
        return InstructionTarget.objects.none()
    return (
        InstructionTarget.objects.filter(unit=user.unit_id)
        .exclude(
            instruction__submission__petition__petition_class=PetitionClass.ACCUSATION,
            instruction__submission__petition__subject_unit=user.unit_id,
        )
        .select_related("instruction", "instruction__submission__petition", "supervision")
    )
