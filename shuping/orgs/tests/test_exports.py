"""ORG-4: templates, subtree exports that re-import, formula injection, and the upload page as a job."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import load_workbook

from shuping.jobs.models import Job
from shuping.orgs.exports import export_organizations, template_file
from shuping.orgs.imports import ORG_COLUMNS, import_organizations
from shuping.orgs.models import Organization
from shuping.orgs.tabular import read_table


def sheet_rows(content: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def org_csv(rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(ORG_COLUMNS)
    for values in rows:
        writer.writerow([values.get(c, "") for c in ORG_COLUMNS])
    return out.getvalue().encode("utf-8")


FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "admin_level",
    "is_central_soe",
    "is_central_financial",
    "valid_from_on",
    "valid_to_on",
    "note",
    "depth",
)


def snapshot() -> list[tuple]:
    return sorted(
        (*values, parent_code)
        for *values, parent_code in Organization.objects.values_list(*FIELDS, "parent__code")
    )


@pytest.mark.req("ORG-4")
@pytest.mark.parametrize("kind", ["orgs", "people", "secretaryships"])
def test_templates_have_the_chinese_headers_in_both_formats(kind):
    name, content, _type = template_file(kind, "xlsx")
    assert name.endswith(".xlsx")
    header = sheet_rows(content)[0]
    _name, csv_content, _type = template_file(kind, "csv")
    assert csv_content.startswith("\ufeff".encode())
    assert read_table(csv_content).header == header
    if kind == "orgs":
        assert header[:10] == [
            "组织代码",
            "组织名称",
            "简称",
            "类型",
            "行政层级",
            "上级组织代码",
            "是否中央企业",
            "是否中管金融企业",
            "生效日期",
            "失效日期",
        ]


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_re_imports_to_the_same_tree(fmt):
    import_organizations(
        rows_or_path=org_csv(
            [
                {
                    "组织代码": "R",
                    "组织名称": "中共示范省委员会",
                    "类型": "地方党委",
                    "行政层级": "省（自治区、直辖市）",
                    "生效日期": "2019-12-30",
                },
                {
                    "组织代码": "S",
                    "组织名称": "示范能源集团党委",
                    "类型": "国有企业党委",
                    "上级组织代码": "R",
                    "是否中央企业": "是",
                    "备注": "二级单位 3 家",
                },
                {
                    "组织代码": "S1",
                    "组织名称": "=1+1 第一分公司党委",
                    "类型": "内设机构或直属单位党组织",
                    "上级组织代码": "S",
                    "生效日期": "2020-01-01",
                    "失效日期": "2024-12-31",
                },
                {
                    "组织代码": "-7",
                    "组织名称": "@负号开头的支部",
                    "简称": "+简称",
                    "类型": "基层党组织（党总支 / 党支部）",
                    "上级组织代码": "S1",
                },
            ]
        )
    )
    before = snapshot()
    content = export_organizations(Organization.objects.all(), fmt=fmt)
    # Wipe (children first: parents are PROTECTed) and re-import the export.
    with connection.cursor() as cursor:
        for depth in (3, 2, 1, 0):
            cursor.execute("DELETE FROM orgs_organization WHERE depth = %s", [depth])
    import_organizations(rows_or_path=content)
    assert snapshot() == before


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_exports_neutralise_formula_injection():
    import_organizations(
        rows_or_path=org_csv(
            [
                {
                    "组织代码": "F1",
                    "组织名称": '=HYPERLINK("http://x","y")',
                    "简称": "@SUM(1)",
                    "类型": "地方党委",
                    "备注": "\tTAB",
                }
            ]
        )
    )
    rows = sheet_rows(export_organizations(Organization.objects.all()))
    assert (
        rows[1][1] == '\'=HYPERLINK("http://x","y")' and rows[1][2] == "'@SUM(1)" and rows[1][10] == "'\tTAB"
    )
    text = export_organizations(Organization.objects.all(), fmt="csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",'@SUM(1)," in text
    assert Organization.objects.get(code="F1").name.startswith("=")  # stored verbatim


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_the_export_page_contains_only_what_the_user_sees(world, login):
    response = login(world.liaison).get(f"/orgs/{world.prefecture.pk}/export.xlsx")
    assert response.status_code == 200
    codes = [r[0] for r in sheet_rows(response.content)[1:]]
    assert codes == ["T-PREF"]  # the liaison's grant is on 甲市委 alone, not its subtree
    response = login(world.organizer_staff).get(f"/orgs/{world.prefecture.pk}/export.xlsx")
    assert [r[0] for r in sheet_rows(response.content)[1:]] == ["T-PREF", "T-CNTY", "T-TOWN"]
    assert (
        login(world.organizer_staff).get(f"/orgs/{world.other_prefecture.pk}/export.xlsx").status_code == 404
    )


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_the_upload_page_runs_the_import_as_a_job_and_shows_its_errors(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.organizer_staff)
    good = org_csv(
        [
            {
                "组织代码": "U1",
                "组织名称": "中共新村支部委员会",
                "类型": "村（社区）党组织",
                "上级组织代码": "T-TOWN",
            }
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/orgs/import/", {"what": "orgs", "file": SimpleUploadedFile("新村.csv", good)}
        )
    assert response.status_code == 302
    job = Job.objects.get(kind="orgs.import")
    assert response["Location"] == f"/orgs/import/{job.pk}/"
    assert job.status == "succeeded" and Organization.objects.get(code="U1").parent == world.township
    assert job.organization == world.province

    bad = org_csv([{"组织代码": "U2", "组织名称": "越权", "类型": "地方党委", "上级组织代码": "T-OPROV"}])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/orgs/import/", {"what": "orgs", "file": SimpleUploadedFile("越权.csv", bad)})
    failed = Job.objects.filter(kind="orgs.import").order_by("-pk").first()
    assert failed.status == "failed" and failed.errors[0]["row"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "第 2 行" in page and "上级组织代码" in page and "不在您的管理范围内" in page
    errors_csv = client.get(f"/orgs/import/{failed.pk}/errors.csv").content.decode("utf-8-sig")
    assert "2,上级组织代码," in errors_csv
    assert not Organization.objects.filter(code="U2").exists()


@pytest.mark.req("ORG-4")
@pytest.mark.django_db
def test_the_upload_page_refuses_other_file_types(world, login):
    response = login(world.organizer_staff).post(
        "/orgs/import/", {"what": "orgs", "file": SimpleUploadedFile("a.txt", b"x")}
    )
    assert response.status_code == 200 and "只接受 .xlsx 或 .csv" in response.content.decode()
    assert not Job.objects.exists()
