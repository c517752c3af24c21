"""ORG-4: imports report every bad row (row, column, reason in Chinese) and write all rows or none."""

from __future__ import annotations

import csv
import io
import random
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.imports import ORG_COLUMNS, ImportRejected, import_organizations, validate_organizations
from shuping.orgs.imports_people import import_people, import_secretaryships
from shuping.orgs.models import Organization, Person, Secretaryship, path_segment
from shuping.orgs.tabular import write_xlsx

HEADER = list(ORG_COLUMNS)


def row(code, name, kind="基层党组织（党总支 / 党支部）", parent="", level="", **extra):
    values = {
        "组织代码": code,
        "组织名称": name,
        "类型": kind,
        "上级组织代码": parent,
        "行政层级": level,
        **extra,
    }
    return [values.get(column, "") for column in HEADER]


def as_csv(rows, header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(rows, header=HEADER) -> bytes:
    return write_xlsx([("党组织", list(header), rows)])


def reasons(exc: ImportRejected) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in exc.errors]


def tree_csv(n: int, *, seed: int = 7, root_parent: str = "") -> bytes:
    """n organizations under one root, shuffled so children often come before their parents."""
    rng = random.Random(seed)
    rows = [row("N0000000", "中共示范根委员会", "地方党委", root_parent, "省（自治区、直辖市）")]
    for i in range(1, n):
        parent = f"N{rng.randrange(0, max(1, i // 8)):07d}"
        rows.append(row(f"N{i:07d}", f"中共测试{i}支部委员会", parent=parent, 生效日期="2021-03-01"))
    rng.shuffle(rows)
    return as_csv(rows)


# --- a clean file -------------------------------------------------------------------------------------


@pytest.mark.req("ORG-4", "ORG-1")
@pytest.mark.django_db
@pytest.mark.parametrize("encode", [as_csv, as_xlsx], ids=["csv", "xlsx"])
def test_a_file_with_parents_after_children_imports_with_paths(encode):
    data = encode(
        [
            row("V1", "中共东村支部委员会", "村（社区）党组织", "T1", "村（社区）"),
            row("T1", "中共东镇委员会", "乡镇（街道）党（工）委", "C1", "乡镇（街道）", 生效日期="2020-1-5"),
            row("C1", "中共东县委员会", "地方党委", "", "县（市、区、旗）", 简称="东县委"),
        ]
    )
    result = import_organizations(rows_or_path=data)
    assert result.created == 3
    county, town, village = (Organization.objects.get(code=c) for c in ("C1", "T1", "V1"))
    assert county.parent is None and county.short_name == "东县委" and county.kind == OrgKind.LOCAL_COMMITTEE
    assert town.parent == county and town.admin_level == AdminLevel.TOWNSHIP
    assert town.valid_from_on == date(2020, 1, 5)
    assert village.path == county.path + path_segment(town.pk) + path_segment(village.pk)
    assert village.depth == 2
    assert set(Organization.objects.subtree_of(county).values_list("code", flat=True)) == {"C1", "T1", "V1"}


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_rows_can_hang_under_an_existing_organization(world):
    import_organizations(
        rows_or_path=as_csv([row("X1", "中共新镇委员会", "乡镇（街道）党（工）委", "T-CNTY")])
    )
    new = Organization.objects.get(code="X1")
    assert (
        new.parent == world.county
        and new.path.startswith(world.county.path)
        and new.depth == world.county.depth + 1
    )


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_progress_is_reported_while_validating_and_writing():
    calls = []
    import_organizations(rows_or_path=tree_csv(2000), progress=lambda d, t, m: calls.append((d, t, m)))
    assert Organization.objects.count() == 2000
    assert any("校验" in m for _d, _t, m in calls) and any("写入" in m for _d, _t, m in calls)
    assert calls[-1][0] == calls[-1][1] == 2000


