"""What the daily bulletin says about case ownerships (seed 003: "逐案明确县级包案领导和责任人、化解时限"):
the owner and the deadline next to each case, and a section of the region's ownerships. ``stats.bulletins``
reads these; the texts are finished lines, as the bulletin templates expect."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xinfang import clock
from xinfang.documents.rendering import chinese_date
from xinfang.petitions.models import PetitionClass

from .colours import ownership_colour
from .models import CaseOwnership, OwnershipStatus

LIMIT = 100
SECRET = "检举控告类事项（内容保密）"


def _owner(ownership: CaseOwnership) -> str:
    return f"包案领导：{ownership.leader}（{ownership.leader_post}），化解时限：{chinese_date(ownership.resolution_due)}"


def owner_notes(petition_ids) -> dict[int, str]:
    """{petition id: "包案领导：…，化解时限：…"} for the petitions with an open ownership, in one query."""
    through = CaseOwnership.petitions.through
    rows = through.objects.filter(
        petition_id__in=list(petition_ids), caseownership__status=OwnershipStatus.OPEN
    ).select_related("caseownership__leader")
    return {row.petition_id: _owner(row.caseownership) for row in rows}


def _state(ownership: CaseOwnership, today: dt.date) -> str:
    if ownership.status == OwnershipStatus.RESOLVED:
        on_time = "按期" if ownership.resolved_on_time else "超期"
        return f"已于{chinese_date(ownership.ended_at)}化解（{on_time}）"
    days = (ownership.resolution_due - today).days
    if ownership_colour(ownership, today) == "red":
        return f"包案中，已超过化解时限{-days}天"
    return f"包案中，距化解时限{days}天"


def _line(ownership: CaseOwnership, today: dt.date) -> str:
    petitions = list(ownership.petitions.all())
    secret = any(p.petition_class == PetitionClass.ACCUSATION for p in petitions)
    numbers = "、".join(p.registration_number for p in petitions)
    team = "、".join(str(u) for u in ownership.team_users.all()) or "—"
    units = "、".join(u.name for u in ownership.team_units.all()) or "—"
    return (
        f"{SECRET if secret else ownership.problem}（{numbers}），包案领导：{ownership.leader}"
        f"（{ownership.leader_post}，{ownership.get_leader_level_display()}级），责任人：{team}，责任单位：{units}，"
        f"化解时限：{chinese_date(ownership.resolution_due)}，{_state(ownership, today)}"
    )


def ownership_section(region, start: dt.date, end: dt.date, today: dt.date) -> dict:
    """The ownerships of the region's bureaus open on ``today`` or resolved within [start, end]: a summary
    sentence and one line per case (owner, people and units responsible, deadline, state)."""
    since = dt.datetime.combine(start, dt.time(0), tzinfo=clock.SHANGHAI)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=clock.SHANGHAI)
    qs = (
        CaseOwnership.objects.filter(bureau__region__code__startswith=region.prefix)
        .filter(
            Q(status=OwnershipStatus.OPEN, opened_at__lt=until)
            | Q(status=OwnershipStatus.RESOLVED, ended_at__gte=since, ended_at__lt=until)
        )
        .select_related("leader")
        .prefetch_related("petitions", "team_users", "team_units")
        .order_by("resolution_due", "id")
    )
    rows = list(qs[: LIMIT + 1])
    open_rows = [o for o in rows if o.is_open]
    overdue = sum(1 for o in open_rows if ownership_colour(o, today) == "red")
    resolved = len(rows) - len(open_rows)
    summary = f"领导包案在办{len(open_rows)}件（其中超过化解时限{overdue}件），本期化解{resolved}件。"
    return {"ownership_summary": summary, "ownership_lines": [_line(o, today) for o in rows[:LIMIT]]}
