"""Statistics in the workbench: the dashboard, the per-unit table, drill-down lists, exports, bulletins and
the assessment. A page parses its query (`query`), which checks the scope against the user's jurisdiction,
asks for the figures (`report`, `tables`, `rates`, `volumes`), has `presenters` arrange them, and renders;
every figure links to the list of petitions behind it.

Scope rule: a bureau or leadership user sees its region and every unit in it; anyone else only its own unit
(a township sees its own figures). Another scope is refused with 403.

The figures, drill-down lists and xlsx exports read from the replica when one is configured and usable
(`xinfang.replica`; the identity export's audited transaction reads the primary). Reading never writes: the assessment page shows the stored run of a month, or a computed, unsaved preview;
storing one is a POST by a bureau leader, supervisor or administrator.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from xinfang import clock, inputs
from xinfang.accounts import reauth
from xinfang.audit import services as audit
from xinfang.campaigns import services as campaign_services
from xinfang.campaigns.models import AssigningBody
from xinfang.http import client_ip
from xinfang.meetings import services as meetings
from xinfang.orgs.models import Level, Role
from xinfang.petitions import masking
from xinfang.petitions.models import Petition, PetitionParty
from xinfang.petitions.selectors import visible_to
from xinfang.replica import reads_from_replica

from . import assessment as assessment_service
from . import bulletins as bulletin_service
from . import (
    exports,
    hotspot_campaign,
    hotspots,
    jurisdictions,
    panels,
    presenters,
    report,
    slice_bar,
    target_panels,
)
from .models import AssessmentRun, Bulletin, BulletinKind
from .periods import KIND_LABELS, KINDS, Kind, Period, comparison
from .query import StatsQuery, parse_date, parse_query, scope_choices
from .rates import RATES, petitions_behind
from .scope import Scope
from .sentences import base_comparison, work_report
from .tables import RATE_COLUMNS, active_rows, sections, unit_table
from .volumes import volume_petitions

DRILL_PAGE_SIZE = 100
DRILL_ORDER = ("-received_at", "-id")
DRILL_IDS_MAX = (
    50_000  # a drill-down of at most this many petitions is counted and paged from their ids (~0.4 MB)
)
MANAGE_ROLES = (Role.BUREAU_LEADER, Role.ADMIN, Role.SUPERVISOR, Role.REGISTRAR, Role.HANDLER)
ASSESS_ROLES = (Role.BUREAU_LEADER, Role.ADMIN, Role.SUPERVISOR)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _base_context(request, q: StatsQuery) -> dict:
    return {
        "q": q,
        # Computed only by a page that renders the picker (the template calls it): a province's 5,160 units
        # were most of a drill-down list's time, which shows no picker (bench/results, province shape).
        "scope_choices": partial(scope_choices, request.user),
        "current_scope": q.scope.query,
        "period_kinds": [(k, KIND_LABELS[k]) for k in KINDS if k != Kind.RANGE],
    }


# --- dashboard, unit table and drill-down ----------------------------------------------------------------------


def _jurisdiction_table(request, q: StatsQuery):
    """The scope's lower jurisdictions ranked by `rank_by` (None for a unit or a county)."""
    rank_by = request.GET.get("rank_by") or jurisdictions.DEFAULT_RANK_BY
    if rank_by not in jurisdictions.FIGURES:
        raise BadRequest("排名指标无效。")
    return jurisdictions.jurisdiction_table(q.scope, q.ctx, rank_by)


