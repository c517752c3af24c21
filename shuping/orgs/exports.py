"""Import templates and subtree exports as .xlsx / .csv (ORG-4).

An export has exactly the import template's columns, so it re-imports; every text cell a spreadsheet
would run as a formula (= + - @ tab CR) gets a leading apostrophe, which the importer removes again.
Exports read through the caller's scoped queryset: the view passes only what the user may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from .choices import AdminLevel, Gender, OrgKind, SecretaryTitle
from .imports import ORG_COLUMNS
from .imports_people import PEOPLE_COLUMNS, SECRETARYSHIP_COLUMNS
from .models import Organization
from .tabular import format_bool, format_date, write_csv, write_xlsx

#: Template kinds offered for download: file stem, sheet title, columns.
TEMPLATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "orgs": ("党组织导入模板", "党组织", ORG_COLUMNS),
    "people": ("干部导入模板", "干部", PEOPLE_COLUMNS),
    "secretaryships": ("书记任职导入模板", "书记任职", SECRETARYSHIP_COLUMNS),
}

_REQUIRED_NOTE = "必填"


def _instructions(kind: str) -> list[list[Any]]:
    """The 填写说明 sheet: what each column takes (choices spelled out as the importer accepts them)."""
    kinds = "、".join(str(label) for _v, label in OrgKind.choices)
    levels = "、".join(str(label) for _v, label in AdminLevel.choices)
    if kind == "orgs":
        return [
            ["组织代码", _REQUIRED_NOTE, "全系统唯一，最长 64 个字符"],
            ["组织名称", _REQUIRED_NOTE, "全称，如“中共青川市委员会”"],
            ["简称", "", "如“青川市委”"],
            ["类型", _REQUIRED_NOTE, kinds],
            ["行政层级", "", levels + "（留空为“无行政层级”）"],
            ["上级组织代码", "", "隶属的上级组织的代码；上级可以在本文件中（顺序不限），也可以已在系统中"],
            ["是否中央企业", "", "是 / 否（仅国有企业党委）"],
            ["是否中管金融企业", "", "是 / 否（仅国有企业党委）"],
            ["生效日期", "", "YYYY-MM-DD"],
            ["失效日期", "", "YYYY-MM-DD，不早于生效日期"],
            ["备注", "", "最长 500 个字符"],
            [],
            [
                "说明",
                "",
                "文件中只要有一行有误，就不会导入任何数据；系统会列出每一处错误的行号、列名和原因。",
            ],
        ]
    if kind == "people":
        genders = " / ".join(str(label) for _v, label in Gender.choices)
        return [
            ["姓名", _REQUIRED_NOTE, "姓名与出生年月一起识别同一名干部"],
            ["性别", "", genders],
            ["民族", "", "如“汉族”“回族”，留空为汉族"],
            ["出生年月", "", "YYYY-MM，如 1972-05"],
            ["现任职务", "", "如“中共青川市委书记”"],
            ["手机号", "", "11 位手机号码，加密保存"],
        ]
    titles = "、".join(str(label) for _v, label in SecretaryTitle.choices)
    return [
        ["姓名", _REQUIRED_NOTE, "须已在系统中（先导入干部）"],
        ["出生年月", "", "YYYY-MM；有同名干部时必填"],
        ["组织代码", _REQUIRED_NOTE, "任职的党组织的代码"],
        ["职务", "", titles + "（留空为“书记”）"],
        ["任职起始", _REQUIRED_NOTE, "YYYY-MM-DD"],
        ["任职终止", "", "YYYY-MM-DD；仍在任留空"],
    ]


def template_file(kind: str, fmt: str) -> tuple[str, bytes, str]:
    """(filename, content, content type) of an empty import template with Chinese headers."""
    stem, title, columns = TEMPLATES[kind]
    if fmt == "csv":
        return f"{stem}.csv", write_csv(list(columns), []), "text/csv; charset=utf-8"
    content = write_xlsx(
        [(title, list(columns), []), ("填写说明", ["列名", "是否必填", "填写要求"], _instructions(kind))]
    )
    return f"{stem}.xlsx", content, XLSX_CONTENT_TYPE


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def organization_rows(organizations: QuerySet[Organization]) -> Iterator[list[Any]]:
    """Rows in template columns, parents before children (path order), streamed in chunks."""
    kinds = dict(OrgKind.choices)
    levels = dict(AdminLevel.choices)
    queryset = organizations.select_related("parent").only(
        "code",
        "name",
        "short_name",
        "kind",
        "admin_level",
        "parent__code",
        "is_central_soe",
        "is_central_financial",
        "valid_from_on",
        "valid_to_on",
        "note",
        "path",
    )
    for org in queryset.order_by("path").iterator(chunk_size=2000):
        yield [
            org.code,
            org.name,
            org.short_name,
            str(kinds.get(org.kind, org.kind)),
            str(levels.get(org.admin_level, org.admin_level)),
            org.parent.code if org.parent is not None else "",
            format_bool(org.is_central_soe),
            format_bool(org.is_central_financial),
            format_date(org.valid_from_on),
            format_date(org.valid_to_on),
            org.note,
        ]


def export_organizations(organizations: QuerySet[Organization], *, fmt: str = "xlsx") -> bytes:
    """The organizations as an importable .xlsx (or .csv), formula injection neutralised."""
    rows = organization_rows(organizations)
    if fmt == "csv":
        return write_csv(list(ORG_COLUMNS), rows)
    return write_xlsx([("党组织", list(ORG_COLUMNS), rows)])
