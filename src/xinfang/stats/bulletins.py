"""Bulletins (通报, process.md §9): the daily bulletin (日通报), the weekly brief (信访要情) and the monthly
bulletin, rendered from editable templates to docx and PDF with the documents app's renderer.

`build_context(kind, unit, period)` gathers the figures (the same metrics, tables and sentences as the
dashboard) into display strings; `issue(kind, unit, period, actor)` renders, stores and records the
bulletin. Issuing again for the same period replaces the files and keeps the serial number.

Accusations (检举控告) never show their content in a bulletin: bulletins circulate among units, and one of
them may be the accused (Arts. 30, 46).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.safestring import SafeString

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.deadlines import services as deadline_rules
from xinfang.documents.rendering import chinese_date, render_html, to_docx, to_pdf
from xinfang.leaders import bulletin as ownership_notes
from xinfang.meetings import tracking as meeting_tracking
from xinfang.orgs.models import Level, OrgUnit, Region, UnitKind
from xinfang.petitions.models import OPEN_STATUSES, Channel, Petition, PetitionClass
from xinfang.replica import reads_from_replica
from xinfang.supervision.selectors import supervision_counts
from xinfang.workflow.selectors import petition_colour

from . import assessment as assessment_service
from . import hotspots, report, sentences
from .campaign_bulletin import campaign_context
from .default_templates import TEMPLATES
from .metrics import Ctx, readable
from .models import Bulletin, BulletinKind, BulletinTemplate, StatisticsPolicy, bulletin_path
from .periods import Kind, Period, comparison
from .reception_bulletin import reception_context
from .scope import Scope
from .sentences import SKIP_LEVEL_NAMES, percent_text
from .tables import active_rows, unit_table
from .targets import evaluations
from .volumes import Count2, Volume, volume, volume_by_issue_region, volume_filter, volume_petitions

LIST_LIMIT = 100  # petitions listed per section; the counts always cover all of them
LEVEL_TAGS = {Level.NATIONAL: "进京", Level.PROVINCE: "赴省", Level.CITY: "到市"}


def _summary(p: Petition) -> str:
    if p.petition_class == PetitionClass.ACCUSATION:
        return "检举控告类事项（内容保密）"
    return p.summary


def petition_line(p: Petition, with_level: bool = False, owners: dict | None = None) -> str:
    due = p.next_due_on or p.handling_due_on
    parts = [f"{p.registration_number}，{_summary(p)}（{p.person_count}人）"]
    if with_level:
        level = (
            p.visit_level if p.channel == Channel.VISIT and p.visit_level in LEVEL_TAGS else p.source_level
        )
        if level in LEVEL_TAGS:
            parts[0] = f"【{LEVEL_TAGS[level]}】" + parts[0]
    parts.append(f"责任单位：{p.responsible_unit.name if p.responsible_unit_id else '待分类处理'}")
    if due:
        parts.append(f"期限：{chinese_date(due)}")
    if owners and p.pk in owners:
        parts.append(owners[p.pk])  # seed 003: each case with its owning leader and time limit
    return "，".join(parts)


def _lines(qs, with_level: bool = False) -> list[str]:
    petitions = list(qs.select_related("responsible_unit")[:LIST_LIMIT])
    owners = ownership_notes.owner_notes(p.pk for p in petitions)
    return [petition_line(p, with_level, owners) for p in petitions]


def red_and_yellow(scope: Scope, ctx: Ctx) -> tuple[list[Petition], list[Petition]]:
    """Open petitions whose next duty is overdue (red) or about to fall due (yellow), by the colour rules,
    as of the context's day and among those its reader may see."""
    today = ctx.today
    rules = deadline_rules.get_rules()
    horizon = today + dt.timedelta(days=max(rules.yellow_days, 15))
    candidates = (
        Petition.objects.filter(
            scope.petition_q(), readable(ctx), status__in=OPEN_STATUSES, next_due_on__lte=horizon
        )
        .select_related("responsible_unit")
        .order_by("next_due_on", "id")
    )
    red, yellow = [], []
    for p in candidates.iterator(chunk_size=500):
        colour = petition_colour(p, today)
        if colour == deadline_rules.Colour.RED:
            red.append(p)
        elif colour == deadline_rules.Colour.YELLOW:
            yellow.append(p)
    return red, yellow


