"""Statistics in the workbench: the dashboard, the per-unit table, drill-down lists, exports, bulletins and
the assessment. Views parse the query, check the scope against the user's jurisdiction, call the metrics,
and render; every figure links to the list of petitions behind it.

Scope rule: a bureau or leadership user sees its region and every unit in it; anyone else only its own unit
(a township sees its own figures). Another scope is refused with 403.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from xinfang import clock
from xinfang.orgs.models import Level, Region, Role
from xinfang.petitions.models import Channel
from xinfang.petitions.selectors import visible_to

from . import assessment as assessment_service
from . import bulletins as bulletin_service
from . import exports, report
from . import metrics as m
from .metrics import Ctx
from .models import AssessmentRun, Bulletin, BulletinKind, StatisticsPolicy
from .periods import KIND_LABELS, KINDS, Kind, Period
from .scope import Scope
from .sentences import work_report
from .tables import RATE_COLUMNS, active_rows, unit_table

DRILL_PAGE_SIZE = 100
CHILD_CODE_LENGTH = {Level.PROVINCE: 6, Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}
MANAGE_ROLES = (Role.BUREAU_LEADER, Role.ADMIN, Role.SUPERVISOR, Role.REGISTRAR, Role.HANDLER)


# --- the query: scope and period --------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsQuery:
    scope: Scope
    period: Period
    today: dt.date

    @property
    def ctx(self) -> Ctx:
        return Ctx(self.period, self.today, StatisticsPolicy.current())

    def params(self, **extra) -> dict:
        data = dict(self.scope.query)
        if self.period.kind == Kind.RANGE:
            data.update({"from": self.period.start.isoformat(), "to": self.period.end.isoformat()})
        else:
            data.update({"period": self.period.kind, "date": self.period.start.isoformat()})
        data.update({k: v for k, v in extra.items() if v not in (None, "")})
        return data

    def url(self, name: str, **extra) -> str:
        return f"{reverse(name)}?{urlencode(self.params(**extra))}"

    def with_scope(self, scope: Scope) -> StatsQuery:
        return replace(self, scope=scope)


def _date(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404("日期格式应为 YYYY-MM-DD。") from None


def parse_query(request) -> StatsQuery:
    user = request.user
    today = clock.today()
    target = request.GET.get("target", "")
    if ":" in target:  # the dashboard's scope picker: "unit:CODE" or "region:CODE"
        kind, _, code = target.partition(":")
        request.GET = request.GET.copy()
        request.GET[kind if kind in ("unit", "region") else "_"] = code
    try:
        if request.GET.get("unit"):
            scope = Scope.for_unit(request.GET["unit"])
        elif request.GET.get("region"):
            scope = Scope.for_region(request.GET["region"])
        else:
            scope = Scope.of_user(user)
    except LookupError as exc:
        raise Http404(str(exc)) from None
    scope.check_visible_to(user)
    if request.GET.get("from") or request.GET.get("to"):
        start = _date(request.GET.get("from"), today.replace(day=1))
        end = _date(request.GET.get("to"), today)
        try:
            period = Period.between(start, end) if start <= end else Period.between(end, start)
        except ValueError as exc:
            raise Http404(str(exc)) from None
    else:
        kind = request.GET.get("period") or Kind.MONTH
        if kind not in KINDS or kind == Kind.RANGE:
            raise Http404("统计周期无效。")
        period = Period.of(kind, _date(request.GET.get("date"), today))
    return StatsQuery(scope, period, today)


def scope_choices(user) -> list[dict]:
    """The scopes a user may pick: its own, and inside a jurisdiction the units and child regions."""
    own = Scope.of_user(user)
    choices = [{"params": own.query, "label": own.name}]
    if own.region is not None:
        children = Region.objects.filter(parent=own.region).order_by("code")
        choices += [{"params": {"region": r.code}, "label": f"{r.name}（辖区）"} for r in children]
        choices += [{"params": {"unit": u.code}, "label": u.name} for u in own.units()]
    return choices


# --- drill-down targets ------------------------------------------------------------------------------------


def rate_link(q: StatsQuery, key: str, part: str = "denominator") -> str:
    return q.url("stats:petitions", metric=key, part=part)


def volume_link(q: StatsQuery, key: str = "total", value: str | None = None) -> str:
    return q.url("stats:petitions", volume=key, value=value)


RATE_LABELS = exports.RATE_LABELS


def rate_cards(q: StatsQuery, figures: report.Figures, year_before, previous) -> list[dict]:
    cards = []
    for key in report.RATE_KEYS:
        rate = figures.rates[key]
        cards.append(
            {
                "key": key,
                "label": RATE_LABELS[key],
                "rate": rate,
                "numerator_label": m.RATES[key].numerator_label,
                "denominator_label": m.RATES[key].denominator_label,
                "numerator_url": rate_link(q, key, "numerator"),
                "denominator_url": rate_link(q, key, "denominator"),
                "yoy": report.change_points(rate, year_before.rates.get(key)),
                "mom": report.change_points(rate, previous.rates.get(key)),
            }
        )
    return cards


def geo_url(region: Region | None) -> str | None:
    """The outline file of a region's children, if the project ships one (static/stats/geo/<code>.geojson)."""
    if region is None:
        return None
    path = f"stats/geo/{region.code}.geojson"
    return static(path) if finders.find(path) else None


