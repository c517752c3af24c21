"""The pages that generate documents, and what they generate (DOC-4).

`DOCUMENT_ROUTES` names every route that answers with a generated document (PDF, .docx, a pack or a batch
of them) and the page that offers it; `GENERATING_PAGES` are those pages. On each of them the site shell
(templates/base.html, through `context_processors.font_notice`) says when the font chooser had to use a
stand-in for one of the GB/T 9704 typefaces and how to install the licensed fonts (SHUPING_FONT_DIR) — a
new generating page gets the notice by being named here, and
shuping/documents/tests/test_font_notice_pages.py fails for a document route of the URL conf that is not.
"""

from __future__ import annotations

#: document route → the page that offers it (both as `app:name` view names).
DOCUMENT_ROUTES: dict[str, str] = {
    "campaigns:notice_file": "campaigns:detail",  # the campaign 工作通知 (红头文件) and its attachments
    "meetings:pack": "meetings:detail",  # the meeting pack: 通知, 议程, 签到表, 测评表, 计票结果报告单
    "ballots:certificate": "ballots:reconcile",  # the certified 计票结果报告单
    "reports:pdf": "reports:edit",  # the 述职报告 as a document
    "fieldwork:report": "fieldwork:detail",  # the field team's report
    "evaluations:form_pdf": "evaluations:assessment",  # one 综合评价意见表
    "evaluations:form_docx": "evaluations:assessment",
    "evaluations:batch_forms": "evaluations:calibration",  # every 综合评价意见表 of the campaign (a job)
    "feedback:letters": "feedback:board",  # every 反馈意见 of the campaign (a job)
    "feedback:letter_pdf": "feedback:feedback",  # one 反馈意见
    "feedback:letter_docx": "feedback:feedback",
    "feedback:circular_pdf": "feedback:circular",  # the 通报
    "feedback:circular_docx": "feedback:circular",
    "feedback:transfer_pdf": "feedback:transfer",  # the 移交清单
    "feedback:transfer_docx": "feedback:transfer",
    "rectification:circular_pdf": "rectification:campaign",  # the 整改通报
    "oversight:report_file": "oversight:report",  # the report sent up
}

#: Every page that generates documents: those offering a document route, the page where 通报 are issued,
#: and the 发文 register listing what was issued.
GENERATING_PAGES: frozenset[str] = frozenset(
    {*DOCUMENT_ROUTES.values(), "feedback:circulars", "documents:register"}
)