def _base(kind: str, unit: OrgUnit, period: Period, serial: int, title: str, today: dt.date) -> dict:
    return {
        "kind": kind,
        "issuer": unit.name,
        "title": title,
        "number": f"{period.start.year}年第{serial}期",
        "serial": serial,
        "period_label": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "issued_on": today.isoformat(),
        "as_of": today.isoformat(),
        "region": unit.region.name,
    }


def daily_context(unit: OrgUnit, period: Period, today: dt.date) -> dict:
    scope = Scope(region=unit.region)
    ctx = Ctx(period, today, StatisticsPolicy.current(), reader_unit_id=unit.pk)
    received = volume_petitions(scope, ctx)
    counts = volume(scope, ctx)
    skip_level = received.filter(volume_filter("skip_level")).order_by("received_at", "id")
    others = received.exclude(volume_filter("skip_level"))
    online_letter_phone = others.exclude(channel=Channel.VISIT).order_by("received_at", "id")
    local_visits = others.filter(channel=Channel.VISIT).order_by("received_at", "id")
    red, yellow = red_and_yellow(scope, ctx)
    owners = ownership_notes.owner_notes(p.pk for p in [*red[:LIST_LIMIT], *yellow[:LIST_LIMIT]])
    figures = report.Figures(scope, ctx, counts, {}, 0)
    visits = counts.by_channel.get(Channel.VISIT, Count2())
    skip_level_parts = "、".join(
        f"{SKIP_LEVEL_NAMES[level]}{c.batches}批{c.persons}人"
        for level, c in counts.skip_level_visits.items()
        if c.batches
    )
    summary = (
        f"{period.label}，{sentences.whole_of(figures)}共登记信访{counts.total.batches}批{counts.total.persons}人次，"
        f"其中越级访{counts.skip_level.batches}批{counts.skip_level.persons}人次"
        + (f"（{skip_level_parts}）" if skip_level_parts else "")
        + f"，网信电访{counts.total.batches - visits.batches}批次，来访{visits.batches}批{visits.persons}人次。"
    )
    return {
        "summary": summary,
        "skip_level": _lines(skip_level, with_level=True),
        "online_letter_phone": _lines(online_letter_phone),
        "local_visits": _lines(local_visits),
        "red": [petition_line(p, owners=owners) for p in red[:LIST_LIMIT]],
        "yellow": [petition_line(p, owners=owners) for p in yellow[:LIST_LIMIT]],
        "red_count": len(red),
        "yellow_count": len(yellow),
        **ownership_notes.ownership_section(unit.region, period.start, period.end, today),
        "surge_lines": surge_lines(scope, ctx, Kind.WEEK),
    }


def surge_lines(scope: Scope, ctx: Ctx, kind: str) -> list[str]:
    """The surging category × township cells of the week (or month) holding the bulletin's last day."""
    return [cell.sentence for cell in hotspots.hotspots(scope, ctx).surges(kind)]


