"""The forms of co-handling and settlement (``set_co_handlers``, ``add_support_opinion``,
``record_settlement``), added to ``forms.FORMS`` in ``WorkflowConfig.ready()`` (forms.py is near its size
limit). As everywhere, the service decides; these only parse and offer choices."""

from __future__ import annotations

from django import forms

from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Settlement

from .forms import FORMS, TEXT, ActionForm, UnitChoiceField, _accused_unit_ids, routing_units
from .units import holder


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return f"{unit.name}（{unit.get_kind_display()}）"


class SetCoHandlersForm(ActionForm):
    rule = (
        "涉及多个单位的信访事项，由共同的上级信访部门或联席会议确定一个主办单位和若干协办单位："
        "主办单位负责答复，办理情况计入主办单位；协办单位可查看事项、提出协办意见。"
        "检举控告事项不得由被检举控告的单位协办。"
    )
    submit_label = "确定"

    lead_unit = UnitChoiceField(label="主办单位", queryset=OrgUnit.objects.none())
    supporting_units = UnitsChoiceField(
        label="协办单位", queryset=OrgUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label="说明", required=False, widget=TEXT, help_text="如：经协商或联席会议议定。")

    def setup(self) -> None:
        handling = holder(self.petition)
        lead = self.fields["lead_unit"]
        lead.queryset = OrgUnit.objects.filter(pk=getattr(handling, "pk", None))
        lead.help_text = "主办单位为承办该事项的单位；由其他单位主办的，请先转送或交办。"
        if handling is not None and not self.is_bound:
            self.initial.setdefault("lead_unit", handling.pk)
        others = routing_units(self.petition, self.user.unit).exclude(pk=getattr(handling, "pk", None))
        self.fields["supporting_units"].queryset = others.exclude(pk__in=_accused_unit_ids(self.petition))

    def action_data(self) -> dict:
        data = super().action_data()
        if "supporting_units" in data:
            data["supporting_units"] = list(data["supporting_units"])
        return data


class SupportOpinionForm(ActionForm):
    rule = "协办单位就其职责范围内的问题提出意见，供主办单位办理和答复；答复由主办单位作出。"
    submit_label = "提交协办意见"

    text = forms.CharField(label="协办意见", widget=TEXT)


class RecordSettlementForm(ActionForm):
    rule = (
        "已办结的信访事项，信访人息诉息访的，记录案结事了及其方式，计入案结事了率；"
        "“依法终结”限于复核后三级终结的事项。"
    )
    submit_label = "记录"

    settlement = forms.ChoiceField(label="案结事了方式", choices=[("", "请选择"), *Settlement.choices])
    text = forms.CharField(label="情况说明", required=False, widget=TEXT)


def register() -> None:
    FORMS.update(
        {
            "set_co_handlers": SetCoHandlersForm,
            "add_support_opinion": SupportOpinionForm,
            "record_settlement": RecordSettlementForm,
        }
    )
