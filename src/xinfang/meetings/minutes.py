"""Meeting minutes (会议纪要) as docx and PDF: the meeting, each item the reader may see, its decisions (lead and
supporting units, action, deadline) and where it was sent up. Written as the small block markup that
`documents.rendering` reads, so the minutes share the notices' layout and CJK fonts; rendered on request and
not stored, since they change while decisions are carried out."""

from __future__ import annotations

from html import escape

from xinfang.documents import rendering
from xinfang.petitions.selectors import visible_to

from .models import AgendaItem, JointMeeting

FORMATS = ("docx", "pdf")


def items_shown_to(user, meeting: JointMeeting) -> list[AgendaItem]:
    """The meeting's items less those about a petition the user may not see: an accusation never reaches the
    accused unit, neither on the page nor in the minutes."""
    visible = set(visible_to(user).filter(meeting_items__meeting=meeting).values_list("pk", flat=True))
    items = meeting.items.select_related("petition", "dispute", "taken_up_as").prefetch_related(
        "decisions__lead_unit", "decisions__supporting_units"
    )
    return [item for item in items if item.petition_id is None or item.petition_id in visible]


def _subject(item: AgendaItem) -> str:
    if item.petition_id:
        return f"信访事项{item.petition.registration_number}"
    if item.dispute_id:
        return f"矛盾纠纷“{item.dispute.title}”"
    return ""


def taken_up(item: AgendaItem) -> AgendaItem | None:
    """The county meeting's item that continues this one, if the county meeting has taken it up."""
    try:
        return item.taken_up_as
    except AgendaItem.DoesNotExist:
        return None


def _decision_line(decision) -> str:
    supporting = "、".join(u.name for u in decision.supporting_units.all())
    parts = [f"议定：{decision.action}", f"牵头单位：{decision.lead_unit.name}"]
    if supporting:
        parts.append(f"配合单位：{supporting}")
    parts.append(f"办理时限：{rendering.chinese_date(decision.deadline)}")
    if decision.done_on:
        parts.append(f"{rendering.chinese_date(decision.done_on)}落实：{decision.done_note}")
    return "；".join(parts) + "。"


def _item_paragraphs(item: AgendaItem) -> list[str]:
    lines = []
    subject = _subject(item)
    origin = "下级联席会议提请" if item.escalated_from_id else ""
    if subject:
        lines.append(f"涉及{subject}" + (f"（{origin}）" if origin else "") + "。")
    elif origin:
        lines.append(f"{origin}。")
    lines.extend(_decision_line(d) for d in item.decisions.all())
    if item.escalated_to:
        lines.append(f"提请{item.get_escalated_to_display()}研究，理由：{item.escalation_reason}。")
        upper = taken_up(item)
        if upper is not None:
            note = f"，{upper.settled_note}" if upper.settled_note else ""
            lines.append(f"{item.get_escalated_to_display()}办理情况：{upper.get_status_display()}{note}。")
    if item.escalation_outcome:
        lines.append(f"研究结果：{item.escalation_outcome}。")
    elif item.settled_note:
        lines.append(f"化解情况：{item.settled_note}。")
    lines.append(f"办理状态：{item.get_status_display()}。")
    return lines


def markup(meeting: JointMeeting, items: list[AgendaItem]) -> str:
    """The minutes as block markup (see documents.rendering.ROLES_BY_TAG)."""
    out = [f"<h1>{escape(meeting.title)}纪要</h1>"]
    out.append(
        f"<p>{rendering.chinese_date(meeting.held_on)}，{escape(meeting.unit.name)}召集召开"
        f"{escape(meeting.get_level_display())}（{escape(meeting.get_kind_display())}）。"
        f"参会单位和领导：{escape(meeting.attendees)}。会议研究了{rendering.chinese_number(len(items))}项议题，纪要如下。</p>"
    )
    if meeting.minutes:
        out.append(f"<p>{escape(meeting.minutes)}</p>")
    for n, item in enumerate(items, 1):
        out.append(f"<h2>{rendering.chinese_number(n)}、{escape(item.summary)}</h2>")
        out.extend(f"<p>{escape(line)}</p>" for line in _item_paragraphs(item))
    out.append(f'<div class="signature"><p>{escape(meeting.unit.name)}</p>')
    out.append(f"<p>{rendering.chinese_date(meeting.held_on)}</p></div>")
    return "\n".join(out)


def render(user, meeting: JointMeeting, fmt: str) -> bytes:
    body = markup(meeting, items_shown_to(user, meeting))
    if fmt == "docx":
        return rendering.to_docx(body, author=meeting.unit.name)
    return rendering.to_pdf(body)
