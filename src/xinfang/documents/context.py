"""What a document says: the context its template is filled with, built in one function.

`build_context` reads the petition, its parties and units, and the data of the workflow event that produced
the notice, and returns a JSON-ready dict of display strings (dates already as 2026年10月14日). The same dict is
stored on the Document, so a document can always be shown with exactly what it was rendered from.

The workflow records event data under its own names, which may change as it grows; `ALIASES` maps them to
the template keys, and anything unknown passes through under its own name, so a new datum reaches a template
without a code change here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from xinfang.orgs.models import OrgUnit
from xinfang.petitions import masking
from xinfang.petitions.selectors import visible_repeat_of
from xinfang.workflow.review_bodies import body_of

from .models import DocumentKind
from .rendering import chinese_date

OPINION_LABELS = {
    "support": "予以支持",
    "explain": "解释说明",
    "not_support": "不予支持",
    "mediation_agreement": "达成调解协议",
}

# Regulation Art. 31 (1)–(4) and the workflow's legal-route codes: what the petitioner is told to do, and
# where, unless the event names the body.
LEGAL_ROUTES = {
    "litigation": ("提起诉讼", "有管辖权的人民法院"),
    "procuratorate": ("申请法律监督", "人民检察院"),
    "police": ("报案、控告", "公安机关"),
    "arbitration": ("申请仲裁", "有管辖权的仲裁机构"),
    "party_appeal": ("提出党员申诉", "所在党组织"),
    "administrative_reconsideration": ("申请行政复议", "行政复议机关"),
    "administrative": (
        "申请行政复议，或者申请行政裁决、行政确认、行政许可等行政程序处理",
        "有权处理的行政机关",
    ),
}

# Event data names → template keys. Per kind where a name means different things in different notices.
ALIASES: dict[str, dict[str, str]] = {
    "*": {
        "route": "legal_route",
        "receiving_body": "legal_body",
        "body": "legal_body",
        "reply_text": "opinion_text",
        "text": "opinion_text",
        "findings": "opinion_text",
        "respond_by": "response_date",
    },
    DocumentKind.ACCEPTANCE_NOTICE: {
        "handling_due": "due_date",
        "handling_due_on": "due_date",
        "due": "due_date",
    },
    DocumentKind.TRANSFER_NOTICE: {"unit": "to_unit"},
    DocumentKind.EXTENSION_NOTICE: {
        "days": "extension_days",
        "extra_days": "extension_days",
        "due_date": "new_due_date",
        "due": "new_due_date",
        "handling_due": "new_due_date",
        "new_due_on": "new_due_date",
        "handling_due_on": "new_due_date",
        "previous_due_on": "original_due_date",
    },
    DocumentKind.SUPERVISION_LETTER: {
        "to_unit": "addressee_unit",
        "unit": "addressee_unit",
        "due_date": "response_date",
        "due": "response_date",
    },
}

UNIT_KEYS = {
    "to_unit",
    "from_unit",
    "addressee_unit",
    "review_unit",
    "re_review_unit",
    "legal_body",
    "handling_unit",
}
DATE_KEY = re.compile(r"(_date|_due|_on|^due)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def unit_name(value) -> str:
    """A unit given as an OrgUnit, its code (as the workflow's event data stores it, e.g. "411331-RSJ"), a
    primary key or already as a name. A notice names the unit, never its code."""
    if value is None or value == "":
        return ""
    if isinstance(value, OrgUnit):
        return value.name
    if isinstance(value, int):
        unit = OrgUnit.objects.filter(pk=value).only("name").first()
        return unit.name if unit else str(value)
    text = str(value)
    unit = OrgUnit.objects.filter(code=text).only("name").first()
    if unit is None and text.isdigit():
        unit = OrgUnit.objects.filter(pk=int(text)).only("name").first()
    return unit.name if unit else text


def display(key: str, value: Any) -> Any:
    """A value as the template should print it, JSON-ready."""
    if key in UNIT_KEYS:
        return unit_name(value)
    if isinstance(value, dt.date | dt.datetime):
        return chinese_date(value)
    if isinstance(value, str) and DATE_KEY.search(key) and ISO_DATE.match(value):
        return chinese_date(value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [display(key, item) for item in value]
    if isinstance(value, dict):
        return {k: display(k, v) for k, v in value.items()}
    return str(value)


def _event_data(event) -> dict[str, Any]:
    data = dict(getattr(event, "data", None) or {}) if event is not None else {}
    reason = getattr(event, "reason", "") if event is not None else ""
    if reason and not data.get("reason"):
        data["reason"] = reason
    return data


def _aliased(data: dict[str, Any], kind: str) -> dict[str, Any]:
    aliases = {**ALIASES["*"], **ALIASES.get(kind, {})}
    out: dict[str, Any] = {}
    for key, value in data.items():
        target = aliases.get(key, key)
        # An explicit name wins over an alias for the same key.
        if target not in out or key == target:
            out[target] = value
    return out


def _names(petition) -> list[str]:
    return [party.petitioner.name for party in petition.parties.select_related("petitioner")]


def build_context(
    petition, kind: str, *, unit: OrgUnit, at: dt.datetime, event=None, extra: dict | None = None
) -> dict[str, Any]:
    """The template context of one document. Later sources win: defaults, the event's data, `extra`."""
    names = _names(petition)
    principal = names[0] if names else ""
    people = max(petition.person_count, len(names))
    upper = unit.parent.name if unit.parent_id else ""
    confidential = masking.is_protected(petition)
    context: dict[str, Any] = {
        "kind": kind,
        "kind_label": DocumentKind(kind).label,
        "issuer_name": unit.name,
        "issuer_short_name": unit.short_name or unit.name,
        "issued_date": chinese_date(at),
        "registration_number": petition.registration_number,
        "petitioner_name": principal,
        "petitioner_names": "、".join(names),
        # The salutation: "张三" or, for several people, "张三等5人".
        "addressee": f"{principal}等{people}人" if people > 1 and principal else principal,
        "you": "你们" if people > 1 else "你",
        # What a letter to another unit may say about who petitioned (Arts. 30, 46; process.md §11).
        "petitioner_public": "信访人" if confidential else f"信访人{principal}",
        "person_count": petition.person_count,
        "is_collective": petition.is_collective,
        "received_date": chinese_date(petition.received_at),
        "channel_label": petition.get_channel_display(),
        "petition_class_label": petition.get_petition_class_display(),
        "summary": petition.summary,
        "content": petition.content,
        "receiving_unit": unit_name(petition.receiving_unit),
        "responsible_unit": unit_name(getattr(petition, "responsible_unit", None)),
        "handling_unit": unit.name,
        "upper_unit": upper,
        "track": str(getattr(petition, "track", "ordinary")),
        "reason": "",
    }
    if kind == DocumentKind.ACCEPTANCE_NOTICE:
        simplified = context["track"] == "simplified"
        context["handling_limit"] = "十个工作日" if simplified else "六十日"
        context["due_date"] = chinese_date(getattr(petition, "handling_due_on", None))
    elif kind == DocumentKind.NON_ACCEPTANCE_NOTICE:
        context.update(legal_route=getattr(petition, "legal_route", ""), legal_body="")
    elif kind == DocumentKind.TRANSFER_NOTICE:
        context["to_unit"] = context["responsible_unit"]
    elif kind == DocumentKind.EXTENSION_NOTICE:
        context.update(
            extension_days=getattr(petition, "extension_days", None) or 30,
            original_due_date="",
            new_due_date=chinese_date(getattr(petition, "handling_due_on", None)),
        )
    elif kind in (DocumentKind.HANDLING_OPINION, DocumentKind.REVIEW_OPINION, DocumentKind.RE_REVIEW_OPINION):
        opinion = getattr(petition, "reply_opinion", "") if kind == DocumentKind.HANDLING_OPINION else ""
        context.update(opinion=opinion, opinion_text="", review_days=30, hearing_held=False)
        if kind == DocumentKind.HANDLING_OPINION:
            # A letter to the leader's mailbox is answered under that leader's name (the signature block).
            context["addressed_leader"] = petition.addressed_leader_line
        # Whose decision is appealed: the handler's for a review; for a re-review the reviewer's, which only
        # the event can name.
        original = "" if kind == DocumentKind.RE_REVIEW_OPINION else context["responsible_unit"]
        context.update(original_unit=original, request_date="", request_text="")
        # Where the petitioner may appeal, and who speaks in a review's opinion, named by the one function
        # that names review bodies (the government and its review office, process.md §4). The issuing unit
        # is the one appealed against: the body above it reviews (re-reviews) it.
        appeal = body_of(unit.parent)
        key = "review_unit" if kind == DocumentKind.HANDLING_OPINION else "re_review_unit"
        context[key] = appeal.name if appeal else "上一级机关、单位"
        if kind != DocumentKind.HANDLING_OPINION:
            context["issuer_name"] = body_of(unit).name
    elif kind == DocumentKind.NO_REACCEPTANCE_NOTICE:
        # Read as the issuing unit's staff would: never the number of a petition hidden from them.
        earlier = visible_repeat_of(petition, unit)
        context["earlier_registration_number"] = earlier.registration_number if earlier else ""
        context["earlier_received_date"] = chinese_date(earlier.received_at) if earlier else ""
    elif kind == DocumentKind.SUPERVISION_LETTER:
        context.update(addressee_unit=context["responsible_unit"], response_date="", requirements="")

    for source in (_aliased(_event_data(event), kind), _aliased(extra or {}, kind)):
        for key, value in source.items():
            if value is not None and value != "":
                context[key] = display(key, value)

    opinion = context.get("opinion")
    if opinion:
        # Templates test the code; accept the label too, as a person may have typed it.
        codes = {label: code for code, label in OPINION_LABELS.items()}
        context["opinion"] = codes.get(opinion, opinion)
        context["opinion_label"] = OPINION_LABELS.get(context["opinion"], opinion)
    route = context.get("legal_route")
    if route in LEGAL_ROUTES:
        action, body = LEGAL_ROUTES[route]
        context["legal_route"] = action
        context["legal_body"] = context.get("legal_body") or body
    return context
