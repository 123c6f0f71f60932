"""Reading one line of the petitions exchange format (exchange-format.md) into what registration and the
workflow take: a ``Registration`` and a list of events, with units, categories and regions looked up.

Only the shape of the line is checked here (JSON, types, known names, events in time order); every rule
of the procedure is left to ``petitions.services.register`` and ``workflow.services.perform``, which the
importer calls. A problem is a ``LineError`` with a Chinese reason.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from xinfang import clock
from xinfang.orgs.importer import LineError
from xinfang.orgs.models import OrgUnit, Region, User
from xinfang.petitions.models import Category, PartyRole, Petition
from xinfang.petitions.services import PartyInput, Registration
from xinfang.workflow.models import Extension
from xinfang.workflow.transitions import TABLE

from .actors import ExchangeUnit

# The petitioner's own actions: without a ``by_unit`` they are replayed as the petitioner's.
PETITIONER_ACTIONS = frozenset({"rate", "request_review", "request_re_review"})
# Not workflow transitions: replayed through ``xinfang.supervision.services``.
SUPERVISION_ACTIONS = frozenset({"supervise", "supervision_answer"})
UNIT_KEYS = frozenset({"to_unit", "unit"})

PETITION_KEYS = frozenset(
    {
        "external_id",
        "registration_number",
        "channel",
        "source",
        "source_level",
        "source_action",
        "received_at",
        "receiving_unit",
        "visit_level",
        "person_count",
        "petitioners",
        "petition_class",
        "category",
        "issue_region",
        "subject_unit",
        "subject_person",
        "summary",
        "content",
        "repeat_of",
        "identity_confidential",
        "addressed_leader",
        "addressed_leader_post",
        "events",
    }
)
PETITIONER_KEYS = frozenset({"name", "id_number", "phone", "address", "role"})
EXTERNAL_ID_MAX = Petition._meta.get_field("external_id").max_length
SUBJECT_PERSON_MAX = Petition._meta.get_field("subject_person").max_length
LEADER_POST_MAX = Petition._meta.get_field("addressed_leader_post").max_length
APPROVER_NAME_MAX = Extension._meta.get_field("approver_name").max_length
SUMMARY_LENGTH = 60  # a summary made from the content when the line has none


@dataclass
class EventLine:
    index: int  # 1-based position in the line's ``events``
    action: str
    at: dt.datetime
    by_unit: OrgUnit | None
    data: dict

    @property
    def label(self) -> str:
        return f"第{self.index}个事件（{self.action}，{self.at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}）"


@dataclass
class PetitionLine:
    number: int
    external_id: str | None
    registration: Registration
    events: list[EventLine]


class Lookups:
    """Units, categories and regions by code or path, each read from the database once per import."""

    def __init__(self):
        self._units: dict[str, OrgUnit | None] = {}
        self._categories: dict[str, Category | None] = {}
        self._regions: dict[str, Region | None] = {}
        self._staff: dict[tuple, User | None] = {}

    def unit(self, code, key: str) -> OrgUnit:
        if not isinstance(code, str) or not code.strip():
            raise LineError(f"“{key}”应为单位代码。")
        code = code.strip()
        if code not in self._units:
            self._units[code] = OrgUnit.objects.select_related("region", "parent").filter(code=code).first()
        unit = self._units[code]
        if unit is None:
            raise LineError(f"未知的单位“{code}”（{key}）。")
        return unit

    def category(self, path) -> Category:
        if not isinstance(path, str) or not path.strip():
            raise LineError("“category”应为内容分类的路径，如“城乡建设/征收拆迁”。")
        path = "/".join(part.strip() for part in path.split("/"))
        if path not in self._categories:
            self._categories[path] = Category.objects.filter(path=path).first()
        category = self._categories[path]
        if category is None:
            raise LineError(f"未知的内容分类“{path}”（category）。")
        return category

    def region(self, code) -> Region:
        if not isinstance(code, str) or not code.strip():
            raise LineError("“issue_region”应为区划代码。")
        code = code.strip()
        if code not in self._regions:
            self._regions[code] = Region.objects.filter(code=code).first()
        region = self._regions[code]
        if region is None:
            raise LineError(f"未知的区划“{code}”（issue_region）。")
        return region

    def staff(self, unit: OrgUnit, roles: tuple[str, ...]) -> User | None:
        """An active user of ``unit`` holding one of ``roles`` (supervision records name a person)."""
        key = (unit.pk, roles)
        if key not in self._staff:
            users = User.objects.filter(unit=unit, is_active=True).select_related("unit").order_by("pk")
            self._staff[key] = next((u for u in users if u.has_role(*roles)), None)
        return self._staff[key]


def earlier_petition(ref: str) -> Petition | None:
    """The petition a ``repeat_of`` names: by external id, else by registration number. Not cached: the
    earlier lines of the same file add petitions as the import goes."""
    return (
        Petition.objects.filter(external_id=ref).first()
        or Petition.objects.filter(registration_number=ref).first()
    )


def load(text: str) -> dict:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(f"不是有效的JSON（{exc.msg}，第{exc.colno}列）。") from None
    if not isinstance(record, dict):
        raise LineError("每行应为一个JSON对象。")
    return record


def external_id_of(record: dict) -> str | None:
    """The line's external id; a line without one keeps the registration number it had (exchange.md)."""
    value = record.get("external_id") or record.get("registration_number")
    if value is None:
        return None
    if not isinstance(value, str):
        raise LineError("“external_id”应为文字。")
    value = value.strip()
    if len(value) > EXTERNAL_ID_MAX:
        raise LineError(f"外部编号“{value}”超过{EXTERNAL_ID_MAX}个字符。")
    return value or None


