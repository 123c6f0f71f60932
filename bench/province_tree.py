"""The province the province-shaped bench fills: real GB/T 2260 codes from the shipped NBS divisions.

河南省 (410000) as shipped (`xinfang.orgs.divisions`, NBS 2023): its `cities` cities with the most counties
(南阳市 always among them, since the demo county 伏牛县 411331 hangs under it), each with its first `counties`
counties (南阳: the demo county and real ones), each county with the demo county's units cloned (bureau,
leadership, discipline, political-legal, court, procuratorate, 14 departments) plus 17 more departments (35 in
all), and 15 townships: its first real NBS townships (codes and names), padded with made-up codes where NBS
lists fewer, each with the demo township's villages (made-up 12-digit codes under the real township). A
bureau per city, the province's bureau, users for the measures. Populations are made up (200,000–1,600,000
per county, fixed by the code), cities' the sum of their counties'.

The copy (bench/generate.py, `remap=True`) moves each copied petition into one county with three tables:
`bench_unit_map`, `bench_region_map` (ids) and `bench_code_map` (region codes), each keyed by (the base
row's value, county n, twin). The twin bit of a copy picks, for a demo department or one of the first five
demo townships, the county's second unit of that kind, so the 35 departments and 15 townships all get work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from xinfang.demo.data import county as demo
from xinfang.orgs import divisions
from xinfang.orgs.models import PREFIX_LENGTH, Level, OrgUnit, Region, Role, UnitKind, User

PROVINCE = "410000"
PROVINCE_LEADER = "prov_leader"
PROVINCE_REGISTRAR = "prov_registrar"
TOWNSHIPS = 15
TWINNED_TOWNSHIPS = 5  # demo townships 0–4 have a twin: 10 + 5 = 15 per county
# Departments a county has beside the demo's 14 (the first 14 are the demo departments' twins).
EXTRA_DEPARTMENTS = [
    ("FGW", "发展和改革委员会", "发改委"),
    ("CZJ", "财政局", "财政局"),
    ("SLJ", "水利局", "水利局"),
    ("SWJ", "商务局", "商务局"),
    ("WGLJ", "文化广电和旅游局", "文广旅局"),
    ("YJGLJ", "应急管理局", "应急管理局"),
    ("SJJ", "审计局", "审计局"),
    ("TJJ", "统计局", "统计局"),
    ("LYJ", "林业局", "林业局"),
    ("YBJ", "医疗保障局", "医保局"),
    ("CGJ", "城市管理局", "城管局"),
    ("SFJ", "司法局", "司法局"),
    ("XZSPJ", "行政审批服务局", "行政审批局"),
    ("XCB", "中共{county}委宣传部", "县委宣传部"),
    ("TZB", "中共{county}委统战部", "县委统战部"),
    ("GHZ", "总工会", "县总工会"),
    ("FL", "妇女联合会", "县妇联"),
]


@dataclass(frozen=True)
class County:
    n: int
    code: str
    name: str
    city: str
    population: int


def _population(code: str) -> int:
    return random.Random(int(code)).randrange(200_000, 1_600_000, 1_000)


def _region(code: str, name: str, level: Level, parent: Region, population=None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent, population=population)
    region.prefix = code[: PREFIX_LENGTH[level]]
    return region


def choose(cities: int, counties: int) -> list[tuple[divisions.Division, list[str]]]:
    """[(city, [county code, ...])]: the province's `cities` cities with most counties, 南阳 always in."""

    def real_counties(city):
        kids = [d for d in divisions.children(city.code) if d.level == "county" and not d.zone]
        return sorted(kids, key=lambda d: d.code)

    all_cities = [
        d for d in divisions.children(PROVINCE) if d.level == "city" and not d.grouping and real_counties(d)
    ]
    ranked = sorted(all_cities, key=lambda d: (-len(real_counties(d)), d.code))
    picked = [c for c in ranked if c.code != demo.CITY_BUREAU[:6]][: max(cities - 1, 0)]
    picked.append(divisions.get(demo.CITY_BUREAU[:6]))
    out = []
    for city in sorted(picked, key=lambda d: d.code):
        codes = [d.code for d in real_counties(city)]
        if city.code == demo.COUNTY_CODE[:4] + "00":
            codes = [demo.COUNTY_CODE, *codes[: counties - 1]]
        else:
            codes = codes[:counties]
        out.append((city, codes))
    return out


