from __future__ import annotations

from django import forms

from xinfang import inputs
from xinfang.inputs import Styled
from xinfang.orgs.models import OrgUnit, Region

from .models import DisputeKind, FoundVia, HandlingLevel, MediationKind, Outcome, RiskLevel


class DisputeForm(Styled, forms.Form):
    title = forms.CharField(label="纠纷名称", max_length=200)
    kind = forms.ChoiceField(label="纠纷类型", choices=DisputeKind.choices)
    region = forms.ModelChoiceField(label="发生地", queryset=Region.objects.none())
    parties = forms.CharField(label="当事各方情况", widget=forms.Textarea(attrs={"rows": 2}))
    matter = forms.CharField(label="争议事项", widget=forms.Textarea(attrs={"rows": 2}))
    risk_level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    found_via = forms.ChoiceField(label="发现途径", choices=FoundVia.choices)
    found_on = forms.DateField(label="发现日期", widget=inputs.DateInput())
    level = forms.ChoiceField(label="化解层级", choices=HandlingLevel.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith=user.unit.region.prefix
        ).order_by("code")
        self.style()


class EscalateForm(Styled, forms.Form):
    to_level = forms.ChoiceField(label="提级至", choices=HandlingLevel.choices)
    to_unit = forms.ModelChoiceField(label="新责任单位", queryset=OrgUnit.objects.none())
    reason = forms.CharField(label="提级理由", widget=forms.Textarea(attrs={"rows": 2}))
    skip_reason = forms.CharField(
        label="越级理由（越级时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        # Units whose region holds the dispute's place: the service refuses any other.
        prefixes = {dispute.region_code[:n] for n in range(0, len(dispute.region_code) + 1)}
        self.fields["to_unit"].queryset = OrgUnit.objects.filter(
            is_active=True, region__prefix__in=prefixes
        ).order_by("code")
        self.style()


class MediateForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="调解类型", choices=MediationKind.choices)
    body = forms.CharField(label="调解组织", max_length=200)
    mediated_on = forms.DateField(label="调解日期", widget=inputs.DateInput())
    agreed = forms.BooleanField(label="达成协议", required=False)
    agreement = forms.CharField(label="调解协议", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class CloseForm(Styled, forms.Form):
    outcome = forms.ChoiceField(label="办结方式", choices=Outcome.choices)
    note = forms.CharField(
        label="化解结果 / 法定途径", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    petition = forms.CharField(label="转入的信访事项登记编号", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
