"""What the organization import and the people imports (imports_people) share (ORG-3, ORG-4): the templates'
row faults, the refusal, the result, progress, the label lookups, header and cell reading, the importer's
scope and the audit row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from shuping.core.errors import DomainError

from ..choices import AdminLevel, OrgKind
from ..models import SEGMENT_WIDTH, Organization
from ..tabular import Table

#: The organization template's columns, in order (exports use the same, so an export re-imports).
ORG_COLUMNS: tuple[str, ...] = (
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
    "备注",
)
ORG_REQUIRED: frozenset[str] = frozenset({"组织代码", "组织名称", "类型"})

#: The deepest tree the fixed-width path column can hold.
MAX_DEPTH = Organization._meta.get_field("path").max_length // SEGMENT_WIDTH  # type: ignore[operator]

#: Rows per progress report and per write batch.
CHUNK = 5000
#: Codes per `IN (...)` lookup (well under SQLite's and PostgreSQL's parameter limits).
LOOKUP_CHUNK = 900

Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    return None


@dataclass(frozen=True)
class RowError:
    """One fault in an import file: spreadsheet row number (header = 1), column name, reason in Chinese."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("第 %(row)s 行，「%(column)s」：%(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


def error_order(error: RowError) -> tuple[int, int]:
    """Row first, then the column's position in the template (left to right, as the user reads)."""
    for columns in (
        ORG_COLUMNS,
        (
            "姓名",
            "性别",
            "民族",
            "出生年月",
            "现任职务",
            "手机号",
            "组织代码",
            "职务",
            "任职起始",
            "任职终止",
        ),
    ):
        if error.column in columns:
            return error.row, columns.index(error.column)
    return error.row, 99


class ImportRejected(DomainError):
    """The file has faults; `errors` lists every one, and nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=error_order)
        super().__init__(
            _("导入文件中有 %(count)s 处错误，未导入任何数据。请修改后重新上传。")
            % {"count": len(self.errors)},
            code="import_rejected",
        )


@dataclass
class ImportResult:
    """What a successful import wrote."""

    created: int
    codes: list[str] = field(default_factory=list, repr=False)
    label: str = "党组织"

    @property
    def counts(self) -> dict[str, int]:
        return {self.label: self.created}


def label_lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Accept a choice by its Chinese label (as the template lists it), by a label without spaces, or by value."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        text = str(label)
        lookup[text] = value
        lookup[text.replace(" ", "")] = value
        lookup[value] = value
    return lookup


def kind_lookup() -> dict[str, str]:
    lookup = label_lookup(OrgKind.choices)
    # Common short forms a spreadsheet may carry.
    lookup.update(
        {
            "乡镇党委": OrgKind.TOWNSHIP_COMMITTEE,
            "街道党工委": OrgKind.TOWNSHIP_COMMITTEE,
            "教育工委": OrgKind.EDUCATION_WORK_COMMITTEE,
            "非公工委": OrgKind.NON_PUBLIC_WORK_COMMITTEE,
            "两新工委": OrgKind.NON_PUBLIC_WORK_COMMITTEE,
            "机关党委": OrgKind.DEPARTMENT_ORGAN_COMMITTEE,
            "党组": OrgKind.DEPARTMENT_ORGAN_COMMITTEE,
            "村党组织": OrgKind.VILLAGE_COMMITTEE,
            "社区党组织": OrgKind.VILLAGE_COMMITTEE,
            # The label before 直属单位 had a kind of its own (files exported then still import).
            "内设机构或直属单位党组织": OrgKind.INTERNAL_UNIT,
            "内设机构": OrgKind.INTERNAL_UNIT,
            "直属单位": OrgKind.AFFILIATED_UNIT,
            "直属单位党委": OrgKind.AFFILIATED_UNIT,
            "院系党组织": OrgKind.COLLEGE_COMMITTEE,
            "学院党委": OrgKind.COLLEGE_COMMITTEE,
            "二级学院党委": OrgKind.COLLEGE_COMMITTEE,
            "院系党总支": OrgKind.COLLEGE_COMMITTEE,
        }
    )
    return lookup


def level_lookup() -> dict[str, str]:
    lookup = label_lookup(AdminLevel.choices)
    lookup.update(
        {
            "省": AdminLevel.PROVINCE,
            "市": AdminLevel.PREFECTURE,
            "县": AdminLevel.COUNTY,
            "乡镇": AdminLevel.TOWNSHIP,
        }
    )
    return lookup


def check_header(
    table: Table, columns: Sequence[str], required: frozenset[str]
) -> tuple[dict[str, int], list[RowError]]:
    """Map column name → position; missing required columns and unknown columns are row-1 faults."""
    errors: list[RowError] = []
    positions: dict[str, int] = {}
    for index, raw in enumerate(table.header):
        name = raw.strip().rstrip("*＊").strip()
        if not name:
            continue
        if name not in columns:
            errors.append(RowError(1, raw, _("无法识别的列名；请使用模板中的列名")))
        elif name in positions:
            errors.append(RowError(1, name, _("列名重复")))
        else:
            positions[name] = index
    for name in columns:
        if name in required and name not in positions:
            errors.append(RowError(1, name, _("缺少必填列")))
    return positions, errors


def cell_of(cells: list[str], positions: dict[str, int], column: str) -> str:
    index = positions.get(column)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def in_chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def scope_prefixes(actor: Any) -> list[str] | None:
    """Paths under which `actor` may import; None = anywhere (the command line, `actor` None).

    Organizer staff import inside the subtrees they are granted (ORGANIZER_STAFF with include_subtree);
    the three administrators see no organization data (selectors), so they get no scope either.
    """
    if actor is None:
        return None
    from shuping.accounts.choices import Role

    from ..selectors import grant_scope

    scope = grant_scope(actor)
    return sorted(
        {
            path
            for role, path, include_subtree, _pk in scope.grants
            if role == Role.ORGANIZER_STAFF and include_subtree
        }
    )


def can_import_organizations(actor: Any) -> bool:
    """Whether `actor` may use the import at all (organizer staff with a subtree grant)."""
    prefixes = scope_prefixes(actor)
    return prefixes is None or bool(prefixes)


def record_audit_named(actor: Any, action: str, rows: int, filename: str) -> None:
    """One audit event for the whole file (SEC-4), in the import's transaction."""
    try:
        from shuping.audit.services import AuditTarget, record
    except ImportError:  # the audit app is not there yet
        return
    record(
        actor=actor,
        action=action,
        # The object is the file imported (INT-3: every audit row names what was acted on).
        target=AuditTarget(type="orgs.import_file", label=filename[:255]),
        source="job" if actor else "cli",
        detail={"rows": rows, "file": filename[:200]},
    )


def record_audit(actor: Any, rows: int, filename: str) -> None:
    record_audit_named(actor, "orgs.import", rows, filename)
