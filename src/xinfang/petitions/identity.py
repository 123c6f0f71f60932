"""Petitioner identity: GB 11643 ID numbers, phone numbers, and masking (process.md §11).

Pure functions; no Django model imports, so the demo generator and the importer can use them in bulk.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"
# First two digits of GB/T 2260 province codes; an ID number's region must start with one of them.
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
}  # fmt: skip
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$", re.ASCII)


class IdentityError(ValueError):
    """A human-readable (Chinese) reason an identity field is invalid."""


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id_number(raw: str) -> str:
    # NFKC: full-width digits and 'Ｘ' become ASCII; '¹' becomes '1' instead of passing isdigit() and failing int().
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def validate_id_number(raw: str, today: dt.date | None = None) -> str:
    """Return the normalized 18-digit ID number, or raise IdentityError saying what is wrong."""
    value = normalize_id_number(raw)
    if not ID_NUMBER_RE.match(value):
        raise IdentityError("身份证号码应为18位，前17位为数字，最后一位为数字或X。")
    if value[:2] not in PROVINCE_CODES:
        raise IdentityError("身份证号码的地区码无效。")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdentityError("身份证号码中的出生日期不存在。") from None
    if birth < dt.date(1900, 1, 1) or birth > (today or dt.date.today()):
        raise IdentityError("身份证号码中的出生日期不合理。")
    if check_digit(value[:17]) != value[17]:
        raise IdentityError("身份证号码校验位错误，请核对。")
    return value


def make_id_number(region_code: str, birth: dt.date, sequence: int) -> str:
    """A valid ID number for generated (demo, test) people: region, birth date, 3-digit sequence."""
    first17 = f"{region_code[:6]}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)


def normalize_phone(raw: str) -> str:
    value = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", raw).strip())
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_phone(raw: str) -> str:
    value = normalize_phone(raw)
    if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise IdentityError("联系电话格式不正确，请填写11位手机号码或带区号的固定电话。")
    return value


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else value[:2] + "*" * max(len(value) - 2, 0)


def mask_address(value: str | None) -> str:
    """The first six characters (about a county: 河南省舞钢市) and stars: what the audit trail keeps of an address."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else "****"


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧***: for public pages and lists where identity is confidential."""
    return value[:1] + "*" * (len(value) - 1) if value else ""
