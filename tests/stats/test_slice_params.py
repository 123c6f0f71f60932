"""`stats.slices.Slice`: reading and writing its parameters, refusing bad values, and the filter it adds."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from tests import factories as f
from xinfang.petitions.models import Category, Channel, Petition, PetitionClass
from xinfang.stats.metrics import readable, sliced
from xinfang.stats.slices import Slice

from .conftest import ctx


@pytest.mark.django_db
def test_empty_slice_adds_nothing():
    assert Slice().is_empty
    assert Slice().params() == {}
    assert not Slice().petition_q()
    assert not Slice().petition_q("petition__")
    # No reader and no slice: readable() is the empty Q, so an unsliced figure's query is unchanged.
    assert not readable(ctx("2026-03-01", "2026-03-31"), "petition")
    assert not sliced(ctx("2026-03-01", "2026-03-31"))


@pytest.mark.django_db
def test_params_round_trip_through_a_query_string(org):
    parent = Category.objects.get(path="城乡建设")
    query = QueryDict(
        "channel=letter&channel=visit,wxd&source=referred_from_above&source_level=national,province"
        f"&source_action=assign&class=claim&category={parent.pk}&visit_level=local&collective=0&repeat=1"
        "&issue_region=330102001"
    )
    s = Slice.from_params(query)
    assert s.channels == ("letter", "visit") and s.channel_group == "wxd"
    assert s.sources == ("referred_from_above",) and s.source_levels == ("national", "province")
    assert s.petition_classes == ("claim",) and s.category_id == parent.pk
    assert s.visit_levels == ("local",) and s.collective is False and s.repeat is True
    assert s.issue_region == "330102001"
    assert Slice.from_params(s.params()) == s
    assert s.as_dict()["channel_group"] == "wxd" and s.as_dict()["class"] == ["claim"]
    assert s.describe().startswith("信访形式：来信、来访、网信电访；来源：上级转送交办")
    assert "内容分类：城乡建设" in s.describe() and "问题属地：清波街道" in s.describe()


@pytest.mark.django_db
def test_category_by_path_and_region_by_code_are_stored_as_id_and_prefix(org):
    s = Slice.from_params({"category": "城乡建设/征收拆迁", "issue_region": "330102"})
    assert s.category_id == Category.objects.get(path="城乡建设/征收拆迁").pk
    assert s.issue_region == "330102"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"channel": "pigeon"}, "参数 channel（信访形式）的取值“pigeon”无效"),
        ({"channel": "wxd,online_channels"}, "只能选一个分组"),
        ({"source_level": "county"}, "参数 source_level（转交办层级）"),
        ({"class": "x"}, "参数 class（信访类别）"),
        ({"collective": "maybe"}, "参数 collective"),
        ({"repeat": ["1", "0"]}, "参数 repeat"),
        ({"category": "没有/这个"}, "参数 category（内容分类）的取值“没有/这个”无效"),
        ({"category": "99999"}, "没有这个分类"),
        ({"issue_region": "999999"}, "参数 issue_region（问题属地）"),
        ({"issue_region": "上城区"}, "应为一个行政区划代码"),
    ],
)
def test_bad_values_are_refused_in_chinese_naming_the_parameter(org, params, words):
    with pytest.raises(ValueError, match=words):
        Slice.from_params(params)


@pytest.mark.django_db
def test_filter_selects_by_every_column(org, people):
    letter = f.register(people.registrar, channel=Channel.LETTER)
    visit = f.register(
        people.registrar,
        channel=Channel.VISIT,
        person_count=6,
        parties=[f.representative(), f.representative()],
    )
    accusation = f.register(
        people.registrar,
        channel=Channel.ONLINE,
        petition_class=PetitionClass.ACCUSATION,
        category=f.category("城乡建设/住房"),
        issue_region=org.hubin,
    )

    def pks(**params):
        return set(
            Petition.objects.filter(Slice.from_params(params).petition_q()).values_list("pk", flat=True)
        )

    assert pks(channel="wxd") == {letter.pk, accusation.pk}
    assert pks(channel="online") == pks(channel="online_channels") == {accusation.pk}
    assert pks(channel="visit,online_channels") == {visit.pk, accusation.pk}
    assert pks(channel="letter,visit") == {letter.pk, visit.pk}
    assert pks(channel="visit", visit_level="local") == {visit.pk}
    assert pks(visit_level="national") == set()
    assert pks(collective="1") == {visit.pk}
    assert pks(category="城乡建设") == {letter.pk, visit.pk, accusation.pk}
    assert pks(category="城乡建设/住房") == {accusation.pk}
    assert pks(issue_region="330102002") == {accusation.pk}
    assert pks(**{"class": "accusation"}, channel="wxd") == {accusation.pk}
    assert pks(repeat="1") == set()