def _composite(row) -> float | None:
    values = [row.rates[k].percent for k in ("timely_acceptance", "on_time_conclusion", "satisfaction.unit")]
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def unit_lines(scope: Scope, ctx: Ctx) -> list[str]:
    """One line per unit with anything due, ordered by the mean of its three rates (best first)."""
    rows = [r for r in active_rows(unit_table(scope, ctx)) if r.unit.kind != UnitKind.BUREAU]
    rows.sort(key=lambda r: (_composite(r) is None, -(_composite(r) or 0), r.unit.code))
    lines = []
    for position, row in enumerate(rows, start=1):
        parts = []
        for key, label in (
            ("timely_acceptance", "及时受理率"),
            ("on_time_conclusion", "按期办结率"),
            ("participation.unit", "参评率"),
            ("satisfaction.unit", "满意率"),
        ):
            rate = row.rates[key]
            if rate.denominator:
                parts.append(f"{label}{percent_text(rate.percent)}（{rate.numerator}/{rate.denominator}）")
        detail = "，".join(parts) if parts else "无到期应办事项"
        lines.append(
            f"{position}. {row.unit.name}：信访{row.volume.batches}批{row.volume.persons}人次，{detail}。"
        )
    return lines


def _hot_categories(volume: Volume) -> str:
    top = sorted(((c.batches, name) for name, c in volume.by_category.items() if c.batches), reverse=True)[:5]
    if not top:
        return "本期无信访事项。"
    return "信访反映较多的问题依次为：" + "、".join(f"{name}{n}批" for n, name in top) + "。"


def _hot_regions(scope: Scope, ctx: Ctx) -> str:
    region = scope.region
    child_length = {Level.COUNTY: 9, Level.CITY: 6, Level.PROVINCE: 6, Level.TOWNSHIP: 12}.get(
        region.level, 6
    )
    by_area = volume_by_issue_region(scope, ctx, child_length)
    names = dict(Region.objects.filter(code__in=list(by_area)).values_list("code", "name"))
    top = sorted(
        ((c.batches, code) for code, c in by_area.items() if c.batches and code in names), reverse=True
    )[:5]
    if not top:
        return "问题属地分布：无。"
    return "问题属地相对集中的是：" + "、".join(f"{names[code]}{n}批" for n, code in top) + "。"


def _supervision_lines(scope: Scope, ctx: Ctx) -> list[str]:
    ids = set(scope.unit_ids)
    counts = supervision_counts(ctx.period.start, ctx.period.end, reader_unit_id=ctx.reader_unit_id)
    rows = [row for row in counts if row["unit_id"] in ids]
    if not rows:
        return ["本期未发出督办。"]
    total = sum(r["opened"] for r in rows)
    lines = [f"本期共督办{total}件："]
    for r in rows:
        lines.append(
            f"{r['unit__name']}督办{r['opened']}件，已反馈{r['answered']}件，按期反馈{r['answered_on_time']}件。"
        )
    return lines


def assessment_lines(unit: OrgUnit, period: Period, today: dt.date) -> tuple[list[str], list[str]]:
    scheme = assessment_service.active_scheme(unit.region, period.start)
    if scheme is None:
        return [], []
    run = assessment_service.assess(scheme, unit.region, period.start, today)
    scores = list(run.scores.select_related("unit").order_by("group", "rank", "unit__code"))
    group_names = {
        "township": "乡镇（街道）",
        "department": "县直部门",
        "bureau": "信访部门",
        "village": "村（社区）",
    }
    lines, streaks = [], []
    for group in dict.fromkeys(s.group for s in scores):
        ranked = [s for s in scores if s.group == group]
        lines.append(
            f"{group_names.get(group, group)}："
            + "，".join(f"第{s.rank}名{s.unit.name}（{s.total}分）" for s in ranked)
            + "。"
        )
    for s in scores:
        if s.top_streak:
            streaks.append(
                f"{s.unit.name}连续{scheme.top_streak_months}个月排名前{scheme.top_positions}名，予以通报表扬。"
            )
        if s.bottom_streak:
            streaks.append(f"{s.unit.name}连续{scheme.bottom_streak_months}个月排名末位，予以通报批评。")
    return lines, streaks


