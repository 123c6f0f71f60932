"""Totals of paid grants (件次, 人次, amount) by period and unit, and the work-report sentence
("累计救助830件次2700人次1800多万元"). Definitions: docs/statistics.md, "Assistance"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from xinfang.petitions.selectors import without_accusations_of

from .models import Grant, GrantStatus


@dataclass(frozen=True)
class Totals:
    grants: int  # 件次
    persons: int  # 人次
    amount: Decimal  # 元
    ended: int  # 救助息访 件次

    def as_dict(self) -> dict:
        return {
            "grants": self.grants,
            "persons": self.persons,
            "amount": str(self.amount),
            "ended_petitioning": self.ended,
            "sentence": assistance_sentence(self),
        }


def paid(
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    unit=None,
    region_prefix=None,
    hidden_from: int | None = None,
):
    """Paid grants with payment dates in [start, end] (both inclusive), of one unit or of a region's units;
    never a grant on an accusation against the unit, or against ``hidden_from`` (the reader's unit)."""
    qs = Grant.objects.filter(status=GrantStatus.PAID)
    if start is not None:
        qs = qs.filter(paid_on__gte=start)
    if end is not None:
        qs = qs.filter(paid_on__lte=end)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if region_prefix is not None:
        qs = qs.filter(unit__region__code__startswith=region_prefix)
    return without_accusations_of(qs, (unit, hidden_from))


AGGREGATES = {
    "grants": Count("id"),
    "persons": Coalesce(Sum("beneficiary_count"), 0),
    "amount": Coalesce(Sum("amount"), Decimal("0")),
    "ended": Count("id", filter=Q(ended_petitioning=True)),
}


def totals(queryset) -> Totals:
    row = queryset.order_by().aggregate(**AGGREGATES)
    return Totals(
        row["grants"], row["persons"], Decimal(row["amount"]).quantize(Decimal("0.01")), row["ended"]
    )


def totals_by_unit(queryset) -> dict[int, Totals]:
    """One grouped query: unit id -> totals."""
    rows = queryset.order_by().values("unit_id").annotate(**AGGREGATES)
    return {
        row["unit_id"]: Totals(
            row["grants"], row["persons"], Decimal(row["amount"]).quantize(Decimal("0.01")), row["ended"]
        )
        for row in rows
    }


TEN_THOUSAND = Decimal(10000)


def money_phrase(amount: Decimal) -> str:
    """An amount of yuan as a work report says it: below 1万 the whole yuan ("8600元"); a whole number of 万
    exactly ("50万元"); otherwise rounded down with 多: under 10万 to the 万 ("5万多元"), under 100万 to the
    ten 万 ("50多万元"), above that to two significant figures ("1800多万元")."""
    amount = Decimal(amount)
    if amount < TEN_THOUSAND:
        return f"{amount.quantize(Decimal('1'), ROUND_DOWN)}元"
    wan = amount / TEN_THOUSAND
    if wan == wan.to_integral_value():
        return f"{int(wan)}万元"
    whole = int(wan)
    if whole < 10:
        return f"{whole}万多元"
    step = 10 ** (len(str(whole)) - 2) if whole >= 100 else 10
    rounded = whole // step * step
    return f"{rounded}多万元"


def assistance_sentence(t: Totals) -> str:
    return f"累计救助{t.grants}件次{t.persons}人次{money_phrase(t.amount)}"