def _short(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "县区市" else name


@transaction.atomic
def build(cities: int = 10, counties: int = 10) -> list[County]:
    """The tree and the three map tables; the demo county must be loaded. Returns the counties, n = 0 the demo's."""
    province = Region.objects.get(code=PROVINCE)
    province_bureau = OrgUnit.objects.get(code=demo.PROVINCE_BUREAU)
    home = Region.objects.get(code=demo.COUNTY_CODE)
    home_towns = list(Region.objects.filter(parent=home, level=Level.TOWNSHIP).order_by("code"))
    villages = {t.pk: list(t.children.order_by("code")) for t in home_towns}
    home_units = list(OrgUnit.objects.filter(region=home).order_by("code"))
    home_town_units = {u.region_id: u for u in OrgUnit.objects.filter(region__in=home_towns)}
    departments = [u for u in home_units if u.kind == UnitKind.DEPARTMENT]
    home_bureau = next(u for u in home_units if u.code == demo.BUREAU)
    city_bureau_home = OrgUnit.objects.get(code=demo.CITY_BUREAU)

    plan = choose(cities, counties)
    unit_map, region_map, code_map, result = [], [], [], []
    users = []
    order = sorted(
        ((city, code) for city, codes in plan for code in codes), key=lambda p: p[1] != demo.COUNTY_CODE
    )
    city_regions, city_bureaus = {}, {}
    for city, _ in plan:
        region = Region.objects.filter(code=city.code).first()
        if region is None:
            region = _region(city.code, city.name, Level.CITY, province)
            region.save()
        city_regions[city.code] = region
        bureau = OrgUnit.objects.filter(code=f"{city.code}-XFJ").first()
        if bureau is None:
            bureau = OrgUnit.objects.create(
                code=f"{city.code}-XFJ",
                name=f"{city.name}信访局",
                short_name="市信访局",
                kind=UnitKind.BUREAU,
                region=region,
                parent=province_bureau,
            )
        city_bureaus[city.code] = bureau
        users.append((f"leader_{city.code}", f"{city.name}信访局领导", bureau, [Role.BUREAU_LEADER]))
    for n, (city, code) in enumerate(order):
        is_home = code == demo.COUNTY_CODE
        name = demo.COUNTY_NAME if is_home else divisions.get(code).name
        population = (home.population or 680_000) if is_home else _population(code)
        county = home if is_home else _region(code, name, Level.COUNTY, city_regions[city.code], population)
        if not is_home:
            county.save()
        # Townships: the demo's own for the demo county, else the county's real ones; made-up codes to 15.
        if is_home:
            towns = list(home_towns)
            used = {t.code[6:] for t in towns}
            real = []
        else:
            towns, used = [], set()
            real = [d for d in divisions.children(code) if d.level == "township"][:TOWNSHIPS]
            for d in real:
                towns.append(_region(d.code, d.name, Level.TOWNSHIP, county))
                used.add(d.code[6:])
        spare = (f"{i:03d}" for i in range(110, 999) if f"{i:03d}" not in used)
        while len(towns) < TOWNSHIPS:
            suffix = next(spare)
            towns.append(_region(code + suffix, f"{_short(name)}第{suffix}镇", Level.TOWNSHIP, county))
        Region.objects.bulk_create([t for t in towns if t.pk is None])
        towns = list(Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code"))
        if is_home:  # the demo's ten first, then the five made up here (the twins)
            towns = home_towns + [t for t in towns if t.pk not in {h.pk for h in home_towns}]
        new_villages = []
        for i, base_town in enumerate(home_towns):
            for town in {towns[i], *([towns[10 + i]] if i < TWINNED_TOWNSHIPS else [])}:
                if town.pk != base_town.pk:
                    new_villages += [
                        _region(town.code + v.code[9:], v.name, Level.VILLAGE, town)
                        for v in villages[base_town.pk]
                    ]
        Region.objects.bulk_create(new_villages, ignore_conflicts=True)
        by_code = {r.code: r for r in Region.objects.filter(code__startswith=code)}
        # Units: the demo county's cloned (or themselves), then the extra departments and township governments.
        short = _short(name)

        def rename(text: str, name=name, short=short) -> str:
            return text.replace(demo.COUNTY_NAME, name).replace(_short(demo.COUNTY_NAME), short)

        clones = {}
        if is_home:
            clones = {u.pk: u for u in home_units}
        else:
            bureau = OrgUnit.objects.create(
                code=f"{code}-XFJ",
                name=f"{name}信访局",
                short_name="县信访局",
                kind=UnitKind.BUREAU,
                region=county,
                parent=city_bureaus[city.code],
                review_office=f"{name}信访局复查复核办公室",
                review_authority=f"{name}人民政府",
            )
            clones[home_bureau.pk] = bureau
            made = OrgUnit.objects.bulk_create(
                OrgUnit(
                    code=u.code.replace(demo.COUNTY_CODE, code),
                    name=rename(u.name),
                    short_name=u.short_name,
                    kind=u.kind,
                    region=county,
                    parent=bureau if u.parent_id == home_bureau.pk else None,
                )
                for u in home_units
                if u.pk != home_bureau.pk
            )
            clones |= dict(zip([u.pk for u in home_units if u.pk != home_bureau.pk], made, strict=True))
        bureau = clones[home_bureau.pk]
        extras = OrgUnit.objects.bulk_create(
            OrgUnit(
                code=f"{code}-{abbr}",
                name=full.format(county=name) if "{" in full else f"{name}{full}",
                short_name=short_name,
                kind=UnitKind.DEPARTMENT,
                region=county,
                parent=bureau,
            )
            for abbr, full, short_name in EXTRA_DEPARTMENTS
        )
        have = set(OrgUnit.objects.filter(region__in=towns).values_list("region_id", flat=True))
        OrgUnit.objects.bulk_create(
            OrgUnit(
                code=t.code,
                name=t.name + ("办事处" if t.name.endswith("街道") else "人民政府"),
                short_name=t.name,
                kind=UnitKind.TOWNSHIP,
                region=t,
                parent=bureau,
            )
            for t in towns
            if t.pk not in have
        )
        town_units = {u.region_id: u for u in OrgUnit.objects.filter(region__in=towns)}
        # The maps, for twin 0 and 1.
        for twin in (0, 1):
            for u in home_units:
                target = clones[u.pk]
                if twin and u in departments:
                    target = extras[departments.index(u)]
                unit_map.append((u.pk, n, twin, target.pk))
            unit_map.append((city_bureau_home.pk, n, twin, city_bureaus[city.code].pk))
            code_map.append((home.code, n, twin, code))
            region_map.append((home.pk, n, twin, county.pk))
            code_map.append((demo.CITY_BUREAU[:6], n, twin, city.code))
            region_map.append((city_regions[demo.CITY_BUREAU[:6]].pk, n, twin, city_regions[city.code].pk))
            for i, base_town in enumerate(home_towns):
                town = towns[10 + i] if twin and i < TWINNED_TOWNSHIPS else towns[i]
                unit_map.append((home_town_units[base_town.pk].pk, n, twin, town_units[town.pk].pk))
                code_map.append((base_town.code, n, twin, town.code))
                region_map.append((base_town.pk, n, twin, town.pk))
                for v in villages[base_town.pk]:
                    target = by_code[town.code + v.code[9:]]
                    code_map.append((v.code, n, twin, target.code))
                    region_map.append((v.pk, n, twin, target.pk))
        users.append((f"leader_{code}", f"{name}信访局领导", bureau, [Role.BUREAU_LEADER]))
        users.append((f"registrar_{code}", f"{name}登记员", bureau, [Role.REGISTRAR]))
        result.append(County(n=n, code=code, name=name, city=city.code, population=county.population))
    for city, _ in plan:  # a city's population: the sum of its counties' (the per-capita figures read it)
        Region.objects.filter(code=city.code).update(
            population=sum(c.population for c in result if c.city == city.code)
        )
    users += [
        (PROVINCE_LEADER, "省信访局领导", province_bureau, [Role.BUREAU_LEADER, Role.SUPERVISOR]),
        (PROVINCE_REGISTRAR, "省信访局登记员", province_bureau, [Role.REGISTRAR]),
    ]
    password = make_password(demo.DEMO_PASSWORD)
    existing = set(User.objects.values_list("username", flat=True))
    User.objects.bulk_create(
        User(username=u, full_name=f, unit=unit, roles=[str(r) for r in roles], password=password)
        for u, f, unit, roles in users
        if u not in existing
    )
    _write_maps(unit_map, region_map, code_map)
    return result


def _write_maps(unit_map, region_map, code_map) -> None:
    with connection.cursor() as cursor:
        for table, key, rows in (
            ("bench_unit_map", "old_id bigint", unit_map),
            ("bench_region_map", "old_id bigint", region_map),
            ("bench_code_map", "old_code varchar(12)", code_map),
        ):
            new = "new_code varchar(12)" if table == "bench_code_map" else "new_id bigint"
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TABLE {table} ({key}, n integer, twin integer, {new}, PRIMARY KEY ({key.split()[0]}, n, twin))"
            )
            cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)", rows)


