"""GB 11643 ID numbers, phones and masking (process.md §11)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang.petitions.identity import (
    IdentityError,
    check_digit,
    make_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    validate_id_number,
    validate_phone,
)

TODAY = dt.date(2026, 11, 21)

# Published valid vectors (check digits computed by the GB 11643 rule), including an X check digit.
VALID = ["11010519491231002X", "440524198001010013", "330102197001011235"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert validate_id_number(number, TODAY) == number


def test_lowercase_x_and_spaces_normalized():
    assert validate_id_number(" 11010519491231002x ", TODAY) == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "18位"),  # 17 digits
        ("1101051949123100XX", "18位"),  # X not only at the end
        ("110105194912310021", "校验位"),  # wrong check digit
        ("990105194912310027", "地区码"),  # no province 99
        ("110105194902300028", "出生日期不存在"),  # 30 February
        ("110105209901010019", "出生日期不合理"),  # born in the future
    ],
)
def test_invalid_numbers_say_why(number, reason):
    with pytest.raises(IdentityError, match=reason):
        validate_id_number(number, TODAY)


def test_check_digit_of_known_vector():
    assert check_digit("11010519491231002") == "X"


@given(
    birth=st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_generated_numbers_always_validate(birth, sequence):
    number = make_id_number("330102", birth, sequence)
    assert validate_id_number(number, TODAY) == number


@given(
    birth=st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31)),
    position=st.integers(0, 16),
)
def test_any_single_digit_change_is_caught(birth, position):
    number = make_id_number("330102", birth, 7)
    changed = str((int(number[position]) + 1) % 10)
    tampered = number[:position] + changed + number[position + 1 :]
    with pytest.raises(IdentityError):
        validate_id_number(tampered, TODAY)


@pytest.mark.parametrize("phone", ["13800138000", "+86 138 0013 8000", "0571-87654321", "010-12345678"])
def test_valid_phones(phone):
    assert validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "1380013800", "23800138000", "abc"])
def test_invalid_phones(phone):
    with pytest.raises(IdentityError, match="联系电话"):
        validate_phone(phone)


def test_masks():
    assert mask_id_number("330102197001011235") == "330102********1235"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("欧阳明华") == "欧***"
    assert mask_id_number(None) == ""
