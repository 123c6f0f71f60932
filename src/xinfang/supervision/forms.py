from __future__ import annotations

from django import forms
from django.urls import reverse

from xinfang import inputs
from xinfang.deadlines.models import Stage
from xinfang.orgs import ordering, picker
from xinfang.orgs.models import OrgUnit

from .models import ReasonKind
from .selectors import COLOUR_LABELS


class Styled(inputs.ChineseEmptyChoices):
    """Bootstrap classes on every widget, so templates can render fields as they are."""

    small = False

    def style(self) -> None:
        size = "-sm" if self.small else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", f"form-select form-select{size}")
            else:
                widget.attrs.setdefault("class", f"form-control form-control{size}")


class BoardFilterForm(Styled, forms.Form):
    small = True
    empty_choice = inputs.ALL_CHOICE

    colour = forms.ChoiceField(
        label="颜色", required=False, choices=[("", "全部在办")] + list(COLOUR_LABELS.items())
    )
    unit = forms.ModelChoiceField(
        label="责任单位", required=False, queryset=OrgUnit.objects.none(), empty_label="全部单位"
    )
    stage = forms.ChoiceField(label="环节", required=False, choices=[("", "全部环节"), *Stage.choices])

    def __init__(self, *args, units=None, searched: bool = False, own_region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        if searched:  # a city's or province's units: searched, with its own level's listed (orgs.picker)
            listed = units.filter(region=own_region) if own_region is not None else ()
            picker.make_searchable(self.fields["unit"], reverse("supervision:board_units"), listed=listed)
        self.style()


class OpenForm(Styled, forms.Form):
    unit = forms.ModelChoiceField(label="被督办单位", queryset=OrgUnit.objects.none())
    reason_kind = forms.ChoiceField(label="督办事由", choices=ReasonKind.choices)
    text = forms.CharField(label="督办意见", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    response_due = forms.DateField(label="回复期限", widget=inputs.DateInput())
    is_listed = forms.BooleanField(label="挂牌督办", required=False)

    def __init__(self, *args, units=None, bureau=None, searched: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            field = self.fields["unit"]
            field.queryset = units
            if (
                searched
            ):  # a city's or province's units: searched, the bureau's own level listed (orgs.picker)
                own = units.filter(region=bureau.region) if bureau is not None else units.none()
                picker.make_searchable(
                    field,
                    reverse("supervision:open_units"),
                    listed=ordering.in_order(own, first=bureau),
                    empty="请选择被督办单位",
                    label_of=lambda u: _unit_label(u, bureau),
                )
            else:
                field.choices = [
                    ("", "请选择被督办单位"),
                    *[(u.pk, _unit_label(u, bureau)) for u in ordering.in_order(units, first=bureau)],
                ]
        self.style()


def _unit_label(unit: OrgUnit, bureau: OrgUnit | None) -> str:
    return f"{unit.name}（本局）" if bureau is not None and unit.pk == bureau.pk else unit.name


class AnswerForm(Styled, forms.Form):
    text = forms.CharField(label="回复内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class CloseForm(Styled, forms.Form):
    note = forms.CharField(
        label="结束说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


def apply_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError onto the form's fields (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