@login_required
@require_GET
@reads_from_replica()
def dashboard(request):
    q = parse_query(request)
    lower = _jurisdiction_table(request, q)
    figures, year_before, previous = report.figures_with_comparison(q.scope, q.ctx)
    base = report.figures_of_base(q.scope, q.ctx, q.base) if q.base else None
    panel_data = panels.panel_figures(q, figures)
    if request.GET.get("format") == "xlsx":
        content = exports.figures_workbook(figures, panel_data)
        return _xlsx(content, f"{q.scope.name}{q.period.label}信访统计.xlsx")
    # Above a county the lower jurisdictions are ranked side by side (`lower`); the unit table keeps to the
    # scope's own level: a province's 5,000 units made a page of 20,000 cells (bench/results, province shape).
    own_level = lower is not None
    rows = active_rows(unit_table(q.scope, q.ctx, own_level=own_level)) if q.scope.region is not None else []
    context = _base_context(request, q) | {
        "figures": figures,
        "volume_cards": presenters.volume_cards(q, figures, year_before, previous, base),
        "visit_levels": presenters.visit_levels(q, figures),
        "rate_cards": presenters.rate_cards(q, figures, year_before, previous, base),
        "rows": rows,
        "own_level": own_level,
        "comparison": comparison(q.period, q.today),
        "unit_sections": sections(rows),
        "rate_columns": RATE_COLUMNS,
        "unit_links": presenters.unit_links(q, rows),
        "paragraphs": work_report(figures, year_before)
        + ([base_comparison(figures, base) + "。"] if base else []),
        "chart_data": presenters.chart_data(q, figures, rows)
        | {"targets": target_panels.target_chart(panel_data)},
        "target_cards": target_panels.target_cards(panel_data),
        "indicator_cards": target_panels.indicator_cards(panel_data, q),
        "backlog_open": presenters.backlog_open(figures),
        "leaders_panel": panels.leader_panel(q, panel_data),
        "mechanisms_panel": panels.mechanism_panel(q, panel_data),
        "referred_panel": panels.referred_panel(q, panel_data),
        "hotspots": hotspots.hotspots(q.scope, q.ctx),
        "recurring": [
            (c, hotspot_campaign.meeting_url(c) if meetings.may_convene(request.user) else "")
            for c in hotspots.recurring(q.scope, q.ctx)
        ],
        "campaign_url": q.url("stats:hotspot_campaign") if campaign_services.can_manage(request.user) else "",
        "assigning_bodies": AssigningBody.choices,
        "xlsx_url": q.url("stats:dashboard", format="xlsx"),
        "units_xlsx_url": q.url("stats:units"),
        "slice_bar": slice_bar.bar(q),
        "lower": lower,
        "lower_rows": presenters.jurisdiction_rows(q, lower) if lower else [],
        "lower_figures": jurisdictions.figure_choices(),
        "lower_rate_labels": [RATES[k].label for k in presenters.JURISDICTION_RATE_COLUMNS],
        "lower_xlsx_url": q.url("stats:jurisdictions", rank_by=lower.rank_by) if lower else "",
    }
    return render(request, "stats/dashboard.html", context)


@login_required
@require_GET
@reads_from_replica()
def lower_jurisdictions(request):
    """The 下级辖区 table as xlsx, in the order the dashboard shows it."""
    q = parse_query(request)
    lower = _jurisdiction_table(request, q)
    if lower is None:
        raise PermissionDenied("下级辖区对比表只在县级以上辖区范围内提供。")
    title = f"{q.scope.name}下级辖区信访情况（{q.period.label}）"
    return _xlsx(exports.jurisdiction_workbook(lower, title), f"{title}.xlsx")


@login_required
@require_GET
@reads_from_replica()
def units(request):
    """The per-unit table as xlsx (the dashboard shows the same rows)."""
    q = parse_query(request)
    if q.scope.region is None:
        raise PermissionDenied("各单位对比表只在辖区范围内提供。")
    rows = active_rows(unit_table(q.scope, q.ctx))
    title = f"{q.scope.name}各单位信访事项办理情况（{q.period.label}）"
    return _xlsx(exports.unit_table_workbook(rows, title, exports.slice_note(q.slice)), f"{title}.xlsx")


def drill_queryset(q: StatsQuery, request):
    """The petitions behind one figure (`metric=KEY&part=...`, `panel=KEY` or `volume=KEY&value=...`), and its
    title."""
    metric, volume, panel = request.GET.get("metric"), request.GET.get("volume"), request.GET.get("panel")
    if request.GET.get("figure"):  # a target's or creation indicator's figure (stats.targets.FIGURES)
        try:
            part, area = request.GET.get("part", "numerator"), request.GET.get("area")
            return target_panels.figure_drill(q, request.GET["figure"], part, area)
        except KeyError:
            raise Http404("统计项无效。") from None
    if panel:
        try:
            return panels.panel_petitions(q, panel)
        except (ValueError, KeyError):
            raise Http404("统计项无效。") from None
    if metric:
        defn = RATES.get(metric) or panels.SETTLEMENT_METRICS.get(metric)
        part = request.GET.get("part", "denominator")
        if defn is None or part not in ("numerator", "denominator"):
            raise Http404("统计项无效。")
        return petitions_behind(defn, q.scope, q.ctx, part), presenters.rate_part_label(defn, part)
    key, value = volume or "total", request.GET.get("value") or None
    try:
        qs = volume_petitions(q.scope, q.ctx, key, value)
    except ValueError:
        raise Http404("统计项无效。") from None
    return qs, presenters.volume_label(key, value)


