"""The portal's filing limits: what a filing (or an appointment request) counts against, and the refusal that
says when to try again.

Only petitions actually filed count (``count`` after a registration), never a validation error, an
"添加联名人" click or a page view, so a shared address is limited by what it files. The numbers are in
``config.DEFAULT_LIMITS`` (why they are what they are is written there).
"""

from __future__ import annotations

import datetime as dt

from . import config, throttle

# What a filing counts against: per address (an hour, a day) and per phone. Only filings count.
FILING_LIMITS = (
    ("file_ip", "ip", "从本网络地址提交的信访事项"),
    ("file_ip_day", "ip", "从本网络地址提交的信访事项"),
    ("file_phone", "phone", "该手机号码提交的信访事项"),
)
# Appointment requests (约访) count the same way: only requests actually made.
APPOINTMENT_LIMITS = (
    ("appoint_ip", "ip", "从本网络地址提出的约访"),
    ("appoint_phone", "phone", "该手机号码提出的约访"),
)


def _period(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600}小时内"
    return f"{max(seconds // 60, 1)}分钟内"


def refusal(ip: str, phone: str, limits=FILING_LIMITS, button: str = "提交信访事项") -> str:
    """The first filing limit that one more petition would pass, said with the time to try again; "" if none."""
    idents = {"ip": ip, "phone": phone}
    for scope, ident, who in limits:
        at = throttle.retry_at(scope, idents[ident])
        if at is None:
            continue
        rule = config.limit(scope)
        # Rounded up to the minute, so that "after 10:31" is true at 10:31.
        at = (at + dt.timedelta(seconds=59)).replace(second=0, microsecond=0)
        when = f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"
        return (
            f"{who}已达上限（{_period(rule.seconds)}{rule.count}件），暂不能再提交。"
            f"您填写的内容已保留，请于 {when} 后再点击“{button}”，或拨打信访部门电话咨询。"
        )
    return ""


def count(ip: str, phone: str, limits=FILING_LIMITS) -> None:
    idents = {"ip": ip, "phone": phone}
    for scope, ident, _who in limits:
        throttle.hit(scope, idents[ident])