def chart_data(q: StatsQuery, figures: report.Figures, rows) -> dict:
    v = figures.volume
    data = {
        "trend": m.monthly_trend(q.scope, q.ctx),
        "channels": [
            {"name": Channel(k).label, "value": c.batches, "url": volume_link(q, "channel", k)}
            for k, c in v.by_channel.items()
            if c.batches
        ],
        "categories": [
            {"name": k, "value": c.batches, "url": volume_link(q, "category", k)}
            for k, c in sorted(v.by_category.items(), key=lambda item: -item[1].batches)
            if c.batches
        ],
        "rate_columns": [{"key": k, "label": label} for k, label in RATE_COLUMNS],
        "units": [
            {
                "name": row.name,
                "code": row.unit.code,
                "rates": {
                    k: {
                        "percent": None if row.rates[k].percent is None else float(row.rates[k].percent),
                        "numerator": row.rates[k].numerator,
                        "denominator": row.rates[k].denominator,
                        "rank": row.ranks.get(k),
                        "url": rate_link(q.with_scope(Scope(unit=row.unit)), k),
                    }
                    for k, _ in RATE_COLUMNS
                },
            }
            for row in rows
        ],
        "map": None,
    }
    region = q.scope.region
    url = geo_url(region)
    if url and region.level in CHILD_CODE_LENGTH:
        by_area = m.volume_by_issue_region(q.scope, q.ctx, CHILD_CODE_LENGTH[region.level])
        children = Region.objects.filter(parent=region).order_by("code")
        data["map"] = {
            "name": region.code,
            "url": url,
            "regions": [
                {
                    "name": child.name,
                    "code": child.code,
                    "value": by_area.get(child.code, m.Count2()).batches,
                    "url": volume_link(q, "issue_region", child.code),
                }
                for child in children
            ],
        }
    return data


# --- pages --------------------------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _base_context(request, q: StatsQuery) -> dict:
    return {
        "q": q,
        "scope_choices": scope_choices(request.user),
        "current_scope": q.scope.query,
        "period_kinds": [(k, KIND_LABELS[k]) for k in KINDS if k != Kind.RANGE],
    }


