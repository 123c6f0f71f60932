"""The rows behind the leaders' figures (``figures.all_figures``), for the dashboard's drill-down: the same
filters as the facts the figures count, so a list holds exactly as many rows as its figure says.

``reception`` batches are session links (one petition each); ``ownership`` counts are ownerships."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from xinfang.petitions.models import PetitionClass

from .figures import _bureau_q, _local_range
from .models import (
    CaseOwnership,
    Outcome,
    OwnershipStatus,
    ReceptionSession,
    SessionPetition,
    SessionStatus,
)
from .selectors import accusing

RECEPTION_PARTS = ("received", *Outcome.values)
OWNERSHIP_PARTS = ("opened", "handed_on", "resolved", "resolved_on_time", "open", "overdue")


def session_links(
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    part: str,
    *,
    prefix: str | None = None,
    unit=None,
    hidden_from=None,
) -> QuerySet[SessionPetition]:
    """The petitions registered at the sessions held in the period (``received``, or one outcome)."""
    if part not in RECEPTION_PARTS:
        raise ValueError(part)
    sessions = (
        ReceptionSession.objects.filter(
            _bureau_q(prefix, unit, "attending_units"), date__gte=start, date__lte=min(end, as_of)
        )
        .exclude(status=SessionStatus.CANCELLED)
        .values("pk")
    )
    links = SessionPetition.objects.filter(session_id__in=sessions)
    for accused in {u for u in (unit and unit.pk, hidden_from) if u}:
        links = links.exclude(
            petition__petition_class=PetitionClass.ACCUSATION, petition__subject_unit=accused
        )
    return links if part == "received" else links.filter(outcome=part)


def ownerships(
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    part: str,
    *,
    prefix: str | None = None,
    unit=None,
    hidden_from=None,
) -> QuerySet[CaseOwnership]:
    """The ownerships opened in the period behind one ``ownership`` figure (``figures.ownership_figures``)."""
    if part not in OWNERSHIP_PARTS:
        raise ValueError(part)
    begin, stop = _local_range(start, end)
    qs = CaseOwnership.objects.filter(
        _bureau_q(prefix, unit, "team_units"), opened_at__gte=begin, opened_at__lt=stop
    )
    for accused in {u for u in (unit and unit.pk, hidden_from) if u}:
        qs = qs.exclude(pk__in=accusing(accused))
    qs = CaseOwnership.objects.filter(pk__in=qs.values("pk"))  # the team join may repeat a row
    _, after_as_of = _local_range(as_of, as_of)
    ended = Q(ended_at__isnull=False, ended_at__lt=after_as_of)
    if part == "handed_on":
        return qs.filter(ended, status=OwnershipStatus.HANDED_ON)
    if part == "resolved":
        return qs.filter(ended, status=OwnershipStatus.RESOLVED)
    if part == "resolved_on_time":
        return qs.filter(ended, status=OwnershipStatus.RESOLVED, resolved_on_time=True)
    if part == "open":
        return qs.exclude(ended)
    if part == "overdue":
        return qs.exclude(ended).filter(resolution_due__lt=as_of)
    return qs
