from __future__ import annotations

from django import forms

from xinfang import inputs
from xinfang.inputs import Styled

from .models import Fund


class ApplyForm(Styled, forms.Form):
    petition = forms.CharField(label="信访事项登记编号", max_length=40)
    fund = forms.ChoiceField(label="资金渠道", choices=Fund.choices)
    # Text, so the service gives its own message for a negative or absurd amount.
    amount = forms.CharField(label="救助金额（元）", max_length=20)
    applicant_name = forms.CharField(label="申请人", max_length=100)
    beneficiary_count = forms.IntegerField(label="受助人数", min_value=1, initial=1)
    reason = forms.CharField(label="救助事由", widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(Styled, forms.Form):
    rule = forms.CharField(label="审批依据", max_length=200, help_text="救助办法及条款")


class PayForm(Styled, forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=inputs.DateInput())
    reference = forms.CharField(label="发放凭证号", max_length=100, required=False)


ENDING_CHOICES = [("yes", "是，救助息访"), ("no", "否，仍在信访")]


class EndingForm(Styled, forms.Form):
    ended = forms.ChoiceField(label="是否救助息访", choices=ENDING_CHOICES)
