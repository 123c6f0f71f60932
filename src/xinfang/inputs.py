"""Reading what people and clients type: dates in a sane range, ASCII integers, codes, visible text; the
date picker every form shows.

One place for the rules, so the workbench, the portal, the API and the statistics refuse the same input with
the same Chinese message instead of crashing on it: Python's `date` reaches year 1 and 9999, where adding a day
or moving to UTC overflows; `str.isdigit()` is true for '¹' and '١', which `int()` refuses or reads as another
number; a name of zero-width characters looks empty, and a right-to-left override makes a summary read
differently on screen than in the database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from xinfang import clock

# The People's Republic's founding: no petition, receipt or statistic is older.
EARLIEST_DATE = dt.date(1949, 10, 1)
# Periods and deadlines may run into the future (a year's statistics, a working-day calendar); no further.
FUTURE_YEARS = 10
ISO_DATE_FORMAT = "%Y-%m-%d"
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
ASCII_INT_RE = re.compile(r"^[+-]?\d{1,18}$", re.ASCII)

# Zero-width characters and bidirectional controls: invisible on screen, so a name or summary carrying them is
# not what the reader sees (U+200B..U+200F, U+2060, U+FEFF; U+202A..U+202E, U+2066..U+2069).
INVISIBLE_CHARS = frozenset(
    [*map(chr, range(0x200B, 0x2010)), "\u2060", "\ufeff", *map(chr, range(0x202A, 0x202F))]
    + [*map(chr, range(0x2066, 0x206A))]
)


class InputError(ValueError):
    """A Chinese sentence saying what is wrong with a value someone typed."""


def latest_date() -> dt.date:
    today = clock.today()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def range_message(label: str) -> str:
    return f"{label}应在{EARLIEST_DATE:%Y-%m-%d}至{latest_date():%Y-%m-%d}之间。"


def check_date(day: dt.date, label: str = "日期") -> dt.date:
    """`day` if it lies in the sane range, else InputError naming the range."""
    if not EARLIEST_DATE <= day <= latest_date():
        raise InputError(range_message(label))
    return day


def parse_date(text: str, label: str = "日期") -> dt.date:
    """An ISO date (YYYY-MM-DD, ASCII digits) in the sane range."""
    text = (text or "").strip()
    if not ISO_DATE_RE.match(text):
        raise InputError(f"{label}格式应为 YYYY-MM-DD。")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{label}不存在，请核对。") from None
    return check_date(day, label)


def check_instant(instant: dt.datetime, label: str = "时间") -> dt.datetime:
    check_date(instant.date(), label)
    return instant


def parse_int(
    text: str, label: str = "数值", *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """An integer written in ASCII digits: '¹', '١' or '１' is refused, not read as another number."""
    text = (text or "").strip()
    if not ASCII_INT_RE.match(text):
        raise InputError(f"{label}应为整数（阿拉伯数字）。")
    value = int(text)
    if minimum is not None and value < minimum:
        raise InputError(f"{label}不能小于{minimum}。")
    if maximum is not None and value > maximum:
        raise InputError(f"{label}不能大于{maximum}。")
    return value


def has_nul(text) -> bool:
    """A NUL character, which PostgreSQL's text columns cannot hold: a value carrying one names nothing."""
    return "\x00" in str(text)


def is_ascii_int(text) -> bool:
    return isinstance(text, str) and bool(ASCII_INT_RE.match(text))


def normalize_code(text: str) -> str:
    """A code as typed (query code, ID number, registration number): NFKC folds full-width letters and digits
    and other compatibility forms to ASCII; spaces around are dropped."""
    return unicodedata.normalize("NFKC", text or "").strip()


def search_text(text: str) -> str:
    """A search box's text: a code typed in full-width forms ('ＸＦ－３３０１０２…') folds to ASCII, while
    Chinese words stay as the index holds them."""
    folded = normalize_code(text)
    return folded if folded.isascii() else (text or "").strip()


def invisible_message(label: str) -> str:
    return f"{label}含有不可见的控制字符（零宽字符或文字方向控制符），请删除后重新填写。"


def has_invisible(text: str) -> bool:
    return any(ch in INVISIBLE_CHARS for ch in text or "")


def refuse_invisible(text: str, label: str) -> str:
    if has_invisible(text):
        raise InputError(invisible_message(label))
    return text


@deconstructible
class VisibleText:
    """Django validator (forms, DRF serializers): refuse zero-width and bidi controls, naming the field."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_invisible(value):
            raise ValidationError(invisible_message(self.label), code="invisible")

    def __eq__(self, other) -> bool:
        return isinstance(other, VisibleText) and other.label == self.label


class BoundedDateField(forms.DateField):
    """A form date field that refuses dates outside the sane range with the field's label in the message."""

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None:
            try:
                check_date(day, str(self.label or "日期"))
            except InputError as exc:
                raise ValidationError(str(exc), code="out_of_range") from None
        return day


class BoundedDateTimeField(forms.DateTimeField):
    def to_python(self, value):
        instant = super().to_python(value)
        if instant is not None:
            try:
                check_date(instant.date(), str(self.label or "时间"))
            except InputError as exc:
                raise ValidationError(str(exc), code="out_of_range") from None
        return instant


class DateInput(forms.DateInput):
    """The browser's date picker. ``<input type=date>`` takes only an ISO value (YYYY-MM-DD); Django renders
    dates in the locale's first input format, which for zh-hans is 2026/12/09, and the browser drops that
    value, so a default date (a deadline, today) would be lost without a word."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE_FORMAT)


# Django's placeholder for "nothing chosen yet" in a select; no user of the system reads it as anything.
DJANGO_EMPTY_LABEL = "---------"
EMPTY_CHOICE = "请选择"
ALL_CHOICE = "全部"  # a filter's empty choice: nothing chosen means no filter


class ChineseEmptyChoices:
    """Form mixin: a select's empty choice says 请选择 (``empty_choice``; a filter form says 全部) instead of
    Django's ``---------``. A field that names its own empty choice ("全部单位", "（无）") keeps it."""

    empty_choice = EMPTY_CHOICE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, self.empty_choice)


class Styled(ChineseEmptyChoices):
    """Form mixin of the leaders' and mechanisms' pages: Bootstrap's classes on every widget (small controls
    unless ``small`` is off). A form that adds fields in its own ``__init__`` calls ``style()`` after them."""

    small = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        select, control = ("form-select", "form-control")
        if self.small:
            select, control = f"{select} form-select-sm", f"{control} form-control-sm"
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            else:
                widget.attrs.setdefault("class", select if isinstance(widget, forms.Select) else control)


def name_empty_choices(form: forms.BaseForm, label: str = EMPTY_CHOICE) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_EMPTY_LABEL:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if any(value == "" and text == DJANGO_EMPTY_LABEL for value, text in choices):
                field.choices = [
                    (value, label if value == "" and text == DJANGO_EMPTY_LABEL else text)
                    for value, text in choices
                ]
