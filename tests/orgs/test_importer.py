"""import-orgs / export-orgs: idempotent by code, any order, bad lines rejected by line number."""

import json

import pytest
from django.core.management import call_command

from xinfang.orgs.importer import export_orgs, import_orgs
from xinfang.orgs.models import OrgUnit, Region, UnitKind

# Children before their parents, as files from other systems often are.
SAMPLE = [
    '{"kind": "unit", "code": "330102-ZJJ", "name": "上城区住房和城乡建设局", "unit_kind": "department", "region": "330102", "parent": "330102-XFJ"}',
    '{"kind": "unit", "code": "330102001", "name": "清波街道", "unit_kind": "township", "region": "330102001", "parent": "330102-XFJ"}',
    '{"kind": "unit", "code": "330102-XFJ", "name": "上城区信访局", "unit_kind": "bureau", "region": "330102", "parent": "330100-XFJ"}',
    '{"kind": "unit", "code": "330100-XFJ", "name": "杭州市信访局", "unit_kind": "bureau", "region": "330100", "parent": null}',
    '{"kind": "region", "code": "330102001", "name": "清波街道", "level": "township", "parent": "330102"}',
    '{"kind": "region", "code": "330102", "name": "上城区", "level": "county", "parent": "330100"}',
    '{"kind": "region", "code": "330100", "name": "杭州市", "level": "city", "parent": "330000"}',
    '{"kind": "region", "code": "330000", "name": "浙江省", "level": "province", "parent": "100000"}',
    '{"kind": "region", "code": "100000", "name": "全国", "level": "national", "parent": null}',
]


def db_state():
    regions = list(
        Region.objects.order_by("code").values_list("pk", "code", "name", "level", "parent__code", "prefix")
    )
    units = list(
        OrgUnit.objects.order_by("code").values_list(
            "pk", "code", "name", "short_name", "kind", "region__code", "parent__code", "is_active"
        )
    )
    return regions, units


def edit(line: str, **changes) -> str:
    return json.dumps(json.loads(line) | changes, ensure_ascii=False)


