from __future__ import annotations

from django import forms

from xinfang import inputs
from xinfang.inputs import Styled

from .models import AssigningBody


class CampaignForm(Styled, forms.Form):
    name = forms.CharField(label="活动名称", max_length=200)
    assigning_body = forms.ChoiceField(label="交办机关", choices=AssigningBody.choices)
    assigned_on = forms.DateField(label="交办日期", widget=inputs.DateInput())
    deadline = forms.DateField(label="完成期限", widget=inputs.DateInput())
    criteria = forms.CharField(label="化解标准（每行一条）", widget=forms.Textarea(attrs={"rows": 4}))


class BatchForm(Styled, forms.Form):
    name = forms.CharField(label="批次", max_length=40, initial="第一批")
    assigned_on = forms.DateField(label="交办日期", widget=inputs.DateInput())
    due_on = forms.DateField(label="化解期限", widget=inputs.DateInput())


class ImportForm(Styled, forms.Form):
    file = forms.FileField(label="交办清单（JSON Lines）", required=False)
    lines = forms.CharField(label="或粘贴清单内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            try:
                return upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("清单文件须为 UTF-8 编码的 JSON Lines。") from None
        return self.cleaned_data.get("lines") or ""


class ScreenForm(Styled, forms.Form):
    included = forms.ChoiceField(label="甄别结果", choices=[("in", "纳入"), ("out", "不纳入")])
    reason = forms.CharField(label="理由", required=False)


class ResolveForm(Styled, forms.Form):
    resolved_on = forms.DateField(label="化解日期", widget=inputs.DateInput())
    criteria_met = forms.MultipleChoiceField(
        label="达到的化解标准", widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(label="化解情况", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_met"].choices = [(c.pk, c.text) for c in campaign.criteria.all()]
