"""What the assistance agreement (信访救助协议书) says about a grant: the amount in capital figures as a
payment document writes it (大写金额), and the values its template reads."""

from __future__ import annotations

from decimal import Decimal

from xinfang import clock
from xinfang.documents.rendering import chinese_date

from .models import Grant

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")
GROUPS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """0 < value < 10000 in capitals; a zero inside is said once, trailing zeros not at all."""
    out, zero = "", False
    for power, place in zip(range(3, -1, -1), PLACES, strict=True):
        digit = value // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out, zero = out + "零", False
        out += DIGITS[digit] + place
    return out


def amount_in_words(amount: Decimal) -> str:
    """1234.56 -> 壹仟贰佰叁拾肆元伍角陆分; 100100 -> 壹拾万零壹佰元整 (a positive amount, cents at most)."""
    cents = int((Decimal(amount) * 100).quantize(Decimal(1)))
    whole, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups = []
    while whole:
        groups.append(whole % 10000)
        whole //= 10000
    out, pending = "", False
    for index in reversed(range(len(groups))):
        value = groups[index]
        if value == 0:
            pending = bool(out)
            continue
        if out and (pending or value < 1000):
            out += "零"
        out += _group(value) + GROUPS[index]
        pending = False
    if out:
        out += "元"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and out:
        out += "零"
    return out + (DIGITS[fen] + "分" if fen else "整")


def context(grant: Grant) -> dict:
    return {
        "applicant_name": grant.applicant_name,
        "beneficiary_count": grant.beneficiary_count,
        "assistance_reason": grant.reason,
        "approver": str(grant.approved_by) if grant.approved_by else "",
        "approved_date": chinese_date(clock.local_date(grant.approved_at)) if grant.approved_at else "",
        "approval_rule": grant.approval_rule,
        "fund_label": grant.get_fund_display(),
        "amount": f"{grant.amount:,.2f}",
        "amount_words": amount_in_words(grant.amount),
    }