@pytest.mark.django_db
class TestImport:
    def test_parents_after_children_are_resolved(self):
        result = import_orgs(SAMPLE)

        assert (result.created, result.updated, result.unchanged, result.rejected) == (9, 0, 0, [])
        township = OrgUnit.objects.get(code="330102001")
        assert township.kind == UnitKind.TOWNSHIP
        assert township.parent.code == "330102-XFJ"
        assert township.parent.parent.code == "330100-XFJ"
        assert Region.objects.get(code="330102001").parent.code == "330102"
        assert Region.objects.get(code="330102").prefix == "330102"

    def test_second_import_of_the_same_file_changes_nothing(self):
        import_orgs(SAMPLE)
        before = db_state()

        result = import_orgs(SAMPLE)

        assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 9, [])
        assert db_state() == before

    def test_renamed_unit_is_updated_in_place(self):
        import_orgs(SAMPLE)
        pk = OrgUnit.objects.get(code="330102-ZJJ").pk
        renamed = [edit(SAMPLE[0], name="上城区住房和城乡建设局（人防办）"), *SAMPLE[1:]]

        result = import_orgs(renamed)

        assert (result.created, result.updated, result.unchanged) == (0, 1, 8)
        unit = OrgUnit.objects.get(code="330102-ZJJ")
        assert (unit.pk, unit.name) == (pk, "上城区住房和城乡建设局（人防办）")

    def test_moved_unit_and_renamed_region_are_updated(self):
        import_orgs(SAMPLE)
        lines = list(SAMPLE)
        lines[0] = edit(SAMPLE[0], parent="330100-XFJ")
        lines[5] = edit(SAMPLE[5], name="上城区（新）")

        result = import_orgs(lines)

        assert (result.created, result.updated) == (0, 2)
        assert OrgUnit.objects.get(code="330102-ZJJ").parent.code == "330100-XFJ"
        assert Region.objects.get(code="330102").name == "上城区（新）"

    def test_bad_lines_are_rejected_with_line_numbers_and_good_lines_imported(self):
        lines = [
            *SAMPLE,
            "{not json",  # 10
            '{"kind": "person", "code": "X"}',  # 11
            '{"kind": "unit", "code": "330102-X", "name": "某局", "unit_kind": "ministry", "region": "330102"}',  # 12
            '{"kind": "region", "code": "33010", "name": "短码", "level": "county", "parent": "330100"}',  # 13
            '{"kind": "unit", "code": "330102-Y", "name": "某办", "unit_kind": "department", "region": "330102", "parent": "NOPE"}',  # 14
            '{"kind": "region", "code": "340102", "name": "瑶海区", "level": "county", "parent": "330100"}',  # 15
            '{"kind": "unit", "code": "330102-Z", "name": "某所", "unit_kind": "department", "region": "999999"}',  # 16
            "",  # 17: blank lines are skipped
            '{"kind": "unit", "code": "330102-ZJJ", "name": "重复", "unit_kind": "department", "region": "330102"}',  # 18
            '{"kind": "region", "code": "330102002", "name": "湖滨街道", "level": "township", "parent": "330102"}',  # 19
        ]

        result = import_orgs(lines)

        reasons = {r.line: r.reason for r in result.rejected}
        assert sorted(reasons) == [10, 11, 12, 13, 14, 15, 16, 18]
        assert "JSON" in reasons[10]
        assert "未知的记录类型" in reasons[11]
        assert "未知的单位类型“ministry”" in reasons[12]
        assert "区划代码“33010”无效" in reasons[13]
        assert "上级单位“NOPE”不存在" in reasons[14]
        assert "不在上级区划“330100”的范围内" in reasons[15]
        assert "所属区划“999999”不存在" in reasons[16]
        assert "与第1行重复" in reasons[18]
        assert str(result.rejected[0]).startswith("第10行：")
        assert result.created == 10
        assert Region.objects.filter(code="330102002").exists()
        assert not OrgUnit.objects.filter(code__in=["330102-X", "330102-Y", "330102-Z"]).exists()
        assert OrgUnit.objects.get(code="330102-ZJJ").name == "上城区住房和城乡建设局"

    def test_children_of_a_rejected_line_are_rejected_too(self):
        lines = [
            *SAMPLE[4:],
            '{"kind": "unit", "code": "A", "name": "甲", "unit_kind": "bureau", "region": "330102", "parent": "B"}',
            '{"kind": "unit", "code": "B", "name": "乙", "unit_kind": "bogus", "region": "330102"}',
        ]

        result = import_orgs(lines)

        assert [(r.line, "上级单位“B”不存在" in r.reason) for r in result.rejected] == [(6, True), (7, False)]

    def test_a_cycle_of_parents_is_rejected(self):
        import_orgs(SAMPLE)
        lines = [
            '{"kind": "unit", "code": "A", "name": "甲", "unit_kind": "department", "region": "330102", "parent": "B"}',
            '{"kind": "unit", "code": "B", "name": "乙", "unit_kind": "department", "region": "330102", "parent": "A"}',
            edit(SAMPLE[3], parent="330102-ZJJ"),  # the city bureau under a unit that is under it
        ]

        result = import_orgs(lines)

        assert [r.line for r in result.rejected] == [1, 2, 3]
        assert all("循环" in r.reason for r in result.rejected)
        assert OrgUnit.objects.get(code="330100-XFJ").parent is None

    def test_region_must_sit_below_its_parent_level(self):
        import_orgs(SAMPLE)
        line = '{"kind": "region", "code": "330200", "name": "宁波市", "level": "city", "parent": "330102"}'

        result = import_orgs([line])

        assert "层级不高于" in result.rejected[0].reason

    def test_a_top_region_without_a_parent_is_imported_into_an_empty_database(self):
        lines = [
            '{"kind": "region", "code": "330102", "name": "上城区", "level": "county", "parent": "330100"}',
            '{"kind": "region", "code": "330000", "name": "浙江省", "level": "province"}',
            '{"kind": "region", "code": "330100", "name": "杭州市", "level": "city", "parent": "330000"}',
        ]

        result = import_orgs(lines)

        assert result.rejected == [] and result.created == 3
        assert Region.objects.get(code="330000").parent is None
        assert Region.objects.get(code="330102").parent.parent.code == "330000"
        assert import_orgs(lines).unchanged == 3

    def test_a_region_left_without_the_parent_it_has_is_still_refused(self):
        import_orgs(SAMPLE)

        orphan = import_orgs(['{"kind": "region", "code": "330200", "name": "宁波市", "level": "city"}'])
        nation_missing = import_orgs(
            ['{"kind": "region", "code": "330103", "name": "下城区", "level": "county", "parent": null}']
        )

        assert orphan.rejected[0].reason == "缺少上级区划（parent）：已有全国区划，应注明上级。"
        assert "缺少上级区划" in nation_missing.rejected[0].reason
        assert not Region.objects.filter(code__in=["330200", "330103"]).exists()

    def test_a_parentless_region_under_a_known_province_is_refused(self):
        import_orgs(['{"kind": "region", "code": "330000", "name": "浙江省", "level": "province"}'])

        result = import_orgs(['{"kind": "region", "code": "330100", "name": "杭州市", "level": "city"}'])

        assert result.rejected[0].reason == "缺少上级区划（parent）：区划“330000”可作其上级，应注明。"