# --- fields -----------------------------------------------------------------------------------------------


def _text(record: dict, key: str, *, required: bool = True, where: str = "") -> str:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LineError(f"{where}缺少“{key}”。")
        return ""
    if not isinstance(value, str):
        raise LineError(f"{where}“{key}”应为文字。")
    return value.strip()


def instant(value, key: str) -> dt.datetime:
    example = "如2026-03-02T09:30:00+08:00"
    if not isinstance(value, str):
        raise LineError(f"“{key}”应为带时区的时间，{example}。")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise LineError(f"“{key}”不是有效的时间：“{value}”，{example}。") from None
    if parsed.tzinfo is None:
        raise LineError(f"“{key}”须带时区（+08:00），{example}。")
    return parsed


def _limited(record: dict, key: str, max_length: int) -> str:
    value = _text(record, key, required=False)
    if len(value) > max_length:
        raise LineError(f"“{key}”超过{max_length}个字符。")
    return value


def _person_count(record: dict) -> int | None:
    value = record.get("person_count")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError("“person_count”应为整数。")
    return value


def _flag(record: dict, key: str) -> bool:
    value = record.get(key, False)
    if not isinstance(value, bool):
        raise LineError(f"“{key}”应为true或false。")
    return value


def _unknown(record: dict, known: frozenset[str], where: str = "") -> None:
    unknown = sorted(set(record) - known)
    if unknown:
        raise LineError(f"{where}有未知的字段：{'、'.join(unknown)}。")


def _parties(value) -> list[PartyInput]:
    if not isinstance(value, list) or not value:
        raise LineError("“petitioners”应为列出至少一名信访人的数组。")
    parties = []
    for index, item in enumerate(value, start=1):
        where = f"petitioners第{index}项"
        if not isinstance(item, dict):
            raise LineError(f"{where}应为对象。")
        _unknown(item, PETITIONER_KEYS, where)
        parties.append(
            PartyInput(
                name=_text(item, "name", where=where),
                id_number=_text(item, "id_number", required=False, where=where),
                phone=_text(item, "phone", required=False, where=where),
                address=_text(item, "address", required=False, where=where),
                role=_text(item, "role", required=False, where=where) or PartyRole.PRINCIPAL,
            )
        )
    return parties


