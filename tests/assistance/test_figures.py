"""Totals of paid grants: 件次, 人次 and amount, by period and unit, and the seed sentence from data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f
from xinfang import clock
from xinfang.assistance import figures
from xinfang.assistance.models import Fund, Grant, GrantStatus


@pytest.mark.parametrize(
    ("amount", "phrase"),
    [
        ("8600", "8600元"),
        ("500000", "50万元"),
        ("53000", "5万多元"),
        ("567000", "50多万元"),
        ("18234567.89", "1800多万元"),
        ("2453000", "240多万元"),
    ],
)
def test_money_as_a_report_says_it(amount, phrase):
    assert figures.money_phrase(Decimal(amount)) == phrase


def paid_grants(petition, unit, actor, count, persons_each, amount_each, on, extra_persons=0):
    rows = [
        Grant(
            petition=petition,
            unit=unit,
            fund=Fund.PETITION_FUND,
            amount=Decimal(amount_each),
            applicant_name="群众",
            beneficiary_count=persons_each + (extra_persons if i == 0 else 0),
            reason="生活困难",
            status=GrantStatus.PAID,
            applied_by=actor,
            applied_at=clock.now(),
            paid_on=on,
            ended_petitioning=i % 2 == 0,
        )
        for i in range(count)
    ]
    Grant.objects.bulk_create(rows)


def test_the_seed_sentence_from_data_built_to_its_numbers(org, people):
    """830 grants to 2700 persons for 18,100,000 yuan: 累计救助830件次2700人次1800多万元."""
    petition = f.register(people.registrar)
    # 500 grants of 3 persons at 20,000 yuan by the bureau, 330 of 3 persons (plus 210 on one) at
    # 24,545.45 by 清波街道: 1500 + 990 + 210 = 2700 persons, 10,000,000 + 8,099,998.50 yuan.
    paid_grants(petition, org.bureau, people.bureau_handler, 500, 3, "20000", dt.date(2026, 3, 5))
    paid_grants(
        petition, org.qingbo_unit, people.township_handler, 330, 3, "24545.45", dt.date(2026, 4, 5), 210
    )
    # Not counted: applied but unpaid, and paid outside the period.
    paid_grants(petition, org.bureau, people.bureau_handler, 4, 1, "1000", dt.date(2025, 12, 31))
    Grant.objects.create(
        petition=petition,
        unit=org.bureau,
        fund=Fund.OTHER,
        amount=Decimal("9999"),
        applicant_name="乙",
        reason="困难",
        applied_by=people.bureau_handler,
        applied_at=clock.now(),
    )
    total = figures.totals(figures.paid(dt.date(2026, 1, 1), dt.date(2026, 12, 31), region_prefix="330102"))
    assert (total.grants, total.persons, total.amount) == (830, 2700, Decimal("18099998.50"))
    assert total.ended == 250 + 165
    assert figures.assistance_sentence(total) == "累计救助830件次2700人次1800多万元"
    by_unit = figures.totals_by_unit(figures.paid(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert (by_unit[org.bureau.pk].grants, by_unit[org.bureau.pk].persons) == (500, 1500)
    assert by_unit[org.qingbo_unit.pk].amount == Decimal("8099998.50")
    march = figures.totals(figures.paid(dt.date(2026, 3, 1), dt.date(2026, 3, 31), unit=org.bureau))
    assert (march.grants, march.amount) == (500, Decimal("10000000.00"))
    assert figures.totals(figures.paid(unit=org.hubin_unit)).as_dict() == {
        "grants": 0,
        "persons": 0,
        "amount": "0.00",
        "ended_petitioning": 0,
        "sentence": "累计救助0件次0人次0元",
    }