def periodic_context(kind: str, unit: OrgUnit, period: Period, today: dt.date) -> dict:
    scope = Scope(region=unit.region)
    ctx = Ctx(period, today, StatisticsPolicy.current(), reader_unit_id=unit.pk)
    figures = report.figures(scope, ctx)
    year_before = report.figures(
        scope, replace(ctx, period=comparison(period, today).year_before), heavy=False
    )
    red, _ = red_and_yellow(scope, ctx)
    data = {
        "summary_paragraphs": sentences.work_report(figures, year_before),
        "unit_lines": unit_lines(scope, ctx),
        "red": [petition_line(p) for p in red[:LIST_LIMIT]],
        "red_count": len(red),
        "supervision_lines": _supervision_lines(scope, ctx),
        "hot_categories": _hot_categories(figures.volume),
        "hot_regions": _hot_regions(scope, ctx),
        "surge_lines": surge_lines(scope, ctx, Kind.MONTH if kind == BulletinKind.MONTHLY else Kind.WEEK),
        "assessment_lines": [],
        "streak_lines": [],
        "meeting_overdue_count": 0,
        "meeting_overdue_lines": [],
        "meeting_frequency_lines": [],
        "target_lines": [],
    }
    if kind == BulletinKind.MONTHLY:
        # Targets of the year, actual against the month's decomposed target (stats.targets).
        as_of = min(period.end, today)
        data["target_lines"] = [e.sentence() for e in evaluations(scope, as_of, period.start.year, unit.pk)]
        data["assessment_lines"], data["streak_lines"] = assessment_lines(unit, period, today)
        # Joint meetings (seed 000): decisions overdue, and units below the meeting-frequency rule.
        data.update(
            meeting_tracking.bulletin_lines(unit.region.prefix, period.start.year, period.start.month, today)
        )
    return data


# The bulletins of a week (Monday to Sunday): issued by default for the week before.
WEEKLY_KINDS = (BulletinKind.WEEKLY, BulletinKind.RECEPTION, BulletinKind.CAMPAIGN)


def default_period(kind: str, today: dt.date) -> Period:
    """Yesterday, last week or last month: what a scheduled bulletin issued today covers."""
    if kind == BulletinKind.DAILY:
        return Period.day(today - dt.timedelta(days=1))
    if kind in WEEKLY_KINDS:
        return Period.week(today - dt.timedelta(days=7))
    return Period.of("month", today.replace(day=1) - dt.timedelta(days=1))


def template_for(kind: str) -> BulletinTemplate:
    template = BulletinTemplate.objects.filter(kind=kind).first()
    if template is None:  # deleted by an administrator: fall back to the shipped text
        title, body = TEMPLATES[kind]
        template = BulletinTemplate(kind=kind, title=title, body=body)
    return template


def html_of(bulletin: Bulletin):
    """The bulletin as the inbox shows it, rendered now: Django renders the stored context into the
    administrators' template autoescaped, and the result is a SafeString."""
    return render_html(template_for(bulletin.kind), bulletin.context)


def delivered_html(bulletin: Bulletin):
    """The text the leaders were sent (kept at the first send), or, for a bulletin sent before it was kept, the
    current rendering. The stored text is that autoescaped rendering, so it is markup again, not input."""
    if not bulletin.delivered_html:
        return html_of(bulletin)
    return SafeString(bulletin.delivered_html)  # nosec B703 (our own autoescaped rendering, never user input)


def _serial(kind: str, unit: OrgUnit, period: Period) -> tuple[Bulletin | None, int]:
    existing = Bulletin.objects.filter(
        kind=kind, issuing_unit=unit, region=unit.region, period_start=period.start, period_end=period.end
    ).first()
    if existing is not None:
        return existing, existing.serial
    last = Bulletin.objects.filter(
        kind=kind, issuing_unit=unit, period_start__year=period.start.year
    ).aggregate(last=Max("serial"))["last"]
    return None, (last or 0) + 1


