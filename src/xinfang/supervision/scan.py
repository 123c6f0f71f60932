"""The periodic deadline scan (超期预警, process.md §5).

``scan_deadlines(today=None) -> ScanResult`` walks the open staff deadlines that are (or may be) yellow or red
in one query, tells the handlers of the responsible unit once per deadline and colour (a ``DeadlineWarning``
row records it, so running the scan again sends nothing new), escalates each colour that has an active
``EscalationRule`` to the leaders it names, and then sends the supervision reminders.

Handlers get one in-app message per deadline (they act on each) and one e-mail digest per scan; a leader gets
one digest per colour per scan, linking to the board, rather than hundreds of messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.notifications import services as notifications
from xinfang.notifications.models import Kind
from xinfang.notifications.recipients import handlers_by_unit
from xinfang.orgs.models import OrgUnit, UnitKind, User
from xinfang.petitions.models import PetitionClass
from xinfang.workflow.models import Deadline, DeadlineStatus

from . import hooks, services
from .models import DeadlineWarning, EscalationRule, WarningColour
from .selectors import with_colour

logger = logging.getLogger(__name__)

HANDLER_COLOURS = {WarningColour.RED: Kind.DEADLINE_OVERDUE, WarningColour.YELLOW: Kind.DEADLINE_DUE_SOON}
# How the warnings of the apps above (ownerships, meeting decisions) name a colour in their titles.
WORDS = {WarningColour.RED: "超期", WarningColour.YELLOW: "临期", WarningColour.BLUE: "在办"}
DIGEST_LINES = 50


@dataclass
class ScanResult:
    today: dt.date
    candidates: int = 0
    warnings: Counter = field(default_factory=Counter)  # colour -> deadlines newly warned
    handler_messages: int = 0
    leader_messages: int = 0
    reminders: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.today:%Y-%m-%d} 扫描期限 {self.candidates} 个；新发预警：红色 {self.warnings['red']}、"
            f"黄色 {self.warnings['yellow']}、蓝色 {self.warnings['blue']}；通知承办人 {self.handler_messages} 条，"
            f"升级提醒 {self.leader_messages} 条；督办催办 {self.reminders} 件；用时 {self.seconds:.2f} 秒"
        )


def scan_deadlines(today: dt.date | None = None) -> ScanResult:
    started = time.perf_counter()
    today = today or clock.today()
    try:
        result = _scan(today)
    except IntegrityError:
        # Another scan committed the same warnings first: ours rolled back whole, so look again.
        logger.info("deadline scan raced another one; rescanning")
        result = _scan(today)
    for scanner in hooks.scanners():
        # Deadlines kept by apps above this one (包案化解时限), warned and escalated the same way.
        part = scanner(today)
        result.candidates += part.candidates
        result.warnings.update(part.warnings)
        result.handler_messages += part.handler_messages
        result.leader_messages += part.leader_messages
    result.reminders = services.send_reminders(today)
    result.seconds = time.perf_counter() - started
    return result


def _candidates(today: dt.date, rules, colours: set[str]):
    qs = Deadline.objects.filter(status=DeadlineStatus.OPEN, is_window=False, unit__isnull=False)
    if WarningColour.BLUE not in colours and rules.yellow_percent is None:
        # Only red and yellow are wanted and yellow is "due within N days": the index on (status, due_on)
        # bounds the walk to what is due soon.
        qs = qs.filter(due_on__lte=today + dt.timedelta(days=rules.yellow_days))
    qs = with_colour(qs, today, rules).filter(colour__in=colours)
    already = DeadlineWarning.objects.filter(deadline=OuterRef("pk"), colour=OuterRef("colour"))
    return (
        qs.filter(~Exists(already))
        .select_related("petition")
        .only(
            "id",
            "stage",
            "due_on",
            "unit_id",
            "petition_id",
            "petition__registration_number",
            "petition__petition_class",
            "petition__subject_unit_id",
        )
        .order_by("due_on", "id")
    )


def _scan(today: dt.date) -> ScanResult:
    result = ScanResult(today=today)
    rules = deadline_rules.get_rules()
    escalation = list(EscalationRule.objects.filter(is_active=True))
    colours = set(HANDLER_COLOURS) | {rule.colour for rule in escalation}
    with transaction.atomic():
        rows = list(_candidates(today, rules, colours))
        result.candidates = len(rows)
        if not rows:
            return result
        handlers = handlers_by_unit({row.unit_id for row in rows})
        leaders = Leaders(escalation)
        now = clock.now()
        messages: list[notifications.Message] = []
        digests: dict[tuple[int, str], list[Deadline]] = defaultdict(list)
        warnings = []
        for row in rows:
            told = []
            if row.colour in HANDLER_COLOURS:
                told = handlers.get(row.unit_id, [])
                messages += [_handler_message(user, row) for user in told]
            bosses = [user for user in leaders.for_deadline(row) if user not in told]
            for user in bosses:
                digests[(user.pk, row.colour)].append(row)
            warnings.append(
                DeadlineWarning(
                    deadline_id=row.pk,
                    colour=row.colour,
                    due_on=row.due_on,
                    sent_at=now,
                    handlers_told=len(told),
                    leaders_told=len(bosses),
                )
            )
            result.warnings[row.colour] += 1
        DeadlineWarning.objects.bulk_create(warnings, batch_size=500)
        sms = getattr(settings, "XF_DEADLINE_WARNING_SMS", False)
        notifications.notify_each(messages, sms=sms)
        leader_messages = [
            _leader_message(leaders.users[user_id], colour, rows_)
            for (user_id, colour), rows_ in digests.items()
        ]
        notifications.notify_each(leader_messages, sms=sms)
        result.handler_messages = len(messages)
        result.leader_messages = len(leader_messages)
    return result


def _handler_message(user, row: Deadline) -> notifications.Message:
    overdue = row.colour == WarningColour.RED
    when = "已于" if overdue else "将于"
    word = "超期" if overdue else "临期"
    title = (
        f"【{word}】{row.petition.registration_number} {row.get_stage_display()}"
        f"{when}{row.due_on:%Y年%m月%d日}到期"
    )
    return notifications.Message(
        recipient=user,
        kind=HANDLER_COLOURS[row.colour],
        title=title,
        body="请抓紧办理，依法按期办结。" if not overdue else "该事项已超过办理期限，请立即办理并说明原因。",
        petition=row.petition,
        url=reverse("petitions:detail", args=[row.petition_id]),
    )


def _leader_message(user, colour: str, rows: list[Deadline]) -> notifications.Message:
    label = {"red": "超期", "yellow": "临期", "blue": "在办"}[colour]
    lines = [
        f"{row.petition.registration_number} {row.get_stage_display()} 期满日{row.due_on:%Y-%m-%d}"
        for row in rows[:DIGEST_LINES]
    ]
    if len(rows) > DIGEST_LINES:
        lines.append(f"……另有{len(rows) - DIGEST_LINES}件")
    return notifications.Message(
        recipient=user,
        kind=Kind.ESCALATION,
        title=f"期限预警：新增{len(rows)}件{label}信访事项",
        body="\n".join(lines),
        url=f"{reverse('supervision:board')}?colour={colour}",
    )


class Leaders:
    """The leaders an escalation rule names for a deadline: users with the rule's role in the unit of the
    rule's kind at the level (region) of the petition bureau the responsible unit answers to.

    Units are few (hundreds per city), so they are loaded once and the parent chain walked in memory."""

    def __init__(self, rules: list[EscalationRule]) -> None:
        self.rules: dict[str, list[EscalationRule]] = defaultdict(list)
        for rule in rules:
            self.rules[rule.colour].append(rule)
        self.users: dict[int, User] = {}
        self._by_unit: dict[int, list[User]] = defaultdict(list)
        self._units: dict[int, tuple[int | None, str, int]] = {}
        self._bureau: dict[int, int | None] = {}
        self._at: dict[tuple[str, int], list[int]] = defaultdict(list)
        if not rules:
            return
        for pk, parent, kind, region in OrgUnit.objects.values_list("id", "parent_id", "kind", "region_id"):
            self._units[pk] = (parent, kind, region)
            self._at[(kind, region)].append(pk)
        kinds = {rule.unit_kind for rule in rules}
        leader_units = [pk for pk, (_, kind, _) in self._units.items() if kind in kinds]
        for user in User.objects.filter(unit_id__in=leader_units, is_active=True):
            self.users[user.pk] = user
            self._by_unit[user.unit_id].append(user)

    def digests(self, found: dict[tuple[int, str], list], *, title, line, url: str) -> list:
        """For the scans of the apps above (registered through ``hooks.register_scanner``): one message per
        leader and colour listing what newly reached that colour; ``title(count, colour)``, ``line(row)``."""
        return [
            notifications.Message(
                recipient=self.users[user_id],
                kind=Kind.ESCALATION,
                title=title(len(rows), colour),
                body="\n".join(line(row) for row in rows),
                url=url,
            )
            for (user_id, colour), rows in found.items()
        ]

    def bureau_of(self, unit_id: int) -> int | None:
        """Like ``OrgUnit.bureau()``, without a query per step."""
        if unit_id not in self._bureau:
            pk, seen = unit_id, set()
            while pk in self._units and pk not in seen:
                parent, kind, _ = self._units[pk]
                if kind == UnitKind.BUREAU:
                    break
                seen.add(pk)
                pk = parent
            self._bureau[unit_id] = pk if pk in self._units else None
        return self._bureau[unit_id]

    def for_deadline(self, row: Deadline) -> list[User]:
        rules = self.rules.get(row.colour)
        if not rules:
            return []
        bureau = self.bureau_of(row.unit_id)
        if bureau is None:
            return []
        region = self._units[bureau][2]
        accused = (
            row.petition.subject_unit_id if row.petition.petition_class == PetitionClass.ACCUSATION else None
        )
        out = []
        for rule in rules:
            for unit_id in self._at.get((rule.unit_kind, region), []):
                if unit_id == accused:  # never tell the accused unit (Arts. 30, 46)
                    continue
                out += [user for user in self._by_unit.get(unit_id, []) if user.has_role(rule.role)]
        return out
