"""The public's appointment forms (约访). They parse; ``leaders.services.appointments`` decides."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from xinfang import inputs
from xinfang.petitions.fields import CountedCharField

from .forms import RADIO, PhoneField, QueryCodeField, _attrs

NEW, EXISTING = "new", "existing"
MATTER_CHOICES = [(NEW, "新的事项（尚未登记）"), (EXISTING, "已登记的信访事项（凭查询码）")]


class OptionalQueryCodeField(QueryCodeField):
    """Asked for only when the appointment is about a registered matter."""

    def clean(self, value):
        if not (value or "").strip():
            return ""
        return super().clean(value)


class AppointmentForm(forms.Form):
    leader = forms.TypedChoiceField(
        label="接访领导",
        coerce=int,
        error_messages={"required": "请选择接访领导。", "invalid_choice": "请选择公示的接访领导。"},
    )
    date = forms.CharField(
        label="约访日期",
        widget=forms.DateInput(attrs=_attrs(type="date")),
        help_text="请选择公示的接访日。",
        error_messages={"required": "请选择约访日期。"},
    )
    matter_kind = forms.ChoiceField(
        label="约访的事项",
        choices=MATTER_CHOICES,
        initial=NEW,
        widget=RADIO,
        error_messages={"required": "请选择约访的事项。"},
    )
    matter = CountedCharField(
        label="约访要反映的问题",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs=_attrs(rows=4)),
        help_text="请简要说明，详细情况可在接访时当面反映。已登记事项可不填。",
    )
    query_code = OptionalQueryCodeField(
        required=False, help_text="约访已登记的事项时填写登记时告知的查询码。"
    )
    phone = PhoneField(help_text="用于核验身份和通知约访结果，不会公开。")
    code = forms.CharField(
        label="短信验证码",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs=_attrs(inputmode="numeric", autocomplete="one-time-code")),
        help_text="新的事项请先点击“获取短信验证码”。",
        error_messages={"max_length": "验证码为6位数字。"},
    )

    def __init__(self, *args, leaders: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", "请选择"), *leaders]
        self.fields["leader"].widget.attrs.update(_attrs(**{"class": "form-select"}))

    def clean_date(self):
        try:
            return inputs.parse_date(self.cleaned_data["date"], "约访日期")
        except inputs.InputError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if (
            data.get("matter_kind") == EXISTING
            and not self.errors.get("query_code")
            and not data.get("query_code")
        ):
            self.add_error("query_code", "约访已登记的事项，请填写查询码。")
        if data.get("matter_kind") == NEW:
            code = (data.get("code") or "").strip()
            if not code:
                self.add_error("code", "请填写短信验证码。")
            elif not (len(code) == 6 and code.isdigit()):
                self.add_error("code", "验证码为6位数字。")
        return data


class AppointmentCheckForm(forms.Form):
    query_code = QueryCodeField(label="约访查询码", help_text="提出约访时告知您的12位约访查询码。")
    phone = PhoneField(help_text="提出约访时留下的手机号码。")
