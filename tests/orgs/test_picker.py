"""orgs.picker: a unit filter above a county is a search box over a select holding only what is chosen."""

from __future__ import annotations

import json

from django import forms
from django.test import RequestFactory

from xinfang.orgs import picker
from xinfang.orgs.models import OrgUnit


class Filter(forms.Form):
    unit = forms.ModelChoiceField(
        label="责任单位", required=False, queryset=OrgUnit.objects.none(), empty_label="全部单位"
    )

    def __init__(self, *args, units, listed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        picker.make_searchable(self.fields["unit"], "/units/", listed=listed)


def _options(html: str) -> list[str]:
    return [part.split(">", 1)[1].split("<", 1)[0] for part in html.split("<option")[1:]]


def test_only_a_city_province_or_the_whole_country_is_searched(org):
    assert picker.is_large(org.city) and picker.is_large(org.province) and picker.is_large(None)
    assert not picker.is_large(org.county) and not picker.is_large(org.qingbo)


def test_the_select_holds_the_empty_choice_the_chosen_unit_and_the_listed_ones(org):
    units = OrgUnit.objects.filter(region__code__startswith="3301")
    html = str(Filter({"unit": org.hubin_unit.pk}, units=units, listed=[org.city_bureau])["unit"])
    assert _options(html) == ["全部单位", "湖滨街道办事处", "杭州市信访局"]
    assert f'value="{org.hubin_unit.pk}" selected' in html
    assert 'data-unit-search="/units/"' in html and 'aria-label="查找责任单位"' in html
    assert "hidden" in html  # the box waits for app.js: without JavaScript it would search nothing


def test_a_unit_outside_the_queryset_is_refused_and_one_inside_accepted(org):
    units = OrgUnit.objects.filter(region__code__startswith="330102")
    outside = Filter({"unit": org.city_bureau.pk}, units=units)
    assert not outside.is_valid() and "unit" in outside.errors
    inside = Filter({"unit": org.housing.pk}, units=units)
    assert inside.is_valid() and inside.cleaned_data["unit"] == org.housing


def test_a_chosen_value_that_is_no_number_renders_without_a_query(org, django_assert_num_queries):
    form = Filter({"unit": "abc"}, units=OrgUnit.objects.all())
    with django_assert_num_queries(0):
        html = str(form["unit"])
    assert _options(html) == ["全部单位"]


def _answer(units, text):
    response = picker.search_json(RequestFactory().get("/units/", {"q": text}), units)
    return response.status_code, json.loads(response.content)


def test_the_endpoint_matches_every_part_by_name_short_name_or_code(org):
    units = OrgUnit.objects.all()
    status, data = _answer(units, "上城区 住房")
    assert status == 200 and [r["label"] for r in data["results"]] == ["上城区住房和城乡建设局"]
    assert _answer(units, "330102-zj")[1]["results"][0]["id"] == org.housing.pk  # a code, as typed
    OrgUnit.objects.filter(pk=org.qingbo_unit.pk).update(short_name="清波")
    assert [r["label"] for r in _answer(units, "清波")[1]["results"]] == ["清波街道办事处"]
    assert _answer(units.exclude(pk=org.qingbo_unit.pk), "清波")[1] == {"results": [], "more": False}


def test_the_endpoint_lists_at_most_a_page_and_says_there_is_more(org, monkeypatch):
    monkeypatch.setattr(picker, "RESULTS", 2)
    status, data = _answer(OrgUnit.objects.filter(region__code__startswith="330102"), "")
    assert status == 200 and len(data["results"]) == 2 and data["more"] is True


def test_a_bad_search_text_is_a_400_with_the_reason(org):
    for text in ("清\x00波", "清" * 41, "清\u200b波"):
        status, data = _answer(OrgUnit.objects.all(), text)
        assert status == 400 and "单位名称或代码" in data["error"]
