"""The form of 合并重复登记 (``merge_into``), added to ``forms.FORMS`` in ``WorkflowConfig.ready()``: the user
types the registration number of the petition that remains; the service finds it among what the user may see
and refuses everything else (``effects.merge``)."""

from __future__ import annotations

from django import forms

from .forms import FORMS, SHORT_TEXT, ActionForm


class MergeForm(ActionForm):
    rule = (
        "同一信访事项重复登记的，将本件合并到保留的事项：本件的信访人和附件移至保留事项，两件的办理记录都保留，"
        "本件不再办理，统计只计一批次。"
    )
    submit_label = "合并到该事项"

    survivor = forms.CharField(
        label="保留事项的登记编号",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "XF-", "autocomplete": "off"}),
        help_text="本件将并入该事项。",
    )
    text = forms.CharField(label="合并说明", required=False, max_length=2000, widget=SHORT_TEXT)


def register() -> None:
    FORMS["merge_into"] = MergeForm
