"""The province shape at a tiny size: the tree (counties, each with its bureau, 35 departments and 15
townships with villages, real GB/T 2260 codes), petitions copied into each county in proportion to its
population with every row in that county, and every province measure returning a figure. No timing is
asserted: the figures belong to bench/results/."""

import pytest
from django.db.models import Q

from bench import generate, province, province_tree
from xinfang.demo.county import load_demo_county
from xinfang.demo.data import county as demo
from xinfang.demo.generator import generate as generate_petitions
from xinfang.demo.plans import replay
from xinfang.exchange.importer import replaying_history
from xinfang.orgs import divisions
from xinfang.orgs.models import Level, OrgUnit, Region, UnitKind
from xinfang.petitions.models import Petition
from xinfang.workflow.models import Deadline, Routing

from ..dbroles import owner_settings

pytestmark = pytest.mark.skipif(
    owner_settings() is not None,
    reason="the bench builds as the owner; the suite runs as the application's role",
)
BASE, SIZE = 40, 600


@pytest.fixture
def built(db):
    load_demo_county()
    generate_petitions(BASE, 5)
    with replaying_history():
        replay(5, limit=BASE)
    counties = province_tree.build(cities=2, counties=2)
    base_ids = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
    copies = -(-SIZE // BASE) - 1
    province_tree.assign(base_ids, copies, SIZE - BASE, counties, seed=5)
    generate.amplify(copies, SIZE - BASE, log=lambda _: None, fix_sequences=False, remap=True)
    province_tree.drop_maps()
    return counties


def test_the_province_shape_and_its_measures(built):
    assert len(built) == 4 and built[0].code == demo.COUNTY_CODE
    for county in built[1:]:  # real codes and names from the shipped NBS divisions
        assert divisions.get(county.code).name == county.name
    assert Petition.objects.count() == SIZE
    weight = sum(c.population for c in built)
    for county in built:
        region = Region.objects.get(code=county.code)
        units = OrgUnit.objects.filter(region=region)
        assert units.filter(kind=UnitKind.BUREAU).count() == 1
        assert units.filter(kind=UnitKind.DEPARTMENT).count() == 31  # + 纪委, 政法委, 法院, 检察院: 35
        towns = Region.objects.filter(parent=region, level=Level.TOWNSHIP)
        assert towns.count() == 15
        assert OrgUnit.objects.filter(region__in=towns, kind=UnitKind.TOWNSHIP).count() == 15
        assert Region.objects.filter(parent__in=towns, level=Level.VILLAGE).count() >= 31
        inside = Q(receiving_region_code__startswith=county.code) | Q(
            responsible_region_code__startswith=county.code
        )
        got = Petition.objects.filter(inside).count()
        expected = max(SIZE * county.population / weight, BASE if county.n == 0 else 0)
        assert abs(got - expected) <= 0.25 * expected, (county, got, expected)
    # A copy's rows are its county's: no routing of a petition answered in one county goes to another's unit.
    for routing in Routing.objects.select_related("petition", "to_unit__region")[:200]:
        code = routing.petition.responsible_region_code[:6]
        if code and routing.to_unit.region.level != Level.CITY:
            assert routing.to_unit.region.code.startswith(code) or routing.to_unit.kind == UnitKind.BUREAU
    units_with_deadlines = Deadline.objects.values("unit__region__code").distinct().count()
    assert units_with_deadlines > 20  # spread over the counties' units, not one county's

    # Every province measure returns a figure (one build for both halves: the replay is most of the time).
    done = province.run(repeat=1, log=lambda _: None)
    assert len(done) == 8
    for m in done:
        assert m.times and all(t > 0 for t in m.times), m.label
        assert m.result and any(ch.isdigit() for ch in str(m.result)), m.label
        assert m.row()[3] in ("met",) or "missed" in m.row()[3]
    rows = province.shape_rows()
    assert "4 counties" in rows[0][1]
