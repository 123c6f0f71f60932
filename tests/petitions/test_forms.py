"""Workbench forms: parsing, choices, and placing the registration service's errors by field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f
from xinfang import clock
from xinfang.petitions.fields import category_choices
from xinfang.petitions.models import Category, Channel, Petition
from xinfang.workbench.forms import (
    ListFilterForm,
    RegistrationForm,
    apply_service_errors,
    party_formset,
    region_choices,
)

from .test_views_register import form_data, party


def bound(people, channel, data):
    form = RegistrationForm(data, {}, channel=channel, user=people.registrar)
    formset = party_formset(channel, data)
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    return form, formset


def test_service_errors_land_on_the_field_they_name(people):
    blank_row = {"name": "", "id_number": "", "phone": "", "address": "", "role": "co_petitioner"}
    data = form_data(Channel.PHONE, [party(), blank_row, party(role="co_petitioner")])
    form, formset = bound(people, Channel.PHONE, data)
    error = ValidationError(
        {
            "summary": ["事项摘要不超过200字（现有201字）。"],
            "parties.1.id_number": ["身份证号码校验位错误，请核对。"],
            "parties.0.phone": ["联系电话格式不正确。"],
            "parties": ["同一身份证号码在本次登记中出现了多次。"],
            "__all__": ["只有登记员可以登记信访事项。"],
            "visit_level": ["只有来访才填写来访层级。"],  # the phone form has no such field
            "repeat_of": ["关联的原信访事项不存在。"],  # hidden: shown at the top
        }
    )
    apply_service_errors(error, form, formset)
    assert form.errors["summary"] == ["事项摘要不超过200字（现有201字）。"]
    # The service numbers the filled rows; the blank second row was not sent, so "parties.1" is the third.
    assert formset.forms[2].errors["id_number"] == ["身份证号码校验位错误，请核对。"]
    assert formset.forms[0].errors["phone"] == ["联系电话格式不正确。"]
    assert not formset.forms[1].errors
    assert formset.non_form_errors() == ["同一身份证号码在本次登记中出现了多次。"]
    assert form.non_field_errors() == [
        "只有登记员可以登记信访事项。",
        "只有来访才填写来访层级。",
        "关联的原信访事项不存在。",
    ]


def test_a_plain_validation_error_goes_to_the_top(people):
    form, formset = bound(people, Channel.LETTER, form_data())
    apply_service_errors(ValidationError("系统繁忙，请稍后再试。"), form, formset)
    assert form.non_field_errors() == ["系统繁忙，请稍后再试。"]


def test_the_form_builds_the_registration(people, org):
    data = form_data(Channel.VISIT, [party(), party(role="co_petitioner")], person_count="2")
    form, formset = bound(people, Channel.VISIT, data)
    reg = form.to_registration(formset.to_parties())
    assert reg.channel == Channel.VISIT and reg.visit_level == "county" and reg.person_count == 2
    assert reg.issue_region == org.qingbo
    assert reg.received_at.tzinfo is not None
    assert clock.local_date(reg.received_at) == clock.local_date(clock.now() - dt.timedelta(hours=1))
    assert [p.role for p in reg.parties] == ["principal", "co_petitioner"]


def test_the_received_time_is_read_as_beijing_time(people):
    form, formset = bound(people, Channel.LETTER, form_data(received_at="2026-01-05T09:30"))
    assert form.cleaned_data["received_at"] == dt.datetime(2026, 1, 5, 9, 30, tzinfo=clock.SHANGHAI)


def test_the_visit_form_requires_level_and_count(people):
    data = form_data(Channel.VISIT, visit_level="", person_count="")
    form = RegistrationForm(data, {}, channel=Channel.VISIT, user=people.registrar)
    assert not form.is_valid()
    assert form.errors["visit_level"] == ["来访请选择来访层级。"]
    assert form.errors["person_count"] == ["请填写来访人数。"]


def test_the_first_petitioner_row_is_required(people):
    data = form_data(parties=[{"name": "", "id_number": "", "phone": "", "address": "", "role": "principal"}])
    formset = party_formset(Channel.LETTER, data)
    assert not formset.is_valid()
    assert formset.forms[0].errors["name"] == ["请填写信访人姓名。"]


def test_category_choices_group_by_top_level(db):
    choices = category_choices()
    groups = dict(choices[1:])
    building = groups["城乡建设"]
    assert [label for _, label in building] == ["城乡建设", "住房", "问题楼盘", "征收拆迁", "物业管理"]
    assert groups["交通运输"] == [(Category.objects.get(path="交通运输").pk, "交通运输")]


def test_a_subcategory_added_later_joins_its_group_with_its_path(db):
    """An administrator adds 城乡建设/住房/公租房 and 城乡建设/农房 with the default sort order (0)."""
    housing = Category.objects.get(path="城乡建设/住房")
    rental = Category.objects.create(name="公租房", parent=housing)
    rural = Category.objects.create(name="农房", parent=Category.objects.get(path="城乡建设"))
    choices = category_choices()
    labels = [label for label, _ in choices[1:]]
    assert labels.count("城乡建设") == 1 and labels[0] == "农村农业"  # no second group, tops keep their order
    building = dict(choices[1:])["城乡建设"]
    assert building[0][1] == "城乡建设"
    assert (rental.pk, "住房 / 公租房") in building and (rural.pk, "农房") in building


def test_the_workbench_and_the_portal_pickers_share_the_grouping(people):
    from xinfang.portal.forms import FilingForm
    from xinfang.workbench.forms import RegistrationForm

    clerk = RegistrationForm(channel="letter", user=people.registrar).fields["category"].choices
    portal = FilingForm(unit=people.registrar.unit).fields["category"].choices
    assert clerk[1:] == portal[1:] == category_choices()[1:]
    html = str(RegistrationForm(channel="letter", user=people.registrar)["category"])
    assert '<optgroup label="城乡建设">' in html and "请选择内容分类" in html


def test_region_choices_put_villages_under_their_township(org):
    village = f.region("330102001001", "清波社区", "village", org.qingbo)
    choices = region_choices(org.county.prefix)
    assert choices[1] == (org.county.pk, "上城区")
    qingbo_group = dict(choices[2:])["清波街道"]
    assert qingbo_group == [(org.qingbo.pk, "清波街道（全乡镇/街道）"), (village.pk, "　清波社区")]


@pytest.mark.parametrize(
    ("query", "valid"),
    [({"received_from": "2026-03-01", "received_to": "2026-03-01"}, True), ({"received_from": "x"}, False)],
)
def test_list_filter_dates(people, query, valid):
    assert ListFilterForm(query, user=people.registrar).is_valid() is valid


def test_list_filter_by_category_includes_its_subtree(people):
    f.register(people.registrar, category=f.category("城乡建设/住房"))
    f.register(people.registrar, category=f.category("城乡建设"))
    f.register(people.registrar, category=f.category("教育"))
    form = ListFilterForm({"category": Category.objects.get(path="城乡建设").pk}, user=people.registrar)
    assert form.is_valid()
    assert form.filter(Petition.objects.all()).count() == 2