# --- every fault, row by row, and nothing written ------------------------------------------------------


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row():
    rows = [row(f"G{i}", f"支部{i}") for i in range(10)]
    rows[6] = row("G6", "支部6", "乡")  # spreadsheet row 8
    with pytest.raises(ImportRejected) as caught:
        import_organizations(rows_or_path=as_csv(rows))
    assert Organization.objects.count() == 0
    (error,) = caught.value.errors
    assert (error.row, error.column) == (8, "类型")
    assert "无法识别的类型「乡」" in error.reason
    assert str(error).startswith("第 8 行，「类型」：")
    assert "未导入任何数据" in caught.value.message


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_every_kind_of_fault_is_reported_with_row_column_and_reason(world):
    rows = [
        row("", "无代码支部"),  # 2: missing code
        row("D1", "", ""),  # 3: missing name, missing kind
        row("D2", "支部", "不存在的类型"),  # 4: unknown kind
        row("D3", "支部", level="火星级"),  # 5: unknown level
        row("D4", "支部", parent="NOPE"),  # 6: parent unknown
        row("D5", "支部", 生效日期="2021-02-30"),  # 7: bad date
        row("D6", "支部", 生效日期="2022-01-01", 失效日期="2021-01-01"),  # 8: end before start
        row("D7", "支部"),  # 9
        row("D7", "支部重复"),  # 10: duplicate in file
        row("T-PROV", "已有组织"),  # 11: duplicate in database
        row("Y1", "甲", parent="Y2"),  # 12: cycle
        row("Y2", "乙", parent="Y1"),  # 13: cycle
        row("D8", "支部", 是否中央企业="也许"),  # 14: bad boolean
        row("D9", "支部", 是否中央企业="是"),  # 15: flag on a non-SOE
        row("D10", "支部", parent="D10"),  # 16: own parent
    ]
    with pytest.raises(ImportRejected) as caught:
        import_organizations(rows_or_path=as_csv(rows))
    found = reasons(caught.value)
    expected = [
        (2, "组织代码", "必填项为空"),
        (3, "组织名称", "必填项为空"),
        (3, "类型", "必填项为空"),
        (4, "类型", "无法识别的类型「不存在的类型」"),
        (5, "行政层级", "无法识别的行政层级「火星级」"),
        (6, "上级组织代码", "上级组织代码「NOPE」在本文件和系统中都不存在"),
        (7, "生效日期", "日期「2021-02-30」无效"),
        (8, "失效日期", "失效日期早于生效日期"),
        (10, "组织代码", "与第 9 行的组织代码重复"),
        (11, "组织代码", "组织代码「T-PROV」已存在于系统中"),
        (12, "上级组织代码", "上级关系形成循环"),
        (13, "上级组织代码", "上级关系形成循环"),
        (14, "是否中央企业", "应填写“是”或“否”"),
        (15, "是否中央企业", "只有“国有企业党委”类型的组织才能填写“是”"),
        (16, "上级组织代码", "上级组织不能是本组织自身"),
    ]
    for number, column, reason in expected:
        assert any(r == number and c == column and reason in text for r, c, text in found), (
            number,
            column,
            reason,
        )
    assert Organization.objects.count() == 6  # the persona world only


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_missing_and_unknown_columns_are_reported_on_the_header_row():
    data = as_csv([["X", "甲"]], header=["组织代码", "名字"])
    errors = validate_organizations(rows_or_path=data)
    assert (1, "名字") in [(e.row, e.column) for e in errors]
    assert (1, "组织名称", "缺少必填列") in [(e.row, e.column, e.reason) for e in errors]
    assert (1, "类型", "缺少必填列") in [(e.row, e.column, e.reason) for e in errors]


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_an_unreadable_file_is_a_fault_not_a_crash():
    errors = validate_organizations(rows_or_path=b"PK\x03\x04 not really a zip")
    assert errors and "无法读取文件" in errors[0].reason


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_a_gbk_csv_from_excel_is_read():
    text = "组织代码,组织名称,类型\r\nG1,中共甲支部委员会,基层党组织（党总支 / 党支部）\r\n"
    import_organizations(rows_or_path=text.encode("gb18030"))
    assert Organization.objects.get(code="G1").name == "中共甲支部委员会"


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_an_uploader_may_only_import_inside_their_granted_subtree(world):
    rows = [
        row("S1", "县内新镇", "乡镇（街道）党（工）委", "T-CNTY"),
        row("S2", "邻省新市", "地方党委", "T-OPREF"),
        row("S3", "新的顶级组织", "地方党委", ""),
    ]
    with pytest.raises(ImportRejected) as caught:
        import_organizations(rows_or_path=as_csv(rows), actor=world.organizer_staff)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "上级组织代码"), (4, "上级组织代码")]
    assert "不在您的管理范围内" in caught.value.errors[0].reason
    assert not Organization.objects.filter(code__in=["S1", "S2", "S3"]).exists()
    import_organizations(rows_or_path=as_csv(rows[:1]), actor=world.organizer_staff)
    assert Organization.objects.get(code="S1").parent == world.county


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_imported_text_is_stored_verbatim():
    name = '=HYPERLINK("http://evil.example","点我")'
    import_organizations(rows_or_path=as_csv([row("Q1", name, 简称="@SUM(A1)")]))
    org = Organization.objects.get(code="Q1")
    assert org.name == name and org.short_name == "@SUM(A1)"


