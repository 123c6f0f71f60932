"""Issuing documents and recording their delivery. Callers are services inside their own transaction.

Public API:

* ``issue(petition, kind, *, unit, actor, at=None, context=None, event=None, files_after_commit=False)
  -> Document``
* ``issue_for_transition(petition, notice_kind, event, actor) -> Document | None`` (the workflow's hook; the
  files are rendered after commit)
* ``issued_on(petition, event=None) -> list[Document]`` (the workflow's hook listing them)
* ``record_delivery(document, method, delivered_at, received_on, actor, *, proof=None, ip_address=None)``,
  ``may_record_delivery(document, user)`` and ``delivered_by_transition`` (the workflow's hook): ``delivery``
* ``save_template(template, actor, changed_fields) -> DocumentTemplate`` and ``check_template(title, body)``
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import TemplateSyntaxError

from xinfang import clock, inputs
from xinfang.audit import services as audit
from xinfang.audit.models import Event
from xinfang.orgs.models import OrgUnit, UnitKind
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_to

from . import files, tasks
from .context import build_context
from .delivery import may_record_delivery, record_delivery
from .models import Document, DocumentKind, DocumentSequence, DocumentStatus, DocumentTemplate
from .rendering import parse, render_html, title_of

# Template fields that change what a document says; editing one of them makes a new template version.
RENDERED_FIELDS = {"title", "body", "number_word"}


# --- numbering -----------------------------------------------------------------------------------------------


def issuer_abbreviation(unit: OrgUnit) -> str:
    """The issuer part of a number: the unit's short name, or for a bureau "上城信访" from 上城区信访局."""
    if unit.short_name:
        return unit.short_name
    if unit.kind == UnitKind.BUREAU:
        region = unit.region.name
        stem = region[:-1] if len(region) > 2 and region[-1] in "省市区县" else region
        return f"{stem}信访"
    return unit.name


def next_number(unit: OrgUnit, word: str, year: int) -> tuple[int, str]:
    """Allocate the next number, e.g. (12, "上城信访〔2026〕受字第12号"), safely under concurrency: the increment
    is one UPDATE (row lock on PostgreSQL, the write lock on SQLite), as for registration numbers."""
    prefix = f"{issuer_abbreviation(unit)}〔{year}〕{word}字"
    try:
        with transaction.atomic():
            DocumentSequence.objects.get_or_create(prefix=prefix)
    except IntegrityError:  # created by a concurrent transaction; it exists now
        pass
    DocumentSequence.objects.filter(prefix=prefix).update(last=F("last") + 1)
    serial = DocumentSequence.objects.get(prefix=prefix).last
    return serial, f"{prefix}第{serial}号"


# --- issuing -------------------------------------------------------------------------------------------------


def _may_see(actor, petition_id) -> bool:
    """Staff act only on petitions they can see; no actor means the system itself (the importer)."""
    if actor is None or not getattr(actor, "pk", None):
        return True
    return visible_to(actor).filter(pk=petition_id).exists()


def _check_may_issue(petition, unit: OrgUnit, actor, context: dict) -> None:
    if not _may_see(actor, petition.pk):
        raise ValidationError({"__all__": ["无权为该信访事项出具文书。"]})
    if petition.petition_class == PetitionClass.ACCUSATION and petition.subject_unit_id:
        # Arts. 30, 46: nothing about an accusation goes to, or comes from, the accused unit.
        subject = petition.subject_unit
        addressed = {context.get("addressee_unit"), context.get("to_unit")}
        if unit.pk == subject.pk or subject.name in addressed:
            raise ValidationError({"__all__": ["检举控告类事项的文书不得由被检举单位出具或送交被检举单位。"]})


