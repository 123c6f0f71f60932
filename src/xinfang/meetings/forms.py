from __future__ import annotations

from django import forms

from xinfang import inputs
from xinfang.inputs import Styled
from xinfang.orgs.models import OrgUnit

from .models import EscalationTarget, MeetingKind, MeetingLevel

ITEMS_HELP = "每行一项：登记编号或“纠纷编号N”或“议题编号N”（接续乡镇提请的议题），空格后写议题。"


class MeetingForm(Styled, forms.Form):
    level = forms.ChoiceField(label="会议层级", choices=MeetingLevel.choices)
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    held_on = forms.DateField(label="召开日期", widget=inputs.DateInput())
    title = forms.CharField(label="会议名称", max_length=200)
    attendees = forms.CharField(label="参会单位和领导", widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.CharField(label="议题", help_text=ITEMS_HELP, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(Styled, forms.Form):
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=OrgUnit.objects.none(), required=False)
    supporting_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=OrgUnit.objects.none(), required=False
    )
    action = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="办理时限", widget=inputs.DateInput(), required=False)

    def __init__(self, *args, county_prefix: str, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(is_active=True, region__code__startswith=county_prefix).order_by(
            "code"
        )
        self.fields["lead_unit"].queryset = units
        self.fields["supporting_units"].queryset = units


class EscalateForm(Styled, forms.Form):
    target = forms.ChoiceField(label="提请", choices=EscalationTarget.choices)
    reason = forms.CharField(label="本级无法解决的原因", widget=forms.Textarea(attrs={"rows": 2}))


class SettleForm(Styled, forms.Form):
    note = forms.CharField(
        label="化解情况（提请常务会、常委会的，填写其研究结果）", widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(Styled, forms.Form):
    done_on = forms.DateField(label="落实日期", widget=inputs.DateInput())
    note = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}))


class SuperviseForm(Styled, forms.Form):
    text = forms.CharField(label="督办意见", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    response_due = forms.DateField(label="回复期限", widget=inputs.DateInput(), required=False)
    is_listed = forms.BooleanField(label="挂牌督办", required=False)
