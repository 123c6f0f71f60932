"""What a statistics page is asked for: the scope and period in its query string, checked against the user.

`parse_query(request)` reads `unit=CODE` or `region=CODE` (or the scope picker's `target=unit:CODE`), then
`period=KIND&date=DAY` or `from=DAY&to=DAY`, and a base period to compare with (`base_from=DAY&base_to=DAY`);
a scope the user may not see is refused (403), an unknown one is a 404, a malformed or out-of-range date a 400
that says why; the slice's filters (`slices.Slice.from_params`, docs/statistics.md "Slices"), an unknown value a
400 naming the parameter. `StatsQuery.url` writes the same parameters back, so every link (drill-down lists,
xlsx exports) keeps scope, period, base and slice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import reverse

from xinfang import clock, inputs
from xinfang.orgs.models import Level, OrgUnit, Region

from .metrics import Ctx
from .models import StatisticsPolicy
from .periods import KINDS, Kind, Period
from .scope import Scope
from .slices import Slice


@dataclass(frozen=True)
class StatsQuery:
    scope: Scope
    period: Period
    today: dt.date
    reader_unit_id: int | None = None  # figures leave out what is hidden from the reader's unit (metrics.Ctx)
    slice: Slice = Slice()
    base: Period | None = None  # a chosen base period to compare with (基期: base_from, base_to)

    @property
    def ctx(self) -> Ctx:
        return Ctx(self.period, self.today, StatisticsPolicy.current(), self.reader_unit_id, self.slice)

    def params(self, **extra) -> dict:
        data = dict(self.scope.query)
        if self.period.kind == Kind.RANGE:
            data.update({"from": self.period.start.isoformat(), "to": self.period.end.isoformat()})
        else:
            data.update({"period": self.period.kind, "date": self.period.start.isoformat()})
        data.update(self.slice.params())
        if self.base is not None:
            data.update({"base_from": self.base.start.isoformat(), "base_to": self.base.end.isoformat()})
        data.update({k: v for k, v in extra.items() if v not in (None, "")})
        return data

    def url(self, name: str, **extra) -> str:
        return f"{reverse(name)}?{urlencode(self.params(**extra))}"

    def with_scope(self, scope: Scope) -> StatsQuery:
        return replace(self, scope=scope)


def parse_date(value: str | None, default: dt.date) -> dt.date:
    """An ISO date from a form or query string; `default` when empty, 400 with the reason when malformed or
    outside `inputs`' range (year 1 or 9999 would overflow in the period arithmetic)."""
    if not value:
        return default
    try:
        return inputs.parse_date(value)
    except inputs.InputError as exc:
        raise BadRequest(str(exc)) from None


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
        start = parse_date(request.GET.get("from"), today.replace(day=1))
        end = parse_date(request.GET.get("to"), today)
        try:
            period = Period.between(start, end) if start <= end else Period.between(end, start)
        except ValueError as exc:
            raise Http404(str(exc)) from None
    else:
        kind = request.GET.get("period") or Kind.MONTH
        if kind not in KINDS or kind == Kind.RANGE:
            raise Http404("统计周期无效。")
        period = Period.of(kind, parse_date(request.GET.get("date"), today))
    return StatsQuery(
        scope,
        period,
        today,
        getattr(user, "unit_id", None),
        slice=parse_slice(request.GET),
        base=parse_base(request),
    )


def parse_slice(params) -> Slice:
    """The slice of a query string; 400 with the reason (naming the parameter) for a value it does not know."""
    try:
        return Slice.from_params(params)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def parse_base(request) -> Period | None:
    """The base period of `base_from` and `base_to` (both, or neither: 400 with the reason)."""
    start, end = request.GET.get("base_from"), request.GET.get("base_to")
    if not start and not end:
        return None
    if not (start and end):
        raise BadRequest("比较基期须同时填写起止日期（base_from、base_to）。")
    first, last = sorted([parse_date(start, clock.today()), parse_date(end, clock.today())])
    return Period.between(first, last)


def scope_choices(user) -> list[dict]:
    """The scopes a user may pick: its own, and inside a jurisdiction the units and child regions."""
    own = Scope.of_user(user)
    choices = [{"params": own.query, "label": own.name}]
    if own.region is not None:
        children = list(Region.objects.filter(parent=own.region).order_by("code"))
        choices += [{"params": {"region": r.code}, "label": f"{r.name}（辖区）"} for r in children]
        # Above a county the units of the region itself only (a city's or province's bureau and departments,
        # as the dashboard's unit table): the lower ones are a pick away in their region's own picker, and a
        # province's 5,000 units in every statistics page cost more than its figures (bench, province shape).
        above_county = any(r.level in (Level.PROVINCE, Level.CITY, Level.COUNTY) for r in children)
        units = (
            own.units() if not above_county else OrgUnit.objects.filter(region=own.region).order_by("code")
        )
        choices += [{"params": {"unit": u.code}, "label": u.name} for u in units]
    return choices