# --- scale ---------------------------------------------------------------------------------------------


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_a_2000_row_file_imports_in_one_go():
    result = import_organizations(rows_or_path=tree_csv(2000))
    assert result.created == 2000 == Organization.objects.count()
    root = Organization.objects.get(code="N0000000")
    assert Organization.objects.subtree_of(root).count() == 2000
    # Every path is its parent's path plus its own segment.
    parents = dict(Organization.objects.values_list("pk", "path"))
    for pk, parent_id, path in Organization.objects.values_list("pk", "parent_id", "path"):
        assert path == (parents[parent_id] if parent_id else "") + path_segment(pk)


@pytest.mark.slow
@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_a_100000_row_csv_imports_with_progress():
    calls = []
    result = import_organizations(
        rows_or_path=tree_csv(100_000), progress=lambda d, t, m: calls.append((d, t, m))
    )
    assert result.created == 100_000 == Organization.objects.count()
    assert len(calls) >= 40  # every 5,000 rows in both phases
    assert calls[-1][:2] == (100_000, 100_000)


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_ids_continue_after_existing_organizations(world):
    import_organizations(rows_or_path=as_csv([row("Z1", "甲"), row("Z2", "乙", parent="Z1")]))
    highest_before = world.other_prefecture.pk
    assert Organization.objects.filter(code__in=["Z1", "Z2"], pk__gt=highest_before).count() == 2
    create = Organization.objects.create  # the sequence still works for ordinary inserts afterwards
    later = create(name="丙", code="Z3", kind=OrgKind.GRASSROOTS, path="-")
    assert later.pk > Organization.objects.get(code="Z2").pk


