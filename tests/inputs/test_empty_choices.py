"""Every select of every staff and portal form says what its empty choice means in Chinese (请选择, or 全部
for a filter), never Django's `---------`. The walk builds each form as its page does and renders it; the
workflow's action forms are rendered per action in tests/workflow/test_views.py."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest
from django import forms

from xinfang import inputs
from xinfang.leaders.models import ReceptionSession
from xinfang.orgs.models import OrgUnit, User
from xinfang.workflow.forms import ActionForm

from .formwalk import form_classes

DASHES = inputs.DJANGO_EMPTY_LABEL
# Rendered per action with a petition in the right state (tests/workflow/test_views.py).
ELSEWHERE = (ActionForm,)


def keyword_parameters(cls) -> dict[str, bool]:
    """The keyword arguments the form's constructors take, each with whether it is required."""
    found: dict[str, bool] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or not klass.__module__.startswith("xinfang."):
            continue
        for name, parameter in inspect.signature(init).parameters.items():
            if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD) and name != "self":
                found[name] = found.get(name, False) or parameter.default is parameter.empty
    return found


@pytest.fixture
def arguments(org, people):
    units = OrgUnit.objects.filter(region__code__startswith=org.county.prefix)
    leaders = [people.bureau_leader]
    return {
        "units": units,
        "bureau": org.bureau,
        "leaders": leaders,
        "staff": User.objects.filter(unit=org.bureau),
        "user": people.bureau_handler,
        "unit": org.bureau,
        "channel": "visit",
        "county_prefix": org.county.prefix,
        "campaign": SimpleNamespace(criteria=SimpleNamespace(all=list)),
        "dispute": SimpleNamespace(region_code=org.qingbo.code),
        "targets": [("bureau", "信访部门"), ("unit", "责任单位")],
        "label": "说明",
        "sessions": ReceptionSession.objects.all(),
        "document": SimpleNamespace(pk=1, delivered_at=None, delivery_method=""),
    }


def test_every_form_walked_renders_chinese_empty_choices(arguments):
    rendered = []
    for cls in form_classes():
        if issubclass(cls, ELSEWHERE) or issubclass(cls, forms.BaseFormSet):
            continue
        params = keyword_parameters(cls)
        missing = [name for name, required in params.items() if required and name not in arguments]
        assert not missing, f"{cls.__qualname__}: tell the walk how to build it ({missing})"
        form = cls(**{name: arguments[name] for name in params if name in arguments})
        html = str(form)
        assert DASHES not in html, f"{cls.__module__}.{cls.__qualname__}"
        rendered.append(cls.__module__.split(".")[1])
    assert {"workbench", "workflow", "supervision", "leaders", "meetings", "campaigns"} <= set(rendered)
    assert {"disputes", "assistance", "portal"} <= set(rendered)


def test_a_required_unit_select_says_choose_and_a_filter_says_all(arguments):
    from xinfang.leaders.forms import OutcomeForm
    from xinfang.meetings.forms import DecideForm
    from xinfang.workbench.forms import ListFilterForm

    assert '<option value="" selected>请选择</option>' in str(DecideForm(county_prefix="330102")["lead_unit"])
    assert '<option value="" selected>请选择</option>' in str(OutcomeForm(units=arguments["units"])["unit"])
    listing = ListFilterForm(user=arguments["user"])
    assert '<option value="" selected>全部状态</option>' in str(listing["status"])


def test_a_field_naming_its_own_empty_choice_keeps_it():
    class Form(inputs.ChineseEmptyChoices, forms.Form):
        empty_choice = inputs.ALL_CHOICE
        unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, empty_label="全部单位")
        other = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False)
        kind = forms.ChoiceField(choices=[("", DASHES), ("a", "甲")], required=False)

    form = Form()
    assert form.fields["unit"].empty_label == "全部单位"
    assert form.fields["other"].empty_label == "全部"
    assert form.fields["kind"].choices == [("", "全部"), ("a", "甲")]