@login_required
@require_GET
def dashboard(request):
    q = parse_query(request)
    figures, year_before, previous = report.figures_with_comparison(q.scope, q.ctx)
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.figures_workbook(figures), f"{q.scope.name}{q.period.label}信访统计.xlsx")
    rows = active_rows(unit_table(q.scope, q.ctx)) if q.scope.region is not None else []
    v = figures.volume
    context = _base_context(request, q) | {
        "figures": figures,
        "volume_cards": [
            {
                "label": "信访总量",
                "count": v.total,
                "url": volume_link(q),
                "yoy": report.change_percent(v.total.batches, year_before.volume.total.batches),
                "mom": report.change_percent(v.total.batches, previous.volume.total.batches),
            },
            {"label": "越级访（到京省市）", "count": v.upper, "url": volume_link(q, "upper")},
            {
                "label": "网信电访",
                "count": m.Count2(
                    v.total.batches - v.by_channel["visit"].batches,
                    v.total.persons - v.by_channel["visit"].persons,
                ),
                "url": volume_link(q, "online_letter_phone"),
            },
            {"label": "来访", "count": v.by_channel["visit"], "url": volume_link(q, "channel", "visit")},
            {
                "label": "集体访",
                "count": v.by_collective["collective"],
                "url": volume_link(q, "collective", "collective"),
            },
        ],
        "visit_levels": [
            {"label": label, "count": v.by_visit_level[key], "url": volume_link(q, "visit_level", key)}
            for key, label in exports.VISIT_LEVEL_LABELS.items()
        ],
        "rate_cards": rate_cards(q, figures, year_before, previous),
        "rows": rows,
        "rate_columns": RATE_COLUMNS,
        "unit_links": {
            row.unit.pk: {
                "volume": volume_link(q.with_scope(Scope(unit=row.unit))),
                **{k: rate_link(q.with_scope(Scope(unit=row.unit)), k) for k, _ in RATE_COLUMNS},
            }
            for row in rows
        },
        "paragraphs": work_report(figures, year_before),
        "chart_data": chart_data(q, figures, rows),
        "backlog_open": figures.rates["backlog_resolution"].denominator
        - figures.rates["backlog_resolution"].numerator,
        "xlsx_url": q.url("stats:dashboard", format="xlsx"),
        "units_xlsx_url": q.url("stats:units"),
    }
    return render(request, "stats/dashboard.html", context)


@login_required
@require_GET
def units(request):
    """The per-unit table as xlsx (the dashboard shows the same rows)."""
    q = parse_query(request)
    if q.scope.region is None:
        raise PermissionDenied("各单位对比表只在辖区范围内提供。")
    rows = active_rows(unit_table(q.scope, q.ctx))
    title = f"{q.scope.name}各单位信访事项办理情况（{q.period.label}）"
    return _xlsx(exports.unit_table_workbook(rows, title), f"{title}.xlsx")


def drill_queryset(q: StatsQuery, request):
    """The petitions behind one figure, and a description of the figure."""
    metric, volume = request.GET.get("metric"), request.GET.get("volume")
    if metric:
        defn = m.RATES.get(metric)
        part = request.GET.get("part", "denominator")
        if defn is None or part not in ("numerator", "denominator"):
            raise Http404("统计项无效。")
        label = defn.numerator_label if part == "numerator" else defn.denominator_label
        return m.petitions_behind(defn, q.scope, q.ctx, part), f"{RATE_LABELS[metric]}：{label}"
    key, value = volume or "total", request.GET.get("value") or None
    try:
        qs = m.volume_petitions(q.scope, q.ctx, key, value)
    except ValueError:
        raise Http404("统计项无效。") from None
    names = {
        "total": "信访总量",
        "upper": "越级访（到京省市）",
        "online_letter_phone": "网信电访",
        "channel": "信访形式",
        "visit_level": "来访层级",
        "category": "内容分类",
        "collective": "集体访",
        "issue_region": "问题属地",
        "upper_visit": "京省市走访",
    }
    label = names.get(key, key) + (f"：{_value_label(key, value)}" if value else "")
    return qs, label


def _value_label(key: str, value: str) -> str:
    if key == "channel" and value in Channel.values:
        return Channel(value).label
    if key == "visit_level":
        return exports.VISIT_LEVEL_LABELS.get(value, value)
    if key == "issue_region":
        return Region.objects.filter(code=value).values_list("name", flat=True).first() or value
    if key == "collective":
        return "集体访" if value == "collective" else "个访"
    return value