# --- the command line ------------------------------------------------------------------------------------


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_the_command_imports_a_clean_file_and_exits_zero(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(
        as_csv([row("K1", "中共甲县委员会", "地方党委"), row("K2", "中共乙镇委员会", parent="K1")])
    )
    out = io.StringIO()
    call_command("import_orgs", str(path), stdout=out)
    assert Organization.objects.filter(code__in=["K1", "K2"]).count() == 2
    assert "已完成" in out.getvalue() or "导入成功" in out.getvalue()


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_the_command_lists_bad_rows_and_exits_non_zero(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(as_xlsx([row("K1", "甲"), row("K1", "乙")] + [row(f"B{i}", "", "") for i in range(25)]))
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_orgs", str(path), stdout=out)
    assert caught.value.returncode == 1
    text = out.getvalue()
    assert "第 3 行，「组织代码」：与第 2 行的组织代码重复" in text
    assert "第 27 行，「类型」：必填项为空" in text  # beyond the runner's first 20: still listed
    assert not Organization.objects.exists()


def test_the_console_script_maps_import_orgs_to_the_command(monkeypatch):
    import shuping.cli

    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda args: seen.append(args))
    shuping.cli.main(["shuping", "import-orgs", "x.csv"])
    assert seen == [["shuping", "import_orgs", "x.csv"]]


# --- people and secretaryships ---------------------------------------------------------------------------


def people_csv(rows) -> bytes:
    return as_csv(rows, header=["姓名", "性别", "民族", "出生年月", "现任职务", "手机号"])


def posts_csv(rows) -> bytes:
    return as_csv(rows, header=["姓名", "出生年月", "组织代码", "职务", "任职起始", "任职终止"])


@pytest.mark.req("ORG-4", "ORG-3")
@pytest.mark.django_db
def test_people_then_secretaryships_import(world):
    import_people(
        rows_or_path=people_csv(
            [
                ["张伟", "男", "汉族", "1972-05", "中共丙镇委员会书记", "13800138000"],
                ["李娜", "女", "回族", "1980年3月", "", ""],
            ]
        )
    )
    zhang = Person.objects.get(name="张伟")
    assert zhang.birth_month == date(1972, 5, 1) and zhang.gender == "male"
    import_secretaryships(
        rows_or_path=posts_csv(
            [
                ["张伟", "1972-05", "T-TOWN", "书记", "2023-01-01", "2025-06-30"],
                ["李娜", "", "T-TOWN", "", "2025-07-01", ""],
            ]
        ),
        actor=world.organizer_staff,
    )
    posts = list(Secretaryship.objects.filter(organization=world.township).order_by("started_on"))
    assert [p.person.name for p in posts] == ["张伟", "李娜"]
    assert posts[1].ended_on is None


@pytest.mark.req("ORG-4", "ORG-3")
@pytest.mark.django_db
def test_people_and_secretaryship_faults_are_reported_and_nothing_written(world):
    with pytest.raises(ImportRejected) as caught:
        import_people(
            rows_or_path=people_csv(
                [
                    ["", "男", "", "", "", ""],
                    ["王强", "未知", "", "1972-13", "", "123"],
                    ["王强", "男", "", "", "", ""],
                ]
            )
        )
    found = reasons(caught.value)
    assert (2, "姓名", "必填项为空") in found
    assert any(r == 3 and c == "性别" for r, c, _t in found)
    assert any(r == 3 and c == "出生年月" for r, c, _t in found)
    assert any(r == 3 and c == "手机号" for r, c, _t in found)
    assert not Person.objects.exists()

    import_people(
        rows_or_path=people_csv(
            [["赵敏", "女", "", "1975-01", "", ""], ["孙丽", "女", "", "1977-02", "", ""]]
        )
    )
    with pytest.raises(ImportRejected) as caught:
        import_secretaryships(
            rows_or_path=posts_csv(
                [
                    ["赵敏", "", "T-TOWN", "书记", "2024-01-01", ""],
                    ["孙丽", "", "T-TOWN", "书记", "2024-06-01", ""],  # overlaps the row above
                    ["钱六", "", "T-TOWN", "书记", "2024-01-01", ""],  # unknown person
                    ["赵敏", "", "T-OPREF", "组长", "2024-01-01", "2023-01-01"],  # out of scope, title, dates
                ]
            ),
            actor=world.organizer_staff,
        )
    found = reasons(caught.value)
    assert any(r == 3 and c == "任职起始" and "重叠" in t for r, c, t in found), found
    assert any(r == 4 and c == "姓名" and "没有这名干部" in t for r, c, t in found)
    assert any(r == 5 and c == "组织代码" and "不在您的管理范围内" in t for r, c, t in found)
    assert any(r == 5 and c == "职务" for r, c, _t in found)
    assert any(r == 5 and c == "任职终止" for r, c, _t in found)
    assert not Secretaryship.objects.exists()


@pytest.mark.req("ORG-1", "ORG-4")
@pytest.mark.django_db
def test_colleges_and_affiliated_units_import_under_their_own_kinds_and_the_template_names_them():
    from openpyxl import load_workbook

    from shuping.orgs.exports import template_file

    result = import_organizations(
        rows_or_path=as_csv(
            [
                row("U1", "中共示范大学委员会", "高校党委"),
                row("U1-01", "中共示范大学计算机学院委员会", "院系党委", "U1"),
                row("U1-02", "中共示范大学文学院委员会", "学院党委", "U1"),
                row("D1", "中共示范部机关委员会", "机关党委 / 党组"),
                row("D1-01", "示范部办公厅党支部", "内设机构党组织", "D1"),
                row("D1-02", "中共示范部信息中心委员会", "直属单位党组织", "D1"),
                row("D1-03", "示范部老干部局党支部", "内设机构或直属单位党组织", "D1"),  # the old label
            ]
        )
    )
    assert result.created == 7
    kinds = dict(Organization.objects.values_list("code", "kind"))
    assert kinds["U1-01"] == kinds["U1-02"] == OrgKind.COLLEGE_COMMITTEE
    assert kinds["D1-01"] == kinds["D1-03"] == OrgKind.INTERNAL_UNIT
    assert kinds["D1-02"] == OrgKind.AFFILIATED_UNIT
    _name, content, _type = template_file("orgs", "xlsx")
    sheet = load_workbook(io.BytesIO(content))["填写说明"]
    kind_help = next(r[2] for r in sheet.iter_rows(values_only=True) if r and r[0] == "类型")
    assert "院系党委" in kind_help and "直属单位党组织" in kind_help and "内设机构党组织" in kind_help
