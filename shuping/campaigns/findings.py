"""Carry-over (CMP-5, Art. 4): inspection findings attached to each assessee, and the rectification hook.

Art. 4: 注重考核上年度述职评议考核整改清单落实情况和巡视、巡察反馈中涉及基层党建工作问题整改情况.

Findings are entered one by one or imported from an .xlsx sheet (openpyxl) with the columns
组织代码 | 来源 | 反馈日期 | 问题描述 | 整改情况. Every bad row is reported with its row, column and reason in
Chinese, and a file with any bad row imports nothing.

Hook for last year's unfinished rectification items: the rectification app (not built yet) registers a
provider with `register_carry_over(func)`, where `func(assessments) -> {assessment pk: [item, …]}`;
`carry_over_for(assessments)` merges every provider's answer, and report, field and evaluation screens
show it. Until then it returns nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction

from shuping.core import uploads

from .choices import FindingSource
from .models import Assessment, Campaign, InspectionFinding
from .services.base import CampaignError, audit, check_editable

if TYPE_CHECKING:
    from shuping.accounts.models import User

HEADER = ("组织代码", "来源", "反馈日期", "问题描述", "整改情况")
_SOURCE_BY_LABEL = {str(label): value for value, label in FindingSource.choices}

_CARRY_OVER: list[Callable[[Sequence[Assessment]], dict[int, list[Any]]]] = []


def register_carry_over(func: Callable[[Sequence[Assessment]], dict[int, list[Any]]]) -> None:
    """The rectification app registers last year's unfinished items here (CMP-5)."""
    if func not in _CARRY_OVER:
        _CARRY_OVER.append(func)


def carry_over_for(assessments: Sequence[Assessment]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {a.pk: [] for a in assessments}
    for func in _CARRY_OVER:
        for pk, items in func(assessments).items():
            out.setdefault(pk, []).extend(items)
    return out


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行“{self.column}”：{self.reason}"


class FindingImportError(CampaignError):
    """The sheet has bad rows; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            "导入失败，未写入任何数据：" + "；".join(str(e) for e in errors[:20]), code="bad_rows"
        )
        self.errors = errors


@transaction.atomic
def add_finding(
    *,
    actor: User | None,
    assessment: Assessment,
    source_kind: str,
    description: str,
    fed_back_on: date | None = None,
    rectification_status: str = "",
    source: str = "web",
) -> InspectionFinding:
    """Attach one 巡视/巡察/审计/督查 finding to an assessee (CMP-5)."""
    check_editable(assessment.campaign)
    if source_kind not in FindingSource.values:
        raise CampaignError("来源应为巡视、巡察、审计或督查。", field="source")
    if not description.strip():
        raise CampaignError("问题描述不能为空。", field="description")
    finding = InspectionFinding.objects.create(
        assessment=assessment,
        source=source_kind,
        description=description.strip(),
        fed_back_on=fed_back_on,
        rectification_status=rectification_status.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(actor, "campaigns.finding.add", finding, source, assessment=assessment.pk, kind=source_kind)
    return finding


def _cell_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()  # naive: a spreadsheet cell carries no time zone
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip().replace("/", "-").replace(".", "-"))


@transaction.atomic
def import_findings(
    *, actor: User | None, campaign: Campaign, file: IO[bytes], source: str = "web"
) -> list[InspectionFinding]:
    """Import findings from an .xlsx sheet; any bad row → FindingImportError and nothing written (CMP-5)."""
    from openpyxl import load_workbook

    check_editable(campaign)
    data = file.read(uploads.FINDINGS_XLSX.max_bytes + 1)
    # The upload gate (INT-1): size and the zip directory before openpyxl inflates anything.
    uploads.check_bytes(data, uploads.FINDINGS_XLSX)
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a non-xlsx upload
        raise CampaignError("无法读取文件，请上传 .xlsx 格式的表格。", field="file") from None
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(HEADER)]) != HEADER:
        raise CampaignError("表头应为：" + "、".join(HEADER) + "。", field="file")
    by_code = {
        code: a
        for a, code in (
            (a, a.organization.code)
            # A predecessor (second reporter) shares the organization code; findings go to the post's own row.
            for a in campaign.assessments.filter(is_excluded=False, is_predecessor=False).select_related(
                "organization"
            )
        )
    }
    errors: list[RowError] = []
    pending: list[InspectionFinding] = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = [*raw, *([None] * len(HEADER))][: len(HEADER)]
        if all(c in (None, "") for c in cells):
            continue
        code, label, _fed_back, description, status = (str(c).strip() if c is not None else "" for c in cells)
        assessment = by_code.get(code)
        if assessment is None:
            errors.append(RowError(number, "组织代码", f"“{code}”不在本次考核名单中"))
        kind = _SOURCE_BY_LABEL.get(label)
        if kind is None:
            errors.append(RowError(number, "来源", "应为巡视、巡察、审计或督查"))
        try:
            fed_back_on = _cell_date(cells[2])
        except ValueError:
            errors.append(RowError(number, "反馈日期", "日期格式应为 YYYY-MM-DD"))
            fed_back_on = None
        if not description:
            errors.append(RowError(number, "问题描述", "不能为空"))
        if assessment is not None and kind is not None and description:
            pending.append(
                InspectionFinding(
                    assessment=assessment,
                    source=kind,
                    fed_back_on=fed_back_on,
                    description=description,
                    rectification_status=status,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
    if errors:
        raise FindingImportError(errors)
    created = InspectionFinding.objects.bulk_create(pending)
    audit(actor, "campaigns.finding.import", campaign, source, rows=len(created))
    return created
