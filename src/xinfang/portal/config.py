"""Where online petitions go, and the limits that protect the public pages.

The limits are deployment settings (``XF_PORTAL_LIMITS`` overrides any of them), not regulation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from xinfang.orgs.models import LEVEL_ORDER, OrgUnit, UnitKind

from .models import PortalSettings


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


DEFAULT_LIMITS = {
    # Filing counts petitions actually filed (never validation errors, "添加联名人" or page views), so a shared
    # address (a reception-hall kiosk, a village service centre, a carrier's NAT) is limited only by filings.
    # A filing takes a person at least 3-5 minutes to type: one kiosk files at most 12-20 an hour, two kiosks
    # behind one address 40 at the most. 40 an hour (160 over a four-hour morning) and 200 a day per address
    # leave that room and still stop a robot at 40 junk registrations an hour; 5 a day per phone: one
    # person's own matters (a kiosk's users each give their own number).
    "file_ip": Limit(40, 3600),
    "file_ip_day": Limit(200, 24 * 3600),
    "file_phone": Limit(5, 24 * 3600),
    # Appointments (约访) count requests actually made, like filing. One person asks for a few days at most
    # (one may be pending at a time, so the rest follow answers): 3 a day per phone. A kiosk address makes a
    # request in a minute or two; 30 an hour leaves a reception hall room and stops a robot filling the list.
    "appoint_ip": Limit(30, 3600),
    "appoint_phone": Limit(3, 24 * 3600),
    # Following: lookups per address and per phone.
    "query_ip": Limit(30, 600),
    "query_phone": Limit(10, 600),
    # Lockout: this many failures within the window lock the code, the phone or the address for `lock` seconds.
    "fail_code": Limit(5, 1800),
    "fail_phone": Limit(5, 1800),
    "fail_ip": Limit(20, 1800),
    # One-time codes for the petitioner account.
    "otp_phone": Limit(3, 3600),
    "otp_ip": Limit(10, 3600),
}
LOCK_SECONDS = 1800
ACCESS_SECONDS = 1800  # how long a proved query code stays open in the browser session without use
OTP_SECONDS = 600
MAX_ATTACHMENTS = 10
MAX_CO_PETITIONERS = 20


def limit(name: str) -> Limit:
    override = getattr(settings, "XF_PORTAL_LIMITS", {}).get(name)
    if override is not None:
        return Limit(*override)
    return DEFAULT_LIMITS[name]


def lock_seconds() -> int:
    return int(getattr(settings, "XF_PORTAL_LOCK_SECONDS", LOCK_SECONDS))


def receiving_unit() -> OrgUnit | None:
    """The bureau that registers online petitions: the admin's choice, the setting, or the only bureau at the
    lowest level present (a county deployment with its city bureau above it)."""
    chosen = PortalSettings.load().receiving_unit
    if chosen is not None:
        return chosen
    code = getattr(settings, "XF_PORTAL_RECEIVING_UNIT", "")
    bureaus = OrgUnit.objects.filter(kind=UnitKind.BUREAU, is_active=True).select_related("region")
    if code:
        return bureaus.filter(code=code).first()
    by_level: dict[int, list[OrgUnit]] = {}
    for unit in bureaus:
        by_level.setdefault(LEVEL_ORDER.index(unit.region.level), []).append(unit)
    if not by_level:
        return None
    lowest = by_level[max(by_level)]
    return lowest[0] if len(lowest) == 1 else None


def filing_open() -> bool:
    return PortalSettings.load().is_open and receiving_unit() is not None