def _page_url(request, **changes) -> str:
    return f"{request.path}?{urlencode({**request.GET.dict(), **changes})}"


def _shown(qs):
    """The drill-down's petitions with what its page and xlsx show of each, newest first."""
    parties = PetitionParty.objects.select_related("petitioner").order_by("position", "id")
    qs = qs.select_related("category", "issue_region", "responsible_unit")
    return qs.prefetch_related(Prefetch("parties", queryset=parties)).order_by(*DRILL_ORDER)


def _drill_page(visible, number):
    """Page `number` of the drill-down list, its paginator's count the figure's total. Up to `DRILL_IDS_MAX`
    petitions, one query lists their ids in the page's order and the page's rows are read by id: a count and
    a page would each read the figure's rows (a province's month of deadlines and their petitions) again.
    A larger figure is counted and paged by the database as usual."""
    ids = list(visible.order_by(*DRILL_ORDER).values_list("pk", flat=True)[: DRILL_IDS_MAX + 1])
    if len(ids) > DRILL_IDS_MAX:
        return Paginator(_shown(visible), DRILL_PAGE_SIZE).get_page(number)
    page = Paginator(ids, DRILL_PAGE_SIZE).get_page(number)
    # By id alone: these ids came from `visible`, and the figure's filters would be planned over again.
    by_id = {p.pk: p for p in _shown(Petition.objects.filter(pk__in=list(page.object_list)))}
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    return page


@login_required
@require_GET
@reads_from_replica()
def petitions(request):
    q = parse_query(request)
    behind, label = drill_queryset(q, request)
    # The figures leave out what the reader may not see (metrics.Ctx.reader_unit_id); visible_to is the
    # same rule once more, so the list holds exactly what was counted and says nothing of anything else.
    visible = visible_to(request.user, behind)
    if request.GET.get("format") == "xlsx":
        visible = _shown(visible)
        title, note = f"{q.scope.name}{q.period.label}{label}", exports.slice_note(q.slice)
        if not masking.export_carries_identities(request.user):
            return _xlsx(exports.petitions_workbook(visible, title, request.user, note), f"{title}.xlsx")
        if not reauth.recent(request):
            return reauth.ask(request)
        with transaction.atomic():
            content = exports.petitions_workbook(visible, title, request.user, note)
            audit.record(
                action="export_identities",
                target=request.user,
                actor=request.user,
                ip_address=client_ip(request),
                reason=title,
                data={"via": "stats", "query": request.GET.urlencode()},
            )
        return _xlsx(content, f"{title}.xlsx")
    page = _drill_page(visible, request.GET.get("page"))
    for p in page.object_list:
        p.petitioner_shown = masking.principal_label(request.user, p, list(p.parties.all()))
    context = _base_context(request, q) | {
        "label": label,
        "total": page.paginator.count,
        "page": page,
        "page_query": lambda n: urlencode({**request.GET.dict(), "page": n}),
        "xlsx_url": _page_url(request, format="xlsx"),
        "back_url": q.url("stats:dashboard"),
        "prev_url": _page_url(request, page=page.previous_page_number()) if page.has_previous() else None,
        "next_url": _page_url(request, page=page.next_page_number()) if page.has_next() else None,
    }
    return render(request, "stats/petitions.html", context)


@login_required
@require_GET
@reads_from_replica()
def records(request):
    """The records behind a panel count that are not petitions (ownerships, grants, meetings, disputes)."""
    q = parse_query(request)
    try:
        behind = panels.panel_records(q, request.GET.get("record", ""))
    except (ValueError, KeyError):
        raise Http404("统计项无效。") from None
    context = _base_context(request, q) | {"records": behind, "back_url": q.url("stats:dashboard")}
    return render(request, "stats/records.html", context)


# --- bulletins ------------------------------------------------------------------------------------------------


