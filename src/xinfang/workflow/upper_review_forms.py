"""The forms of sign-for and of the assigning bureau's actions on an assigned matter (``sign_for``, ``urge``,
``add_supplement``, ``confirm_conclusion``, ``return_for_rework``), added to ``forms.FORMS`` in
``WorkflowConfig.ready()`` like the co-handling forms. The service decides; these only parse."""

from __future__ import annotations

from django import forms

from .forms import FORMS, TEXT, ActionForm


class SignForForm(ActionForm):
    rule = "收到转送、交办的信访事项后先签收，再在受理期限内决定受理或提出异议；受理或提出异议时尚未签收的，视为同时签收。"
    submit_label = "签收"

    text = forms.CharField(label="签收说明", required=False, widget=TEXT)


class UrgeForm(ActionForm):
    rule = "交办的信访部门督促承办单位按期办理、报结；催办记入办理记录，并通知承办单位。"
    submit_label = "催办"

    text = forms.CharField(label="催办内容", widget=TEXT)


class AddSupplementForm(ActionForm):
    rule = "交办的信访部门向承办单位补充转交信访人的新材料或有关情况；记入办理记录，并通知承办单位。"
    submit_label = "补充材料"

    text = forms.CharField(label="补充内容", widget=TEXT)


class ConfirmConclusionForm(ActionForm):
    rule = "审核承办单位报送的办理结果：符合要求的，认定办结，承办单位方可向信访人送达处理意见。"
    submit_label = "认定办结"

    text = forms.CharField(label="审核意见", required=False, widget=TEXT)


class ReturnForReworkForm(ActionForm):
    rule = "办理结果不符合要求的，说明理由退回承办单位重新办理；重办期限按政策计算（默认自退回之日起30日）。"
    submit_label = "退回重办"

    reason = forms.CharField(label="退回理由", widget=TEXT)


def register() -> None:
    FORMS.update(
        {
            "sign_for": SignForForm,
            "urge": UrgeForm,
            "add_supplement": AddSupplementForm,
            "confirm_conclusion": ConfirmConclusionForm,
            "return_for_rework": ReturnForReworkForm,
        }
    )