def assign(base_ids: list[int], copies: int, wanted: int, counties: list[County], seed: int) -> None:
    """bench_assign(pid, k, n, twin): the county of copy k of base petition pid. Counts follow population
    (the base itself is county 0's); the counties are shuffled over the slots, so a county's petitions are
    drawn from every copy and every month of the base."""
    base = len(base_ids)
    slots = [(pid, k) for k in range(1, copies + 1) for pid in base_ids][:wanted]
    total, weight = base + len(slots), sum(c.population for c in counties)
    quotas = [round(total * c.population / weight) for c in counties]
    quotas[0] = max(quotas[0] - base, 0)
    while sum(quotas) != len(slots):  # rounding: take from / give to the largest
        i = max(range(len(quotas)), key=quotas.__getitem__)
        quotas[i] += 1 if sum(quotas) < len(slots) else -1
    labels = [n for n, q in enumerate(quotas) for _ in range(q)]
    rng = random.Random(seed)
    rng.shuffle(labels)
    rows = [(pid, k, n, rng.randrange(2)) for (pid, k), n in zip(slots, labels, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_assign")
        cursor.execute(
            "CREATE TABLE bench_assign (pid bigint, k integer, n integer, twin integer, PRIMARY KEY (pid, k))"
        )
        for i in range(0, len(rows), 20_000):
            cursor.executemany("INSERT INTO bench_assign VALUES (%s, %s, %s, %s)", rows[i : i + 20_000])


def drop_maps() -> None:
    with connection.cursor() as cursor:
        for table in ("bench_assign", "bench_unit_map", "bench_region_map", "bench_code_map"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def home_share(cities: int, counties: int) -> float:
    """The demo county's share of the province's population, before anything is built: the base is sized by
    it, and the tree is built after the base's histories (else the demo's generator would pick the demo
    county's twin units too, which the copy does not map)."""
    home = demo.POPULATIONS[demo.COUNTY_CODE]
    codes = [code for _, codes in choose(cities, counties) for code in codes if code != demo.COUNTY_CODE]
    return home / (home + sum(_population(code) for code in codes))