def _bureau_of_user(user):
    unit = user.unit
    if unit is None or not unit.sees_jurisdiction:
        raise PermissionDenied("只有信访部门可以编发和查阅通报。")
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_list(request):
    unit = _bureau_of_user(request.user)
    if request.method == "POST":
        if not request.user.has_role(*MANAGE_ROLES):
            raise PermissionDenied("您的角色无权编发通报。")
        kind = request.POST.get("kind")
        if kind not in BulletinKind.values:
            raise Http404("通报种类无效。")
        period = None
        if request.POST.get("date"):
            day = parse_date(request.POST["date"], clock.today())
            period = {
                BulletinKind.DAILY: Period.day,
                BulletinKind.WEEKLY: Period.week,
                BulletinKind.RECEPTION: Period.week,
                BulletinKind.CAMPAIGN: Period.week,
            }.get(kind, lambda d: Period.month(d.year, d.month))(day)
        try:
            bulletin = bulletin_service.issue(kind, unit, period, request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                f"已编发{bulletin.title}（{bulletin.period_start:%Y-%m-%d}起，第{bulletin.serial}期）。",
            )
        return redirect("stats:bulletins")
    bulletins = (
        Bulletin.objects.filter(issuing_unit=unit)
        .annotate(
            sent_total=Count("deliveries"),
            read_total=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)),
        )
        .order_by("-period_start", "-issued_at")[:100]
    )
    return render(
        request,
        "stats/bulletins.html",
        {
            "bulletins": bulletins,
            "kinds": BulletinKind.choices,
            "today": clock.today(),
            "unit": unit,
            "may_issue": request.user.has_role(*MANAGE_ROLES),
        },
    )


@login_required
@require_GET
def bulletin_file(request, pk: int, fmt: str):
    unit = _bureau_of_user(request.user)
    bulletin = get_object_or_404(Bulletin, pk=pk, issuing_unit=unit)
    field = {"docx": bulletin.docx, "pdf": bulletin.pdf}.get(fmt)
    if field is None:
        raise Http404()
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=f"{bulletin.title}第{bulletin.serial}期.{fmt}"
    )


# --- assessment -----------------------------------------------------------------------------------------------


def _assessed_region(own: Scope):
    if own.unit is not None:
        # A unit sees its own score under the scheme of the jurisdiction that assesses it.
        region = own.unit.region
        return region.parent if region.level == Level.TOWNSHIP else region
    return own.region


def _assessed_month(text: str | None) -> dt.date:
    """The month asked for (YYYY-MM), by default the last complete one."""
    if not text:
        return (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    try:
        return inputs.parse_date(f"{text}-01", "月份")
    except inputs.InputError:
        raise BadRequest(f"月份格式应为 YYYY-MM，且不早于{inputs.EARLIEST_DATE:%Y-%m}。") from None


def _may_assess(user, own: Scope) -> bool:
    return own.unit is None and user.has_role(*ASSESS_ROLES)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_view(request):
    user = request.user
    own = Scope.of_user(user)
    region = _assessed_region(own)
    if request.method == "POST":
        return _store_assessment(request, own, region, _assessed_month(request.POST.get("month")))
    month = _assessed_month(request.GET.get("month"))
    scheme = assessment_service.active_scheme(region, month)
    run, scores, preview = None, [], False
    if scheme is not None:
        run = AssessmentRun.objects.filter(scheme=scheme, region=region, month=month).first()
        if run is not None and assessment_service.hides_from(user.unit_id):
            # The stored run counts everything; this reader's unit may not see all of it.
            scores = assessment_service.preview(scheme, region, month, reader_unit_id=user.unit_id)
        elif run is not None:
            scores = list(run.scores.select_related("unit").order_by("group", "rank", "unit__code"))
        elif own.region is not None:
            reader = user.unit_id if assessment_service.hides_from(user.unit_id) else None
            scores = assessment_service.preview(scheme, region, month, reader_unit_id=reader)
            preview = True
    if own.unit is not None:
        scores = [s for s in scores if s.unit_id == own.unit.pk]
    indicators = list(scheme.indicators.all()) if scheme else []
    if request.GET.get("format") == "xlsx" and (run is not None or preview):
        title = f"{region.name}{month:%Y年%m月}信访工作考评"
        return _xlsx(exports.assessment_workbook(indicators, scores, title), f"{title}.xlsx")
    return render(
        request,
        "stats/assessment.html",
        {
            "scheme": scheme,
            "run": run,
            "preview": preview,
            "scores": scores,
            "indicators": indicators,
            "month": month,
            "region": region,
            "may_compute": _may_assess(user, own),
        },
    )


def _store_assessment(request, own: Scope, region, month: dt.date):
    """Compute and store the month's run (the page's "重新计算"); only the assessing jurisdiction may."""
    if not _may_assess(request.user, own):
        raise PermissionDenied("只有信访局领导或督查人员可以计算考评。")
    scheme = assessment_service.active_scheme(region, month)
    if scheme is None:
        messages.error(request, "没有适用的考评方案。")
    else:
        assessment_service.assess(scheme, region, month)
        messages.success(request, "已重新计算考评得分。")
    return redirect(f"{reverse('stats:assessment')}?month={month:%Y-%m}")
