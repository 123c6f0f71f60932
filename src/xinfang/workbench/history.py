"""The petition's history (办理记录) as people read it: every audit event in Chinese, with names, not codes or ids.

``history_rows(events, names)`` is pure: it turns audit events into ``Row``s (local time, the action's Chinese
name, who, which unit, and lines such as "状态：已转送 → 已受理" or "责任单位：清波街道办事处"). The names the
events refer to by id or code (units, users, categories, regions) come from ``names_for(events)``, one query per
kind. Internal bookkeeping (versions, row ids, file hashes, derived "next deadline" columns) is left out: it is
the audit trail's concern, not the reader's.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from xinfang.documents.models import Document, DocumentKind
from xinfang.evaluation.models import RatingTarget, RatingValue, ReviewDecision
from xinfang.orgs.models import OrgUnit, Region, User
from xinfang.petitions.models import (
    Category,
    ClosedReason,
    DeliveryMethod,
    LegalRoute,
    Petition,
    Petitioner,
    ReplyOpinion,
    Status,
    Track,
)
from xinfang.supervision.models import ReasonKind
from xinfang.workflow.actors import PETITIONER_VIAS
from xinfang.workflow.effects.common import SIMPLIFIED_GROUNDS
from xinfang.workflow.effects.routing import ON_SPOT_OUTCOMES
from xinfang.workflow.labels import action_label
from xinfang.workflow.models import ReplyForm
from xinfang.workflow.transitions import row_for

NOTHING = "无"

# Petition columns an event's changes carry that a reader does not need: the row version, the status (shown
# as its own line) and the derived next-deadline columns (the deadlines table shows them).
HIDDEN_CHANGES = {
    "version",
    "status",
    "next_due_on",
    "next_due_stage",
    "last_transition_at",
    "search_text",
    "delivery_proof",
}

# How a petitioner's action reached the bureau (``via``), and "staff": recorded by staff without a channel.
VIA_LABELS = {
    **dict(zip(PETITIONER_VIAS, ("网上（查询码）", "电话", "来访当面", "数据导入"), strict=True)),
    "letter": "书面（来信）",
    "staff": "工作人员登记",
}


@dataclass(frozen=True)
class Names:
    """What the events name by id or code, resolved: units by id and by code, users, categories, regions."""

    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)
    petitions: dict = field(default_factory=dict)  # registration numbers (a repeat link)

    def unit(self, key) -> str:
        return self.units.get(key) or self.units.get(str(key)) or ""


@dataclass(frozen=True)
class Row:
    at: dt.datetime  # local (Asia/Shanghai)
    action: str
    actor: str
    unit: str
    lines: tuple[str, ...]


# --- values ---------------------------------------------------------------------------------------------------


def local_time(value) -> str:
    instant = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant, dt.UTC)
    return f"{timezone.localtime(instant):%Y-%m-%d %H:%M}"


def cn_date(value) -> str:
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def choice(labels) -> Callable[[object, Names], str]:
    table = dict(labels.choices) if isinstance(labels, type) else dict(labels)
    return lambda value, names: str(table.get(value, ""))


def _text(value, names: Names) -> str:
    return str(value)


def _yes_no(value, names: Names) -> str:
    return "是" if value else "否"


def _days(value, names: Names) -> str:
    return f"{value}日"


def _unit(value, names: Names) -> str:
    return names.unit(value)


RELATED = {
    OrgUnit: lambda value, names: names.unit(value),
    User: lambda value, names: names.users.get(value, ""),
    Category: lambda value, names: names.categories.get(value, ""),
    Region: lambda value, names: names.regions.get(value, ""),
    Petition: lambda value, names: names.petitions.get(value, ""),
}


def field_value(model_field: models.Field, value, names: Names) -> str:
    """A column's value as the reader knows it: a choice's label, a name for a row, a local time, a date."""
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        show = RELATED.get(model_field.related_model)
        return show(value, names) if show else ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, ""))
    if isinstance(model_field, models.DateTimeField):
        return local_time(value)
    if isinstance(model_field, models.DateField):
        return cn_date(value)
    if isinstance(model_field, models.BooleanField):
        return _yes_no(value, names)
    if model_field.name.endswith("_days"):
        return _days(value, names) if value else ""
    return str(value)


def change_line(label: str, old: str, new: str) -> str:
    if not old:
        return f"{label}：{new or NOTHING}"
    return f"{label}：{old} → {new or NOTHING}"


# --- changes ----------------------------------------------------------------------------------------------------


def _model_field(model, name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def change_lines(changes: dict, names: Names, model=Petition) -> list[str]:
    """Each changed column of a petition (or a document) with its label and old and new values."""
    lines = []
    for name, values in changes.items():
        model_field = _model_field(model, name)
        if name in HIDDEN_CHANGES or model_field is None:
            continue
        old, new = (field_value(model_field, value, names) for value in values)
        if old == new:
            continue  # e.g. a repeat link hidden from this reader on both sides
        lines.append(change_line(str(model_field.verbose_name), old, new))
    return lines


# Rows whose changed columns are shown with their values; a petitioner's only by name (masked identity).
VALUE_MODELS = {"petition": Petition, "document": Document}
TARGET_MODELS = {"petitioner": Petitioner}
# Columns of other rows that are bookkeeping, not content: lookup digests, encrypted blobs, file hashes.
INTERNAL_SUFFIXES = ("_digest", "_sha256", "_encrypted", "_key")


def other_change_line(target_type: str, changes: dict) -> str:
    """For a row other than the petition (a petitioner's record, a document): which fields changed."""
    model = TARGET_MODELS.get(target_type)
    labels = []
    for name in changes:
        model_field = _model_field(model, name) if model else None
        if model_field is None or name.endswith(INTERNAL_SUFFIXES) or name == "version":
            continue
        labels.append(str(model_field.verbose_name))
    return f"变更：{'、'.join(labels)}" if labels else ""


# --- the event's data -------------------------------------------------------------------------------------------

# key -> (label, how to show it, the petition column that already shows the same fact)
DATA_FIELDS: dict[str, tuple[str, Callable, str]] = {
    "kind": ("文书", choice(DocumentKind), ""),
    "number": ("文号", _text, ""),
    "from_unit": ("转出单位", _unit, ""),
    "to_unit": ("接收单位", _unit, "responsible_unit_id"),
    "returned_to": ("退回单位", _unit, ""),
    "unit": ("办理单位", _unit, ""),
    "report_due": ("报结时限", lambda v, n: cn_date(v), "report_due_on"),
    "track": ("办理程序", choice(Track), "track"),
    "ground": ("简易办理情形", choice(SIMPLIFIED_GROUNDS), ""),
    "handling_due_on": ("办理期限", lambda v, n: cn_date(v), "handling_due_on"),
    "opinion": ("处理意见", choice(ReplyOpinion), "reply_opinion"),
    "form": ("答复形式", choice(ReplyForm), ""),
    "on_time": ("按期", _yes_no, "replied_on_time"),
    "method": ("送达方式", choice(DeliveryMethod), ""),
    "received_on": ("信访人收到日期", lambda v, n: cn_date(v), "reply_received_on"),
    "rating_window_ends_on": ("评价截止日期", lambda v, n: cn_date(v), "rating_window_ends_on"),
    "target": ("评价对象", choice(RatingTarget), ""),
    "value": ("评价结果", choice(RatingValue), ""),
    "via": ("提出方式", lambda v, n: VIA_LABELS.get(v, ""), ""),
    "decision": ("意见", choice(ReviewDecision), ""),
    "days": ("延长", _days, "extension_days"),
    "approved_by": ("批准人", _text, ""),
    "previous_due_on": ("原期满日", lambda v, n: cn_date(v), "handling_due_on"),
    "new_due_on": ("新期满日", lambda v, n: cn_date(v), "handling_due_on"),
    "due_on": ("期满日", lambda v, n: cn_date(v), ""),
    "hearing_days": ("听证", _days, ""),
    "legal_route": ("法定途径", choice(LegalRoute), "legal_route"),
    "body": ("应通过的机关", _text, ""),
    "outcome": ("处理结果", choice(ON_SPOT_OUTCOMES), ""),
    "earlier": ("原信访事项", _text, ""),
    "reason": ("不予受理理由", choice(ClosedReason), "closed_reason"),
    "text": ("内容", _text, ""),
    "note": ("备注", _text, ""),
    "reason_kind": ("督办事由", choice(ReasonKind), ""),
    "response_due": ("回复期限", lambda v, n: cn_date(v), ""),
    "is_listed": ("挂牌督办", lambda v, n: "是" if v else "", ""),
    "leader": ("领导", lambda v, n: n.users.get(v, "") if isinstance(v, int) else str(v), ""),
    "date": ("日期", lambda v, n: cn_date(v), ""),
    "lead_unit": ("主办单位", _unit, ""),
    "supporting_units": ("协办单位", lambda v, n: "、".join(filter(None, (n.unit(u) for u in v))), ""),
    "done_on": ("完成日期", lambda v, n: cn_date(v), ""),
    "rework_count": ("退回重办次数", lambda v, n: f"{v}次" if v else "", ""),
    "rework_on_time": ("按期重办", _yes_no, ""),
}
# The same key named for what it is in this action.
DATA_LABELS = {
    ("unit", "request_review"): "复查单位",
    ("unit", "request_re_review"): "复核单位",
    ("unit", "rate"): "被评价单位",
    ("via", "rate"): "评价渠道",
    ("text", "reply"): "答复内容",
    ("text", "review_opinion"): "复查意见",
    ("text", "re_review_opinion"): "复核意见",
    ("text", "request_review"): "请求理由",
    ("text", "request_re_review"): "请求理由",
    ("reason", "rate"): "不满意理由",
    ("unit", "open_supervision"): "被督办单位",
    # A joint meeting's decision speaks the meeting's words; on the petition the same units are 主办 / 协办.
    ("lead_unit", "decide_meeting_item"): "牵头单位",
    ("supporting_units", "decide_meeting_item"): "配合单位",
    ("unit", "answer_supervision"): "被督办单位",
    ("unit", "remind_supervision"): "被督办单位",
    ("unit", "close_supervision"): "被督办单位",
    ("on_time", "answer_supervision"): "按期回复",
    ("due_on", "request_review"): "复查期限",
    ("due_on", "request_re_review"): "复核期限",
    ("due_on", "record_hearing"): "复核期限顺延至",
    ("unit", "sign_for"): "签收单位",
    ("on_time", "sign_for"): "按期签收",
    ("text", "sign_for"): "签收说明",
    ("text", "urge"): "催办内容",
    ("text", "add_supplement"): "补充内容",
    ("text", "confirm_conclusion"): "审核意见",
    ("to_unit", "urge"): "承办单位",
    ("to_unit", "add_supplement"): "承办单位",
    ("to_unit", "confirm_conclusion"): "承办单位",
    ("to_unit", "return_for_rework"): "承办单位",
    ("handling_due_on", "return_for_rework"): "重办期限",
}


def data_lines(event, names: Names) -> list[str]:
    """The facts an event's data adds to its changes; keys nobody named (ids, hashes, flags) are skipped."""
    changes = event.changes or {}
    lines = []
    for key, value in (event.data or {}).items():
        spec = DATA_FIELDS.get(key)
        if spec is None or value in (None, "") or (key == "reason" and value == event.reason):
            continue
        label, show, same_as = spec
        if same_as and same_as in changes:
            continue
        if key == "reason" and event.action == "rate":
            show = _text
        shown = show(value, names)
        if shown:
            lines.append(f"{DATA_LABELS.get((key, event.action), label)}：{shown}")
    return lines


# --- rows -------------------------------------------------------------------------------------------------------


def actor_name(event, names: Names) -> str:
    if event.actor_id:
        return names.users.get(event.actor_id, "")
    data = event.data or {}
    if data.get("by_unit"):
        return names.unit(data["by_unit"])
    row = row_for(event.action)
    if row is not None and row.petitioner and data.get("via") in PETITIONER_VIAS:
        return "信访人"
    return "系统"


@functools.cache
def status_labels(target_type: str) -> dict:
    """The labels of the audited row's own ``status`` choices (a petition's, an ownership's, a session's)."""
    if target_type == "petition":
        return dict(Status.choices)
    for model in django_apps.get_models():
        if model._meta.model_name == target_type:
            status = _model_field(model, "status")
            return dict(status.flatchoices) if status is not None and status.choices else {}
    return {}


def status_line(event) -> str:
    if not event.to_status or event.from_status == event.to_status:
        return ""
    labels = status_labels(event.target_type)
    new, old = labels.get(event.to_status), labels.get(event.from_status, "")
    if not new:
        return ""  # a status nobody named is not shown as its code
    return f"状态：{old} → {new}" if old else f"状态：{new}"


def event_lines(event, names: Names) -> tuple[str, ...]:
    lines = [status_line(event)]
    if event.reason:
        lines.append(f"理由：{event.reason}")
    if event.action != "register":  # registration's every column is the page above
        if event.target_type in VALUE_MODELS:
            lines.extend(change_lines(event.changes or {}, names, VALUE_MODELS[event.target_type]))
        elif event.changes:
            lines.append(other_change_line(event.target_type, event.changes))
        lines.extend(data_lines(event, names))
    return tuple(line for line in lines if line)


def history_rows(events: Iterable, names: Names) -> list[Row]:
    return [
        Row(
            at=timezone.localtime(event.at),
            action=action_label(event.action),
            actor=actor_name(event, names) or "系统",
            unit=names.units.get(event.actor_unit_id, "") if event.actor_unit_id else "",
            lines=event_lines(event, names),
        )
        for event in events
    ]


# --- names ------------------------------------------------------------------------------------------------------

UNIT_CODE_KEYS = ("from_unit", "to_unit", "returned_to", "unit", "by_unit", "lead_unit", "supporting_units")
USER_KEYS = ("leader",)


def names_for(events: list) -> Names:
    """Everything the events name: the actors and their units from the events' own joins (the view selects
    them), the rest in one query per kind that occurs."""
    units: dict = {}
    users: dict = {}
    unit_ids, unit_codes, user_ids, category_ids, region_ids, petition_ids = (set() for _ in range(6))
    buckets = {
        OrgUnit: unit_ids,
        User: user_ids,
        Category: category_ids,
        Region: region_ids,
        Petition: petition_ids,
    }
    for event in events:
        _known(event, "actor", users, user_ids, str)
        _known(event, "actor_unit", units, unit_ids, lambda unit: unit.name)
        if event.actor_unit_id and event.actor_unit_id in units:
            units[event.actor_unit.code] = event.actor_unit.name
        data = event.data or {}
        for key in UNIT_CODE_KEYS:
            values = data.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str):
                    unit_codes.add(value)
                elif isinstance(value, int):  # other apps keep the unit's primary key
                    unit_ids.add(value)
        user_ids.update(data.get(key) for key in USER_KEYS)
        model = VALUE_MODELS.get(event.target_type)
        if model is None or event.action == "register":
            continue  # registration's changes are not shown
        for name, values in (event.changes or {}).items():
            model_field = _model_field(model, name)
            if model_field is not None and model_field.is_relation:
                buckets.get(model_field.related_model, set()).update(values)
    unit_ids -= set(units)
    unit_codes -= set(units)
    user_ids -= set(users)
    if unit_ids or unit_codes:
        rows = OrgUnit.objects.filter(models.Q(pk__in=_ids(unit_ids)) | models.Q(code__in=unit_codes))
        for pk, code, name in rows.values_list("pk", "code", "name"):
            units[pk] = units[code] = name
    if _ids(user_ids):
        users.update((user.pk, str(user)) for user in User.objects.filter(pk__in=_ids(user_ids)))
    return Names(
        units=units,
        users=users,
        categories=_lookup(Category, category_ids, lambda category: category.path),
        regions=_lookup(
            Region, region_ids, lambda region: region.full_name, "parent__parent__parent__parent"
        ),
        petitions=_lookup(Petition, petition_ids, lambda petition: petition.registration_number),
    )


def _known(event, relation: str, found: dict, missing: set, name: Callable) -> None:
    """A related row the event's query already joined is named from it; otherwise it is looked up."""
    pk = getattr(event, f"{relation}_id")
    if pk is None:
        return
    if event._meta.get_field(relation).is_cached(event):
        found[pk] = name(getattr(event, relation))
    else:
        missing.add(pk)


def _lookup(model, ids: set, name: Callable, related: str = "") -> dict:
    if not _ids(ids):
        return {}
    rows = model.objects.filter(pk__in=_ids(ids))
    if related:
        rows = rows.select_related(related)
    return {row.pk: name(row) for row in rows}


def _ids(values) -> list[int]:
    return [value for value in values if isinstance(value, int)]
