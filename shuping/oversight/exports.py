"""Every dashboard table to Excel (OVS-2): openpyxl through orgs.tabular.write_xlsx, which neutralises
formula triggers (=, +, -, @ …) in every text cell (OWASP CSV/formula injection)."""

from __future__ import annotations

from shuping.campaigns.choices import STAGE_ORDER, Stage
from shuping.orgs.tabular import write_xlsx

from .selectors import Dashboard


def dashboard_xlsx(board: Dashboard) -> bytes:
    stage_labels = [str(Stage(s).label) for s in STAGE_ORDER]
    children = [
        [r.name, r.campaigns, r.draft, r.open, r.closed, r.with_plan, r.assessments, r.late]
        for r in [*board.rows, board.totals]
    ]
    stages = [
        [r.name, *[r.stages[s] for s in STAGE_ORDER], r.assessments] for r in [*board.rows, board.totals]
    ]
    late = [
        [c["campaign__organizer__name"], c["campaign__title"], c["total"], c["late"]]
        for c in board.late_campaigns
    ]
    trend = [[t["year"], t["campaigns"], t["assessees"], t["decided"]] for t in board.trend]
    sheets = [
        (
            "下级概况",
            ["单位", "考核数", "筹备中", "进行中", "已结束", "已报送会议方案", "考核对象", "进度滞后"],
            children,
        ),
        ("各阶段人数", ["单位", *stage_labels, "合计"], stages),
        ("进度滞后", ["组织单位", "考核", "考核对象", "进度滞后"], late),
        ("年度趋势", ["年度", "考核数", "考核对象", "已研究审定"], trend),
    ]
    if board.grades is not None:
        sheets.append(
            (
                "等次分布",
                ["单位", "等次", "人数"],
                [[g["child_name"], g["grade"], g["count"]] for g in board.grades],
            )
        )
    if board.rectification is not None:
        sheets.append(
            (
                "整改完成与逾期",
                ["单位", "整改事项", "已销号", "未完成", "逾期"],
                [
                    [r["child_name"], r["items"], r["done"], r["open"], r["overdue"]]
                    for r in board.rectification
                ],
            )
        )
    return write_xlsx(sheets)