def build_context(kind: str, unit: OrgUnit, period: Period, serial: int, today: dt.date) -> dict:
    template = template_for(kind)
    context = _base(kind, unit, period, serial, template.title, today)
    if kind == BulletinKind.DAILY:
        context.update(daily_context(unit, period, today))
    elif kind == BulletinKind.RECEPTION:
        context.update(reception_context(unit, period, today))
    elif kind == BulletinKind.CAMPAIGN:
        context.update(campaign_context(unit, period, today))
    else:
        context.update(periodic_context(kind, unit, period, today))
    return context


def render(kind: str, context: dict, *, issued_at: dt.datetime, author: str) -> tuple[bytes, bytes]:
    markup = render_html(template_for(kind), context)
    return to_docx(markup, issued_at=issued_at, author=author), to_pdf(markup)


# The monthly bulletin stores the month's assessment run as it counts, then reads the scores back: all on the
# primary. The other kinds only read, and may read the replica.
REPLICA_KINDS = frozenset(BulletinKind.values) - {BulletinKind.MONTHLY}


def issue(kind: str, unit: OrgUnit, period: Period | None = None, actor=None) -> Bulletin:
    """Render and store a bulletin of `unit`'s jurisdiction for `period` (default: the scheduled one)."""
    if kind not in BulletinKind.values:
        raise ValidationError({"kind": ["通报种类无效。"]})
    if unit.kind not in (UnitKind.BUREAU, UnitKind.LEADERSHIP):
        raise ValidationError({"unit": ["只有信访部门可以编发通报。"]})
    now = clock.now()
    today = clock.local_date(now)
    period = period or default_period(kind, today)
    counted = None
    if kind in REPLICA_KINDS:
        # The figures before the transaction, so they may come from the replica (xinfang.replica).
        with reads_from_replica():
            counted_serial = _serial(kind, unit, period)[1]
            counted = counted_serial, build_context(kind, unit, period, counted_serial, today)
    stored: list[str] = []
    try:
        with transaction.atomic():
            existing, serial = _serial(kind, unit, period)
            if counted is not None and counted[0] == serial:
                context = counted[1]
            else:  # the monthly one, or another issue came in between: counted here, on the primary
                context = build_context(kind, unit, period, serial, today)
            docx, pdf = render(kind, context, issued_at=now, author=unit.name)
            bulletin = existing or Bulletin(
                kind=kind,
                issuing_unit=unit,
                region=unit.region,
                period_start=period.start,
                period_end=period.end,
                serial=serial,
            )
            old_files = [bulletin.docx.name, bulletin.pdf.name] if existing else []
            bulletin.title = context["title"]
            bulletin.issued_at = now
            bulletin.issued_by = actor if getattr(actor, "pk", None) else None
            bulletin.context = context
            bulletin.docx_sha256 = hashlib.sha256(docx).hexdigest()
            bulletin.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            for field, content in (("docx", docx), ("pdf", pdf)):
                stored.append(default_storage.save(bulletin_path(bulletin, field), ContentFile(content)))
                setattr(bulletin, field, stored[-1])
            bulletin.save()
            audit.record(
                action="issue_bulletin",
                target=bulletin,
                actor=actor,
                at=now,
                data={
                    "kind": kind,
                    "serial": serial,
                    "period": [period.start, period.end],
                    "reissue": bool(existing),
                },
            )
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    for path in old_files:
        if path and path not in stored:
            default_storage.delete(path)
    return bulletin


def scheduled_units():
    """Bureaus that get scheduled bulletins: active county and city bureaus with active staff."""
    return (
        OrgUnit.objects.filter(
            kind=UnitKind.BUREAU,
            is_active=True,
            region__level__in=[Level.COUNTY, Level.CITY],
            users__is_active=True,
        )
        .distinct()
        .select_related("region")
        .order_by("code")
    )


def issue_scheduled(kind: str) -> list[Bulletin]:
    return [issue(kind, unit) for unit in scheduled_units()]


__all__ = ["build_context", "default_period", "issue", "issue_scheduled", "render"]
