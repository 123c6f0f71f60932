"""Meeting decisions tracked like an assignment (交办): each open decision's deadline has the deadline
colours (the rule and thresholds of the statutory deadlines, ``deadlines.services.colour_for``, counted from
the meeting's date), is warned and escalated by the supervision deadline scan (``scan``), listed on the
supervision board (``board_section``) and in the lead and supporting units' to-do (``todo_section``). All
three are registered in ``MeetingsConfig.ready``: supervision and workflow sit below this app.

The lead unit's handlers are told once per colour (red, yellow); the active ``EscalationRule`` rows name the
leaders told at the level of the bureau the lead unit answers to, one digest per leader and colour.
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
from xinfang.notifications.recipients import handlers_by_unit
from xinfang.petitions.models import PetitionClass
from xinfang.supervision.hooks import BoardSection, ScanPart
from xinfang.supervision.models import EscalationRule, WarningColour
from xinfang.supervision.scan import HANDLER_COLOURS, WORDS, Leaders
from xinfang.workflow.task_hooks import TaskSection

from .figures import below_frequency
from .models import Decision, DecisionWarning
from .selectors import decisions_visible_to

LIMIT = 100
SECRET = "检举控告类事项（内容保密）"


def decision_colour(decision: Decision, today: dt.date | None = None, rules=None) -> str:
    """The decision's colour today, counted from the meeting's date; green once it is carried out.
    ``rules``: the deadline rules read once for a list (each read checks their version in the database)."""
    return deadline_rules.colour_for(
        decision.deadline,
        concluded=decision.done_on is not None,
        start=decision.item.meeting.held_on,
        today=today or clock.today(),
        rules=rules,
    ).value


def _open(qs=None):
    qs = Decision.objects.all() if qs is None else qs
    return qs.filter(done_on__isnull=True).select_related("item__meeting", "item__petition", "lead_unit")


def _candidates(today: dt.date, colours: set[str]) -> list[tuple[Decision, str]]:
    rules = deadline_rules.get_rules()
    qs = _open()
    if WarningColour.BLUE not in colours and rules.yellow_percent is None:
        # Only red and yellow are wanted and yellow is "due within N days": what is due soon is enough.
        qs = qs.filter(deadline__lte=today + dt.timedelta(days=rules.yellow_days))
    warned = set(DecisionWarning.objects.filter(decision__in=qs).values_list("decision_id", "colour"))
    out = []
    for decision in qs.order_by("deadline", "id"):
        colour = decision_colour(decision, today, rules)
        if colour in colours and (decision.pk, colour) not in warned:
            out.append((decision, colour))
    return out


def _subject(decision: Decision) -> str:
    petition = decision.item.petition
    if petition is not None and petition.petition_class == PetitionClass.ACCUSATION:
        return SECRET
    return decision.action


def _as_deadline(decision: Decision, colour: str):
    """What ``supervision.scan.Leaders`` reads of a deadline row: its colour, the unit whose bureau's level
    the rules look at, and the petition (an accused unit is never told)."""
    petition = decision.item.petition or SimpleNamespace(petition_class="", subject_unit_id=None)
    return SimpleNamespace(colour=colour, unit_id=decision.lead_unit_id, petition=petition)


def detail_url(decision: Decision) -> str:
    return reverse("meetings:detail", args=[decision.item.meeting_id]) + f"#decision-{decision.pk}"


def _message(user, decision: Decision, colour: str) -> notifications.Message:
    overdue = colour == WarningColour.RED
    when = "已于" if overdue else "将于"
    return notifications.Message(
        recipient=user,
        kind=HANDLER_COLOURS[colour],
        title=f"【议定事项{WORDS[colour]}】{decision.item.meeting.title}议定事项{when}"
        f"{decision.deadline:%Y年%m月%d日}到期",
        body=(
            f"{_subject(decision)}。请抓紧落实并报告落实情况。"
            if not overdue
            else f"{_subject(decision)}。该议定事项已超过办理时限，请立即落实并说明原因。"
        ),
        petition=decision.item.petition,
        url=detail_url(decision),
    )


def _line(decision: Decision) -> str:
    return f"{decision.lead_unit.name}：{_subject(decision)}（办理时限{decision.deadline:%Y-%m-%d}）"


def scan(today: dt.date) -> ScanPart:
    escalation = list(EscalationRule.objects.filter(is_active=True))
    colours = set(HANDLER_COLOURS) | {rule.colour for rule in escalation}
    part = ScanPart(warnings=Counter())
    with transaction.atomic():
        rows = _candidates(today, colours)
        part.candidates = len(rows)
        if not rows:
            return part
        handlers = handlers_by_unit({decision.lead_unit_id for decision, _ in rows})
        leaders = Leaders(escalation)
        now = clock.now()
        messages, warnings = [], []
        digests: dict[tuple[int, str], list[Decision]] = defaultdict(list)
        for decision, colour in rows:
            told = handlers.get(decision.lead_unit_id, []) if colour in HANDLER_COLOURS else []
            messages += [_message(user, decision, colour) for user in told]
            for user in leaders.for_deadline(_as_deadline(decision, colour)):
                if user not in told:
                    digests[(user.pk, colour)].append(decision)
            warnings.append(
                DecisionWarning(
                    decision=decision, colour=colour, due_on=decision.deadline, sent_at=now, told=len(told)
                )
            )
            part.warnings[colour] += 1
        DecisionWarning.objects.bulk_create(warnings)
        notifications.notify_each(messages)
        leader_messages = leaders.digests(
            digests,
            title=lambda count, colour: f"联席会议议定事项预警：新增{count}件{WORDS[colour]}议定事项",
            line=_line,
            url=reverse("supervision:board") + "#meeting-decisions",
        )
        notifications.notify_each(leader_messages)
        part.handler_messages, part.leader_messages = len(messages), len(leader_messages)
    return part


def _finish(rows: list[Decision], today: dt.date, unit_id: int | None = None) -> Counter:
    counts: Counter = Counter()
    rules = deadline_rules.get_rules()
    for row in rows:
        row.colour = decision_colour(row, today, rules)
        row.days_left = (row.deadline - today).days
        row.days_over = -row.days_left
        row.subject = _subject(row)
        row.url = detail_url(row)
        row.role = "牵头" if unit_id is None or row.lead_unit_id == unit_id else "配合"
        counts[row.colour] += 1
    return counts


def board_section(user, today: dt.date) -> BoardSection | None:
    """The open decisions the user may see, soonest deadline first, with their colours."""
    rows = list(_open(decisions_visible_to(user)).order_by("deadline", "id")[:LIMIT])
    if not rows:
        return None
    counts = _finish(rows, today)
    return BoardSection(
        title="联席会议议定事项办理时限",
        template="meetings/_board_decisions.html",
        rows=rows,
        counts=dict(counts),
    )


def todo_section(user, today: dt.date) -> TaskSection | None:
    """The open decisions the user's unit leads or supports (配合): its tasks from the joint meetings."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return None
    mine = decisions_visible_to(user).filter(lead_unit_id=unit_id) | decisions_visible_to(user).filter(
        supporting_units__id=unit_id
    )
    rows = list(_open(mine.distinct()).order_by("deadline", "id")[:LIMIT])
    if not rows:
        return None
    counts = _finish(rows, today, unit_id)
    return TaskSection(
        title="联席会议议定事项", template="meetings/_todo_decisions.html", rows=rows, counts=dict(counts)
    )


def overdue(region_prefix: str, today: dt.date) -> list[Decision]:
    """The region's decisions past their deadline and not carried out on ``today`` (the monthly bulletin)."""
    rows = _open().filter(deadline__lt=today, item__meeting__unit__region__code__startswith=region_prefix)
    return list(rows.order_by("deadline", "id"))


def bulletin_lines(region_prefix: str, year: int, month: int, today: dt.date) -> dict:
    """The monthly bulletin's joint-meeting section: decisions overdue on ``today`` and the units that met
    less often in the month than the frequency rule asks (``figures.below_frequency``)."""
    late = overdue(region_prefix, today)
    lines = [
        f"{d.lead_unit.name}牵头落实的{d.item.meeting.title}议定事项“{_subject(d)}”，"
        f"办理时限{d.deadline:%Y年%m月%d日}，已超期{(today - d.deadline).days}天未落实。"
        for d in late[:LIMIT]
    ]
    below = below_frequency(region_prefix, year, month)
    frequency = [
        f"{row['name']}本月召开联席会议{row['held']}次，低于每月{row['required']}次的要求。" for row in below
    ]
    return {
        "meeting_overdue_count": len(late),
        "meeting_overdue_lines": lines,
        "meeting_frequency_lines": frequency,
    }
