"""The twelve-month trend the dashboard charts: batches, persons and the two deadline rates per month."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from xinfang import clock
from xinfang.petitions.models import Petition

from . import facts
from .metrics import Ctx, readable, received_in
from .periods import Period
from .rates import ON_TIME_CONCLUSION, TIMELY_ACCEPTANCE, ZERO, Rate
from .scope import Scope


def _month_key(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(clock.SHANGHAI).date()
    return f"{value.year:04d}-{value.month:02d}"


def monthly_trend(scope: Scope, ctx: Ctx, months: int = 12) -> dict:
    """Batches, persons and the two deadline rates for the `months` months ending with the period's last
    month: one grouped query each (grouped by the month of receipt, or of the due date)."""
    last = Period.month(ctx.period.end.year, ctx.period.end.month)
    first = last
    for _ in range(months - 1):
        first = first.previous()
    span = replace(ctx, period=Period(first.start, last.end))
    keys, month = [], first
    while month.start <= last.start:
        keys.append(_month_key(month.start))
        month = Period.of("month", month.end + dt.timedelta(days=1))
    volume_rows = (
        Petition.objects.filter(received_in(span) & readable(span) & scope.petition_q())
        .annotate(month=TruncMonth("received_at", tzinfo=clock.SHANGHAI))
        .order_by()
        .values("month")
        .annotate(batches=Count("pk"), persons=Sum("person_count"))
    )
    volumes = {_month_key(r["month"]): r for r in volume_rows}
    result = {
        "months": keys,
        "batches": [volumes.get(k, {}).get("batches", 0) for k in keys],
        "persons": [volumes.get(k, {}).get("persons") or 0 for k in keys],
    }
    from_facts = {}
    if facts.usable(scope, span):  # a region over whole months: the monthly facts, one pass for both rates
        from_facts = facts.grouped_rates(
            [TIMELY_ACCEPTANCE, ON_TIME_CONCLUSION], scope, span, [scope.prefix], by_due_month=True
        )
    for defn in (TIMELY_ACCEPTANCE, ON_TIME_CONCLUSION):
        if from_facts:
            by_month = {_month_key(month): rate for (_, month), rate in from_facts[defn.key].items()}
        else:
            rows = (
                defn.queryset(scope, span)
                .annotate(month=TruncMonth("due_on"))
                .order_by()
                .values("month")
                .annotate(**defn.aggregates(span))
            )
            by_month = {_month_key(r["month"]): Rate(r["n"], r["d"]) for r in rows}
        result[defn.key] = [
            None if (rate := by_month.get(k, ZERO)).percent is None else float(rate.percent) for k in keys
        ]
    return result