@pytest.mark.django_db
class TestExport:
    def test_export_then_import_into_an_empty_database_reproduces_the_organisation(self):
        import_orgs(SAMPLE)
        OrgUnit.objects.filter(code="330102-ZJJ").update(short_name="区住建局", is_active=False)
        exported = list(export_orgs())
        units = [json.loads(line)["code"] for line in exported if json.loads(line)["kind"] == "unit"]
        assert units.index("330100-XFJ") < units.index("330102-XFJ") < units.index("330102001")
        state = [row[1:] for row in db_state()[0]], [row[1:] for row in db_state()[1]]
        OrgUnit.objects.update(parent=None)
        OrgUnit.objects.all().delete()
        Region.objects.update(parent=None)
        Region.objects.all().delete()

        result = import_orgs(exported)

        assert (result.created, result.rejected) == (9, [])
        assert ([row[1:] for row in db_state()[0]], [row[1:] for row in db_state()[1]]) == state
        assert list(export_orgs()) == exported

    def test_export_then_reimport_changes_nothing(self):
        import_orgs(SAMPLE)

        result = import_orgs(list(export_orgs()))

        assert (result.created, result.updated, result.unchanged) == (0, 0, 9)


@pytest.mark.django_db
class TestCommands:
    def test_import_command_reports_summary_and_rejections(self, tmp_path, capsys):
        path = tmp_path / "orgs.jsonl"
        path.write_text("\n".join([*SAMPLE, '{"kind": "unit"}']) + "\n", encoding="utf-8")

        call_command("import-orgs", str(path))

        out, err = capsys.readouterr()
        assert "新增9条，更新0条，未变0条，拒绝1条" in out
        assert "第10行：缺少单位代码（code）。" in err

    def test_export_command_writes_the_file(self, tmp_path):
        import_orgs(SAMPLE)
        path = tmp_path / "out.jsonl"

        call_command("export-orgs", "-o", str(path))

        assert path.read_text(encoding="utf-8").splitlines() == list(export_orgs())

    def test_missing_file_is_a_command_error(self, tmp_path):
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="无法读取文件"):
            call_command("import-orgs", str(tmp_path / "none.jsonl"))


@pytest.mark.django_db
def test_a_bureaus_review_office_is_imported_exported_and_refused_half_filled():
    office = {"review_office": "上城区信访局复查复核办公室", "review_authority": "上城区人民政府"}
    lines = [edit(SAMPLE[2], **office) if i == 2 else line for i, line in enumerate(SAMPLE)]
    lines.append(edit(SAMPLE[3], code="330100-X", review_office="杭州市信访局复查复核办公室"))
    result = import_orgs(lines)
    assert [r.line for r in result.rejected] == [10]
    assert "须同时填写" in result.rejected[0].reason
    bureau = OrgUnit.objects.get(code="330102-XFJ")
    assert (bureau.review_office, bureau.review_authority) == (
        office["review_office"],
        office["review_authority"],
    )
    exported = [json.loads(line) for line in export_orgs()]
    assert {
        k: v for k, v in exported_unit(exported, "330102-XFJ").items() if k.startswith("review")
    } == office
    assert "review_office" not in exported_unit(exported, "330102-ZJJ")
    assert import_orgs(lines[:-1]).updated == 0  # idempotent


def exported_unit(records, code):
    return next(r for r in records if r.get("kind") == "unit" and r["code"] == code)