@login_required
@require_GET
def petitions(request):
    q = parse_query(request)
    behind, label = drill_queryset(q, request)
    total = behind.count()
    visible = visible_to(request.user, behind).select_related("category", "issue_region", "responsible_unit")
    visible = visible.order_by("-received_at", "-id")
    if request.GET.get("format") == "xlsx":
        title = f"{q.scope.name}{q.period.label}{label}"
        return _xlsx(exports.petitions_workbook(visible, title), f"{title}.xlsx")
    page = Paginator(visible, DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = page.paginator.count
    context = _base_context(request, q) | {
        "label": label,
        "total": total,
        "shown": shown,
        "hidden": total - shown,
        "page": page,
        "page_query": lambda n: urlencode({**request.GET.dict(), "page": n}),
        "xlsx_url": f"{request.path}?{urlencode({**request.GET.dict(), 'format': 'xlsx'})}",
        "back_url": q.url("stats:dashboard"),
    }
    context["prev_url"] = (
        f"{request.path}?{urlencode({**request.GET.dict(), 'page': page.previous_page_number()})}"
        if page.has_previous()
        else None
    )
    context["next_url"] = (
        f"{request.path}?{urlencode({**request.GET.dict(), 'page': page.next_page_number()})}"
        if page.has_next()
        else None
    )
    return render(request, "stats/petitions.html", context)


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
            day = _date(request.POST["date"], clock.today())
            period = {
                BulletinKind.DAILY: Period.day,
                BulletinKind.WEEKLY: Period.week,
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
    bulletins = Bulletin.objects.filter(issuing_unit=unit).order_by("-period_start", "-issued_at")[:100]
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


@login_required
@require_http_methods(["GET", "POST"])
def assessment_view(request):
    user = request.user
    own = Scope.of_user(user)
    region = own.region or own.unit.region
    month_text = request.GET.get("month") or request.POST.get("month")
    today = clock.today()
    default_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    try:
        month = dt.date.fromisoformat(f"{month_text}-01") if month_text else default_month
    except ValueError:
        raise Http404("月份格式应为 YYYY-MM。") from None
    if own.unit is not None:
        # A unit sees its own score under the scheme of the jurisdiction that assesses it.
        region = own.unit.region.parent if own.unit.region.level == Level.TOWNSHIP else own.unit.region
    scheme = assessment_service.active_scheme(region, month)
    run = None
    if scheme is not None:
        if request.method == "POST":
            if own.unit is not None or not user.has_role(Role.BUREAU_LEADER, Role.ADMIN, Role.SUPERVISOR):
                raise PermissionDenied("只有信访局领导或督查人员可以计算考评。")
            run = assessment_service.assess(scheme, region, month)
            messages.success(request, "已重新计算考评得分。")
            return redirect(f"{reverse('stats:assessment')}?month={month:%Y-%m}")
        run = AssessmentRun.objects.filter(scheme=scheme, region=region, month=month).first()
        if run is None and own.region is not None:
            run = assessment_service.assess(scheme, region, month)
    scores = list(run.scores.select_related("unit").order_by("group", "rank", "unit__code")) if run else []
    if own.unit is not None:
        scores = [s for s in scores if s.unit_id == own.unit.pk]
    indicators = list(scheme.indicators.all()) if scheme else []
    if request.GET.get("format") == "xlsx" and run is not None:
        header = ["排名组", "名次", "单位", "总分", *[i.name for i in indicators], "连续靠前", "连续末位"]
        lines = [
            [
                s.group,
                s.rank,
                s.unit.name,
                float(s.total),
                *[float(d["points"]) for d in s.details],
                "是" if s.top_streak else "",
                "是" if s.bottom_streak else "",
            ]
            for s in scores
        ]
        title = f"{region.name}{month:%Y年%m月}信访工作考评"
        return _xlsx(exports.generic_workbook("考评", title, header, lines), f"{title}.xlsx")
    return render(
        request,
        "stats/assessment.html",
        {
            "scheme": scheme,
            "run": run,
            "scores": scores,
            "indicators": indicators,
            "month": month,
            "region": region,
            "may_compute": own.region is not None
            and user.has_role(Role.BUREAU_LEADER, Role.ADMIN, Role.SUPERVISOR),
        },
    )


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
