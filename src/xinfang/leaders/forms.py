"""Forms of the leaders pages. They parse; the services validate and say what is wrong, in Chinese."""

from __future__ import annotations

from django import forms

from xinfang import inputs
from xinfang.orgs.models import OrgUnit, User

from .models import (
    LEADER_LEVELS,
    WEEKDAYS,
    HolidayRule,
    Outcome,
    ReceptionKind,
    Recurrence,
    ResolutionStandard,
)
from .services.ownership import Step

TIME = {"type": "time"}


class Styled(inputs.Styled):
    small = False


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj}（{obj.unit.name}）"


class _LeaderFields(Styled, forms.Form):
    leader = LeaderChoice(label="领导", queryset=User.objects.none())
    leader_post = forms.CharField(label="领导职务", max_length=60, required=False)
    leader_level = forms.ChoiceField(label="领导层级", choices=LEADER_LEVELS)

    def __init__(self, *args, leaders=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(pk__in=[u.pk for u in leaders]).select_related(
            "unit"
        )
        for name in ("attending_units", "team_units", "units"):
            if name in self.fields and units is not None:
                self.fields[name].queryset = units
        self.style()


class ScheduleForm(_LeaderFields):
    kind = forms.ChoiceField(label="接访方式", choices=ReceptionKind.choices)
    place = forms.CharField(label="接访地点", max_length=120, required=False)
    topics = forms.CharField(label="接访事项范围", max_length=200, required=False)
    recurrence = forms.ChoiceField(label="重复规则", choices=Recurrence.choices)
    day_of_month = forms.IntegerField(label="每月几日", required=False)
    weekday = forms.TypedChoiceField(
        label="星期", choices=[("", "—"), *WEEKDAYS], coerce=int, empty_value=None, required=False
    )
    holiday_rule = forms.ChoiceField(label="遇节假日", choices=HolidayRule.choices)
    start_time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs=TIME))
    end_time = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs=TIME))
    starts_on = forms.DateField(label="起始日期", widget=inputs.DateInput())
    ends_on = forms.DateField(label="截止日期", required=False, widget=inputs.DateInput())
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class MakeSessionsForm(Styled, forms.Form):
    until = forms.DateField(label="生成至", widget=inputs.DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class SessionForm(_LeaderFields):
    kind = forms.ChoiceField(label="接访方式", choices=ReceptionKind.choices)
    place = forms.CharField(label="接访地点", max_length=120, required=False)
    topics = forms.CharField(label="接访事项范围", max_length=200, required=False)
    date = forms.DateField(label="接访日期", widget=inputs.DateInput())
    start_time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs=TIME))
    end_time = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs=TIME))
    attending_units = forms.ModelMultipleChoiceField(
        label="参加单位",
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class LinkForm(Styled, forms.Form):
    registration_number = forms.CharField(label="登记编号", max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class OutcomeForm(Styled, forms.Form):
    outcome = forms.ChoiceField(
        label="接访结果", choices=[c for c in Outcome.choices if c[0] != Outcome.PENDING]
    )
    unit = forms.ModelChoiceField(label="限期化解单位", queryset=OrgUnit.objects.none(), required=False)
    due = forms.DateField(label="化解期限", required=False, widget=inputs.DateInput())
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.style()


class ReasonForm(Styled, forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class NoteForm(Styled, forms.Form):
    note = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )

    def __init__(self, *args, label: str = "说明", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label
        self.style()


STEP_ROWS = 5


class OwnershipForm(_LeaderFields):
    problem = forms.CharField(label="一个问题（包案化解的问题）", max_length=300, required=False)
    team_users = forms.ModelMultipleChoiceField(
        label="工作专班人员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    team_units = forms.ModelMultipleChoiceField(
        label="责任单位",
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    resolution_due = forms.DateField(label="化解时限", required=False, widget=inputs.DateInput())

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["team_users"].queryset = staff
        for i in range(STEP_ROWS):
            self.fields[f"step_{i}_text"] = forms.CharField(
                label=f"方案步骤{i + 1}",
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"step_{i}_due"] = forms.DateField(
                label=f"步骤{i + 1}完成时间",
                required=False,
                widget=inputs.DateInput(attrs={"class": "form-control"}),
            )

    def steps(self):
        rows = []
        for i in range(STEP_ROWS):
            text, due = self.cleaned_data.get(f"step_{i}_text") or "", self.cleaned_data.get(f"step_{i}_due")
            if text.strip() or due:
                rows.append(Step(text, due))
        return rows

    def step_rows(self):
        return [(self[f"step_{i}_text"], self[f"step_{i}_due"]) for i in range(STEP_ROWS)]


class HandOnForm(OwnershipForm):
    note = forms.CharField(
        label="移交原因", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["problem"]


class ResolveForm(Styled, forms.Form):
    standards = forms.ModelMultipleChoiceField(
        label="达到的化解标准",
        queryset=ResolutionStandard.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="化解情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the progress form on the same page has a "note" too, and a label must find its field.
        kwargs.setdefault("auto_id", "id_resolve_%s")
        super().__init__(*args, **kwargs)
        self.fields["standards"].queryset = ResolutionStandard.objects.filter(is_active=True)
        self.style()


class SubmitForm(Styled, forms.Form):
    leader = LeaderChoice(label="呈阅领导", queryset=User.objects.none())
    note = forms.CharField(
        label="呈报说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(pk__in=[u.pk for u in leaders]).select_related(
            "unit"
        )
        self.style()


class InstructForm(Styled, forms.Form):
    text = forms.CharField(
        label="批示内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    units = forms.ModelMultipleChoiceField(
        label="承办单位",
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    response_due = forms.DateField(
        label="回复期限（填写后由信访部门督办）", required=False, widget=inputs.DateInput()
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["units"].queryset = units
        self.style()


class AnswerForm(Styled, forms.Form):
    text = forms.CharField(
        label="办理情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
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


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.date:%Y-%m-%d} {obj.start_time:%H:%M} {obj.leader}（{obj.leader_post}）· {obj.place}"


class AppointmentReasonForm(Styled, forms.Form):
    """The reason the petitioner reads on the portal when the bureau moves or declines an appointment."""

    reason = forms.CharField(label="原因（信访人可见）", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class AppointmentMoveForm(AppointmentReasonForm):
    session = SessionChoice(label="改约到", queryset=None, required=False)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.order_fields(["session", "reason"])
