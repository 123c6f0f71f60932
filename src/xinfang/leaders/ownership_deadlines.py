"""Ownership resolution deadlines (包案化解时限) warn and escalate like the statutory ones (process.md §5):
the supervision scan calls ``scan`` and the board shows ``board_section`` (both registered through
``supervision.hooks`` in ``LeadersConfig.ready``, since supervision sits below this app).

The owner and the team's members are told once per colour (red, yellow), as a unit's handlers are told of a
petition's deadline; the active ``EscalationRule`` rows name the leaders told of each colour at the bureau's
level, in one digest per leader and colour.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from types import SimpleNamespace

from django.db import transaction
from django.urls import reverse

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.notifications import services as notifications
from xinfang.petitions.models import PetitionClass
from xinfang.supervision.hooks import BoardSection, ScanPart
from xinfang.supervision.models import EscalationRule, WarningColour
from xinfang.supervision.scan import HANDLER_COLOURS, WORDS, Leaders

from .colours import ownership_colour
from .models import CaseOwnership, OwnershipStatus, OwnershipWarning
from .selectors import ownerships_visible_to

BOARD_LIMIT = 100


def _candidates(today: dt.date, colours: set[str]) -> list[tuple[CaseOwnership, str]]:
    rules = deadline_rules.get_rules()
    qs = CaseOwnership.objects.filter(status=OwnershipStatus.OPEN)
    if WarningColour.BLUE not in colours and rules.yellow_percent is None:
        qs = qs.filter(resolution_due__lte=today + dt.timedelta(days=rules.yellow_days))
    warned = set(OwnershipWarning.objects.filter(ownership__in=qs).values_list("ownership_id", "colour"))
    out = []
    for ownership in (
        qs.select_related("leader")
        .prefetch_related("team_users", "petitions")
        .order_by("resolution_due", "id")
    ):
        colour = ownership_colour(ownership, today)
        if colour in colours and (ownership.pk, colour) not in warned:
            out.append((ownership, colour))
    return out


def _as_deadline(ownership: CaseOwnership, colour: str):
    """What ``supervision.scan.Leaders`` reads of a deadline row: its colour, the unit whose bureau's level
    the rules look at, and the petition (an accused unit is never told)."""
    accusation = next(
        (p for p in ownership.petitions.all() if p.petition_class == PetitionClass.ACCUSATION), None
    )
    petition = accusation or SimpleNamespace(petition_class="", subject_unit_id=None)
    return SimpleNamespace(colour=colour, unit_id=ownership.bureau_id, petition=petition)


def _line(ownership: CaseOwnership) -> str:
    return f"{ownership.problem}（包案领导：{ownership.leader}，化解时限{ownership.resolution_due:%Y-%m-%d}）"


def _message(user, ownership: CaseOwnership, colour: str) -> notifications.Message:
    overdue = colour == WarningColour.RED
    when = "已于" if overdue else "将于"
    return notifications.Message(
        recipient=user,
        kind=HANDLER_COLOURS[colour],
        title=f"【包案{WORDS[colour]}】{ownership.problem}化解时限{when}{ownership.resolution_due:%Y年%m月%d日}到期",
        body="请按化解方案抓紧推进，按期化解。"
        if not overdue
        else "包案事项已超过化解时限，请抓紧化解并说明原因。",
        url=reverse("leaders:ownership", args=[ownership.pk]),
    )


def scan(today: dt.date) -> ScanPart:
    escalation = list(EscalationRule.objects.filter(is_active=True))
    colours = set(HANDLER_COLOURS) | {rule.colour for rule in escalation}
    part = ScanPart(warnings=Counter())
    with transaction.atomic():
        rows = _candidates(today, colours)
        part.candidates = len(rows)
        if not rows:
            return part
        leaders = Leaders(escalation)
        now = clock.now()
        messages, warnings = [], []
        digests: dict[tuple[int, str], list[CaseOwnership]] = defaultdict(list)
        for ownership, colour in rows:
            told = []
            if colour in HANDLER_COLOURS:
                told = [u for u in [ownership.leader, *ownership.team_users.all()] if u.is_active]
                told = list({u.pk: u for u in told}.values())
                messages += [_message(user, ownership, colour) for user in told]
            for user in leaders.for_deadline(_as_deadline(ownership, colour)):
                if user not in told:
                    digests[(user.pk, colour)].append(ownership)
            warnings.append(
                OwnershipWarning(
                    ownership=ownership,
                    colour=colour,
                    due_on=ownership.resolution_due,
                    sent_at=now,
                    told=len(told),
                )
            )
            part.warnings[colour] += 1
        OwnershipWarning.objects.bulk_create(warnings)
        notifications.notify_each(messages)
        leader_messages = leaders.digests(
            digests,
            title=lambda count, colour: f"包案期限预警：新增{count}件{WORDS[colour]}包案事项",
            line=_line,
            url=reverse("supervision:board") + "#ownership-deadlines",
        )
        notifications.notify_each(leader_messages)
        part.handler_messages, part.leader_messages = len(messages), len(leader_messages)
    return part


def board_section(user, today: dt.date) -> BoardSection | None:
    """The open ownerships the user may see, soonest deadline first, with their colours."""
    rows = list(
        ownerships_visible_to(user)
        .filter(status=OwnershipStatus.OPEN)
        .select_related("leader")
        .order_by("resolution_due", "id")[:BOARD_LIMIT]
    )
    if not rows:
        return None
    counts: Counter = Counter()
    for row in rows:
        row.colour = ownership_colour(row, today)
        row.days_left = (row.resolution_due - today).days
        row.days_over = -row.days_left
        counts[row.colour] += 1
    return BoardSection(
        title="领导包案化解时限", template="leaders/_board_ownerships.html", rows=rows, counts=dict(counts)
    )