def summary_of(content: str) -> str:
    """The first words of the content, for a line without a summary (the format does not require one)."""
    text = " ".join(content.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


# --- events -----------------------------------------------------------------------------------------------


def _event(index: int, item, lookups: Lookups) -> EventLine:
    where = f"第{index}个事件"
    if not isinstance(item, dict):
        raise LineError(f"{where}应为对象。")
    action = item.get("action")
    if not isinstance(action, str) or (action not in TABLE and action not in SUPERVISION_ACTIONS):
        raise LineError(f"{where}：未知的操作“{action}”。")
    at = instant(item.get("at"), f"{where}的at")
    by_unit = lookups.unit(item["by_unit"], f"{where}的by_unit") if item.get("by_unit") else None
    data = {}
    for key, value in item.items():
        if key in ("action", "at", "by_unit"):
            continue
        if isinstance(value, dict | list):
            raise LineError(f"{where}的“{key}”应为文字、数字或布尔值。")
        if key in UNIT_KEYS and value is not None:
            value = lookups.unit(value, f"{where}的{key}")
        data[key] = value
    if action == "extend" and by_unit is not None and data.get("approved_by") not in (None, ""):
        # The file names the head who approved; the approval is the unit's own (its ``by_unit``).
        name = str(data["approved_by"]).strip()
        if len(name) > APPROVER_NAME_MAX:
            raise LineError(f"{where}的“approved_by”超过{APPROVER_NAME_MAX}个字符。")
        data["approved_by"] = ExchangeUnit(by_unit, name=name)
    return EventLine(index, action, at, by_unit, data)


def event_line(index: int, item, lookups: Lookups) -> EventLine:
    """One event object read on its own (the federation's inbox reads a peer's events one at a time)."""
    return _event(index, item, lookups)


def _events(value, received_at: dt.datetime, lookups: Lookups) -> list[EventLine]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise LineError("“events”应为数组。")
    events, previous = [], received_at
    for index, item in enumerate(value, start=1):
        event = _event(index, item, lookups)
        if event.at < received_at:
            raise LineError(f"{event.label}早于收到时间，不能在登记之前办理。")
        if event.at < previous:
            raise LineError(f"{event.label}早于前一个事件：事件应按时间先后排列。")
        previous = event.at
        events.append(event)
    return events


# --- the line ---------------------------------------------------------------------------------------------


def _addressed_leader(record: dict) -> User | None:
    """A 领导信箱 letter's leader, by username; registration checks it is a leader and required."""
    username = _text(record, "addressed_leader", required=False)
    if not username:
        return None
    leader = User.objects.select_related("unit").filter(username=username).first()
    if leader is None:
        raise LineError(f"收信领导“{username}”不存在（addressed_leader）。")
    return leader


def parse(number: int, record: dict, external_id: str | None, lookups: Lookups) -> PetitionLine:
    _unknown(record, PETITION_KEYS)
    received_at = instant(record.get("received_at"), "received_at")
    content = _text(record, "content")
    repeat_ref = _text(record, "repeat_of", required=False)
    repeat_of = None
    if repeat_ref:
        repeat_of = earlier_petition(repeat_ref)
        if repeat_of is None:
            raise LineError(f"关联的原信访事项“{repeat_ref}”不存在（repeat_of）：原事项应在本行之前导入。")
    subject = record.get("subject_unit")
    registration = Registration(
        channel=_text(record, "channel"),
        received_at=received_at,
        petition_class=_text(record, "petition_class"),
        category=lookups.category(record.get("category")),
        issue_region=lookups.region(record.get("issue_region")),
        summary=_text(record, "summary", required=False) or summary_of(content),
        content=content,
        parties=_parties(record.get("petitioners")),
        person_count=_person_count(record),
        visit_level=_text(record, "visit_level", required=False),
        source=_text(record, "source", required=False) or "direct",
        source_level=_text(record, "source_level", required=False),
        source_action=_text(record, "source_action", required=False),
        subject_unit=lookups.unit(subject, "subject_unit") if subject else None,
        subject_person=_limited(record, "subject_person", SUBJECT_PERSON_MAX),
        repeat_of=repeat_of,
        identity_confidential=_flag(record, "identity_confidential"),
        addressed_leader=_addressed_leader(record),
        addressed_leader_post=_limited(record, "addressed_leader_post", LEADER_POST_MAX),
        external_id=external_id,
        receiving_unit=lookups.unit(record.get("receiving_unit"), "receiving_unit"),
    )
    events = _events(record.get("events"), received_at, lookups)
    return PetitionLine(number, external_id, registration, events)