def issue(
    petition,
    kind: str,
    *,
    unit: OrgUnit,
    actor,
    at: dt.datetime | None = None,
    context: dict | None = None,
    event=None,
    files_after_commit: bool = False,
) -> Document:
    """Record the Document and its audit row in the caller's transaction: its number, the kind's current
    template filled for this petition (`context` adds to or overrides the built context, see
    context.build_context; `event` is the workflow event whose data fills the notice), and its docx and PDF.

    With `files_after_commit` the files are not rendered here: the document is recorded as 生成中 with its
    filled text, and the worker renders that text after the caller's transaction commits (files.render_files,
    through tasks.render_document), so a transition does not hold the petition's row lock (or SQLite's write
    lock) for the PDF. The download renders it on the spot if the worker has not got to it yet."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": ["文书种类无效。"]})
    template = DocumentTemplate.objects.filter(kind=kind).first()
    if template is None:
        label = DocumentKind(kind).label
        raise ValidationError({"kind": [f"没有“{label}”的文书模板，请系统管理员在后台添加。"]})
    at = at or clock.now()
    year = clock.local_date(at).year
    stored: list[str] = []
    try:
        with transaction.atomic():
            serial, number = next_number(unit, template.number_word, year)
            values = build_context(petition, kind, unit=unit, at=at, event=event, extra=context)
            values.update(number=number, title=template.title)
            _check_may_issue(petition, unit, actor, values)
            markup = render_html(template, values)  # here, so a template error refuses the caller's change
            document = Document(
                petition=petition,
                kind=kind,
                title=template.title,
                number=number,
                year=year,
                serial=serial,
                issuing_unit=unit,
                issued_at=at,
                issued_by=actor if getattr(actor, "pk", None) else None,
                template=template,
                template_version=template.version,
                context=values,
                event=event if isinstance(event, Event) and event.pk else None,
            )
            data = {"kind": kind, "number": number, "template_version": template.version}
            data["markup_sha256"] = hashlib.sha256(markup.encode()).hexdigest()
            if files_after_commit:
                document.status = DocumentStatus.RENDERING
                document.markup = markup
            else:
                stored = files.write_files(document, markup)
                data.update(docx_sha256=document.docx_sha256, pdf_sha256=document.pdf_sha256)
            document.save()
            audit.record(
                action="issue_document", target=document, petition=petition, actor=actor, at=at, data=data
            )
            if files_after_commit:
                # robust: a queue that cannot take the task must not turn a committed action into an
                # error page; the document stays 生成中 and its first download renders it.
                transaction.on_commit(lambda: tasks.render_document(document.pk), robust=True)
    except BaseException:
        for path in stored:  # files of a document that was never recorded
            default_storage.delete(path)
        raise
    return document


def _resolve_unit(value) -> OrgUnit | None:
    """A unit given as an OrgUnit, a primary key (as audit data stores it), a code or a name."""
    if not value:
        return None
    if isinstance(value, OrgUnit):
        return value
    text = str(value)
    if inputs.is_ascii_int(text):
        found = OrgUnit.objects.filter(pk=int(text)).first()
        if found:
            return found
    return OrgUnit.objects.filter(code=text).first() or OrgUnit.objects.filter(name=text).first()


def issue_for_transition(petition, notice_kind: str | None, event, actor) -> Document | None:
    """The workflow's hook after a transition that produces a notice.

    The issuing unit is the event data's ``issuing_unit`` if given, else the unit that acted; the date is
    the event's own time (the importer replays history), and the event's data fills the notice. The number
    and the text are fixed in the transition's transaction; the files are written after it commits.
    """
    if not notice_kind:
        return None
    data = getattr(event, "data", None) or {}
    unit = _resolve_unit(data.get("issuing_unit"))
    unit = unit or getattr(event, "actor_unit", None) or getattr(actor, "unit", None)
    if unit is None:
        raise ValidationError({"__all__": ["无法确定出具文书的单位。"]})
    return issue(
        petition,
        notice_kind,
        unit=unit,
        actor=actor,
        at=getattr(event, "at", None) or clock.now(),
        event=event,
        files_after_commit=True,
    )


def issued_on(petition, event=None) -> list[Document]:
    """The documents issued on ``petition`` (only those ``event`` produced when given), oldest first."""
    documents = Document.objects.filter(petition=petition).select_related("issuing_unit")
    if event is not None:
        documents = documents.filter(event=event)
    return list(documents.order_by("issued_at", "id"))


# --- templates -----------------------------------------------------------------------------------------------


def check_template(title: str, body: str) -> None:
    """Refuse a body that does not compile or has no title, with the reason in Chinese."""
    try:
        markup = render_html(body, {"title": title or "标题", "number": "〔2026〕1号"})
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": [f"模板语法错误：{exc}"]}) from None
    if not title_of(parse(markup)):
        raise ValidationError({"body": ["模板中缺少标题（<h1>…</h1>）。"]})


def save_template(template: DocumentTemplate, actor, changed_fields) -> DocumentTemplate:
    """Save an administrator's edit: a change to what documents say makes a new version, audited."""
    check_template(template.title, template.body)
    with transaction.atomic():
        before = {}
        if template.pk:
            stored = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
            before = audit.snapshot(stored, ["name", "title", "number_word", "body", "version"])
            if RENDERED_FIELDS & set(changed_fields):
                template.version = stored.version + 1
        template.updated_at = clock.now()
        template.updated_by = actor if getattr(actor, "pk", None) else None
        template.save()
        changes = audit.diff(
            before, audit.snapshot(template, ["name", "title", "number_word", "body", "version"])
        )
        if changes:
            audit.record(action="edit_document_template", target=template, actor=actor, changes=changes)
    return template


__all__ = ["issue", "issue_for_transition", "issued_on", "may_record_delivery", "record_delivery"]
